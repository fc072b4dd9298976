"""The judge of question 2: equivalence only when the paired gap's whole interval lies inside the margin."""
from __future__ import annotations

import pytest

from engine.judges import bias_init
from engine.judges.bias_init import CLAIMS, judge


def numbers(zero, random, margin=0.5):
    return {**bias_init.example_numbers(), "test_accuracy_zero": zero, "test_accuracy_random": random,
            "margin_points": margin}


def test_a_tight_gap_inside_the_margin_holds():
    judged = judge(bias_init.example_numbers())
    assert [c.name for c in judged.claims] == list(CLAIMS) and judged.holds
    assert "inside it" in judged.text


def test_the_gap_is_paired_by_seed_not_pooled():
    # seed-to-seed spread is large, but every pair differs by exactly 0.1 points: paired, that is resolved
    zero = [0.80, 0.90, 0.85, 0.95]
    random = [z - 0.001 for z in zero]
    judged = judge(numbers(zero, random))
    assert judged.holds and "0.10 ± 0.00 points" in judged.text


def test_a_gap_beyond_the_margin_is_not_equivalence():
    judged = judge(numbers([0.95, 0.951, 0.949], [0.93, 0.931, 0.929]))
    assert not judged.holds and "beyond it, zero biases doing better" in judged.text
    judged = judge(numbers([0.93, 0.931, 0.929], [0.95, 0.951, 0.949]))
    assert not judged.holds and "random biases doing better" in judged.text


def test_an_interval_wider_than_the_margin_cannot_show_equivalence():
    judged = judge(numbers([0.95, 0.90, 0.97], [0.93, 0.95, 0.94]))
    assert not judged.holds and "cannot show equivalence" in judged.text
    assert judge(numbers([0.95, 0.95, 0.95], [0.95, 0.95, 0.95], margin=0.001)).holds  # no gap at all


def test_the_edges_of_the_margin():
    # a constant gap has a zero-width interval: just inside the margin holds, just past it does not
    assert judge(numbers([0.95499, 0.95499], [0.950, 0.950], margin=0.5)).holds
    assert not judge(numbers([0.95501, 0.95501], [0.950, 0.950], margin=0.5)).holds
    assert not judge(numbers([0.94499, 0.94499], [0.950, 0.950], margin=0.5)).holds
    assert not judge(numbers([0.95], [0.95])).holds  # one seed: no interval, no equivalence


def test_unpaired_lists_are_refused():
    with pytest.raises(ValueError):
        judge(numbers([0.9, 0.9], [0.9]))
