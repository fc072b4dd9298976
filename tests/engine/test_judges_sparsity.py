"""The judge of question 6, fed numbers for which each claim holds, fails, and sits at its edge (no TensorFlow)."""
from __future__ import annotations

import pytest

from engine.judges import sparsity
from engine.judges.sparsity import CLAIMS, accuracy_gap, judge


def numbers(**changes):
    base = sparsity.example_numbers()
    base.update(changes)
    return base


def holds(verdict, name):
    return next(c for c in verdict.claims if c.name == name).holds


def methods(**zeros_lit):
    base = numbers()["methods"]
    return {name: dict(method, zeros_lit=zeros_lit.get(name, method["zeros_lit"])) for name, method in base.items()}


def test_a_default_like_run_holds_every_claim_in_order():
    judged = judge(numbers())
    assert [c.name for c in judged.claims] == list(CLAIMS)
    assert judged.holds


def test_ftrl_must_beat_its_control_on_weights_that_get_a_gradient():
    assert not holds(judge(numbers(methods=methods(ftrl_l1=20))), "ftrl_exact_zeros")  # the same as without ℓ1
    assert not holds(judge(numbers(methods=methods(ftrl_l1=28, ftrl_control=20))), "ftrl_exact_zeros")  # noise
    assert holds(judge(numbers(methods=methods(ftrl_l1=200, ftrl_control=20))), "ftrl_exact_zeros")


def test_never_lit_zeros_do_not_count_for_ftrl():
    blanks_only = methods(ftrl_l1=0, ftrl_control=0)  # every zero sits on an always-blank pixel's weight
    judged = judge(numbers(methods=blanks_only))
    assert not holds(judged, "ftrl_exact_zeros")
    assert "counted apart" in judged.claims[0].text


def test_l1_then_zeroing_must_beat_zeroing_after_plain_training():
    assert not holds(judge(numbers(methods=methods(l1_zeroed=300))), "l1_then_zeroing")
    assert not holds(judge(numbers(methods=methods(l1_zeroed=200, plain_zeroed=300))), "l1_then_zeroing")
    assert holds(judge(numbers(methods=methods(l1_zeroed=600, plain_zeroed=300))), "l1_then_zeroing")


def test_accuracy_must_stay_within_the_margin_of_each_control():
    pairs = numbers()["accuracy_pairs"]
    worse = dict(pairs, **{"FTRL with ℓ1": {"n": 2000, "only_sparse_right": 10, "only_control_right": 110}})
    assert not holds(judge(numbers(accuracy_pairs=worse)), "accuracy_kept")  # 5 points worse
    edge = dict(pairs, **{"FTRL with ℓ1": {"n": 2000, "only_sparse_right": 0, "only_control_right": 40}})
    assert not holds(judge(numbers(accuracy_pairs=edge, margin_points=2.0)), "accuracy_kept")  # -2 points, CI past
    assert holds(judge(numbers(accuracy_pairs=edge, margin_points=3.0)), "accuracy_kept")
    assert not holds(judge(numbers(accuracy_pairs={})), "accuracy_kept")


def test_impossible_correctness_counts_are_refused():
    assert accuracy_gap({"n": 4, "only_sparse_right": 3, "only_control_right": 1}).value == pytest.approx(0.5)
    with pytest.raises(ValueError):
        accuracy_gap({"n": 10, "only_sparse_right": 8, "only_control_right": 3})
    with pytest.raises(ValueError):
        accuracy_gap({"n": 0, "only_sparse_right": 0, "only_control_right": 0})
