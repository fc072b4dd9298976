"""Question 3: in a deep dense stack on standardized inputs SELU + LeCun normal keeps every layer near mean 0, std 1.

ReLU + He and ELU + He drift away from that, and regular dropout after SELU layers breaks it (alpha dropout,
made for SELU, does not). Statistics are measured on real validation digits at initialization and again after
a short training of each configuration.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.experiments.demos import common
from engine.training import pipeline

# "Self-normalized" as measured here: over the deeper half of the stack every layer's activations keep
# |mean| <= MEAN_BAND and a standard deviation within STD_BAND. The first layers are left out because
# per-pixel standardized digits are heavy-tailed (rare pixels become large values) and SELU needs a few
# layers to pull them back to the fixed point.
MEAN_BAND = 0.1
STD_BAND = (0.8, 1.25)


@dataclass(frozen=True)
class Config:
    """One activation set-up of the deep stack."""

    label: str
    activation: str
    initializer: str
    dropout: float = 0.0
    alpha: bool = False


def configs(dropout: float) -> list[Config]:
    """The variants compared; dropout ones are measured with dropout active, as training sees them."""
    return [Config("SELU + LeCun", "selu", "lecun_normal"), Config("ReLU + He", "relu", "he_normal"),
            Config("ELU + He", "elu", "he_normal"),
            Config(f"SELU + dropout {dropout:g}", "selu", "lecun_normal", dropout),
            Config(f"SELU + alpha dropout {dropout:g}", "selu", "lecun_normal", dropout, alpha=True)]


def layer_stats(model: keras.Model, x: np.ndarray, training: bool) -> tuple[list[float], list[float]]:
    """Mean and standard deviation of each hidden layer's activations over a batch of images."""
    layers = common.hidden_layers(model)
    # a dropout layer follows its Dense layer; measure after it, where the next layer reads from
    outputs = [_after_dropout(model, layer).output for layer in layers]
    probe = keras.Model(model.inputs[0], outputs)
    values = probe(pipeline.as_float(x), training=training)
    return [float(np.mean(v)) for v in values], [float(np.std(v)) for v in values]


def _after_dropout(model: keras.Model, dense: keras.layers.Layer) -> keras.layers.Layer:
    index = model.layers.index(dense)
    following = model.layers[index + 1] if index + 1 < len(model.layers) else None
    return following if following is not None and following.name.startswith("drop") else dense


def self_normalized(means: list[float], stds: list[float]) -> bool:
    """Whether the deeper half of the stack stays within the mean and std bands."""
    half = len(stds) // 2
    return (all(abs(m) <= MEAN_BAND for m in means[half:])
            and all(STD_BAND[0] <= s <= STD_BAND[1] for s in stds[half:]))


def run(ctx: RunContext) -> dict[str, Any]:
    """Measure per-layer statistics at initialization, train each variant briefly, measure again."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    probe_x = split.x_val[:p["probe_images"]]
    depth = p["hidden_layers"]
    start: dict[str, tuple[list[float], list[float]]] = {}
    end: dict[str, tuple[list[float], list[float]]] = {}
    scores: dict[str, float] = {}
    epochs = 0
    for config in configs(p["dropout"]):
        ctx.check_stop()
        keras.utils.set_random_seed(p["seed"])
        model = common.dense_stack(depth, p["units"], config.activation, common.seeded(config.initializer, p["seed"]),
                                   dropout=config.dropout, alpha_dropout=config.alpha,
                                   inputs=common.standardizer(split.x_train), seed=p["seed"])
        active = config.dropout > 0
        start[config.label] = layer_stats(model, probe_x, training=active)
        _emit_curves(ctx, start, end, depth)
        # plain SGD: a momentum optimizer's extra variable per weight makes tracing a 50-layer step far slower
        optimizer = keras.optimizers.SGD(p["learning_rate"])
        trained = common.fit(ctx, model, split, series=config.label, epochs=p["epochs"], batch_size=p["batch_size"],
                             seed=p["seed"], optimizer=optimizer, steps_per_execution=1,
                             validate=False)  # tracing, not arithmetic, dominates a deep stack's short run
        epochs += trained["epochs"]
        end[config.label] = layer_stats(model, probe_x, training=active)
        scores[config.label] = common.accuracy(model, split.x_test, split.y_test)
        _emit_curves(ctx, start, end, depth)
    ctx.check_stop()
    normal = {label: self_normalized(*stats) for label, stats in start.items()}
    normal_after = {label: self_normalized(*stats) for label, stats in end.items()}
    rows = [[label, *_summary(start[label]), "yes" if normal[label] else "no", end[label][1][-1],
             "yes" if normal_after[label] else "no", scores[label]] for label in start]
    stats_table = common.table(
        ctx, "layer_stats", f"Activations in a {depth}-layer stack (deeper half: |mean| ≤ {MEAN_BAND:g}, "
        f"std {STD_BAND[0]:g}–{STD_BAND[1]:g})",
        ["configuration", "std layer 1", "std middle", "std last", "mean last", "self-normalized at start",
         "std last after training", "self-normalized after training", "test accuracy"], rows)
    selu, relu, elu, drop, alpha = list(start)
    holds = normal[selu] and not normal[relu] and not normal[elu] and not normal[drop]
    text = (f"At initialization the last of {depth} SELU layers had mean {start[selu][0][-1]:+.3f} and std "
            f"{start[selu][1][-1]:.3f} (deeper half {_verdict_word(normal[selu])} the band), against std "
            f"{start[relu][1][-1]:.3f} for ReLU + He, {start[elu][1][-1]:.3f} for ELU + He and "
            f"{start[drop][1][-1]:.3f} for SELU with dropout ({_verdict_word(normal[drop])} the band); after "
            f"{p['epochs']} epoch(s) SELU's last layer had std {end[selu][1][-1]:.3f}.")
    numbers = {"depth": depth, "mean_band": MEAN_BAND, "std_band": list(STD_BAND),
               "std_at_start": {k: v[1] for k, v in start.items()}, "mean_at_start": {k: v[0] for k, v in start.items()},
               "std_after_training": {k: v[1] for k, v in end.items()},
               "self_normalized_at_start": normal, "self_normalized_after_training": normal_after,
               "test_accuracy": scores}
    return {"summary": {"test_accuracy": scores[selu], "epochs": epochs}, "tables": {"layer_stats": stats_table},
            "data": split.sizes(), "verdict": common.verdict(ctx, text, numbers, holds)}


def _summary(stats: tuple[list[float], list[float]]) -> list[float]:
    means, stds = stats
    return [stds[0], stds[len(stds) // 2], stds[-1], means[-1]]


def _verdict_word(inside: bool) -> str:
    return "inside" if inside else "outside"


def _emit_curves(ctx: RunContext, start: dict, end: dict, depth: int) -> None:
    layers = list(range(1, depth + 1))
    common.curve(ctx, "std_at_start", "Activation std per layer at initialization", "layer", "std",
                 {label: (layers, stats[1]) for label, stats in start.items()})
    common.curve(ctx, "mean_at_start", "Activation mean per layer at initialization", "layer", "mean",
                 {label: (layers, stats[0]) for label, stats in start.items()})
    if end:
        common.curve(ctx, "std_after_training", "Activation std per layer after training", "layer", "std",
                     {label: (layers, stats[1]) for label, stats in end.items()})
