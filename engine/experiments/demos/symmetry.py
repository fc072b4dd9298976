"""Question 1: one shared starting weight keeps every hidden neuron a copy of its neighbours; He initialization does not."""
from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.experiments.demos import common
from engine.judges.symmetry import judge
from engine.training import pipeline

SAME, HE, CONTROL = "one shared value", "He normal", "He normal (control)"


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


def preactivations(model: keras.Model, x: np.ndarray) -> list[np.ndarray]:
    """Each hidden layer's weighted sums before its activation, image by image (what He's variance is about)."""
    outputs = [layer.output for layer in common.hidden_layers(model)]
    # a Dense layer's output is activation(z); rebuild z from its input so the probe needs no second model
    inputs = [layer.input for layer in common.hidden_layers(model)]
    probe = keras.Model(model.inputs[0], inputs + outputs)
    values = probe(pipeline.as_float(x), training=False)
    sums = []
    for layer, a_in in zip(common.hidden_layers(model), values[:len(inputs)]):
        kernel, bias = layer.get_weights()
        sums.append(np.asarray(a_in, dtype=np.float64) @ kernel + bias)
    return sums


def log_rms_ratio(first: list[np.ndarray], second: list[np.ndarray]) -> list[dict[str, float]]:
    """Per layer, the mean and std over images of log(RMS of the first arm's sums / the second's)."""
    out = []
    for a, b in zip(first, second):
        rms_a = np.sqrt(np.mean(a ** 2, axis=1)) + 1e-30
        rms_b = np.sqrt(np.mean(b ** 2, axis=1)) + 1e-30
        logs = np.log(rms_a / rms_b)
        out.append({"mean": float(logs.mean()), "sd": float(logs.std(ddof=1)) if len(logs) > 1 else math.inf,
                    "n": int(len(logs))})
    return out


def run(ctx: RunContext) -> dict[str, Any]:
    """Train the same network twice, from one copied value and from He initialization, then count neurons."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    probe_x = split.x_val[:p["probe_images"]]
    # one draw from He normal for the first layer's fan-in, copied into every weight of the network
    value = float(np.random.default_rng(p["seed"]).normal(0.0, np.sqrt(2.0 / 784)))
    he = common.seeded("he_normal", p["seed"])
    if p["same_init_control"]:  # negative control: both arms start from the very same He draw
        first, first_init = CONTROL, he
        ctx.phase("drawn", detail="control: both arms start from the same He normal weights")
    else:
        first, first_init = SAME, (lambda index: keras.initializers.Constant(value))
        ctx.phase("drawn", detail=f"every weight starts at {value:+.5f}")
    inits = {first: first_init, HE: he}
    counts: dict[str, list[int]] = {}
    gaps: dict[str, list[float]] = {}
    sums: dict[str, list[np.ndarray]] = {}
    correct: dict[str, np.ndarray] = {}
    scores: dict[str, dict[str, Any]] = {}
    for series, init in inits.items():
        keras.utils.set_random_seed(p["seed"])
        model = common.dense_stack(p["hidden_layers"], p["units"], p["activation"], init, seed=p["seed"])
        sums[series] = preactivations(model, probe_x)
        trained = common.fit(ctx, model, split, series=series, epochs=p["epochs"], batch_size=p["batch_size"],
                             seed=p["seed"], optimizer=keras.optimizers.Adam(p["learning_rate"]))
        layers = [layer.get_weights() for layer in common.hidden_layers(model)]
        counts[series] = [distinct_neurons(k, b, p["tolerance"]) for k, b in layers]
        gaps[series] = [largest_gap(k, b) for k, b in layers]
        predicted = model.predict(pipeline.as_float(split.x_test), batch_size=1024, verbose=0).argmax(axis=1)
        correct[series] = predicted == split.y_test
        val = trained["history"].get("val_accuracy", [])
        scores[series] = {"test_accuracy": float(correct[series].mean()),
                          "best_val_accuracy": max(val) if val else None, "epochs": trained["epochs"]}
    ctx.check_stop()
    ratios = log_rms_ratio(sums[first], sums[HE])
    rms = {s: [float(np.sqrt(np.mean(z ** 2))) for z in sums[s]] for s in inits}
    rows = [[f"hidden{i + 1}", counts[first][i], counts[HE][i], gaps[first][i], rms[first][i], rms[HE][i]]
            for i in range(p["hidden_layers"])]
    neurons = common.table(ctx, "distinct_neurons", f"Distinct neurons per hidden layer (of {p['units']}) and "
                           "pre-activation RMS at initialization",
                           ["layer", first, HE, "largest gap", f"RMS {first}", f"RMS {HE}"], rows)
    layer_numbers = list(range(1, p["hidden_layers"] + 1))
    scale = common.curve(ctx, "preactivation_scale", "Pre-activation RMS per layer at initialization", "layer",
                         "RMS", {s: (layer_numbers, rms[s]) for s in inits})
    results = common.table(ctx, "accuracy", "Test accuracy after training",
                           ["initialization", "test accuracy", "best val accuracy"],
                           [[s, scores[s]["test_accuracy"], scores[s]["best_val_accuracy"]] for s in inits])
    numbers = {"arms": list(inits), "shared_value": value if not p["same_init_control"] else None,
               "units": p["units"], "epochs": p["epochs"], "tolerance": p["tolerance"],
               "distinct_shared": counts[first], "distinct_he": counts[HE], "largest_gap_shared": gaps[first],
               "test_images": int(len(split.y_test)),
               "only_he_right": int(np.sum(correct[HE] & ~correct[first])),
               "only_shared_right": int(np.sum(correct[first] & ~correct[HE])),
               "test_accuracy_shared": scores[first]["test_accuracy"], "test_accuracy_he": scores[HE]["test_accuracy"],
               "preact_rms_shared": rms[first], "preact_rms_he": rms[HE], "preact_log_ratio": ratios}
    judged = judge(numbers)
    return {"summary": {**scores[HE], "epochs": scores[first]["epochs"] + scores[HE]["epochs"]},
            "configurations": scores, "tables": {"distinct_neurons": neurons, "accuracy": results},
            "curves": {"preactivation_scale": scale}, "data": split.sizes(),
            "verdict": common.emit_verdict(ctx, judged)}
