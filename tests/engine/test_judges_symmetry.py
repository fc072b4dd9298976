"""The judge of question 1, fed numbers for which each claim holds, fails, and sits at its edge (no TensorFlow)."""
from __future__ import annotations

import math

import pytest

from engine.judges import symmetry
from engine.judges.symmetry import CLAIMS, accuracy_gap, judge, scale_ratios


def numbers(**changes):
    base = symmetry.example_numbers()
    base.update(changes)
    return base


def claim(verdict, name):
    return next(c for c in verdict.claims if c.name == name)


def test_a_default_like_run_holds_every_claim_in_order():
    judged = judge(numbers())
    assert [c.name for c in judged.claims] == list(CLAIMS)
    assert judged.holds


def test_one_layer_with_two_neurons_is_not_a_collapse():
    assert not claim(judge(numbers(distinct_shared=[1, 2, 1])), "collapsed").holds
    assert not claim(judge(numbers(distinct_shared=[])), "collapsed").holds


def test_he_must_keep_every_neuron_distinct():
    assert not claim(judge(numbers(distinct_he=[100, 99, 100])), "he_distinct").holds


def test_accuracy_gap_needs_its_interval_above_zero():
    assert not claim(judge(numbers(only_he_right=30, only_shared_right=30)), "less_accurate").holds
    assert not claim(judge(numbers(only_he_right=0, only_shared_right=0)), "less_accurate").holds  # identical
    assert not claim(judge(numbers(only_he_right=3, only_shared_right=0, test_images=600)), "less_accurate").holds
    assert claim(judge(numbers(only_he_right=12, only_shared_right=0, test_images=600)), "less_accurate").holds
    gap = accuracy_gap(4, 3, 1)
    assert gap.value == pytest.approx(0.5) and gap.n == 4


def test_impossible_disagreement_counts_are_refused():
    with pytest.raises(ValueError):
        accuracy_gap(10, 8, 3)
    with pytest.raises(ValueError):
        accuracy_gap(0, 0, 0)


def test_scale_is_off_only_when_an_interval_lies_beyond_a_factor_of_two():
    same = {"mean": 0.0, "sd": 0.1, "n": 1000}
    assert not claim(judge(numbers(preact_log_ratio=[same, same, same])), "scale_broken").holds
    double = {"mean": math.log(2.0), "sd": 0.1, "n": 1000}  # centred on 2: half the interval is inside
    assert not claim(judge(numbers(preact_log_ratio=[same, double, same])), "scale_broken").holds
    small = {"mean": math.log(0.3), "sd": 0.1, "n": 1000}
    assert claim(judge(numbers(preact_log_ratio=[same, small, same])), "scale_broken").holds
    large = {"mean": math.log(3.0), "sd": 0.1, "n": 1000}
    assert claim(judge(numbers(preact_log_ratio=[large, same])), "scale_broken").holds
    one_image = {"mean": math.log(10.0), "sd": math.inf, "n": 1}  # no interval from one image
    assert not claim(judge(numbers(preact_log_ratio=[one_image])), "scale_broken").holds


def test_scale_ratios_turn_log_intervals_into_ratio_intervals():
    (ratio,) = scale_ratios([{"mean": math.log(4.0), "sd": 0.0, "n": 10}])
    assert ratio.value == pytest.approx(4.0) and ratio.low == pytest.approx(4.0) and ratio.n == 10


def test_the_control_without_a_shared_value_says_so():
    judged = judge(numbers(shared_value=None, distinct_shared=[100, 100, 100]))
    assert "control" in claim(judged, "collapsed").text and not judged.holds
