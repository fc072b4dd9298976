"""The verdict data and its statistics, pinned at and past their edges."""
from __future__ import annotations

import math

import pytest

from engine.verdicts import Claim, fmt, mean_ci, paired_diff_ci, proportion_ci, t95, verdict


def test_a_verdict_holds_only_when_every_claim_holds():
    assert verdict([Claim("a", True, "x"), Claim("b", True, "y")]).holds
    assert not verdict([Claim("a", True, "x"), Claim("b", False, "y")]).holds
    assert not verdict([]).holds  # no claims: nothing was proven


def test_verdict_text_marks_each_claim():
    judged = verdict([Claim("a", True, "x."), Claim("b", False, "y.")], {"n": 1})
    assert judged.text == "[held] x. [not held] y."
    assert judged.to_json()["claims"][1] == {"name": "b", "holds": False, "text": "y."}
    assert judged.to_json()["numbers"] == {"n": 1}


def test_mean_ci_uses_student_t():
    ci = mean_ci([1.0, 2.0, 3.0])
    assert ci.value == 2.0 and ci.n == 3
    assert ci.half_width == pytest.approx(4.303 * 1.0 / math.sqrt(3))
    assert mean_ci([5.0, None, float("nan"), 7.0]).n == 2
    single = mean_ci([4.0])
    assert single.low == -math.inf and not single.above(0) and not single.inside(-1e9, 1e9)
    with pytest.raises(ValueError):
        mean_ci([float("nan")])


def test_t_values_at_the_table_edges():
    assert t95(1) == 12.706 and t95(30) == 2.042 and t95(31) == 1.960
    with pytest.raises(ValueError):
        t95(0)


def test_paired_difference_removes_the_shared_part():
    a, b = [10.0, 20.0, 30.0], [9.0, 19.1, 28.9]
    ci = paired_diff_ci(a, b)
    assert ci.value == pytest.approx(1.0) and ci.above(0)
    with pytest.raises(ValueError):
        paired_diff_ci([1.0], [1.0, 2.0])


def test_wilson_interval_stays_in_the_unit_range():
    zero = proportion_ci(0, 10)
    assert zero.low == 0.0 and 0.25 < zero.high < 0.31
    full = proportion_ci(10, 10)
    assert full.high == 1.0 and full.low < 1.0
    assert proportion_ci(50, 100).inside(0.40, 0.60)
    for bad in [(1, 0), (-1, 5), (6, 5)]:
        with pytest.raises(ValueError):
            proportion_ci(*bad)


def test_interval_comparisons_are_strict():
    ci = mean_ci([1.0, 1.0, 1.0])  # zero width
    assert ci.above(0.999) and not ci.above(1.0) and ci.below(1.001) and not ci.below(1.0)
    assert ci.inside(1.0, 1.0)


def test_fmt_scales_and_drops_an_infinite_spread():
    assert fmt(mean_ci([0.9, 0.92]), 100, 1).startswith("91.0 ± ")
    assert fmt(mean_ci([0.5]), 100, 1, "%") == "50.0%"


def test_proportion_difference_interval_is_newcombes_and_stays_in_range():
    from engine.verdicts import proportion_diff_ci
    same = proportion_diff_ci(5, 100, 5, 100)
    assert same.value == 0.0 and same.low < 0.0 < same.high
    clear = proportion_diff_ci(60, 500, 3, 500)
    assert clear.above(0.0) and clear.value == pytest.approx(57 / 500)
    extreme = proportion_diff_ci(10, 10, 0, 10)
    assert extreme.high <= 1.0 and extreme.low > 0.5
    # a reference value (Newcombe 1998, example: 56/70 vs 48/80): 0.2000 [0.0524, 0.3339]
    ref = proportion_diff_ci(56, 70, 48, 80)
    assert (ref.low, ref.high) == (pytest.approx(0.0524, abs=5e-4), pytest.approx(0.3339, abs=5e-4))
