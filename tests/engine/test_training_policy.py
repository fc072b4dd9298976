"""The training policy as numbers: the epoch a loss sequence stops at, the epoch kept, the rate halved."""
from __future__ import annotations

import math

import pytest

from engine.training.policy import (
    MIN_LEARNING_RATE,
    PLATEAU_FACTOR,
    PLATEAU_PATIENCE,
    BestEpoch,
    EarlyStopping,
    PlateauSchedule,
    is_better,
)

NAN = float("nan")


def run_until_stop(patience: int, losses: list[float]) -> tuple[int | None, EarlyStopping]:
    """Feed losses epoch by epoch (from 1) keeping each epoch's number as its 'weights'; the epoch it stops at."""
    rule = EarlyStopping(patience)
    for epoch, loss in enumerate(losses, start=1):
        if rule.update(epoch, loss, lambda epoch=epoch: f"weights of epoch {epoch}"):
            return epoch, rule
    return None, rule


@pytest.mark.parametrize(("patience", "losses", "stops_at", "best_epoch"), [
    # best at epoch 2, then exactly `patience` worse epochs: stops on the last of them
    (3, [1.0, 0.5, 0.6, 0.7, 0.8, 0.9], 5, 2),
    (1, [1.0, 0.5, 0.6, 0.4], 3, 2),
    (2, [1.0, 0.5, 0.6, 0.4, 0.45, 0.41, 0.3], 6, 4),
    # a tie is not an improvement: it counts as a waited epoch
    (2, [0.5, 0.5, 0.5], 3, 1),
    # one epoch short of patience never stops
    (3, [1.0, 0.5, 0.6, 0.7], None, 2),
    # an improvement on the last allowed epoch resets the count
    (2, [1.0, 1.1, 0.9, 1.2, 0.95], 5, 3),
    # patience 0 never stops
    (0, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], None, 1),
])
def test_stops_exactly_after_patience_epochs_without_a_better_loss(patience, losses, stops_at, best_epoch):
    stopped, rule = run_until_stop(patience, losses)
    assert stopped == stops_at
    assert rule.best.epoch == best_epoch
    assert rule.best.value == min(losses[: stopped or len(losses)])


def test_the_weights_kept_are_the_best_epochs():
    _, rule = run_until_stop(3, [0.9, 0.4, 0.5, 0.3, 0.35, 0.6, 0.7])
    assert rule.best_weights == "weights of epoch 4"
    assert rule.best.epoch == 4 and rule.best.value == 0.3


def test_weights_are_taken_only_when_the_loss_improves():
    taken = []
    rule = EarlyStopping(2)
    for epoch, loss in enumerate([0.5, 0.6, 0.4], start=1):
        rule.update(epoch, loss, lambda epoch=epoch: taken.append(epoch) or epoch)
    assert taken == [1, 3]


def test_without_patience_nothing_is_kept_to_restore():
    _, rule = run_until_stop(0, [0.5, 0.4, 0.6])
    assert rule.best_weights is None and rule.best.epoch == 2


def test_the_wait_count_restarts_on_each_improvement():
    rule = EarlyStopping(5)
    for epoch, loss in enumerate([1.0, 1.2, 1.3], start=1):
        rule.update(epoch, loss)
    assert rule.waited == 2
    rule.update(4, 0.9)
    assert rule.waited == 0


def test_nan_never_counts_as_the_best():
    stopped, rule = run_until_stop(2, [NAN, 0.5, NAN, NAN])
    assert stopped == 4 and rule.best.epoch == 2 and rule.best_weights == "weights of epoch 2"
    assert not is_better(NAN, None) and is_better(0.1, None) and is_better(0.1, 0.2)
    assert not is_better(0.2, 0.2) and not is_better(0.3, 0.2)


def test_negative_patience_is_a_programming_error():
    with pytest.raises(ValueError, match=r"^patience must be 0 \(never stop\) or more$"):
        EarlyStopping(-1)
    assert EarlyStopping(0).patience == 0


def test_best_epoch_offers_in_order():
    best = BestEpoch()
    assert best.offer(1, 0.7) and not best.offer(2, 0.7) and best.offer(3, 0.2) and not best.offer(4, 0.25)
    assert (best.epoch, best.value, best.kept) == (3, 0.2, None)
    assert best.offer(5, 0.1, lambda: "kept") and best.kept == "kept"


def rates_over(losses: list[float], rate: float = 0.01, **settings) -> list[float]:
    """The rate in force after each epoch."""
    schedule = PlateauSchedule(**settings)
    rates = []
    for loss in losses:
        new_rate = schedule.update(loss, rate)
        rate = rate if new_rate is None else new_rate
        rates.append(rate)
    return rates


def test_plateau_defaults_are_keras_reduce_lr_on_plateau_as_the_runs_use_it():
    assert (PLATEAU_PATIENCE, PLATEAU_FACTOR, MIN_LEARNING_RATE) == (3, 0.5, 1e-6)
    schedule = PlateauSchedule()
    assert (schedule.patience, schedule.factor, schedule.min_rate) == (3, 0.5, 1e-6)


def test_plateau_halves_after_three_epochs_without_improvement_and_counts_again():
    rates = rates_over([1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 0.5, 0.6])
    assert rates == [0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.0025, 0.0025, 0.0025]


def test_plateau_count_resets_on_improvement_and_ties_do_not_improve():
    assert rates_over([1.0, 1.0, 0.9, 1.0, 1.0]) == [0.01] * 5
    assert rates_over([1.0, 1.0, 1.0, 1.0]) == [0.01, 0.01, 0.01, 0.005]


def test_plateau_never_goes_below_the_floor_and_stops_at_it():
    rates = rates_over([1.0] + [2.0] * 9, rate=3e-6, patience=1)
    assert rates[:4] == [3e-6, 1.5e-6, 1e-6, 1e-6]
    assert min(rates) == MIN_LEARNING_RATE
    assert PlateauSchedule(patience=1).update(2.0, 1e-6) is None  # at the floor already: no change
    schedule = PlateauSchedule(patience=1, best=1.0)
    assert schedule.update(2.0, 1e-6) is None and schedule.waited == 1  # still waiting, as Keras does
    assert schedule.update(2.0, 1e-3) == pytest.approx(5e-4) and schedule.waited == 0


def test_plateau_nan_loss_counts_as_no_improvement():
    schedule = PlateauSchedule(patience=2)
    assert schedule.update(0.5, 0.1) is None
    assert schedule.update(NAN, 0.1) is None and schedule.update(NAN, 0.1) == pytest.approx(0.05)
    assert not math.isnan(schedule.best)
