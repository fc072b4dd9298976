"""Question 3: in a deep dense stack on standardized inputs SELU + LeCun normal keeps every layer near mean 0, std 1.

Each activation is judged on what its own initialization aims for: He initialization aims to keep the scale of
ReLU's (and here ELU's) activations steady with depth, LeCun normal with SELU aims at mean 0 and std 1. Both are
measured at initialization over several seeds; regular and alpha dropout after SELU layers are measured with
dropout active, as training sees them; then SELU, ReLU and ELU are trained briefly and measured again, image by
image, to see how far their statistics moved.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.experiments.demos import common
from engine.judges.selu import judge, scale_drift
from engine.training import pipeline


@dataclass(frozen=True)
class Config:
    """One activation set-up of the deep stack."""

    label: str
    activation: str
    initializer: str
    dropout: float = 0.0
    alpha: bool = False
    trained: bool = True


def configs(dropout: float) -> list[Config]:
    """The variants compared; the dropout ones are measured at initialization only, with dropout active."""
    return [Config("SELU + LeCun", "selu", "lecun_normal"), Config("ReLU + He", "relu", "he_normal"),
            Config("ELU + He", "elu", "he_normal"),
            Config(f"SELU + dropout {dropout:g}", "selu", "lecun_normal", dropout, trained=False),
            Config(f"SELU + alpha dropout {dropout:g}", "selu", "lecun_normal", dropout, alpha=True, trained=False)]


class Probe:
    """Reads every hidden layer's activations (after its dropout layer, where the next layer reads them)."""

    def __init__(self, model: keras.Model, training: bool) -> None:
        layers = [_after_dropout(model, layer) for layer in common.hidden_layers(model)]
        # called eagerly: tracing 50 layers (with dropout, several seconds) costs more than the few calls made
        self.model, self.training = keras.Model(model.inputs[0], [layer.output for layer in layers]), training

    def __call__(self, x: np.ndarray) -> list[np.ndarray]:
        return [np.asarray(v, dtype=np.float64) for v in self.model(pipeline.as_float(x), training=self.training)]


def _after_dropout(model: keras.Model, dense: keras.layers.Layer) -> keras.layers.Layer:
    index = model.layers.index(dense)
    following = model.layers[index + 1] if index + 1 < len(model.layers) else None
    return following if following is not None and following.name.startswith("drop") else dense


def seed_weights(model: keras.Model, initializer: str, seed: int) -> None:
    """Draw the model's dense weights afresh for this seed (biases zero), the way Keras's initializer does."""
    gain = {"lecun_normal": 1.0, "he_normal": 2.0}[initializer]
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            kernel, bias = layer.get_weights()
            index = 0 if layer.name == "output" else int(layer.name.removeprefix("hidden"))
            rng = np.random.default_rng([seed, index])
            layer.set_weights([truncated_normal(rng, kernel.shape, gain).astype(kernel.dtype), np.zeros_like(bias)])


def truncated_normal(rng: np.random.Generator, shape: tuple[int, int], gain: float) -> np.ndarray:
    """Keras's variance-scaling draw: a normal cut at two standard deviations, rescaled to variance gain / fan-in."""
    std = np.sqrt(gain / shape[0]) / 0.87962566103423978  # the cut normal's std is 0.8796 of the uncut one
    values = rng.normal(0.0, 1.0, shape)
    outside = np.abs(values) > 2
    while outside.any():
        values[outside] = rng.normal(0.0, 1.0, int(outside.sum()))
        outside = np.abs(values) > 2
    return values * std


def summary(values: list[np.ndarray]) -> dict[str, list[float]]:
    """Per layer: the mean, standard deviation and RMS of all activations of the batch."""
    return {"mean": [float(v.mean()) for v in values], "std": [float(v.std()) for v in values],
            "rms": [float(np.sqrt(np.mean(v ** 2))) for v in values]}


def per_image_rms(values: list[np.ndarray]) -> np.ndarray:
    """(layers, images): each image's RMS activation in each layer."""
    return np.stack([np.sqrt(np.mean(v ** 2, axis=1)) for v in values])


def run(ctx: RunContext) -> dict[str, Any]:
    """Measure per-layer statistics at initialization over seeds, train SELU, ReLU and ELU briefly, measure again."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    probe_x = split.x_val[:p["probe_images"]]
    depth = p["hidden_layers"]
    seeds = [p["seed"] + i for i in range(p["seeds"])]
    variants = configs(p["dropout"])
    at_start: dict[str, list[dict[str, list[float]]]] = {c.label: [] for c in variants}
    moved: dict[str, dict[str, Any]] = {}
    scores: dict[str, float] = {}
    epochs = 0
    for config in variants:
        ctx.check_stop()
        keras.utils.set_random_seed(p["seed"])
        model = common.dense_stack(depth, p["units"], config.activation, common.seeded(config.initializer, p["seed"]),
                                   dropout=config.dropout, alpha_dropout=config.alpha,
                                   inputs=common.standardizer(split.x_train), seed=p["seed"])
        probe = Probe(model, training=config.dropout > 0)
        for seed in reversed(seeds):  # the first seed last, so the model trained below starts from it
            seed_weights(model, config.initializer, seed)
            values = probe(probe_x)
            at_start[config.label].insert(0, summary(values))
        ctx.phase("measured", detail=f"{config.label}: {len(seeds)} seeds at initialization")
        _emit_curves(ctx, at_start, moved, depth)
        if not config.trained or p["epochs"] == 0:
            continue
        before = per_image_rms(values)  # the first seed's, measured last above
        # plain SGD: a momentum optimizer's extra variable per weight makes tracing a 50-layer step far slower
        trained = common.fit(ctx, model, split, series=config.label, epochs=p["epochs"], batch_size=p["batch_size"],
                             seed=p["seed"], optimizer=keras.optimizers.SGD(p["learning_rate"]), steps_per_execution=1,
                             validate=False)  # tracing, not arithmetic, dominates a deep stack's short run
        epochs += trained["epochs"]
        after_values = probe(probe_x)
        moved[config.label] = {**summary(after_values), "drift": drift_per_image(before, per_image_rms(after_values))}
        # one eager call: tracing Keras's predict step for a 50-layer stack costs more than the call itself
        probabilities = np.asarray(model(pipeline.as_float(split.x_test), training=False))
        scores[config.label] = float(np.mean(probabilities.argmax(axis=1) == split.y_test))
        _emit_curves(ctx, at_start, moved, depth)
    ctx.check_stop()
    numbers = {"depth": depth, "seeds": seeds, "probe_images": int(len(probe_x)), "epochs": p["epochs"],
               "labels": {"selu": variants[0].label, "relu": variants[1].label, "elu": variants[2].label,
                          "dropout": variants[3].label, "alpha": variants[4].label},
               "at_start": at_start,
               "after_training": {k: {"mean": v["mean"], "std": v["std"], "rms": v["rms"]} for k, v in moved.items()},
               "drift_after_training": {k: v["drift"] for k, v in moved.items()}, "test_accuracy": scores}
    judged = judge(numbers)
    rows = []
    for config in variants:
        first = at_start[config.label][0]
        drift = np.mean([scale_drift(s["rms"]) for s in at_start[config.label]])
        after = moved.get(config.label)
        rows.append([config.label, first["std"][depth // 2], first["std"][-1], first["mean"][-1], float(np.exp(drift)),
                     after["std"][-1] if after else None, float(np.exp(after["drift"]["mean"])) if after else None,
                     scores.get(config.label)])
    stats_table = common.table(
        ctx, "layer_stats", f"Activations in a {depth}-layer stack ({len(seeds)} seeds at the start, first seed trained)",
        ["configuration", "std middle", "std last", "mean last", "scale drift with depth (×)",
         "std last after training", "moved in training (×)", "test accuracy"], rows)
    return {"summary": {"test_accuracy": scores.get(variants[0].label), "epochs": epochs},
            "tables": {"layer_stats": stats_table}, "data": split.sizes(), "verdict": common.emit_verdict(ctx, judged)}


def drift_per_image(before: np.ndarray, after: np.ndarray) -> dict[str, float]:
    """How far training moved each image's activation scale over the deeper half: mean |ln(after / before)|."""
    half = before.shape[0] // 2
    moved = np.mean(np.abs(np.log((after[half:] + 1e-30) / (before[half:] + 1e-30))), axis=0)  # one value per image
    return {"mean": float(moved.mean()), "sd": float(moved.std(ddof=1)) if moved.size > 1 else float("inf"),
            "n": int(moved.size)}


def _emit_curves(ctx: RunContext, start: dict, end: dict, depth: int) -> None:
    layers = list(range(1, depth + 1))
    first = {label: runs[0] for label, runs in start.items() if runs}
    common.curve(ctx, "std_at_start", "Activation std per layer at initialization (first seed)", "layer", "std",
                 {label: (layers, stats["std"]) for label, stats in first.items()})
    common.curve(ctx, "rms_at_start", "Activation RMS per layer at initialization (first seed)", "layer", "RMS",
                 {label: (layers, stats["rms"]) for label, stats in first.items()})
    common.curve(ctx, "mean_at_start", "Activation mean per layer at initialization (first seed)", "layer", "mean",
                 {label: (layers, stats["mean"]) for label, stats in first.items()})
    if end:
        common.curve(ctx, "std_after_training", "Activation std per layer after training", "layer", "std",
                     {label: (layers, stats["std"]) for label, stats in end.items()})
