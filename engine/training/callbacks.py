"""Keras callbacks that turn training into run events, honour stop requests and checkpoint safely."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import keras

from engine.atomic import save_model_atomic
from engine.context import StopFlag
from engine.events import EventWriter
from engine.events_contract import BatchProgress, EpochEnd
from engine.training.policy import BestEpoch, EarlyStopping, PlateauSchedule


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
        self.events.progress(BatchProgress(epoch=self._epoch + 1 + self.epoch_offset, step=step,
                                           steps=self.steps or 0, epochs=self.epochs, metrics=_floats(logs),
                                           **self.tags))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.events.emit(EpochEnd(epoch=epoch + 1 + self.epoch_offset, epochs=self.epochs,
                                  seconds=round(time.perf_counter() - self._start, 4), metrics=_floats(logs),
                                  learning_rate=_learning_rate(self.model), **self.tags))
        if self.stop.requested:
            self.model.stop_training = True


class AtomicBestCheckpoint(keras.callbacks.Callback):
    """Saves the model whenever the validation loss improves, via a temporary file and a rename."""

    def __init__(self, path: str | os.PathLike, monitor: str = "val_loss") -> None:
        super().__init__()
        self.path, self.monitor = Path(path), monitor
        self.tracker = BestEpoch()

    @property
    def best(self) -> float | None:
        """The lowest value seen so far."""
        return self.tracker.value

    @property
    def best_epoch(self) -> int | None:
        """Its epoch, counted from 1."""
        return self.tracker.epoch

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        value = (logs or {}).get(self.monitor)
        if value is not None and self.tracker.offer(epoch + 1, float(value)):
            save_model_atomic(self.model, self.path)


class EarlyStoppingCallback(keras.callbacks.Callback):
    """Keras's side of the engine's early-stopping rule: stop when it says so, end on the best epoch's weights."""

    def __init__(self, patience: int, monitor: str = "val_loss") -> None:
        super().__init__()
        self.patience, self.monitor = patience, monitor
        self.rule = EarlyStopping(patience)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.rule = EarlyStopping(self.patience)  # a fresh count for every fit

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        value = (logs or {}).get(self.monitor)
        if value is not None and self.rule.update(epoch + 1, float(value), self.model.get_weights):
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.rule.best_weights is not None:
            self.model.set_weights(self.rule.best_weights)


class PlateauCallback(keras.callbacks.Callback):
    """Keras's side of the engine's plateau schedule: set the rate it decides."""

    def __init__(self, schedule: PlateauSchedule | None = None, monitor: str = "val_loss") -> None:
        super().__init__()
        self.schedule, self.monitor = schedule or PlateauSchedule(), monitor

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        value = (logs or {}).get(self.monitor)
        rate = _learning_rate(self.model)
        if value is None or rate is None:
            return
        new_rate = self.schedule.update(float(value), rate)
        if new_rate is not None:
            self.model.optimizer.learning_rate = new_rate


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
