"""Question 7: what dropout costs in training (seconds per epoch, epochs to best) and what MC Dropout costs at
inference (time per sample count), with MC accuracy and the uncertainty on the most confusing test digits."""
from __future__ import annotations

import time
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf

from engine.context import RunContext
from engine.experiments.demos import common
from engine.training import pipeline

SMALL_MC = 10  # the usual minimum number of MC samples
TIMING_REPEATS = 3  # best of several (more for cheap ones): the fastest repeat is the least disturbed by other work
CONFUSING = 5  # test digits shown with their uncertainty


def timed_passes(call: Callable[[tf.Tensor], tf.Tensor], x: tf.Tensor, passes: int) -> float:
    """Best-of-several seconds for `passes` forward passes over x, averaged into one prediction."""
    best = float("inf")
    for _ in range(max(TIMING_REPEATS, 30 // passes)):
        started = time.perf_counter()
        np.mean([np.asarray(call(x)) for _ in range(passes)], axis=0)
        best = min(best, time.perf_counter() - started)
    return best


def mc_predict(call: Callable[[tf.Tensor], tf.Tensor], x: tf.Tensor, samples: int) -> np.ndarray:
    """Class probabilities of every sample: shape (samples, images, classes)."""
    return np.stack([np.asarray(call(x)) for _ in range(samples)])


def inference_images(x: np.ndarray, count: int) -> tf.Tensor:
    """`count` test images (repeated if the split is smaller) as one float tensor."""
    repeats = -(-count // len(x))
    return tf.constant(pipeline.as_float(np.concatenate([x] * repeats)[:count]))


def run(ctx: RunContext) -> dict[str, Any]:
    """Train with and without dropout, then time normal inference against MC Dropout and measure uncertainty."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    plain_label, drop_label = "no dropout", f"dropout {p['dropout']:g}"
    trained: dict[str, dict[str, Any]] = {}
    models: dict[str, keras.Model] = {}
    for label, rate in ((plain_label, 0.0), (drop_label, p["dropout"])):
        keras.utils.set_random_seed(p["seed"])
        models[label] = common.dense_stack(p["hidden_layers"], p["units"], "relu",
                                           common.seeded("he_normal", p["seed"]), dropout=rate, seed=p["seed"])
        result = common.fit(ctx, models[label], split, series=label, epochs=p["epochs"], batch_size=p["batch_size"],
                            seed=p["seed"], optimizer=keras.optimizers.Adam(p["learning_rate"]))
        val_loss = result["history"].get("val_loss", [])
        steady = result["epoch_seconds"][1:] or result["epoch_seconds"]  # the first epoch includes tracing
        trained[label] = {"seconds_per_epoch": float(np.median(steady)), "best_epoch": common.best_epoch(val_loss, "min"),
                          "best_val_loss": min(val_loss) if val_loss else None, "epochs": result["epochs"],
                          "best_val_accuracy": max(result["history"].get("val_accuracy", [0.0])),
                          "test_accuracy": common.accuracy(models[label], split.x_test, split.y_test)}
    ctx.check_stop()
    ctx.phase("timing inference", detail=f"one pass vs MC Dropout with {SMALL_MC} and {p['mc_samples']} samples")
    model = models[drop_label]
    normal = tf.function(lambda x: model(x, training=False))
    stochastic = tf.function(lambda x: model(x, training=True))  # dropout stays on: one MC sample per call
    plain_normal = tf.function(lambda x: models[plain_label](x, training=False))
    x = inference_images(split.x_test, p["inference_images"])
    for call in (normal, stochastic, plain_normal):
        call(x)  # trace before timing
    ms = {"no dropout, one pass": timed_passes(plain_normal, x, 1) * 1000,
          "dropout model, one pass": timed_passes(normal, x, 1) * 1000,
          "MC Dropout, 1 sample": timed_passes(stochastic, x, 1) * 1000,
          f"MC Dropout, {SMALL_MC} samples": timed_passes(stochastic, x, SMALL_MC) * 1000,
          f"MC Dropout, {p['mc_samples']} samples": timed_passes(stochastic, x, p["mc_samples"]) * 1000}
    one, mc_one, small, large = list(ms.values())[1:]
    timing = common.table(ctx, "inference", f"Inference time for {p['inference_images']:,} images",
                          ["prediction", "ms", "× one pass"], [[k, v, v / one] for k, v in ms.items()])
    common.curve(ctx, "inference_ms", "Inference time vs forward passes", "forward passes", "ms",
                 {"MC Dropout": ([1, SMALL_MC, p["mc_samples"]], [mc_one, small, large])})
    ctx.check_stop()
    ctx.phase("MC Dropout on the test digits", samples=p["mc_samples"])
    test_x = tf.constant(pipeline.as_float(split.x_test))
    samples = mc_predict(stochastic, test_x, p["mc_samples"])
    mean = samples.mean(axis=0)
    predicted = mean.argmax(axis=1)
    mc_accuracy = float(np.mean(predicted == split.y_test))
    single = np.asarray(normal(test_x))
    spread = samples.std(axis=0)[np.arange(len(predicted)), predicted]  # std of the chosen class's probability
    confusing = np.argsort(mean.max(axis=1))[:CONFUSING]
    uncertainty = common.table(
        ctx, "uncertainty", f"The {CONFUSING} least certain test digits ({p['mc_samples']} MC samples)",
        ["test image (position)", "true digit", "one pass says", "its probability", "MC says", "MC mean probability",
         "MC std"],
        [[int(i), int(split.y_test[i]), int(single[i].argmax()), float(single[i].max()), int(predicted[i]),
          float(mean[i, predicted[i]]), float(spread[i])] for i in confusing])
    plain, drop = trained[plain_label], trained[drop_label]
    training = common.table(ctx, "training", "Training with and without dropout",
                            ["configuration", "s per epoch", "epoch of best val loss", "best val accuracy",
                             "test accuracy"],
                            [[k, v["seconds_per_epoch"], v["best_epoch"], v["best_val_accuracy"], v["test_accuracy"]]
                             for k, v in trained.items()])
    holds = one < small < large and mc_one < small < large
    text = (f"With dropout {p['dropout']:g} an epoch took {drop['seconds_per_epoch']:.3f} s against "
            f"{plain['seconds_per_epoch']:.3f} s ({drop['seconds_per_epoch'] / plain['seconds_per_epoch']:.2f}×) and "
            f"the best validation loss came at epoch {drop['best_epoch']} against {plain['best_epoch']}. One forward "
            f"pass took {one:.1f} ms (the model without dropout {ms[plain_label + ', one pass']:.1f} ms); MC Dropout "
            f"took {mc_one:.1f} ms with 1 sample, {small:.1f} ms with {SMALL_MC} ({small / mc_one:.1f}×) and "
            f"{large:.1f} ms with {p['mc_samples']} ({large / mc_one:.1f}×); MC accuracy {common.pct(mc_accuracy)} "
            f"vs {common.pct(drop['test_accuracy'])} for one pass.")
    numbers = {"training": trained, "inference_ms": ms, "mc_samples": p["mc_samples"], "mc_accuracy": mc_accuracy,
               "one_pass_accuracy": drop["test_accuracy"], "mean_mc_std": float(spread.mean()),
               "least_certain_std": [float(spread[i]) for i in confusing]}
    return {"summary": {"test_accuracy": mc_accuracy, "best_val_accuracy": drop["best_val_accuracy"],
                        "epochs": plain["epochs"] + drop["epochs"]},
            "tables": {"training": training, "inference": timing, "uncertainty": uncertainty},
            "data": split.sizes(), "verdict": common.verdict(ctx, text, numbers, holds)}
