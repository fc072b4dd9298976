"""Question 1: one shared starting weight keeps every hidden neuron a copy of its neighbours; He initialization does not."""
from __future__ import annotations

from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.experiments.demos import common

SAME, HE = "one shared value", "He normal"


def distinct_neurons(kernel: np.ndarray, bias: np.ndarray, tolerance: float) -> int:
    """How many different neurons a layer holds: columns (weights plus bias) equal within a relative tolerance.

    Neurons are grouped greedily around representatives; the tolerance is relative to the layer's largest
    weight so that it means the same at any scale.
    """
    neurons = np.concatenate([kernel, bias[None, :]], axis=0).T.astype(np.float64)
    scale = max(float(np.abs(neurons).max()), 1e-12)
    representatives: list[np.ndarray] = []
    for neuron in neurons:
        if not any(np.max(np.abs(neuron - rep)) <= tolerance * scale for rep in representatives):
            representatives.append(neuron)
    return len(representatives)


def largest_gap(kernel: np.ndarray, bias: np.ndarray) -> float:
    """The largest difference between any neuron and the first one, relative to the largest weight."""
    neurons = np.concatenate([kernel, bias[None, :]], axis=0).T.astype(np.float64)
    scale = max(float(np.abs(neurons).max()), 1e-12)
    return float(np.max(np.abs(neurons - neurons[0])) / scale)


def run(ctx: RunContext) -> dict[str, Any]:
    """Train the same network twice, from one copied value and from He initialization, then count neurons."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    # one draw from He normal for the first layer's fan-in, copied into every weight of the network
    value = float(np.random.default_rng(p["seed"]).normal(0.0, np.sqrt(2.0 / 784)))
    ctx.phase("drawn", detail=f"every weight starts at {value:+.5f}")
    inits = {SAME: lambda index: keras.initializers.Constant(value), HE: common.seeded("he_normal", p["seed"])}
    counts: dict[str, list[int]] = {}
    gaps: dict[str, list[float]] = {}
    scores: dict[str, dict[str, Any]] = {}
    for series, init in inits.items():
        keras.utils.set_random_seed(p["seed"])
        model = common.dense_stack(p["hidden_layers"], p["units"], p["activation"], init, seed=p["seed"])
        trained = common.fit(ctx, model, split, series=series, epochs=p["epochs"], batch_size=p["batch_size"],
                             seed=p["seed"], optimizer=keras.optimizers.Adam(p["learning_rate"]))
        layers = [layer.get_weights() for layer in common.hidden_layers(model)]
        counts[series] = [distinct_neurons(k, b, p["tolerance"]) for k, b in layers]
        gaps[series] = [largest_gap(k, b) for k, b in layers]
        val = trained["history"].get("val_accuracy", [])
        scores[series] = {"test_accuracy": common.accuracy(model, split.x_test, split.y_test),
                          "best_val_accuracy": max(val) if val else None, "epochs": trained["epochs"]}
    ctx.check_stop()
    rows = [[f"hidden{i + 1}", counts[SAME][i], counts[HE][i], gaps[SAME][i]]
            for i in range(p["hidden_layers"])]
    neurons = common.table(ctx, "distinct_neurons", f"Distinct neurons per hidden layer (of {p['units']})",
                           ["layer", SAME, HE, "largest gap (shared value)"], rows)
    results = common.table(ctx, "accuracy", "Test accuracy after training",
                           ["initialization", "test accuracy", "best val accuracy"],
                           [[s, scores[s]["test_accuracy"], scores[s]["best_val_accuracy"]] for s in inits])
    same_acc, he_acc = scores[SAME]["test_accuracy"], scores[HE]["test_accuracy"]
    collapsed = all(c == 1 for c in counts[SAME])
    holds = collapsed and all(c > 1 for c in counts[HE]) and he_acc > same_acc
    text = (f"Starting every weight at {value:+.4f} left {_counts(counts[SAME])} distinct neuron(s) per hidden layer "
            f"after {p['epochs']} epochs, against {_counts(counts[HE])} with He initialization "
            f"(out of {p['units']}); test accuracy {common.pct(same_acc)} vs {common.pct(he_acc)}.")
    numbers = {"shared_value": value, "distinct_shared": counts[SAME], "distinct_he": counts[HE],
               "largest_gap_shared": gaps[SAME], "test_accuracy_shared": same_acc, "test_accuracy_he": he_acc,
               "units": p["units"], "tolerance": p["tolerance"]}
    return {"summary": {**scores[HE], "epochs": scores[SAME]["epochs"] + scores[HE]["epochs"]},
            "configurations": scores, "tables": {"distinct_neurons": neurons, "accuracy": results},
            "data": split.sizes(), "verdict": common.verdict(ctx, text, numbers, holds)}


def _counts(values: list[int]) -> str:
    return "/".join(str(v) for v in values)
