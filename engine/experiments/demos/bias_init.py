"""Question 2: zero biases train as well as random ones; the gap is compared with the spread between seeds."""
from __future__ import annotations

from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.experiments.demos import common

ZERO, RANDOM = "zero biases", "random biases"
NOISE_WIDTH = 2.0  # a gap within two seed-to-seed standard deviations is what seed noise alone produces


def within_noise(zero: list[float], random: list[float]) -> tuple[float, float, bool]:
    """(mean gap zero − random, pooled seed-to-seed std, whether the gap is within NOISE_WIDTH stds)."""
    gap = float(np.mean(zero) - np.mean(random))
    noise = float(np.sqrt((np.var(zero, ddof=1) + np.var(random, ddof=1)) / 2))
    return gap, noise, abs(gap) <= NOISE_WIDTH * noise


def run(ctx: RunContext) -> dict[str, Any]:
    """Train both bias initializations with the same kernel seeds, several seeds each, and compare."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    seeds = [p["seed"] + i for i in range(p["seeds"])]
    biases = {ZERO: None,
              RANDOM: lambda s: (lambda index: keras.initializers.RandomNormal(stddev=p["bias_std"], seed=s + 500 + index))}
    accuracies: dict[str, list[float]] = {ZERO: [], RANDOM: []}
    epochs = 0
    for seed in seeds:
        for variant, bias in biases.items():
            keras.utils.set_random_seed(seed)
            model = common.dense_stack(p["hidden_layers"], p["units"], "elu", common.seeded("he_normal", seed),
                                       bias_init=bias(seed) if bias else None, seed=seed)
            trained = common.fit(ctx, model, split, series=f"{variant} · seed {seed}", epochs=p["epochs"],
                                 batch_size=p["batch_size"], seed=seed,
                                 optimizer=keras.optimizers.Adam(p["learning_rate"]))
            epochs += trained["epochs"]
            accuracies[variant].append(common.accuracy(model, split.x_test, split.y_test))
    ctx.check_stop()
    zero, random = accuracies[ZERO], accuracies[RANDOM]
    gap, noise, quiet = within_noise(zero, random)
    rows = [[s, z, r, z - r] for s, z, r in zip(seeds, zero, random)]
    rows += [["mean", np.mean(zero), np.mean(random), gap], ["std across seeds", np.std(zero, ddof=1),
                                                               np.std(random, ddof=1), None]]
    results = common.table(ctx, "bias_init", "Test accuracy by seed",
                           ["seed", ZERO, RANDOM, "zero − random"], rows)
    if quiet:
        finding = f"within seed noise (at most {NOISE_WIDTH:g}× the seed-to-seed spread of {common.pct(noise)})"
    else:
        better = "zero" if gap > 0 else "random"
        finding = (f"larger than seed noise ({abs(gap) / max(noise, 1e-12):.1f}× the seed-to-seed spread "
                   f"of {common.pct(noise)}), in favour of {better} biases")
    text = (f"Over {len(seeds)} seeds, zero biases reached {common.pct(np.mean(zero))} mean test accuracy and random "
            f"biases (std {p['bias_std']:g}) {common.pct(np.mean(random))}: a gap of {gap * 100:+.2f} points, {finding}.")
    holds = quiet or gap > 0  # the answer's claim: zero biases are no worse than random ones
    numbers = {"seeds": seeds, "test_accuracy_zero": zero, "test_accuracy_random": random, "mean_gap": gap,
               "seed_std": noise, "within_noise": quiet, "bias_std": p["bias_std"]}
    return {"summary": {"test_accuracy": float(np.mean(zero)), "epochs": epochs},
            "tables": {"bias_init": results}, "data": split.sizes(),
            "verdict": common.verdict(ctx, text, numbers, holds)}
