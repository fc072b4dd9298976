"""Exercise 10 (first edition): pretrain a twin network on "same digit?" pairs, then reuse its lower layers."""
from __future__ import annotations

from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.data import Split, sample_per_class
from engine.experiments.demos import common
from engine.experiments.topics.pairs import balanced_pairs, halves
from engine.judges import auxiliary_task as judge_aux
from engine.training import pipeline
from engine.training.callbacks import EventsCallback

BOOK = judge_aux.BOOK


def base_network(p: dict[str, Any], seed: int, name: str = "base") -> keras.Sequential:
    """The lower layers both tasks share: the exercise's stack of ELU layers with He initialization."""
    init = common.seeded("he_normal", seed)
    layers: list[keras.layers.Layer] = [keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                        keras.layers.Rescaling(1 / 255)]
    layers += [keras.layers.Dense(p["units"], activation="elu", kernel_initializer=init(i), name=f"hidden{i}")
               for i in range(1, p["hidden_layers"] + 1)]
    return keras.Sequential(layers, name=name)


def twin(base: keras.Model, seed: int) -> keras.Model:
    """Both images through the same base, outputs side by side, a small hidden layer, then P(same digit)."""
    left, right = keras.Input(shape=(28, 28), name="left"), keras.Input(shape=(28, 28), name="right")
    both = keras.layers.Concatenate()([base(left), base(right)])
    hidden = keras.layers.Dense(10, activation="elu", kernel_initializer=keras.initializers.HeNormal(seed))(both)
    same = keras.layers.Dense(1, activation="sigmoid")(hidden)
    return keras.Model([left, right], same, name="twin")


def pretrain(ctx: RunContext, x: np.ndarray, y: np.ndarray, p: dict[str, Any]) -> tuple[keras.Model, float]:
    """Train the twin on balanced pairs from split 1; return its base and its accuracy on fresh pairs."""
    keras.utils.set_random_seed(p["seed"])
    base = base_network(p, p["seed"])
    model = twin(base, p["seed"])
    a, b, same = balanced_pairs(y, p["pairs"], p["seed"])
    ta, tb, tsame = balanced_pairs(y, max(p["pairs"] // 10, 200), p["seed"] + 1)  # held-out pairs, other draws
    xf = pipeline.as_float(x)
    ctx.phase("training", series="twin (same digit?)")
    model.compile(optimizer=keras.optimizers.Adam(p["learning_rate"]), loss="binary_crossentropy",
                  metrics=["accuracy"], steps_per_execution=32)
    steps = max(len(same) // p["batch_size"], 1)
    model.fit([xf[a], xf[b]], same, batch_size=p["batch_size"], epochs=p["pair_epochs"], verbose=0,
              validation_data=([xf[ta], xf[tb]], tsame),
              callbacks=[EventsCallback(ctx.events, ctx.stop, p["pair_epochs"], steps,
                                        tags={"series": "twin (same digit?)"})])
    ctx.check_stop()
    guess = model.predict([xf[ta], xf[tb]], batch_size=1024, verbose=0).ravel() >= 0.5
    return base, float(np.mean(guess == (tsame == 1)))


def classifier(base: keras.Model, seed: int) -> keras.Sequential:
    """The reused (or fresh) lower layers under a new 10-way softmax."""
    head = keras.layers.Dense(10, activation="softmax", kernel_initializer=keras.initializers.HeNormal(seed),
                              name="output")
    return keras.Sequential([base, head], name="classifier")


def run(ctx: RunContext) -> dict[str, Any]:
    """Split the training set; pretrain on pairs from split 1; train frozen, fine-tuned and scratch classifiers."""
    p = ctx.params
    mnist = ctx.mnist()
    first, second = halves(len(mnist.y_train), p["seed"])
    train, val = sample_per_class(mnist.y_train[second], p["per_class"], p["val_per_class"], p["seed"])
    train, val = second[train], second[val]
    split = Split(mnist.x_train[train], mnist.y_train[train].astype(np.int32), mnist.x_train[val],
                  mnist.y_train[val].astype(np.int32), mnist.x_test, mnist.y_test.astype(np.int32))
    ctx.phase("data ready", sizes={"split 1 (pairs)": len(first), "classifier train": len(train),
                                   "classifier val": len(val), "test": len(mnist.y_test)})
    pretrained, pair_accuracy = pretrain(ctx, mnist.x_train[first], mnist.y_train[first], p)
    weights = pretrained.get_weights()
    seeds = [p["seed"] + i for i in range(p["seeds"])]
    found: dict[str, list[float]] = {"frozen": [], "fine-tuned": [], "scratch": []}
    epochs = p["pair_epochs"]
    for index, seed in enumerate(seeds):
        tag = "" if index == 0 else f" · seed {seed}"
        keras.utils.set_random_seed(seed)
        reused = base_network(p, seed, name="reused")
        reused.set_weights(weights)  # a copy: every seed starts from the same pretrained layers
        reused.trainable = False
        model = classifier(reused, seed)
        trained = common.fit(ctx, model, split, series=f"frozen{tag}", epochs=p["epochs"], batch_size=p["batch_size"],
                             seed=seed, optimizer=keras.optimizers.Adam(p["learning_rate"]))
        found["frozen"].append(common.accuracy(model, split.x_test, split.y_test))
        reused.trainable = True  # then fine-tune every layer at a lower rate (fit compiles again)
        tuned = common.fit(ctx, model, split, series=f"fine-tuned{tag}", epochs=p["finetune_epochs"],
                           batch_size=p["batch_size"], seed=seed,
                           optimizer=keras.optimizers.Adam(p["finetune_learning_rate"]))
        found["fine-tuned"].append(common.accuracy(model, split.x_test, split.y_test))
        keras.utils.set_random_seed(seed)
        scratch = classifier(base_network(p, seed, name="fresh"), seed)
        fresh = common.fit(ctx, scratch, split, series=f"scratch{tag}", epochs=p["epochs"] + p["finetune_epochs"],
                           batch_size=p["batch_size"], seed=seed, optimizer=keras.optimizers.Adam(p["learning_rate"]))
        found["scratch"].append(common.accuracy(scratch, split.x_test, split.y_test))
        epochs += trained["epochs"] + tuned["epochs"] + fresh["epochs"]
        ctx.check_stop()
    numbers = {"pair_accuracy": pair_accuracy, "pair_test_pairs": max(p["pairs"] // 10, 200),
               "per_class": p["per_class"], "seeds": seeds, "test_accuracy": found}
    rows = [["pair accuracy (same digit?)", f"{pair_accuracy:.2%}", BOOK["pairs"]]]
    rows += [[f"{name}, test accuracy", _spread(values), BOOK.get(name, "—")] for name, values in found.items()]
    results = common.table(ctx, "auxiliary", f"{p['per_class']} images per digit from split 2, mean ± std over "
                           f"{len(seeds)} seeds; the book's 1st-edition solution beside", ["measure", "this run",
                                                                                          "book"], rows)
    judged = judge_aux.judge(numbers)
    return {"summary": {"epochs": epochs, "test_accuracy": float(np.mean(found["fine-tuned"])),
                        "pair_accuracy": pair_accuracy},
            "tables": {"auxiliary": results}, "data": split.sizes(), "verdict": common.emit_verdict(ctx, judged)}


def _spread(values: list[float]) -> str:
    return f"{np.mean(values):.2%}" + (f" ± {np.std(values, ddof=1):.2%}" if len(values) > 1 else "")
