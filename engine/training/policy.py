"""Training policy as plain numbers: when to stop early, which epoch to keep, when to halve the rate.

The compiled loop and the Keras callbacks both ask these objects, so "stop after `patience`
epochs without a better validation loss", "keep the best epoch's weights" and "halve the rate
on a plateau" are decided in one place and tested without TensorFlow.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

PLATEAU_PATIENCE, PLATEAU_FACTOR, MIN_LEARNING_RATE = 3, 0.5, 1e-6


def is_better(value: float, best: float | None) -> bool:
    """A loss beats the best so far when it is strictly lower; NaN never does."""
    if math.isnan(value):
        return False
    return best is None or value < best


@dataclass
class BestEpoch:
    """The lowest validation loss seen so far, its epoch, and what was kept from that epoch."""

    value: float | None = None
    epoch: int | None = None
    kept: Any = None

    def offer(self, epoch: int, value: float, keep: Callable[[], Any] | None = None) -> bool:
        """Record the epoch if its loss is the best so far (and keep `keep()`); say whether it was."""
        if not is_better(value, self.value):
            return False
        self.value, self.epoch = value, epoch
        if keep is not None:
            self.kept = keep()
        return True


@dataclass
class EarlyStopping:
    """Stop once `patience` epochs in a row bring no better validation loss; keep the best epoch's weights.

    `patience` 0 never stops (the best epoch is still tracked), as a run without early stopping.
    """

    patience: int
    best: BestEpoch = field(default_factory=BestEpoch)
    waited: int = 0

    def __post_init__(self) -> None:
        if self.patience < 0:
            raise ValueError("patience must be 0 (never stop) or more")

    def update(self, epoch: int, val_loss: float, keep: Callable[[], Any] | None = None) -> bool:
        """Take one epoch's validation loss; True when training should stop after this epoch."""
        if self.best.offer(epoch, val_loss, keep if self.patience else None):
            self.waited = 0
            return False
        self.waited += 1
        return bool(self.patience) and self.waited >= self.patience

    @property
    def best_weights(self) -> Any:
        """What was kept from the best epoch (None without patience or before any improvement)."""
        return self.best.kept


@dataclass
class PlateauSchedule:
    """Halve the learning rate after `patience` epochs without a better loss, never below `min_rate`.

    The same rule as Keras's ReduceLROnPlateau with min_delta 0 and no cooldown.
    """

    patience: int = PLATEAU_PATIENCE
    factor: float = PLATEAU_FACTOR
    min_rate: float = MIN_LEARNING_RATE
    best: float | None = None
    waited: int = 0

    def update(self, val_loss: float, rate: float) -> float | None:
        """Take one epoch's validation loss and the current rate; the new rate, or None to keep it."""
        if is_better(val_loss, self.best):
            self.best, self.waited = val_loss, 0
            return None
        self.waited += 1
        if self.waited < self.patience or rate <= self.min_rate:
            return None
        self.waited = 0
        return max(rate * self.factor, self.min_rate)
