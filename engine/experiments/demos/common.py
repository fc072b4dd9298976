"""What every prove-it demo shares: a small split, a configurable dense stack, a timed fit, tables, curves, verdicts."""
from __future__ import annotations

import time
from typing import Any, Callable, Iterable, Sequence

import keras
import numpy as np
import tensorflow as tf

from engine import verdicts
from engine.context import RunContext
from engine.data import Split, digits_split
from engine.events_contract import Curve, Table
from engine.training import pipeline
from engine.training.callbacks import EventsCallback

InitFactory = Callable[[int], Any]  # layer index (1-based; 0 = output) -> a fresh initializer
FEW_STEPS = 128  # steps in all, up to which one step per call trains sooner (a trace ~0.5 s, a call ~1 ms)
EAGER_STEPS = 24  # steps in all, up to which eager steps (~50 ms each) finish before tracing them would (~1 s)


def demo_split(ctx: RunContext, digits: range, per_class: int) -> Split:
    """A small seeded split of the given digits (labels from 0), announced to watchers."""
    split = digits_split(ctx.mnist(), digits, subset=per_class)
    ctx.phase("data ready", sizes=split.sizes())
    return split


def seeded(name: str, seed: int) -> InitFactory:
    """Fresh initializers of one kind, each layer with its own seed (one shared object would repeat weights)."""
    return lambda index: keras.initializers.get({"class_name": name, "config": {"seed": seed + index}})


def standardizer(x_train: np.ndarray) -> keras.layers.Layer:
    """Per-pixel standardization fitted on the training images (mean 0, std 1 per feature).

    Pixels that are blank in every training image keep a unit scale instead of dividing by zero.
    """
    flat = x_train.reshape(len(x_train), -1).astype(np.float64)
    mean, var = flat.mean(axis=0), flat.var(axis=0)
    var[var == 0] = 1.0
    return keras.layers.Normalization(mean=mean, variance=var, name="standardize")


def dense_stack(depth: int, units: int, activation: str, kernel_init: InitFactory,
                bias_init: InitFactory | None = None, dropout: float = 0.0, alpha_dropout: bool = False,
                n_classes: int = 10, inputs: keras.layers.Layer | None = None, seed: int = 0,
                kernel_regularizer: Any = None, name: str = "demo",
                kernel_constraint: Callable[[], Any] | None = None) -> keras.Sequential:
    """A plain sequential dense stack named like the exercise network (hidden1…, drop1…, output).

    Unlike `engine.models.build_mlp` it lets a demo choose the bias initializer, a regularizer, alpha
    dropout and standardized inputs, which the questions need and the exercise network does not.
    """
    layers: list[keras.layers.Layer] = [keras.Input(shape=(28, 28), name="pixels"),
                                        keras.layers.Flatten(name="flatten"),
                                        inputs if inputs is not None else keras.layers.Rescaling(1 / 255, name="rescale")]
    for i in range(1, depth + 1):
        layers.append(keras.layers.Dense(units, activation=activation, kernel_initializer=kernel_init(i),
                                         bias_initializer=bias_init(i) if bias_init else "zeros",
                                         kernel_regularizer=kernel_regularizer, name=f"hidden{i}",
                                         kernel_constraint=kernel_constraint() if kernel_constraint else None))
        if dropout > 0:
            kind = keras.layers.AlphaDropout if alpha_dropout else keras.layers.Dropout
            layers.append(kind(dropout, seed=seed + 1000 + i, name=f"drop{i}"))
    layers.append(keras.layers.Dense(n_classes, activation="softmax", kernel_initializer=kernel_init(0),
                                     kernel_regularizer=kernel_regularizer, name="output"))
    return keras.Sequential(layers, name=name)


def hidden_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The hidden Dense layers, in order."""
    return [layer for layer in model.layers if layer.name.startswith("hidden")]


class EpochClock(keras.callbacks.Callback):
    """Keeps each epoch's training seconds (validation excluded) for timing tables."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_test_begin(self, logs: dict | None = None) -> None:
        # validation starts inside the epoch: stop the clock there so only training is timed
        if self._start:
            self.seconds.append(time.perf_counter() - self._start)
            self._start = 0.0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self._start:  # no validation this epoch
            self.seconds.append(time.perf_counter() - self._start)
            self._start = 0.0


def train_batches(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int) -> tf.data.Dataset:
    """Like `pipeline.train_dataset`, but every batch is full: a short last batch would make Keras trace
    the whole training step a second time, which for a 50-layer stack costs more than the epoch itself."""
    drop = len(y) >= batch_size
    data = tf.data.Dataset.from_tensor_slices((pipeline.as_float(x), y.astype(np.int32))).cache()
    data = data.shuffle(len(y), seed=seed, reshuffle_each_iteration=True)
    return data.batch(batch_size, drop_remainder=drop).prefetch(tf.data.AUTOTUNE)


def fit(ctx: RunContext, model: keras.Model, split: Split, *, series: str, epochs: int, batch_size: int,
        seed: int, optimizer: keras.optimizers.Optimizer, callbacks: Iterable[keras.callbacks.Callback] = (),
        steps_per_execution: int = 32, validate: bool = True, compile_model: bool = True) -> dict[str, Any]:
    """Compile and train one configuration, streaming epoch_end events tagged with its series.

    With `compile_model=False` the model must already be compiled with `optimizer`; its traced training
    step is then reused, which saves a second or two per run when a demo trains one shape many times.
    """
    ctx.check_stop()
    ctx.phase("training", series=series)
    steps = max(len(split.y_train) // batch_size, 1)
    if compile_model:
        # Building the optimizer's slot variables here, eagerly, instead of inside the first traced step cuts
        # that step's tracing several-fold (see benchmarks/bench_demos.py).
        optimizer.build(model.trainable_variables)
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      steps_per_execution=per_call(steps_per_execution, steps, epochs),
                      # a quick run's handful of steps is not traced at all: tracing Keras's training and
                      # test steps costs about a second here, more than those steps take eagerly
                      run_eagerly=steps * epochs <= EAGER_STEPS)
    clock = EpochClock()
    try:
        history = model.fit(train_batches(split.x_train, split.y_train, batch_size, seed),
                            validation_data=pipeline.eval_dataset(split.x_val, split.y_val) if validate else None,
                            epochs=epochs, verbose=0,
                            callbacks=[EventsCallback(ctx.events, ctx.stop, epochs, steps, tags={"series": series}),
                                       clock, *callbacks])
    finally:
        # only the training is eager: predictions after it (some of them timed) stay traced as before
        model.run_eagerly = False
    hist = {k: [float(v) for v in values] for k, values in history.history.items()}
    return {"history": hist, "epoch_seconds": clock.seconds, "epochs": len(hist.get("loss", []))}


def per_call(steps_per_execution: int, steps: int, epochs: int) -> int:
    """Steps per Keras call: one when the whole training is only a few calls' worth of steps.

    Keras traces its multi-step loop's body twice (once to learn its output types), so for a
    short training (a quick run: a few steps, one or two epochs) the per-call overhead that
    running many steps per call saves is less than the second trace costs; the numbers are the same.
    """
    return 1 if steps * epochs <= FEW_STEPS else steps_per_execution


def accuracy(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    """Share of images whose most probable class is the true one."""
    probabilities = model.predict(pipeline.as_float(x), batch_size=1024, verbose=0)
    return float(np.mean(probabilities.argmax(axis=1) == y))


def best_epoch(values: Sequence[float], mode: str = "max") -> int | None:
    """1-based epoch of the best finite value, or None when there is none."""
    finite = [(v, i) for i, v in enumerate(values) if v is not None and np.isfinite(v)]
    if not finite:
        return None
    pick = max if mode == "max" else min
    return pick(finite)[1] + 1


def table(ctx: RunContext, name: str, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict:
    """Emit a table event (a later one with the same name replaces it) and return it for the result."""
    data = {"title": title, "columns": list(columns), "rows": [[_short(value) for value in row] for row in rows]}
    ctx.events.emit(Table(name=name, **data))
    return data


def curve(ctx: RunContext, name: str, title: str, x_label: str, y_label: str,
          series: dict[str, tuple[Sequence[float], Sequence[float]]], x_scale: str = "linear",
          y_scale: str = "linear") -> dict:
    """Emit a curve event (a chart that is not per epoch) and return it for the result.

    A "log" scale is sent only when asked for, so charts drawn before scales existed read the same.
    """
    data: dict[str, Any] = {"title": title, "x_label": x_label, "y_label": y_label,
                            "series": {label: {"x": [_short(v) for v in x], "y": [_short(v) for v in y]}
                                       for label, (x, y) in series.items()}}
    data.update({key: scale for key, scale in (("x_scale", x_scale), ("y_scale", y_scale)) if scale != "linear"})
    ctx.events.emit(Curve(name=name, **data))
    return data


def verdict(ctx: RunContext, text: str, numbers: dict[str, Any], holds: bool) -> dict[str, Any]:
    """Show the measured verdict in the run view (phase and table) and return it for result.json."""
    ctx.phase("verdict", detail=text, holds=holds)
    table(ctx, "verdict", "Verdict", ["claim held", "what this run measured"], [["yes" if holds else "no", text]])
    return {"text": text, "numbers": numbers, "holds": bool(holds)}


def emit_verdict(ctx: RunContext, judged: verdicts.Verdict) -> dict[str, Any]:
    """Show a judged verdict in the run view, one table row per claim, and return it for result.json."""
    ctx.phase("verdict", detail=judged.text, holds=judged.holds)
    table(ctx, "verdict", "Verdict", ["claim held", "what this run measured"],
          [["yes" if claim.holds else "no", claim.text] for claim in judged.claims])
    return judged.to_json()


def _short(value: Any) -> Any:
    # four significant digits are plenty in a table and keep the events file readable
    if isinstance(value, (float, np.floating)):
        return float(f"{float(value):.4g}") if np.isfinite(value) else None
    return value


def pct(value: float | None) -> str:
    """A share as a percentage for verdict sentences ("n/a" when missing)."""
    return "n/a" if value is None or not np.isfinite(value) else f"{value:.1%}"
