"""Question 4: at a high learning rate ReLU units die (output 0 for every input) while leaky ReLU, ELU and SELU
units cannot; the run also times an epoch and a forward pass for each activation (the latency argument)."""
from __future__ import annotations

import time
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from engine.context import RunContext
from engine.experiments.demos import common
from engine.training import pipeline

ACTIVATIONS = {"ReLU": ("relu", "he_normal"), "leaky ReLU": ("leaky_relu", "he_normal"),
               "ELU": ("elu", "he_normal"), "SELU": ("selu", "lecun_normal")}
TIMING_REPEATS = 10  # best of several: the fastest repeat is the one least disturbed by other work
TIMING_IMAGES = 10_000  # enough work per pass that the activation's arithmetic, not call overhead, is timed


def dead_fractions(activations: list[np.ndarray]) -> tuple[float, list[float]]:
    """Share of units whose output is exactly 0 for every image: over all layers, and per layer.

    Each array holds one layer's outputs, images along the first axis and units along the last.
    """
    dead = [np.all(a == 0, axis=0) for a in activations]
    total = sum(int(d.sum()) for d in dead) / max(sum(d.size for d in dead), 1)
    return float(total), [float(d.mean()) for d in dead]


class DeadUnits(keras.callbacks.Callback):
    """Measures the dead-unit share on a fixed batch of validation images before training and after each epoch."""

    def __init__(self, images: np.ndarray, on_measure: Any) -> None:
        super().__init__()
        self.images = pipeline.as_float(images)
        self.on_measure = on_measure
        self.history: list[float] = []
        self.per_layer: list[float] = []
        self._probe: keras.Model | None = None

    def _measure(self) -> None:
        if self._probe is None:
            self._probe = keras.Model(self.model.inputs[0], [l.output for l in common.hidden_layers(self.model)])
        outputs = [np.asarray(o) for o in self._probe(self.images, training=False)]
        total, self.per_layer = dead_fractions(outputs)
        self.history.append(total)
        self.on_measure()

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._measure()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._measure()


def forward_seconds(models: dict[str, keras.Model], images: np.ndarray) -> dict[str, float]:
    """Best-of-several seconds for one inference pass of each model over the same images.

    The models take turns in every round, so a burst of other work on the machine slows them alike.
    """
    repeats = -(-TIMING_IMAGES // len(images))
    x = tf.constant(pipeline.as_float(np.concatenate([images] * repeats)[:TIMING_IMAGES]))
    calls = {label: tf.function(lambda x, m=model: m(x, training=False)) for label, model in models.items()}
    for call in calls.values():
        call(x)  # trace before timing
    best = {label: float("inf") for label in calls}
    for _ in range(TIMING_REPEATS):
        for label, call in calls.items():
            started = time.perf_counter()
            np.asarray(call(x))
            best[label] = min(best[label], time.perf_counter() - started)
    return best


def run(ctx: RunContext) -> dict[str, Any]:
    """Train one network per activation at a high learning rate, tracking dead units, timings and accuracy."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    dead: dict[str, list[float]] = {}
    rows: dict[str, list[Any]] = {}
    models: dict[str, keras.Model] = {}
    epochs = 0

    def show() -> None:
        common.curve(ctx, "dead_units", "Dead hidden units (output 0 for every validation image)", "epoch",
                     "share of units", {label: (list(range(len(v))), v) for label, v in dead.items()})

    for label, (activation, initializer) in ACTIVATIONS.items():
        keras.utils.set_random_seed(p["seed"])
        model = common.dense_stack(p["hidden_layers"], p["units"], activation, common.seeded(initializer, p["seed"]),
                                   seed=p["seed"])
        watcher = DeadUnits(split.x_val, show)
        dead[label] = watcher.history
        trained = common.fit(ctx, model, split, series=label, epochs=p["epochs"], batch_size=p["batch_size"],
                             seed=p["seed"], optimizer=keras.optimizers.Adam(p["learning_rate"]), callbacks=[watcher])
        epochs += trained["epochs"]
        # the first epoch includes tracing the training step; later epochs show the steady cost
        steady = trained["epoch_seconds"][1:] or trained["epoch_seconds"]
        rows[label] = [label, watcher.history[-1], max(watcher.history), watcher.per_layer[0],
                       watcher.per_layer[-1], float(np.median(steady)), None,
                       common.accuracy(model, split.x_test, split.y_test)]
        models[label] = model
    ctx.check_stop()
    ctx.phase("timing inference", detail=f"one forward pass over {TIMING_IMAGES:,} images per activation")
    for label, seconds in forward_seconds(models, split.x_test).items():
        rows[label][6] = seconds * 1000
    results = common.table(ctx, "activations", f"Adam at {p['learning_rate']:g}: dead units, speed and accuracy",
                           ["activation", "dead at end", "most dead", "dead in layer 1", "dead in last layer",
                            "s per epoch", f"ms per forward pass ({TIMING_IMAGES:,} images)", "test accuracy"],
                           list(rows.values()))
    relu_dead = dead["ReLU"][-1]
    others = {label: dead[label][-1] for label in ACTIVATIONS if label != "ReLU"}
    holds = relu_dead > max(others.values())
    ms = {label: row[6] for label, row in rows.items()}
    if relu_dead > 0:
        deaths = f"{common.pct(relu_dead)} of ReLU units were dead"
    else:
        deaths = "no ReLU unit died in this run"
    text = (f"After {p['epochs']} epochs at learning rate {p['learning_rate']:g}, {deaths}, against "
            + ", ".join(f"{common.pct(v)} for {k}" for k, v in others.items())
            + f"; one forward pass took {ms['ReLU']:.1f} ms with ReLU, {ms['leaky ReLU']:.1f} ms with leaky ReLU, "
              f"{ms['ELU']:.1f} ms with ELU and {ms['SELU']:.1f} ms with SELU.")
    numbers = {"dead_per_epoch": dead, "forward_ms": ms, "seconds_per_epoch": {k: r[5] for k, r in rows.items()},
               "test_accuracy": {k: r[7] for k, r in rows.items()}, "learning_rate": p["learning_rate"]}
    return {"summary": {"test_accuracy": rows["ReLU"][7], "epochs": epochs}, "tables": {"activations": results},
            "data": split.sizes(), "verdict": common.verdict(ctx, text, numbers, holds)}
