"""Question 4: at a high learning rate ReLU units die (they pass no gradient for any training image) while leaky
ReLU, ELU and SELU units keep theirs; a low-rate ReLU network is the control. Each function is also timed alone,
where its own cost can be seen (inside a dense network the matrix products hide it)."""
from __future__ import annotations

import time
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf

from engine.context import RunContext
from engine.experiments.demos import common
from engine.judges.activations import judge
from engine.training import pipeline

ACTIVATIONS = {"ReLU": ("relu", "he_normal"), "leaky ReLU": ("leaky_relu", "he_normal"),
               "ELU": ("elu", "he_normal"), "SELU": ("selu", "lecun_normal")}
CONTROL = "ReLU, low rate"
# Timing alone: a block small enough to stay in the cache, applied many times inside one compiled call, so the
# function's arithmetic is timed rather than memory traffic or call overhead.
TIMING_SHAPE = (64, 4096)
TIMING_LOOPS = 50


def dying_units(derivatives: list[np.ndarray], epsilon: float) -> list[int]:
    """Per layer, the units whose |activation derivative| is below epsilon for every image (images on axis 0)."""
    return [int(np.all(np.abs(d) < epsilon, axis=0).sum()) for d in derivatives]


def activation_derivatives(model: keras.Model, activation: Callable, x: tf.Tensor) -> list[np.ndarray]:
    """Each hidden layer's activation derivative at its pre-activations, for every image of x."""
    layers = common.hidden_layers(model)
    probe = keras.Model(model.inputs[0], [layers[0].input] + [layer.output for layer in layers])
    outputs = probe(x, training=False)
    derivatives = []
    for layer, inputs in zip(layers, outputs[:-1]):
        z = tf.matmul(inputs, layer.kernel) + layer.bias
        with tf.GradientTape() as tape:
            tape.watch(z)
            y = activation(z)
        # the function acts elementwise, so the gradient of its sum is each unit's own derivative
        derivatives.append(np.asarray(tape.gradient(y, z)))
    return derivatives


class DyingUnits(keras.callbacks.Callback):
    """The share of dying units on the training images before training and after each epoch."""

    def __init__(self, images: np.ndarray, activation: Callable, epsilon: float, on_measure: Callable[[], None]):
        super().__init__()
        self.images = tf.constant(pipeline.as_float(images))
        self.activation, self.epsilon, self.on_measure = activation, epsilon, on_measure
        self.history: list[float] = []
        self.per_layer: list[int] = []
        self.units = 0

    def measure(self) -> None:
        """Count the dying units now."""
        derivatives = activation_derivatives(self.model, self.activation, self.images)
        self.per_layer = dying_units(derivatives, self.epsilon)
        self.units = sum(d.shape[1] for d in derivatives)
        self.history.append(sum(self.per_layer) / self.units)
        self.on_measure()

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.measure()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.measure()


def alone_ms(rounds: int, seed: int) -> dict[str, list[float]]:
    """Milliseconds per compiled call applying each function TIMING_LOOPS times, per round (paired by round).

    The functions take turns in every round, starting from a different one each time, so a burst of other
    work on the machine slows them alike.
    """
    x = tf.constant(np.random.default_rng(seed).normal(size=TIMING_SHAPE).astype(np.float32))

    def looped(function: Callable) -> Callable:
        def call(x: tf.Tensor) -> tf.Tensor:
            def body(i: tf.Tensor, total: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
                # a different input each loop, so the compiler cannot compute the function once
                return i + 1, total + tf.reduce_sum(function(x + tf.cast(i, x.dtype) * 1e-6))
            return tf.while_loop(lambda i, _: i < TIMING_LOOPS, body, (tf.constant(0), tf.constant(0.0)))[1]
        return tf.function(call, jit_compile=True)

    calls = {label: looped(keras.activations.get(name)) for label, (name, _) in ACTIVATIONS.items()}
    for call in calls.values():
        call(x).numpy()  # compile before timing
    ms: dict[str, list[float]] = {label: [] for label in calls}
    labels = list(calls)
    for r in range(rounds):
        for label in labels[r % len(labels):] + labels[:r % len(labels)]:
            started = time.perf_counter()
            calls[label](x).numpy()
            ms[label].append((time.perf_counter() - started) * 1000)
    return ms


def run(ctx: RunContext) -> dict[str, Any]:
    """Train one network per activation at a high rate and ReLU at a low one; count dying units; time each alone."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    shares: dict[str, list[float]] = {}
    counts: dict[str, dict[str, int]] = {}
    rows: list[list[Any]] = []
    epochs = 0

    def show() -> None:
        common.curve(ctx, "dying_units", f"Dying hidden units (gradient below {p['epsilon']:g} for every training "
                     "image)", "epoch", "share of units", {label: (list(range(len(v))), v) for label, v in shares.items()})

    runs = [(label, name, init, p["learning_rate"]) for label, (name, init) in ACTIVATIONS.items()]
    runs.append((CONTROL, "relu", "he_normal", p["control_learning_rate"]))
    relu: tuple[keras.Model, keras.optimizers.Optimizer, list, list] | None = None
    for label, name, initializer, rate in runs:
        if label == CONTROL and relu is not None:
            # the control is the ReLU network again from the same start: its traced step is reused
            model, optimizer, start, fresh = relu
            model.set_weights(start)
            for variable, value in zip(optimizer.variables, fresh):
                variable.assign(value)
            optimizer.learning_rate.assign(rate)
        else:
            keras.utils.set_random_seed(p["seed"])  # not for the control: it would make the step trace again
            model = common.dense_stack(p["hidden_layers"], p["units"], name, common.seeded(initializer, p["seed"]),
                                       seed=p["seed"])
            optimizer = keras.optimizers.Adam(rate)
            optimizer.build(model.trainable_variables)
            model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                          steps_per_execution=32)
            if label == "ReLU":
                relu = (model, optimizer, model.get_weights(), [v.numpy() for v in optimizer.variables])
        watcher = DyingUnits(split.x_train, keras.activations.get(name), p["epsilon"], show)
        shares[label] = watcher.history
        trained = common.fit(ctx, model, split, series=label, epochs=p["epochs"], batch_size=p["batch_size"],
                             seed=p["seed"], optimizer=optimizer, callbacks=[watcher], compile_model=False)
        epochs += trained["epochs"]
        counts[label] = {"dead": sum(watcher.per_layer), "units": watcher.units}
        steady = trained["epoch_seconds"][1:] or trained["epoch_seconds"]  # the first epoch includes tracing
        rows.append([label, rate, watcher.history[-1], max(watcher.history), watcher.per_layer[0] / p["units"],
                     watcher.per_layer[-1] / p["units"], float(np.median(steady)),
                     common.accuracy(model, split.x_test, split.y_test)])
        common.table(ctx, "activations", "Dying units, speed and accuracy",
                     ["activation", "learning rate", "dying at end", "most dying", "dying in layer 1",
                      "dying in last layer", "s per epoch", "test accuracy"], rows)
    ctx.check_stop()
    ctx.phase("timing the functions alone", detail=f"{p['latency_rounds']} rounds, each function "
              f"{TIMING_LOOPS}× over {TIMING_SHAPE[0] * TIMING_SHAPE[1]:,} values per call")
    ms = alone_ms(p["latency_rounds"], p["seed"])
    relu_ms = float(np.median(ms["ReLU"]))
    latency = common.table(ctx, "latency", "Each function alone (median of paired rounds)",
                           ["activation", "ms per call", "× ReLU"],
                           [[label, float(np.median(v)), float(np.median(v)) / relu_ms] for label, v in ms.items()])
    results = common.table(ctx, "activations", "Dying units, speed and accuracy",
                           ["activation", "learning rate", "dying at end", "most dying", "dying in layer 1",
                            "dying in last layer", "s per epoch", "test accuracy"], rows)
    numbers = {"epsilon": p["epsilon"], "learning_rate": p["learning_rate"],
               "control_learning_rate": p["control_learning_rate"], "epochs": p["epochs"],
               "train_images": int(len(split.y_train)),
               "dying": {label: counts[label] for label in ACTIVATIONS}, "control": counts[CONTROL],
               "dying_per_epoch": shares, "latency_elements": TIMING_SHAPE[0] * TIMING_SHAPE[1] * TIMING_LOOPS,
               "latency_ms": ms, "test_accuracy": {row[0]: row[-1] for row in rows}}
    judged = judge(numbers)
    return {"summary": {"test_accuracy": rows[0][-1], "epochs": epochs},
            "tables": {"activations": results, "latency": latency}, "data": split.sizes(),
            "verdict": common.emit_verdict(ctx, judged)}
