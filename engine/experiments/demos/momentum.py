"""Question 5: momentum close to 1 overshoots and oscillates; the run counts the epochs each setting needs to reach
a target loss and draws the loss of every training step."""
from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.experiments.demos import common

MOMENTA = (0.9, 0.99, 0.99999)
CURVE_POINTS = 300  # steps are averaged in windows so a long run still draws as a readable line


class StepLosses(keras.callbacks.Callback):
    """The loss of each training step, recovered from Keras's running epoch mean (one step per call)."""

    def __init__(self) -> None:
        super().__init__()
        self.losses: list[float] = []
        self._previous_mean = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._previous_mean = 0.0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        mean = float((logs or {}).get("loss", math.nan))
        # mean after k steps = (sum of k losses) / k, so step k's own loss is k·mean_k − (k−1)·mean_(k−1)
        self.losses.append((batch + 1) * mean - batch * self._previous_mean)
        self._previous_mean = mean


def epochs_to_reach(losses: list[float], target: float) -> int | None:
    """1-based epoch at which the training loss first fell to the target, or None if it never did."""
    for epoch, loss in enumerate(losses, start=1):
        if loss is not None and math.isfinite(loss) and loss <= target:
            return epoch
    return None


def rises(losses: list[float]) -> int:
    """How many times the epoch loss went up (or became infinite/NaN) instead of down: the swings."""
    count = 0
    for before, after in zip(losses, losses[1:]):
        if not math.isfinite(after) or (math.isfinite(before) and after > before):
            count += 1
    return count


def windowed(values: list[float], points: int) -> tuple[list[int], list[float | None]]:
    """Step numbers and window means, at most `points` of them; non-finite windows become gaps."""
    width = max(1, -(-len(values) // points))
    xs, ys = [], []
    for start in range(0, len(values), width):
        chunk = np.asarray(values[start:start + width], dtype=float)
        xs.append(start + len(chunk))
        ys.append(float(chunk.mean()) if np.all(np.isfinite(chunk)) else None)
    return xs, ys


def run(ctx: RunContext) -> dict[str, Any]:
    """Train the same network with each momentum and compare loss curves and epochs to the target loss."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    steps: dict[str, tuple[list[int], list[float | None]]] = {}
    found: dict[float, dict[str, Any]] = {}
    total_epochs = 0
    for beta in MOMENTA:
        label = f"momentum {beta:g}"
        keras.utils.set_random_seed(p["seed"])
        model = common.dense_stack(p["hidden_layers"], p["units"], "relu", common.seeded("he_normal", p["seed"]),
                                   seed=p["seed"])
        recorder = StepLosses()
        trained = common.fit(ctx, model, split, series=label, epochs=p["epochs"], batch_size=p["batch_size"],
                             seed=p["seed"], optimizer=keras.optimizers.SGD(p["learning_rate"], momentum=beta),
                             callbacks=[recorder, keras.callbacks.TerminateOnNaN()], steps_per_execution=1)
        total_epochs += trained["epochs"]
        losses = trained["history"].get("loss", [])
        steps[label] = windowed(recorder.losses, CURVE_POINTS)
        common.curve(ctx, "step_loss", "Training loss per step", "step", "loss", steps)
        diverged = any(not math.isfinite(v) for v in losses) or (trained["epochs"] < p["epochs"] and not ctx.stop.requested)
        finite = [v for v in losses if math.isfinite(v)]
        val = trained["history"].get("val_accuracy", [])
        found[beta] = {"epochs_to_target": epochs_to_reach(losses, p["target_loss"]), "final_loss": losses[-1] if losses else None,
                       "lowest_loss": min(finite) if finite else None, "rises": rises(losses), "diverged": diverged,
                       "best_val_accuracy": max(val) if val else None,
                       "test_accuracy": common.accuracy(model, split.x_test, split.y_test)}
    ctx.check_stop()
    rows = [[f"{beta:g}", f["epochs_to_target"] if f["epochs_to_target"] else "never", f["lowest_loss"], f["final_loss"],
             f["rises"], "yes" if f["diverged"] else "no", f["test_accuracy"]] for beta, f in found.items()]
    results = common.table(ctx, "momentum", f"SGD at {p['learning_rate']:g}: epochs to training loss {p['target_loss']:g}",
                           ["momentum", "epochs to target", "lowest loss", "final loss", "epochs the loss rose",
                            "diverged", "test accuracy"], rows)
    usual, extreme = found[MOMENTA[0]], found[MOMENTA[-1]]
    holds = usual["epochs_to_target"] is not None and (
        extreme["epochs_to_target"] is None or extreme["epochs_to_target"] > usual["epochs_to_target"])
    text = (f"Epochs to reach training loss {p['target_loss']:g}: "
            + ", ".join(f"{_reached(f)} with momentum {beta:g}" for beta, f in found.items())
            + f"; the epoch loss rose {', '.join(str(f['rises']) for f in found.values())} times respectively"
            + (f", and momentum {MOMENTA[-1]:g} diverged to an infinite loss." if extreme["diverged"] else "."))
    numbers = {"target_loss": p["target_loss"], "learning_rate": p["learning_rate"],
               "by_momentum": {f"{beta:g}": f for beta, f in found.items()}}
    return {"summary": {"test_accuracy": usual["test_accuracy"], "best_val_accuracy": usual["best_val_accuracy"],
                        "epochs": total_epochs},
            "tables": {"momentum": results}, "data": split.sizes(), "verdict": common.verdict(ctx, text, numbers, holds)}


def _reached(found: dict[str, Any]) -> str:
    epoch = found["epochs_to_target"]
    return str(epoch) if epoch else "never"
