"""Search spaces for the tune experiment: small pure builders that pick hyperparameters and build the base network."""
from __future__ import annotations

import math
from typing import Any, Callable

import keras
import keras_tuner as kt

from engine.experiments.base import build_from_params

SEED_SPACE_RATES = [1e-2, 1e-3, 1e-4]
WIDE_BATCH_SIZES = [32, 64, 128, 256]
WIDE_ACTIVATIONS = ["elu", "relu", "selu", "leaky_relu", "swish"]


def choose(hp: kt.HyperParameters, space: str) -> dict[str, Any]:
    """Register the space's hyperparameters on `hp` and return the values picked for this trial."""
    if space == "seed-space":
        return {"learning_rate": hp.Choice("learning_rate", SEED_SPACE_RATES)}
    return {
        "learning_rate": hp.Float("learning_rate", 1e-4, 1e-2, sampling="log"),
        "batch_norm": hp.Boolean("batch_norm"),
        "dropout": hp.Float("dropout", 0.0, 0.5, step=0.1),
        "batch_size": hp.Choice("batch_size", WIDE_BATCH_SIZES),
        "activation": hp.Choice("activation", WIDE_ACTIVATIONS),
    }


def builder(p: dict[str, Any]) -> Callable[[kt.HyperParameters], keras.Model]:
    """The hypermodel: the base network with this trial's values over the run's fixed parameters."""
    def build(hp: kt.HyperParameters) -> keras.Model:
        return build_from_params({**p, **choose(hp, p["space"])})
    return build


def chosen(values: dict[str, Any]) -> dict[str, Any]:
    """A trial's own hyperparameters, without keras-tuner's bookkeeping (tuner/epochs, …)."""
    return {k: v for k, v in values.items() if not k.startswith("tuner/")}


def space_size(hp: kt.HyperParameters) -> int | None:
    """How many distinct combinations the space holds, or None when a value is continuous."""
    total = 1
    for item in hp.space:
        if isinstance(item, kt.engine.hyperparameters.Boolean):
            total *= 2
        elif isinstance(item, kt.engine.hyperparameters.Choice):
            total *= len(item.values)
        elif isinstance(item, kt.engine.hyperparameters.Fixed):
            continue
        elif getattr(item, "step", None) and getattr(item, "sampling", "linear") == "linear":
            total *= int(math.floor((item.max_value - item.min_value) / item.step + 1e-9)) + 1
        else:
            return None
    return total
