"""Question 2: zero biases train as well as random ones drawn on the weights' scale, shown as equivalence.

Each seed trains the same He-initialized kernels twice, once with zero biases and once with random biases,
on the same shuffling; the gap in test accuracy is paired by seed, measured on one large test set, and
judged equivalent only when its whole 95% interval lies inside a stated margin.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.experiments.demos import common
from engine.judges.bias_init import judge

ZERO, RANDOM = "zero biases", "random biases"
TEST_SAMPLE_SEED = 7  # the test images are one fixed sample, the same for every seed and variant


def starting_weights(model: keras.Model, seed: int, bias_scale: float | None) -> list[np.ndarray]:
    """He normal kernels for this seed; hidden biases zero (None) or normal with `bias_scale` × He's std."""
    weights: list[np.ndarray] = []
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for index, layer in enumerate(dense, start=1):
        kernel, bias = layer.get_weights()
        number = 0 if layer.name == "output" else index  # the same per-layer seeds as common.seeded
        weights.append(np.asarray(keras.initializers.HeNormal(seed=seed + number)(kernel.shape)))
        std = bias_scale * math.sqrt(2.0 / kernel.shape[0]) if bias_scale is not None else 0.0
        if std and layer.name != "output":
            weights.append(np.random.default_rng(seed + 500 + number).normal(0.0, std, bias.shape).astype(bias.dtype))
        else:
            weights.append(np.zeros_like(bias))
    return weights


def run(ctx: RunContext) -> dict[str, Any]:
    """Train both bias initializations with the same kernels and shuffling for each seed, then judge the gap."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    mnist = ctx.mnist()
    pick = np.random.default_rng(TEST_SAMPLE_SEED).permutation(len(mnist.y_test))[:p["test_images"]]
    split = dataclasses.replace(split, x_test=mnist.x_test[pick], y_test=mnist.y_test[pick].astype(split.y_test.dtype))
    seeds = [p["seed"] + i for i in range(p["seeds"])]
    keras.utils.set_random_seed(p["seed"])
    model = common.dense_stack(p["hidden_layers"], p["units"], "elu", common.seeded("he_normal", p["seed"]),
                               seed=p["seed"])
    optimizer = keras.optimizers.Adam(p["learning_rate"])
    optimizer.build(model.trainable_variables)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=32)
    fresh_optimizer = [v.numpy() for v in optimizer.variables]  # step 0, empty moments, the learning rate
    accuracies: dict[str, list[float]] = {ZERO: [], RANDOM: []}
    epochs = 0
    for seed in seeds:
        for variant, scale in ((ZERO, None), (RANDOM, p["bias_scale"])):
            model.set_weights(starting_weights(model, seed, scale))
            for variable, value in zip(optimizer.variables, fresh_optimizer):
                variable.assign(value)
            # one compiled model serves every run: its traced step is reused instead of traced 2 × seeds times
            trained = common.fit(ctx, model, split, series=f"{variant} · seed {seed}", epochs=p["epochs"],
                                 batch_size=p["batch_size"], seed=seed, optimizer=optimizer,
                                 validate=False, compile_model=False)
            epochs += trained["epochs"]
            accuracies[variant].append(common.accuracy(model, split.x_test, split.y_test))
    ctx.check_stop()
    zero, random = accuracies[ZERO], accuracies[RANDOM]
    numbers = {"seeds": seeds, "test_images": int(len(split.y_test)), "margin_points": p["margin_points"],
               "bias_scale": p["bias_scale"], "test_accuracy_zero": zero, "test_accuracy_random": random}
    judged = judge(numbers)
    rows = [[s, z, r, (z - r) * 100] for s, z, r in zip(seeds, zero, random)]
    rows.append(["mean", float(np.mean(zero)), float(np.mean(random)), float(np.mean(zero) - np.mean(random)) * 100])
    results = common.table(ctx, "bias_init", f"Test accuracy by seed ({len(split.y_test)} test images)",
                           ["seed", ZERO, RANDOM, "zero − random (points)"], rows)
    return {"summary": {"test_accuracy": float(np.mean(zero)), "epochs": epochs},
            "tables": {"bias_init": results}, "data": split.sizes(), "verdict": common.emit_verdict(ctx, judged)}
