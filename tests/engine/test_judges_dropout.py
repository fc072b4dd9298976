"""The judge of question 7, fed numbers for which each claim holds, fails, and sits at its edge (no TensorFlow)."""
from __future__ import annotations

import pytest

from engine.judges import dropout
from engine.judges.dropout import CLAIMS, MC_HIGH, MC_LOW, accuracy_gap, judge, ratio, spread_gap


def numbers(**changes):
    base = dropout.example_numbers()
    base.update(changes)
    return base


def holds(verdict, name):
    return next(c for c in verdict.claims if c.name == name).holds


def training(none_seconds, drop_seconds):
    base = numbers()["training"]
    return {"none": dict(base["none"], seconds_to_best=none_seconds),
            "dropout": dict(base["dropout"], seconds_to_best=drop_seconds)}


def test_a_default_like_run_holds_every_claim_in_order():
    judged = judge(numbers())
    assert [c.name for c in judged.claims] == list(CLAIMS)
    assert judged.holds


def test_training_is_slower_only_when_the_paired_interval_lies_above_zero():
    assert not holds(judge(numbers(training=training([1.0, 2.0, 1.5], [1.0, 2.0, 1.5]))), "slower_training")
    assert not holds(judge(numbers(training=training([1.0, 2.0, 1.5], [1.1, 1.8, 1.7]))), "slower_training")
    assert not holds(judge(numbers(training=training([1.0], [9.0]))), "slower_training")  # one seed: no interval
    assert holds(judge(numbers(training=training([1.0, 2.0, 1.5], [1.5, 2.6, 2.0]))), "slower_training")


def test_free_inference_needs_the_interval_inside_the_margin():
    base = [2.0, 2.1, 1.9, 2.0, 2.05, 1.95]
    slower = {"with_layers": [v * 1.3 for v in base], "without_layers": base}
    assert not holds(judge(numbers(inference_ms=slower)), "free_inference")
    noisy = {"with_layers": [1.0, 3.0, 1.0, 3.0], "without_layers": [3.0, 1.0, 3.0, 1.0]}  # too noisy to show it
    assert not holds(judge(numbers(inference_ms=noisy)), "free_inference")
    slight = {"with_layers": [v * 1.05 for v in base], "without_layers": base}
    assert holds(judge(numbers(inference_ms=slight)), "free_inference")
    assert not holds(judge(numbers(inference_ms=slight, inference_margin=0.04)), "free_inference")


def test_mc_cost_must_be_about_n_times_for_every_n():
    mc = numbers()["mc_ms"]
    batched = dict(mc, **{"100": [v * 40 for v in mc["1"]]})  # 100 samples at 40×: well below N×
    assert not holds(judge(numbers(mc_ms=batched)), "mc_n_times")
    costly = dict(mc, **{"10": [v * 21 for v in mc["1"]]})
    assert not holds(judge(numbers(mc_ms=costly)), "mc_n_times")
    inside = dict(mc, **{"10": [v * 19 for v in mc["1"]]})
    assert holds(judge(numbers(mc_ms=inside)), "mc_n_times")
    assert not holds(judge(numbers(mc_ms={"1": mc["1"]})), "mc_n_times")  # no N to compare
    assert ratio([300.0], [3.0], 100).value == pytest.approx(1.0)
    assert (MC_LOW, MC_HIGH) == (0.5, 2)


def test_mc_accuracy_is_non_inferior_within_its_margin():
    worse = {"n": 2000, "only_mc_right": 10, "only_single_right": 70}  # 3 points worse
    assert not holds(judge(numbers(accuracy_pair=worse)), "mc_not_worse")
    assert holds(judge(numbers(accuracy_pair=worse, mc_margin_points=5.0)), "mc_not_worse")
    same = {"n": 2000, "only_mc_right": 0, "only_single_right": 0}
    assert holds(judge(numbers(accuracy_pair=same)), "mc_not_worse")
    with pytest.raises(ValueError):
        accuracy_gap({"n": 5, "only_mc_right": 3, "only_single_right": 3})


def test_uncertainty_must_be_larger_where_mc_is_wrong():
    spread = numbers()["spread"]
    flat = {"wrong": {"mean": 0.0, "sd": 0.0, "n": 100}, "right": {"mean": 0.0, "sd": 0.0, "n": 1900}}
    assert not holds(judge(numbers(spread=flat)), "mc_uncertainty")  # no dropout: every sample agrees
    reversed_ = {"wrong": spread["right"], "right": spread["wrong"]}
    assert not holds(judge(numbers(spread=reversed_)), "mc_uncertainty")
    one_wrong = dict(spread, wrong={"mean": 0.5, "sd": 0.0, "n": 1})
    assert not holds(judge(numbers(spread=one_wrong)), "mc_uncertainty")  # one image: no interval
    gap = spread_gap({"mean": 0.2, "sd": 0.1, "n": 100}, {"mean": 0.1, "sd": 0.1, "n": 100})
    assert gap.value == pytest.approx(0.1) and gap.low == pytest.approx(0.1 - 1.96 * (0.02 ** 0.5) / 10, rel=1e-3)
