"""Question 6: three ways to a sparse model (zeroing tiny weights, ℓ1 regularization, FTRL with ℓ1), each measured
against its dense control as the share of exact zeros, with test accuracy paired image by image.

Weights fed by pixels that are blank in every training image never get a gradient; they are counted apart."""
from __future__ import annotations

import dataclasses
from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.data import Split
from engine.experiments.demos import common
from engine.judges.sparsity import judge
from engine.training import pipeline

THRESHOLD_STEPS = (1, 10, 50)  # the chosen threshold and two larger ones, to show the trade-off
TEST_SAMPLE_SEED = 7  # one fixed sample of the MNIST test set, the same for every method


def kernels(model: keras.Model) -> list[keras.Variable]:
    """The connection weights of every Dense layer (biases are few and left out)."""
    return [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def never_lit(x_train: np.ndarray) -> np.ndarray:
    """Per pixel, True when it is blank in every training image (its first-layer weights get no gradient)."""
    return x_train.reshape(len(x_train), -1).max(axis=0) == 0


def zero_counts(values: list[np.ndarray], blank: np.ndarray) -> dict[str, int]:
    """Exact zeros among the weights fed by never-lit pixels (rows of the first kernel) and among the rest."""
    first, rest = values[0], values[1:]
    never = first[blank]
    zeros_lit = int((first[~blank] == 0).sum()) + sum(int((v == 0).sum()) for v in rest)
    weights_lit = int(first[~blank].size) + sum(int(v.size) for v in rest)
    return {"zeros_lit": zeros_lit, "weights_lit": weights_lit, "zeros_never_lit": int((never == 0).sum()),
            "weights_never_lit": int(never.size)}


def zeroed(values: list[np.ndarray], threshold: float) -> list[np.ndarray]:
    """The weights with every magnitude below the threshold set to exactly 0."""
    return [np.where(np.abs(v) < threshold, 0.0, v).astype(v.dtype) for v in values]


def correct(model: keras.Model, split: Split) -> np.ndarray:
    """Per test image, whether the model's most probable class is the true one."""
    probabilities = model.predict(pipeline.as_float(split.x_test), batch_size=1024, verbose=0)
    return probabilities.argmax(axis=1) == split.y_test


def with_kernels(model: keras.Model, values: list[np.ndarray]) -> None:
    """Load the given connection weights into the model."""
    for kernel, value in zip(kernels(model), values):
        kernel.assign(value)


def paired(sparse: np.ndarray, control: np.ndarray) -> dict[str, int]:
    """Counts of test images only the sparse model or only its control gets right."""
    return {"n": int(len(sparse)), "only_sparse_right": int((sparse & ~control).sum()),
            "only_control_right": int((control & ~sparse).sum())}


def test_sample(ctx: RunContext, split: Split, count: int) -> Split:
    """The split with its test set replaced by a fixed sample of the MNIST test images."""
    mnist = ctx.mnist()
    pick = np.random.default_rng(TEST_SAMPLE_SEED).permutation(len(mnist.y_test))[:count]
    return dataclasses.replace(split, x_test=mnist.x_test[pick], y_test=mnist.y_test[pick].astype(split.y_test.dtype))


def run(ctx: RunContext) -> dict[str, Any]:
    """Train plainly, with ℓ1, with FTRL + ℓ1 and FTRL without ℓ1; tabulate exact zeros against test accuracy."""
    p = ctx.params
    split = test_sample(ctx, common.demo_split(ctx, range(10), p["per_class"]), p["test_images"])
    blank = never_lit(split.x_train)
    thresholds = [p["threshold"] * step for step in THRESHOLD_STEPS]
    setups = {
        "plain (Adam)": (None, keras.optimizers.Adam(p["learning_rate"])),
        f"ℓ1 {p['l1']:g} (Adam)": (keras.regularizers.L1(p["l1"]), keras.optimizers.Adam(p["learning_rate"])),
        f"FTRL, ℓ1 {p['ftrl_l1']:g}": (None, keras.optimizers.Ftrl(p["ftrl_learning_rate"],
                                                                  l1_regularization_strength=p["ftrl_l1"])),
        "FTRL, no ℓ1 (control)": (None, keras.optimizers.Ftrl(p["ftrl_learning_rate"])),
    }
    keys = ("plain", "l1", "ftrl_l1", "ftrl_control")
    columns = ["method", "exact zeros (weights with a gradient)", "zeros on never-lit pixels", "test accuracy"]
    rows: list[list[Any]] = []
    methods: dict[str, dict[str, int]] = {}
    right: dict[str, np.ndarray] = {}
    accuracy: dict[str, float] = {}
    epochs = 0
    for key, (label, (regularizer, optimizer)) in zip(keys, setups.items()):
        keras.utils.set_random_seed(p["seed"])
        model = common.dense_stack(p["hidden_layers"], p["units"], "relu", common.seeded("he_normal", p["seed"]),
                                   kernel_regularizer=regularizer, seed=p["seed"])
        trained = common.fit(ctx, model, split, series=label, epochs=p["epochs"], batch_size=p["batch_size"],
                             seed=p["seed"], optimizer=optimizer)
        epochs += trained["epochs"]
        values = [np.asarray(k).copy() for k in kernels(model)]
        variants = [(key, label, values)]
        if key in ("plain", "l1"):
            # zeroing is the whole method for plain training and the usual finishing step after ℓ1
            variants += [(f"{key}_zeroed" if t == thresholds[0] else None, f"{label.split(' (')[0]}, |w| < {t:g} "
                          "zeroed", zeroed(values, t)) for t in thresholds]
        for name, row_label, weights in variants:
            with_kernels(model, weights)
            counts, hits = zero_counts(weights, blank), correct(model, split)
            if name:
                methods[name], right[name], accuracy[name] = counts, hits, float(hits.mean())
            rows.append([row_label, counts["zeros_lit"] / counts["weights_lit"],
                         counts["zeros_never_lit"] / max(counts["weights_never_lit"], 1), float(hits.mean())])
        common.table(ctx, "sparsity", "Sparsity (share of exactly-zero weights) vs test accuracy", columns, rows)
    ctx.check_stop()
    results = common.table(ctx, "sparsity", "Sparsity (share of exactly-zero weights) vs test accuracy", columns, rows)
    numbers = {"ftrl_l1": p["ftrl_l1"], "l1": p["l1"], "threshold": thresholds[0], "thresholds": thresholds,
               "margin_points": p["margin_points"], "never_lit_pixels": int(blank.sum()), "pixels": int(blank.size),
               "methods": {k: methods[k] for k in ("plain_zeroed", "l1_zeroed", "ftrl_l1", "ftrl_control")},
               "unpruned": {k: methods[k] for k in ("plain", "l1")},
               "accuracy_pairs": {"FTRL with ℓ1": paired(right["ftrl_l1"], right["ftrl_control"]),
                                  "ℓ1 then zeroing": paired(right["l1_zeroed"], right["plain_zeroed"])},
               "test_accuracy": accuracy}
    return {"summary": {"test_accuracy": accuracy["plain"], "epochs": epochs}, "tables": {"sparsity": results},
            "data": split.sizes(), "verdict": common.emit_verdict(ctx, judge(numbers))}
