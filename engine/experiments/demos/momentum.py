"""Question 5: momentum close to 1 overshoots and oscillates.

The verdict comes from a small convex problem with a known minimum, f(θ) = ½ Σ λᵢ θᵢ², optimized by Keras's own
SGD from several starting points: its trajectory is drawn, and the crossings of the minimum and the steps to
settle are counted per momentum. Beside it the exercise's network is trained with each momentum, with the
loss of every step drawn and each run's outcome named (reached the target, swinging, stuck at chance, blew up).
"""
from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from engine.context import RunContext
from engine.experiments.demos import common
from engine.judges.momentum import converged_at, crossings, epochs_to_reach, judge, outcome, rises

USUAL, MIDDLE = 0.9, 0.99
CURVATURES = (1.0, 10.0)  # an elongated bowl, as loss surfaces are: one gentle and one steep direction
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


def windowed(values: list[float], points: int) -> tuple[list[int], list[float | None]]:
    """Step numbers and window means, at most `points` of them; non-finite windows become gaps."""
    width = max(1, -(-len(values) // points))
    xs, ys = [], []
    for start in range(0, len(values), width):
        chunk = np.asarray(values[start:start + width], dtype=float)
        xs.append(start + len(chunk))
        ys.append(float(chunk.mean()) if np.all(np.isfinite(chunk)) else None)
    return xs, ys


def momenta(high: float) -> list[float]:
    """The momenta compared: the usual 0.9, 0.99 and the high one (once, if it equals another)."""
    return list(dict.fromkeys((USUAL, MIDDLE, high)))


def starts(count: int, seed: int) -> np.ndarray:
    """Seeded starting points at distance 1 from the minimum, in every direction."""
    angles = np.random.default_rng(seed).uniform(0.0, 2 * np.pi, count)
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def bowl_trajectory(beta: float, learning_rate: float, start: np.ndarray, steps: int) -> np.ndarray:
    """Positions (steps + 1, starts, 2) of Keras SGD with this momentum on ½ Σ λᵢ θᵢ², from each start."""
    theta = tf.Variable(start, dtype=tf.float64)
    optimizer = keras.optimizers.SGD(learning_rate, momentum=beta)
    optimizer.build([theta])
    curvature = tf.constant(CURVATURES, dtype=tf.float64)

    @tf.function
    def walk() -> tf.Tensor:
        path = tf.TensorArray(tf.float64, size=steps + 1).write(0, theta)
        for i in tf.range(steps):
            optimizer.apply([curvature * theta], [theta])  # the exact gradient of the bowl
            path = path.write(i + 1, theta)
        return path.stack()

    return walk().numpy()


def bowl_measures(path: np.ndarray, tolerance: float) -> dict[str, list]:
    """Per start: crossings of the minimum until settled, steps to settle, and the late swing amplitude."""
    distance = np.sqrt(np.sum(path ** 2, axis=2))  # (steps + 1, starts); every start is at distance 1
    tail = max(1, len(distance) // 10)
    found: dict[str, list] = {"overshoots": [], "steps_to_converge": [], "end_amplitude_share": []}
    for k in range(path.shape[1]):
        settled = converged_at([float(d) for d in distance[:, k]], tolerance)
        found["steps_to_converge"].append(settled)
        found["overshoots"].append(sum(crossings([float(v) for v in path[:, k, axis]], settled) for axis in range(2)))
        late = distance[-tail:, k]
        found["end_amplitude_share"].append(float(late.max()) if np.all(np.isfinite(late)) else math.inf)
    return found


def run(ctx: RunContext) -> dict[str, Any]:
    """Optimize the bowl with each momentum and judge it, then train the network with each momentum beside it."""
    p = ctx.params
    betas = momenta(p["high_momentum"])
    ctx.phase("convex problem", detail=f"SGD at {p['bowl_learning_rate']:g} on a bowl with curvatures "
                                       f"{CURVATURES[0]:g} and {CURVATURES[1]:g}, {p['starts']} starts")
    origin = starts(p["starts"], p["seed"])
    bowl: dict[str, dict[str, list]] = {}
    paths: dict[str, tuple[list[float], list[float]]] = {}
    distances: dict[str, tuple[list[int], list[float | None]]] = {}
    for beta in betas:
        ctx.check_stop()
        path = bowl_trajectory(beta, p["bowl_learning_rate"], origin, p["bowl_steps"])
        bowl[f"{beta:g}"] = bowl_measures(path, p["tolerance"])
        label = f"momentum {beta:g}"
        shown = path[: min(len(path), 3 * CURVE_POINTS), 0]  # the first start's path, its first steps
        paths[label] = ([float(v) for v in shown[:, 0]], [float(v) for v in shown[:, 1]])
        distances[label] = windowed([float(d) for d in np.sqrt(np.sum(path[:, 0] ** 2, axis=1))], CURVE_POINTS)
    trajectory = common.curve(ctx, "trajectory", "Path toward the minimum (0, 0), first start", "θ₁", "θ₂", paths)
    distance = common.curve(ctx, "distance", "Distance to the minimum per step, first start", "step",
                            "distance", distances)
    numbers = {"budget": p["bowl_steps"], "tolerance": p["tolerance"], "learning_rate": p["bowl_learning_rate"],
               "curvatures": list(CURVATURES), "usual": f"{USUAL:g}", "high": f"{p['high_momentum']:g}",
               "by_momentum": bowl}
    rows = [[key, float(np.mean(m["overshoots"])), _settled(m["steps_to_converge"]),
             float(np.max(m["end_amplitude_share"]))] for key, m in bowl.items()]
    bowl_table = common.table(ctx, "bowl", f"Convex bowl: {p['starts']} starts, {p['bowl_steps']} steps",
                              ["momentum", "crossings of the minimum (mean)", "steps to settle",
                               "late swing (share of start)"], rows)
    network = network_runs(ctx, betas) if p["epochs"] > 0 else {}
    numbers["network"] = network.get("numbers", {})
    judged = judge(numbers)
    tables = {"bowl": bowl_table, **({"network": network["table"]} if network else {})}
    usual = numbers["network"].get(f"{USUAL:g}", {})
    return {"summary": {"test_accuracy": usual.get("test_accuracy"), "best_val_accuracy": usual.get("best_val_accuracy"),
                        "epochs": network.get("epochs", 0)},
            "tables": tables, "curves": {"trajectory": trajectory, "distance": distance},
            "data": network.get("data", {}), "verdict": common.emit_verdict(ctx, judged)}


def network_runs(ctx: RunContext, betas: list[float]) -> dict[str, Any]:
    """Train the exercise's network with each momentum; each run's step losses are drawn and its outcome named."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    steps: dict[str, tuple[list[int], list[float | None]]] = {}
    found: dict[str, dict[str, Any]] = {}
    total_epochs = 0
    chance = math.log(10)
    for beta in betas:
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
        common.curve(ctx, "step_loss", "Network: training loss per step", "step", "loss", steps)
        diverged = any(not math.isfinite(v) for v in losses) or (trained["epochs"] < p["epochs"] and not ctx.stop.requested)
        finite = [v for v in losses if math.isfinite(v)]
        val = trained["history"].get("val_accuracy", [])
        found[f"{beta:g}"] = {"epochs_to_target": epochs_to_reach(losses, p["target_loss"]),
                              "final_loss": losses[-1] if losses else None,
                              "lowest_loss": min(finite) if finite else None, "rises": rises(losses),
                              "diverged": diverged, "outcome": outcome(losses, diverged, p["target_loss"], chance),
                              "best_val_accuracy": max(val) if val else None,
                              "test_accuracy": common.accuracy(model, split.x_test, split.y_test)}
    ctx.check_stop()
    rows = [[key, f["epochs_to_target"] or "never", f["lowest_loss"], f["final_loss"], f["rises"], f["outcome"],
             f["test_accuracy"]] for key, f in found.items()]
    table = common.table(ctx, "network", f"Network, SGD at {p['learning_rate']:g}: epochs to training loss "
                         f"{p['target_loss']:g} (chance is ln 10 ≈ 2.30)",
                         ["momentum", "epochs to target", "lowest loss", "final loss", "epochs the loss rose",
                          "outcome", "test accuracy"], rows)
    return {"numbers": found, "table": table, "epochs": total_epochs, "data": split.sizes()}


def _settled(steps: list[int | None]) -> str:
    done = [s for s in steps if s is not None]
    if not done:
        return "never"
    text = f"{np.mean(done):.0f}"
    return text if len(done) == len(steps) else f"{text} ({len(done)} of {len(steps)} starts)"
