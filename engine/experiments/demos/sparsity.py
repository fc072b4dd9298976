"""Question 6: three ways to a sparse model (zeroing tiny weights, ℓ1 regularization, FTRL with ℓ1), each measured
as the share of connection weights that are exactly zero against test accuracy."""
from __future__ import annotations

from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.experiments.demos import common

THRESHOLD_STEPS = (1, 10, 50)  # the chosen threshold and two larger ones, to show the trade-off


def kernels(model: keras.Model) -> list[keras.Variable]:
    """The connection weights of every Dense layer (biases are few and left out)."""
    return [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def zero_share(model: keras.Model) -> float:
    """Share of connection weights that are exactly 0."""
    values = [np.asarray(k) for k in kernels(model)]
    return float(sum(int((v == 0).sum()) for v in values) / sum(v.size for v in values))


def below_share(model: keras.Model, threshold: float) -> float:
    """Share of connection weights whose magnitude is below the threshold (what zeroing would remove)."""
    values = [np.asarray(k) for k in kernels(model)]
    return float(sum(int((np.abs(v) < threshold).sum()) for v in values) / sum(v.size for v in values))


def zero_below(model: keras.Model, threshold: float) -> None:
    """Set every connection weight whose magnitude is below the threshold to exactly 0."""
    for kernel in kernels(model):
        value = np.asarray(kernel)
        kernel.assign(np.where(np.abs(value) < threshold, 0.0, value).astype(value.dtype))


def pruned_rows(model: keras.Model, method: str, thresholds: list[float], split: Any) -> list[list]:
    """Rows for zeroing the model's tiny weights at each threshold, restoring the trained weights afterwards."""
    saved = [np.asarray(k).copy() for k in kernels(model)]
    rows = []
    for threshold in thresholds:
        zero_below(model, threshold)
        rows.append([f"{method}, |w| < {threshold:g} zeroed", zero_share(model),
                     common.accuracy(model, split.x_test, split.y_test)])
        for kernel, value in zip(kernels(model), saved):
            kernel.assign(value)
    return rows


def run(ctx: RunContext) -> dict[str, Any]:
    """Train plainly, with ℓ1 and with FTRL + ℓ1; tabulate exact zeros against test accuracy."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    thresholds = [p["threshold"] * step for step in THRESHOLD_STEPS]
    setups = {
        "plain (Adam)": (None, keras.optimizers.Adam(p["learning_rate"])),
        f"ℓ1 {p['l1']:g} (Adam)": (keras.regularizers.L1(p["l1"]), keras.optimizers.Adam(p["learning_rate"])),
        f"FTRL, ℓ1 {p['ftrl_l1']:g}": (None, keras.optimizers.Ftrl(p["ftrl_learning_rate"],
                                                                  l1_regularization_strength=p["ftrl_l1"])),
    }
    rows: list[list[Any]] = []
    measured: dict[str, dict[str, float]] = {}
    epochs = 0
    for label, (regularizer, optimizer) in setups.items():
        keras.utils.set_random_seed(p["seed"])
        model = common.dense_stack(p["hidden_layers"], p["units"], "relu", common.seeded("he_normal", p["seed"]),
                                   kernel_regularizer=regularizer, seed=p["seed"])
        trained = common.fit(ctx, model, split, series=label, epochs=p["epochs"], batch_size=p["batch_size"],
                             seed=p["seed"], optimizer=optimizer)
        epochs += trained["epochs"]
        measured[label] = {"exact_zeros": zero_share(model), "below_threshold": below_share(model, thresholds[0]),
                           "test_accuracy": common.accuracy(model, split.x_test, split.y_test)}
        rows.append([label, measured[label]["exact_zeros"], measured[label]["test_accuracy"]])
        if regularizer is not None or label.startswith("plain"):
            # zeroing is the whole method for plain training and the usual finishing step after ℓ1
            rows += pruned_rows(model, label.split(" (")[0], thresholds, split)
        common.table(ctx, "sparsity", "Sparsity (share of exactly-zero weights) vs test accuracy",
                     ["method", "exact zeros", "test accuracy"], rows)
    ctx.check_stop()
    results = common.table(ctx, "sparsity", "Sparsity (share of exactly-zero weights) vs test accuracy",
                           ["method", "exact zeros", "test accuracy"], rows)
    plain, l1, ftrl = measured.values()
    plain_pruned = next(row for row in rows if row[0].startswith("plain, "))
    l1_pruned = next(row for row in rows if row[0].startswith("ℓ1") and "zeroed" in row[0])
    holds = ftrl["exact_zeros"] > plain["exact_zeros"] and l1_pruned[1] > plain_pruned[1]
    text = (f"Plain training left {common.pct(plain['exact_zeros'])} of weights exactly zero "
            f"({common.pct(plain['test_accuracy'])} test accuracy); zeroing those below {thresholds[0]:g} gave "
            f"{common.pct(plain_pruned[1])} zeros at {common.pct(plain_pruned[2])}. ℓ1 left "
            f"{common.pct(l1['exact_zeros'])} exactly zero but {common.pct(l1['below_threshold'])} below "
            f"{thresholds[0]:g}, so zeroing them gave {common.pct(l1_pruned[1])} zeros at {common.pct(l1_pruned[2])}; "
            f"FTRL with ℓ1 set {common.pct(ftrl['exact_zeros'])} exactly to zero by itself at "
            f"{common.pct(ftrl['test_accuracy'])}.")
    numbers = {"methods": measured, "thresholds": thresholds, "plain_zeroed": plain_pruned[1:],
               "l1_zeroed": l1_pruned[1:]}
    return {"summary": {"test_accuracy": plain["test_accuracy"], "epochs": epochs}, "tables": {"sparsity": results},
            "data": split.sizes(), "verdict": common.verdict(ctx, text, numbers, holds)}
