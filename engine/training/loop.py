"""The engine's own compiled training loop: one `tf.function` per epoch over tensors held in memory.

Keras `fit` spends most of a small model's epoch on per-step Python and callback work; at a few
hundred images that overhead is nearly all of the time. Here a whole epoch (shuffle, every
mini-batch step with `GradientTape` and the real Keras optimizer, the running loss and
accuracy) is one graph call, so caching frozen layers shows its real, arithmetic gain.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf

from engine import xla_cache
from engine.context import StopFlag
from engine.events import EventWriter
from engine.events_contract import BatchProgress, EpochEnd
from engine.training.policy import EarlyStopping

# With `xla=True` the whole epoch, its step loop included, is compiled by XLA as one program. The
# loop stays a loop (a `tf.range` over the full batches, the short last batch as one more step
# after it), so XLA compiles one step's code once: about a second on this CPU, whatever the epoch's
# length. Unrolling the steps instead took 5–15 s to compile, and a `jit_compile` step called from a
# graph-mode loop was slower than no XLA (each call pays XLA's launch cost). What XLA removes is the
# graph executor's fixed cost per op, which is most of a small model's step.
REST_INSIDE_UP_TO_STEPS = 64
# A long epoch runs as a few compiled calls of this many steps each, so that progress (and a stop
# request) is seen between them; the full base data at batch 32 is ~4 calls. An epoch of fewer
# steps stays one call: it is over in well under a second.
STEPS_PER_CALL = 256


def sparse_loss(y_true: tf.Tensor, probabilities: tf.Tensor) -> tf.Tensor:
    """Mean sparse categorical cross-entropy: integer labels 0..k-1 against a k-way softmax.

    Keras's own loss function, without the Loss object's masking and reduction wrapper (fewer
    ops in every step of the compiled epoch).
    """
    return keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y_true, probabilities))


@dataclass
class LoopResult:
    """What a training loop did: per-epoch history, timings and the epoch whose weights it kept."""

    history: dict[str, list[float]] = field(default_factory=dict)
    epochs: int = 0
    epoch_seconds: list[float] = field(default_factory=list)  # training pass only, no validation
    train_seconds: float = 0.0  # every epoch's training pass, the first one's compile included
    seconds: float = 0.0  # everything, validation and bookkeeping included
    best_epoch: int | None = None
    best_val_loss: float | None = None
    stopped: bool = False  # a stop request ended training early

    @property
    def seconds_per_epoch(self) -> float | None:
        """Median training seconds of an epoch after the first (the first one traces and compiles).

        The median, because on a shared machine a few epochs are slowed by other work.
        """
        steady = self.epoch_seconds[1:] or self.epoch_seconds
        return float(np.median(steady)) if steady else None


class EpochLoop:
    """Trains a model's trainable variables on (x, y) with a compiled epoch; evaluates in one call.

    Build a new loop after changing `trainable` (the variable list is fixed when traced), just as
    Keras needs a new `compile`.
    """

    def __init__(self, model: keras.Model, optimizer: keras.optimizers.Optimizer, x: np.ndarray,
                 y: np.ndarray, batch_size: int, seed: int,
                 loss: Callable[[tf.Tensor, tf.Tensor], tf.Tensor] | None = None, xla: bool = False,
                 augment: Callable[[tf.Tensor, tf.random.Generator], tf.Tensor] | None = None) -> None:
        self.model, self.optimizer = model, optimizer
        self.augment = augment  # applied to each epoch's shuffled images, drawing from the loop's generator
        self.loss = loss or sparse_loss
        self.x, self.y = as_tensor(x, tf.float32), as_tensor(y, tf.int32)
        self.n = int(self.x.shape[0])
        self.batch_size = min(int(batch_size), self.n)
        self.steps = -(-self.n // self.batch_size)
        self.variables = list(model.trainable_variables)
        if not self.variables:
            raise ValueError("the model has no trainable variables")
        optimizer.build(self.variables)
        self._fresh_optimizer = [v.numpy() for v in optimizer.variables]
        self.rng = tf.random.Generator.from_seed(seed)
        # XLA's random-number ops are slow on a CPU: measured on the base network's full data, an
        # XLA epoch with dropout took ~6 s against ~1.1 s in graph mode (and ~0.5 s under XLA
        # without dropout), so a model with dropout keeps its loop in graph mode
        self.xla = bool(xla) and not any(isinstance(layer, keras.layers.Dropout) for layer in _layers(model))
        if self.xla:
            xla_cache.note_program()  # so the run's result can say whether its compile was a cache hit
        # autograph off: the loop is an explicit tf.while_loop and Keras layers need no conversion, and
        # converting the call tree (every layer and the optimizer) took ~0.6 s of each trace here
        self._epoch = tf.function(self._epoch_graph, jit_compile=self.xla, autograph=False)
        # Under XLA a short last batch is a second step shape to compile (0.4–0.8 s more for a 5×100
        # network here). In a long epoch it runs after the compiled epoch as one graph-mode call
        # instead; in a short one (a few hundred images) that call's fixed cost, ~0.5 ms, would be a
        # large share of every epoch, so it stays inside.
        self._rest_apart = self.xla and self.n % self.batch_size != 0 and self.steps > REST_INSIDE_UP_TO_STEPS
        self._last_step = tf.function(self._step_graph, autograph=False)
        full_steps = self.n // self.batch_size
        self.chunked = full_steps > STEPS_PER_CALL
        if self.chunked:
            # the epoch's shuffled copy lives in variables, read by each call's contiguous slices
            self._x_epoch = tf.Variable(tf.zeros_like(self.x), trainable=False)
            self._y_epoch = tf.Variable(tf.zeros_like(self.y), trainable=False)
            self._shuffle = tf.function(self._shuffle_graph, autograph=False)
            self._chunk = tf.function(self._chunk_graph, jit_compile=self.xla, autograph=False)
        self._evaluate = tf.function(self._evaluate_graph, autograph=False)

    def _step_graph(self, xb: tf.Tensor, yb: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        with tf.GradientTape() as tape:
            probabilities = self.model(xb, training=True)
            loss = self.loss(yb, probabilities)
        gradients = tape.gradient(loss, self.variables)
        self.optimizer.apply_gradients(zip(gradients, self.variables))
        size = tf.cast(tf.shape(yb)[0], tf.float32)
        return loss * size, _hits(yb, probabilities)

    def _epoch_graph(self) -> tuple[tf.Tensor, ...]:
        # one shuffled copy per epoch, then contiguous slices: fewer ops per step than a gather each
        order = tf.argsort(self.rng.uniform([self.n]))
        x, y = tf.gather(self.x, order), tf.gather(self.y, order)
        if self.augment is not None:
            x = self.augment(x, self.rng)
        full_steps, rest = divmod(self.n, self.batch_size)

        def full_step(step: tf.Tensor, total_loss: tf.Tensor, correct: tf.Tensor) -> tuple[tf.Tensor, ...]:
            # slices of a fixed size, so that XLA compiles the step once for a static shape
            start = step * self.batch_size
            step_loss, step_hits = self._step_graph(_rows(x, start, self.batch_size), _rows(y, start, self.batch_size))
            return step + 1, total_loss + step_loss, correct + step_hits

        _, total_loss, correct = tf.while_loop(lambda step, *_: step < full_steps, full_step,
                                               (tf.constant(0), tf.constant(0.0), tf.constant(0.0)))
        if self._rest_apart:
            return total_loss, correct, x[self.n - rest:], y[self.n - rest:]
        if rest:
            step_loss, step_hits = self._step_graph(x[self.n - rest:], y[self.n - rest:])
            total_loss += step_loss
            correct += step_hits
        return total_loss, correct

    def _shuffle_graph(self) -> None:
        order = tf.argsort(self.rng.uniform([self.n]))
        x = tf.gather(self.x, order)
        if self.augment is not None:
            x = self.augment(x, self.rng)
        self._x_epoch.assign(x)
        self._y_epoch.assign(tf.gather(self.y, order))

    def _chunk_graph(self, first: tf.Tensor, last: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        # the step count is a loop bound, not a shape: XLA compiles one step for every call
        x, y = self._x_epoch.read_value(), self._y_epoch.read_value()

        def full_step(step: tf.Tensor, total_loss: tf.Tensor, correct: tf.Tensor) -> tuple[tf.Tensor, ...]:
            start = step * self.batch_size
            step_loss, step_hits = self._step_graph(_rows(x, start, self.batch_size), _rows(y, start, self.batch_size))
            return step + 1, total_loss + step_loss, correct + step_hits

        _, total_loss, correct = tf.while_loop(lambda step, *_: step < last, full_step,
                                               (first, tf.constant(0.0), tf.constant(0.0)))
        return total_loss, correct

    def _run_chunked(self, progress: Callable[[int, float, float], None] | None) -> tuple[float, float]:
        self._shuffle()
        full_steps, rest = divmod(self.n, self.batch_size)
        total_loss, correct = 0.0, 0.0
        for first in range(0, full_steps, STEPS_PER_CALL):
            last = min(first + STEPS_PER_CALL, full_steps)
            step_loss, step_hits = self._chunk(tf.constant(first), tf.constant(last))
            total_loss, correct = total_loss + float(step_loss), correct + float(step_hits)
            if progress is not None:
                seen = last * self.batch_size
                progress(last, total_loss / seen, correct / seen)
        if rest:
            step_loss, step_hits = self._last_step(self._x_epoch[self.n - rest:], self._y_epoch[self.n - rest:])
            total_loss, correct = total_loss + float(step_loss), correct + float(step_hits)
        return total_loss / self.n, correct / self.n

    def _run_epoch(self, progress: Callable[[int, float, float], None] | None = None) -> tuple[float, float]:
        """(mean loss, accuracy) of one epoch; a chunked epoch reports (steps done, loss, accuracy) as it goes."""
        if self.chunked:
            return self._run_chunked(progress)
        if self._rest_apart:
            total_loss, correct, x_rest, y_rest = self._epoch()
            step_loss, step_hits = self._last_step(x_rest, y_rest)
            total_loss, correct = total_loss + step_loss, correct + step_hits
        else:
            total_loss, correct = self._epoch()
        return float(total_loss) / self.n, float(correct) / self.n

    def _evaluate_graph(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        probabilities = self.model(x, training=False)
        return self.loss(y, probabilities), _hits(y, probabilities) / tf.cast(tf.shape(y)[0], tf.float32)

    def restart(self, weights: list[np.ndarray], learning_rate: float, seed: int) -> None:
        """Begin a new training on the same compiled graph: new weights, a fresh optimizer, a new seed.

        Tracing is what a small model's training start costs most; models of one architecture
        (say, trials that differ only in learning rate) can share one loop this way.
        """
        for variable, value in zip(self.model.weights, weights):
            variable.assign(value)
        for variable, value in zip(self.optimizer.variables, self._fresh_optimizer):
            variable.assign(value)
        self.optimizer.learning_rate = learning_rate  # assigned to the optimizer's variable, not traced in
        self.rng.reset_from_seed(seed)

    def _weights(self) -> list[np.ndarray]:
        return [w.numpy() for w in self.model.weights]

    def train_epoch(self) -> tuple[float, float]:
        """One pass over the training set: (mean loss, accuracy) measured while training."""
        return self._run_epoch()

    def evaluate(self, x: np.ndarray | tf.Tensor, y: np.ndarray | tf.Tensor) -> tuple[float, float]:
        """(loss, accuracy) in inference mode, in one call."""
        loss, accuracy = self._evaluate(as_tensor(x, tf.float32), as_tensor(y, tf.int32))
        return float(loss), float(accuracy)

    def fit(self, epochs: int, x_val: np.ndarray | None = None, y_val: np.ndarray | None = None,
            patience: int = 0, events: EventWriter | None = None, stop: StopFlag | None = None,
            tags: dict[str, Any] | None = None, epoch_offset: int = 0, total_epochs: int | None = None,
            on_epoch: Callable[[int, dict[str, float]], None] | None = None,
            progress: EventWriter | None = None) -> LoopResult:
        """Train up to `epochs` epochs; with validation data and patience, stop early and keep the best.

        Emits an epoch_end event per epoch (absolute epoch = epoch_offset + epoch) when given
        an event writer, and stops between epochs when the stop flag is raised.
        """
        result = LoopResult()
        validate = x_val is not None and y_val is not None
        if validate:
            x_val_t, y_val_t = as_tensor(x_val, tf.float32), as_tensor(y_val, tf.int32)
        stopping = EarlyStopping(patience)
        started = time.perf_counter()
        sink = events or progress  # progress: batch_progress only, when on_epoch emits the epochs
        for epoch in range(1, epochs + 1):
            if stop is not None and stop.requested:
                result.stopped = True
                break
            tick = time.perf_counter()
            report = self._reporter(sink, epoch_offset + epoch, total_epochs or epoch_offset + epochs, tags)
            loss, accuracy = self._run_epoch(report)  # floats: waits for the graph, honest timing
            seconds = time.perf_counter() - tick
            result.train_seconds += seconds
            result.epoch_seconds.append(seconds)
            metrics = {"loss": loss, "accuracy": accuracy}
            if validate:
                val_loss, val_accuracy = self._evaluate(x_val_t, y_val_t)
                metrics.update(val_loss=float(val_loss), val_accuracy=float(val_accuracy))
            for name, value in metrics.items():
                result.history.setdefault(name, []).append(value)
            result.epochs = epoch
            if events is not None:
                events.emit(EpochEnd(epoch=epoch_offset + epoch, epochs=total_epochs or epoch_offset + epochs,
                                     seconds=round(seconds, 5), metrics=metrics, **(tags or {})))
            if on_epoch is not None:
                on_epoch(epoch_offset + epoch, metrics)
            if not validate:
                continue
            if stopping.update(epoch_offset + epoch, metrics["val_loss"], self._weights):
                break
        result.best_val_loss, result.best_epoch = stopping.best.value, stopping.best.epoch
        if stopping.best_weights is not None:
            # early stopping keeps the best epoch's weights, as Keras's restore_best_weights does
            for variable, value in zip(self.model.weights, stopping.best_weights):
                variable.assign(value)
        result.seconds = time.perf_counter() - started
        return result

    def _reporter(self, sink: EventWriter | None, epoch: int, epochs: int,
                  tags: dict[str, Any] | None) -> Callable[[int, float, float], None] | None:
        """The batch_progress emitter for one epoch's chunks, or None when the epoch runs as one call."""
        if sink is None or not self.chunked:
            return None

        def report(step: int, loss: float, accuracy: float) -> None:
            sink.progress(BatchProgress(epoch=epoch, step=step, steps=self.steps, epochs=epochs,
                                        metrics={"loss": loss, "accuracy": accuracy}, **(tags or {})))
        return report


def as_tensor(values: np.ndarray | tf.Tensor, dtype: tf.DType) -> tf.Tensor:
    """A tensor of `dtype`; one already made is used as it is (a search converts its images once, not per trial)."""
    if isinstance(values, tf.Tensor) and values.dtype == dtype:
        return values
    return tf.constant(np.ascontiguousarray(values, dtype=dtype.as_numpy_dtype))


def _layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Every layer, nested models' layers included."""
    found = []
    for layer in model.layers:
        found += _layers(layer) if isinstance(layer, keras.Model) else [layer]
    return found


def _rows(tensor: tf.Tensor, start: tf.Tensor, count: int) -> tf.Tensor:
    """`count` rows of `tensor` from row `start`, with the static shape [count, …]."""
    rank = len(tensor.shape)
    return tf.slice(tensor, tf.stack([start] + [0] * (rank - 1)), [count] + list(tensor.shape[1:]))


def _hits(y: tf.Tensor, probabilities: tf.Tensor) -> tf.Tensor:
    predicted = tf.argmax(probabilities, axis=-1, output_type=tf.int32)
    return tf.reduce_sum(tf.cast(tf.equal(predicted, tf.cast(y, tf.int32)), tf.float32))


def predict_classes(model: keras.Model, x: np.ndarray, batch_size: int = 4096) -> np.ndarray:
    """Predicted class per image, in a few large inference-mode calls (cheaper than `predict`)."""
    parts = [model(tf.constant(np.asarray(x[i:i + batch_size], dtype=np.float32)), training=False).numpy()
             for i in range(0, len(x), batch_size)]
    return np.concatenate(parts).argmax(axis=1) if parts else np.zeros(0, dtype=np.int64)
