"""Keras callbacks that turn training into run events, honour stop requests and checkpoint safely."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import keras

from engine.context import StopFlag
from engine.events import EventWriter


class EventsCallback(keras.callbacks.Callback):
    """Emits epoch_end (absolute epoch, all metrics, seconds) and throttled batch_progress.

    Holds only the event writer and stop flag, both of which deep-copy to themselves, so
    keras-tuner's per-trial copies still write to the run's one events file.
    """

    def __init__(self, events: EventWriter, stop: StopFlag, epochs: int, steps: int | None = None,
                 epoch_offset: int = 0, tags: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.events, self.stop, self.epochs, self.steps = events, stop, epochs, steps
        self.epoch_offset, self.tags = epoch_offset, dict(tags or {})
        self._start = time.perf_counter()
        self._epoch = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        if self.stop.requested:
            self.model.stop_training = True

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.stop.requested:
            self.model.stop_training = True
        # with steps_per_execution Keras may number the last call's steps past the epoch's end
        step = min(batch + 1, self.steps) if self.steps else batch + 1
        self.events.progress(epoch=self._epoch + 1 + self.epoch_offset, step=step, steps=self.steps,
                             epochs=self.epochs, metrics=_floats(logs), **self.tags)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.events.emit("epoch_end", epoch=epoch + 1 + self.epoch_offset, epochs=self.epochs,
                         seconds=round(time.perf_counter() - self._start, 4), metrics=_floats(logs),
                         learning_rate=_learning_rate(self.model), **self.tags)
        if self.stop.requested:
            self.model.stop_training = True


class AtomicBestCheckpoint(keras.callbacks.Callback):
    """Saves the model whenever the monitored metric improves, via a temporary file and a rename."""

    def __init__(self, path: str | os.PathLike, monitor: str = "val_loss", mode: str = "min") -> None:
        super().__init__()
        self.path, self.monitor, self.mode = Path(path), monitor, mode
        self.best: float | None = None
        self.best_epoch: int | None = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        value = (logs or {}).get(self.monitor)
        if value is None:
            return
        value = float(value)
        better = self.best is None or (value < self.best if self.mode == "min" else value > self.best)
        if better:
            self.best, self.best_epoch = value, epoch + 1
            save_model_atomic(self.model, self.path)


def save_model_atomic(model: keras.Model, path: str | os.PathLike) -> None:
    """Save a .keras file so that a reader never sees half of it."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.partial.keras")  # Keras insists on the .keras suffix
    model.save(tmp)
    os.replace(tmp, path)


def _learning_rate(model: keras.Model) -> float | None:
    """The optimizer's current rate (a schedule may have lowered it), when there is one."""
    try:
        return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    except (AttributeError, TypeError, ValueError):
        return None


def _floats(logs: dict | None) -> dict[str, float]:
    return {k: float(v) for k, v in (logs or {}).items() if _is_number(v)}


def _is_number(value: Any) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False
