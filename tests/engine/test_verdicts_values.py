"""The verdict pieces pinned to worked values: JSON shapes, intervals and the sentences they refuse with."""
from __future__ import annotations

import math

import pytest

from engine.verdicts import Claim, Interval, Verdict, fmt, mean_ci, paired_diff_ci, proportion_ci, t95, verdict


def test_verdict_and_claims_as_json():
    held, failed = Claim("a", True, "A held."), Claim("b", False, "B did not.")
    v = verdict([held, failed], {"gap": 1.5})
    assert v.to_json() == {"holds": False, "text": "[held] A held. [not held] B did not.",
                           "claims": [{"name": "a", "holds": True, "text": "A held."},
                                      {"name": "b", "holds": False, "text": "B did not."}],
                           "numbers": {"gap": 1.5}}
    assert verdict([held]).to_json()["holds"] is True and verdict([held]).numbers == {}
    assert Verdict(()).holds is False and Verdict(()).text == ""


def test_interval_as_json_and_its_width():
    interval = Interval(0.5, 0.25, 1.0, 4)
    assert interval.to_json() == {"value": 0.5, "low": 0.25, "high": 1.0, "n": 4}
    assert interval.half_width == 0.375
    assert interval.inside(0.25, 1.0) and not interval.inside(0.3, 1.0) and not interval.inside(0.25, 0.9)


def test_mean_ci_worked_values_and_what_it_ignores():
    ci = mean_ci([1.0, 2.0, 3.0, None, math.nan, math.inf])
    assert (ci.value, ci.n) == (2.0, 3)
    assert ci.half_width == pytest.approx(4.303 * 1.0 / math.sqrt(3))
    one = mean_ci([5.0])
    assert (one.value, one.low, one.high, one.n) == (5.0, -math.inf, math.inf, 1)
    with pytest.raises(ValueError, match=r"^no finite values to average$"):
        mean_ci([None, math.nan])


def test_t_values_and_their_refusal():
    assert (t95(1), t95(2), t95(30), t95(31)) == (12.706, 4.303, 2.042, 1.960)
    with pytest.raises(ValueError, match=r"^a t interval needs at least two values$"):
        t95(0)


def test_paired_difference_worked_value_and_refusal():
    ci = paired_diff_ci([3.0, 5.0], [1.0, 2.0])
    assert ci.value == 2.5 and ci.half_width == pytest.approx(12.706 * math.sqrt(0.5) / math.sqrt(2))
    with pytest.raises(ValueError, match=r"^paired values must come in pairs$"):
        paired_diff_ci([1.0], [1.0, 2.0])


def test_wilson_interval_worked_value_and_refusals():
    ci = proportion_ci(8, 10)
    assert ci.value == 0.8 and ci.n == 10
    assert (ci.low, ci.high) == (pytest.approx(0.4902, abs=1e-4), pytest.approx(0.9433, abs=1e-4))
    assert proportion_ci(0, 5).low == 0.0 and proportion_ci(5, 5).high == 1.0
    assert proportion_ci(0, 5).high == pytest.approx(0.4345, abs=1e-4)
    for successes, n in ((1, 0), (-1, 5), (6, 5)):
        with pytest.raises(ValueError, match=r"^a share needs 0 <= successes <= n and n > 0$"):
            proportion_ci(successes, n)
    assert proportion_ci(0, 1).value == 0.0 and proportion_ci(1, 1).value == 1.0


def test_fmt_defaults():
    assert fmt(Interval(0.1234, 0.1, 0.16, 3)) == "0.12 ± 0.03"
    assert fmt(Interval(0.1234, 0.1, 0.16, 3), 100, 1, " points") == "12.3 ± 3.0 points"
    assert fmt(Interval(2.0, -math.inf, math.inf, 1), unit="x") == "2.00x"
