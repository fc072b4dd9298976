"""Question 7: what dropout costs in training (seconds and epochs to the best validation loss, against no dropout,
paired over seeds), that it costs nothing at inference (the same weights with and without the dropout layers,
timed alike), and what MC Dropout costs (N samples against one, the same repeats for every N) and gives
(accuracy paired with one pass on the same images, and a spread that is larger where it is wrong)."""
from __future__ import annotations

import time
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf

from engine.context import RunContext
from engine.experiments.demos import common
from engine.experiments.demos.sparsity import test_sample
from engine.judges.dropout import judge
from engine.training import pipeline

SMALL_MC = 10  # the usual minimum number of MC samples
INFERENCE_CALLS = 10  # passes per timed measurement of plain inference, so each one is well above the clock's noise
CONFUSING = 5  # test digits shown with their uncertainty
NONE, DROP = "none", "dropout"  # keys of the judge's numbers
LABELS = {NONE: "no dropout", DROP: "dropout"}


def steady_seconds(epoch_seconds: list[float]) -> list[float]:
    """Epoch seconds with the first epoch's (which includes tracing the step) replaced by the later median."""
    if len(epoch_seconds) < 2:
        return list(epoch_seconds)
    return [float(np.median(epoch_seconds[1:]))] + list(epoch_seconds[1:])


def to_best(val_loss: list[float], epoch_seconds: list[float]) -> tuple[int, float]:
    """The 1-based epoch of the best validation loss and the training seconds spent up to it."""
    best = common.best_epoch(val_loss, "min") or len(val_loss)
    return best, float(sum(steady_seconds(epoch_seconds)[:best]))


def timed(call: Callable[[], Any]) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def rotated(items: list[Any], r: int) -> list[Any]:
    """The items starting from a different one each round, so no one is always timed first."""
    return items[r % len(items):] + items[:r % len(items)]


def paired_rounds(calls: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Milliseconds of every call in every round, the calls taking turns so that load hits them alike."""
    for call in calls.values():
        call()  # warm up (and trace) before timing
    ms: dict[str, list[float]] = {label: [] for label in calls}
    for r in range(rounds):
        for label in rotated(list(calls), r):
            ms[label].append(timed(calls[label]))
    return ms


def train_arms(ctx: RunContext, split: Any, p: dict[str, Any]) -> tuple[dict[str, dict[str, list]], keras.Model, int]:
    """Train with and without dropout for every seed; return per-arm measurements, the first dropout model, epochs.

    Each arm is one model compiled once: every seed loads its own starting weights and a fresh optimizer, so
    the traced training step (seconds of a short run) is reused instead of traced again per seed.
    """
    arms = {NONE: 0.0, DROP: p["dropout"]}
    measured = {arm: {"epochs_to_best": [], "seconds_to_best": [], "seconds_per_epoch": [], "best_val_loss": [],
                      "test_accuracy": []} for arm in arms}
    models: dict[str, tuple[keras.Model, keras.optimizers.Optimizer, list[np.ndarray]]] = {}
    first_dropout, epochs = None, 0
    # seeded once: setting the global seed again would make TensorFlow trace the training step again
    keras.utils.set_random_seed(p["seed"])
    for i in range(p["seeds"]):
        seed = p["seed"] + i
        start = common.dense_stack(p["hidden_layers"], p["units"], "relu", common.seeded("he_normal", seed),
                                   seed=seed).get_weights()  # this seed's He weights, the same for both arms
        for arm in (list(arms) if i % 2 == 0 else list(reversed(arms))):  # alternate, so order effects cancel
            if arm not in models:
                model = common.dense_stack(p["hidden_layers"], p["units"], "relu", common.seeded("he_normal", seed),
                                           dropout=arms[arm], seed=seed)
                optimizer = keras.optimizers.Adam(p["learning_rate"])
                optimizer.build(model.trainable_variables)
                model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                              steps_per_execution=32)
                models[arm] = (model, optimizer, [v.numpy() for v in optimizer.variables])
            model, optimizer, fresh = models[arm]
            model.set_weights(start)
            for variable, value in zip(optimizer.variables, fresh):
                variable.assign(value)
            result = common.fit(ctx, model, split, series=f"{LABELS[arm]} · seed {seed}", epochs=p["epochs"],
                                batch_size=p["batch_size"], seed=seed, optimizer=optimizer, compile_model=False)
            epochs += result["epochs"]
            val_loss = result["history"].get("val_loss", [])
            best, seconds = to_best(val_loss, result["epoch_seconds"])
            m = measured[arm]
            m["epochs_to_best"].append(best)
            m["seconds_to_best"].append(seconds)
            m["seconds_per_epoch"].append(float(np.median(steady_seconds(result["epoch_seconds"]))))
            m["best_val_loss"].append(min(val_loss) if val_loss else None)
            m["test_accuracy"].append(common.accuracy(model, split.x_test, split.y_test))
            if arm == DROP and first_dropout is None:
                first_dropout = [w.copy() for w in model.get_weights()]
    model = models[DROP][0]
    model.set_weights(first_dropout)  # the first seed's trained dropout model is the one examined below
    return measured, model, epochs


def without_dropout(model: keras.Model, p: dict[str, Any]) -> keras.Model:
    """The same trained weights in the same stack with its dropout layers left out."""
    plain = common.dense_stack(p["hidden_layers"], p["units"], "relu", common.seeded("he_normal", p["seed"]),
                               seed=p["seed"])
    plain.set_weights(model.get_weights())  # dropout layers hold no weights, so the lists line up
    return plain


def spread_stats(values: np.ndarray) -> dict[str, float]:
    """Mean, standard deviation and count of per-image spreads."""
    return {"mean": float(values.mean()) if len(values) else 0.0,
            "sd": float(values.std(ddof=1)) if len(values) > 1 else 0.0, "n": int(len(values))}


def run(ctx: RunContext) -> dict[str, Any]:
    """Train with and without dropout, time inference with and without its layers and MC Dropout, judge."""
    p = ctx.params
    split = test_sample(ctx, common.demo_split(ctx, range(10), p["per_class"]), p["test_images"])
    trained, model, epochs = train_arms(ctx, split, p)
    training = common.table(ctx, "training", f"Training with and without dropout ({p['seeds']} seed(s), means)",
                            ["configuration", "epochs to best val loss", "seconds to it", "s per epoch",
                             "best val loss", "test accuracy"],
                            [[LABELS[arm], float(np.mean(m["epochs_to_best"])), float(np.mean(m["seconds_to_best"])),
                              float(np.mean(m["seconds_per_epoch"])), float(np.mean(m["best_val_loss"])),
                              float(np.mean(m["test_accuracy"]))] for arm, m in trained.items()])
    ctx.check_stop()
    ctx.phase("timing inference", detail=f"with and without the dropout layers, and MC Dropout with 1, {SMALL_MC} "
              f"and {p['mc_samples']} samples, {p['timing_rounds']} rounds each")
    plain = without_dropout(model, p)
    x = tf.constant(pipeline.as_float(np.resize(split.x_test, (p["inference_images"], *split.x_test.shape[1:]))))
    with_layers = tf.function(lambda x: model(x, training=False))
    without_layers = tf.function(lambda x: plain(x, training=False))
    stochastic = tf.function(lambda x: model(x, training=True))  # dropout stays on: one MC sample per call
    difference = float(np.max(np.abs(np.asarray(with_layers(x)) - np.asarray(without_layers(x)))))
    rounds = max(p["timing_rounds"], 2)

    def passes(call: Callable, n: int) -> Callable[[], Any]:
        return lambda: np.mean([np.asarray(call(x)) for _ in range(n)], axis=0)

    inference = paired_rounds({"with_layers": passes(with_layers, INFERENCE_CALLS),
                               "without_layers": passes(without_layers, INFERENCE_CALLS)}, rounds * 12)
    samples = [1, SMALL_MC, p["mc_samples"]]
    mc = paired_rounds({str(n): passes(stochastic, n) for n in samples}, rounds)
    timing = common.table(ctx, "inference", f"Inference time for {p['inference_images']:,} images (median ms)",
                          ["prediction", "ms", "× one pass"],
                          [[label, float(np.median(v)) / INFERENCE_CALLS,
                            float(np.median(v)) / float(np.median(inference["without_layers"]))]
                           for label, v in (("with the dropout layers", inference["with_layers"]),
                                            ("without them", inference["without_layers"]))]
                          + [[f"MC Dropout, {n} sample(s)", float(np.median(mc[str(n)])),
                              float(np.median(mc[str(n)])) / float(np.median(mc["1"]))] for n in samples])
    common.curve(ctx, "inference_ms", "MC Dropout time vs samples (median of paired rounds)", "samples", "ms",
                 {"MC Dropout": (samples, [float(np.median(mc[str(n)])) for n in samples]),
                  "N × one sample": (samples, [n * float(np.median(mc["1"])) for n in samples])})
    ctx.check_stop()
    ctx.phase("MC Dropout on the test digits", samples=p["mc_samples"])
    test_x = tf.constant(pipeline.as_float(split.x_test))
    draws = np.stack([np.asarray(stochastic(test_x)) for _ in range(p["mc_samples"])])
    mean = draws.mean(axis=0)
    predicted = mean.argmax(axis=1)
    single = np.asarray(with_layers(test_x))
    mc_right, single_right = predicted == split.y_test, single.argmax(axis=1) == split.y_test
    # std of the chosen class's probability; samples that all agree have exactly none (not float32 rounding)
    chosen = draws[:, np.arange(len(predicted)), predicted].astype(np.float64)
    spread = np.where(np.ptp(chosen, axis=0) == 0, 0.0, chosen.std(axis=0))
    confusing = np.argsort(mean.max(axis=1))[:CONFUSING]
    uncertainty = common.table(
        ctx, "uncertainty", f"The {CONFUSING} least certain test digits ({p['mc_samples']} MC samples)",
        ["test image (position)", "true digit", "one pass says", "its probability", "MC says", "MC mean probability",
         "MC std"],
        [[int(i), int(split.y_test[i]), int(single[i].argmax()), float(single[i].max()), int(predicted[i]),
          float(mean[i, predicted[i]]), float(spread[i])] for i in confusing])
    numbers = {"dropout": p["dropout"], "seeds": [p["seed"] + i for i in range(p["seeds"])], "training": trained,
               "inference_ms": inference, "inference_margin": p["inference_margin"],
               "max_output_difference": difference, "mc_ms": mc, "mc_samples": p["mc_samples"],
               "accuracy_pair": {"n": int(len(predicted)), "only_mc_right": int((mc_right & ~single_right).sum()),
                                 "only_single_right": int((single_right & ~mc_right).sum())},
               "mc_accuracy": float(mc_right.mean()), "single_accuracy": float(single_right.mean()),
               "mc_margin_points": p["mc_margin_points"],
               "spread": {"wrong": spread_stats(spread[~mc_right]), "right": spread_stats(spread[mc_right])}}
    return {"summary": {"test_accuracy": float(mc_right.mean()),
                        "best_val_accuracy": float(np.mean(trained[DROP]["test_accuracy"])), "epochs": epochs},
            "tables": {"training": training, "inference": timing, "uncertainty": uncertainty},
            "data": split.sizes(), "verdict": common.emit_verdict(ctx, judge(numbers))}
