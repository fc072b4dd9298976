"""The learning-rate judge: the range test's turning point and the schedule comparisons, at and past their edges."""
from __future__ import annotations

import math

import pytest

from engine.judges.lr_schedules import BLOW_UP, CLAIMS, example_numbers, judge, smooth, turning_point

RATES = [1e-5 * (1e6 ** (i / 99)) for i in range(100)]


def dip_then_blow_up(low_at: int = 60, low: float = 0.5) -> list[float]:
    return [2.3 - (2.3 - low) * i / low_at if i <= low_at else low * 1.2 ** (i - low_at) for i in range(100)]


def test_smoothing_is_bias_corrected_and_nan_stays_nan():
    assert smooth([2.0, 2.0, 2.0]) == pytest.approx([2.0, 2.0, 2.0])  # no pull towards zero at the start
    out = smooth([1.0, None, 1.0])
    assert out[0] == 1.0 and math.isnan(out[1]) and math.isnan(out[2])


def test_the_turning_point_is_the_lowest_smoothed_loss_and_the_suggestion_a_tenth_of_it():
    found = turning_point(RATES, dip_then_blow_up())
    assert found["fell"] and found["rose"]
    assert 55 <= RATES.index(found["turn_rate"]) <= 66  # the smoothing lags the raw minimum by a few steps
    assert found["suggested_rate"] == pytest.approx(found["turn_rate"] / 10)


def test_a_loss_that_only_falls_never_turns_up():
    found = turning_point(RATES, [2.3 - 2 * i / 100 for i in range(100)])
    assert found["fell"] and not found["rose"]
    numbers = example_numbers()
    numbers["range_test"] = found
    assert not judge(numbers).claims[0].holds


def test_a_loss_that_blows_up_at_once_never_fell():
    found = turning_point(RATES, [2.3] * 5 + [None] * 95)
    assert found["rose"] and not found["fell"]


def test_rising_just_past_the_blow_up_factor_counts_and_just_below_does_not():
    base = [2.0] * 10 + [1.0] * 80
    assert turning_point(RATES[:100], base + [BLOW_UP * 1.0 * 1.2] * 10)["rose"]
    assert not turning_point(RATES[:100], base + [BLOW_UP * 0.95] * 10)["rose"]


def test_no_finite_loss_at_all_suggests_nothing():
    assert turning_point(RATES[:3], [None, None, None])["suggested_rate"] is None


def test_claims_in_order_and_the_example_holds():
    verdict = judge(example_numbers())
    assert [c.name for c in verdict.claims] == list(CLAIMS)
    assert verdict.holds
    assert "First to 90%" in verdict.claims[1].text


def test_one_seed_where_1cycle_ties_constant_breaks_its_claim():
    numbers = example_numbers()
    numbers["by_schedule"]["1cycle"]["best_val_accuracy"] = [0.92, 0.905]
    assert not judge(numbers).claims[1].holds


def test_decay_must_beat_constant_for_both_schedules():
    numbers = example_numbers()
    for name in ("exponential", "piecewise"):
        numbers["by_schedule"][name]["best_val_accuracy"] = [0.915, 0.91]
    assert judge(numbers).claims[2].holds
    numbers["by_schedule"]["piecewise"]["best_val_accuracy"] = [0.915, 0.905]
    assert not judge(numbers).claims[2].holds
