"""The judge of question 3 at and past its edges (no TensorFlow)."""
from __future__ import annotations

import copy
import math

from engine.judges import selu
from engine.judges.selu import CLAIMS, judge, scale_drift, self_normalized


def numbers():
    return copy.deepcopy(selu.example_numbers())


def holds(n):
    return {c.name: c.holds for c in judge(n).claims}


def layers(mean, std, rms_step=1.0, depth=10):
    return {"mean": [mean] * depth, "std": [std] * depth, "rms": [std * rms_step ** i for i in range(depth)]}


def test_a_default_like_run_holds_every_claim_in_order():
    judged = judge(numbers())
    assert [c.name for c in judged.claims] == list(CLAIMS) and judged.holds


def test_the_band_edges():
    ones = [1.0] * 10
    assert self_normalized([0.1] * 10, [0.8] * 5 + [1.25] * 5)  # on the edges: inside
    assert not self_normalized([0.0] * 10, ones[:9] + [1.2501])
    assert not self_normalized([0.0] * 9 + [-0.1001], ones)
    assert self_normalized([0.5] * 5 + [0.0] * 5, [3.0] * 5 + ones[5:])  # the first half may wander
    assert not self_normalized([], [])


def test_scale_drift_is_the_largest_log_change_over_the_deeper_half():
    assert scale_drift([5.0, 1.0, 1.0, 2.0]) == math.log(2.0)
    assert scale_drift([1.0, 1.0, 2.0, 0.5]) == math.log(4.0)  # measured from the half's first layer
    assert scale_drift([1.0, 1.0, 0.0, 1.0]) == math.inf  # a dead layer has no scale


def test_one_seed_out_of_the_band_fails_the_fixed_point():
    n = numbers()
    n["at_start"]["SELU + LeCun"][1] = layers(0.0, 1.3)
    assert not holds(n)["selu_fixed_point"]


def test_steadier_needs_both_others_to_drift_more_in_every_paired_interval():
    n = numbers()
    n["at_start"]["ELU + He"] = copy.deepcopy(n["at_start"]["SELU + LeCun"])  # ELU as steady as SELU
    assert not holds(n)["steadier_scale"]
    n = numbers()
    n["at_start"]["ReLU + He"] = [layers(0.5, 0.8, 1.0), layers(0.5, 0.8, 1.3), layers(0.5, 0.8, 1.0)]  # one seed only
    assert not holds(n)["steadier_scale"]


def test_dropout_claim_needs_regular_dropout_out_and_alpha_in_for_every_seed():
    n = numbers()
    n["at_start"]["SELU + dropout 0.2"] = [layers(0.0, 1.0)] * 3  # dropout 0: nothing broken
    assert not holds(n)["dropout"]
    n = numbers()
    n["at_start"]["SELU + alpha dropout 0.2"][2] = layers(0.0, 1.4)
    assert not holds(n)["dropout"]


def test_training_drift_must_be_resolved_below_both_others():
    n = numbers()
    n["drift_after_training"]["SELU + LeCun"] = {"mean": 0.55, "sd": 0.2, "n": 1000}  # same as ReLU
    assert not holds(n)["after_training"]
    n["drift_after_training"]["SELU + LeCun"] = {"mean": 0.1, "sd": 0.2, "n": 1}  # one image: no interval
    assert not holds(n)["after_training"]
    n = numbers()
    del n["after_training"]["SELU + LeCun"]
    judged = judge(n)
    assert not holds(n)["after_training"] and "not trained" in judged.claims[3].text
