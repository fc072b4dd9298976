"""The judge of question 4, fed numbers for which each claim holds, fails, and sits at its edge (no TensorFlow)."""
from __future__ import annotations

import pytest

from engine.judges import activations
from engine.judges.activations import CLAIMS, LEAKY_BOUND, judge, time_ratio


def numbers(**changes):
    base = activations.example_numbers()
    base.update(changes)
    return base


def holds(verdict, name):
    return next(c for c in verdict.claims if c.name == name).holds


def dying(relu=60, leaky=0, elu=2, selu=1, units=500):
    return {"ReLU": {"dead": relu, "units": units}, "leaky ReLU": {"dead": leaky, "units": units},
            "ELU": {"dead": elu, "units": units}, "SELU": {"dead": selu, "units": units}}


def test_a_default_like_run_holds_every_claim_in_order():
    judged = judge(numbers())
    assert [c.name for c in judged.claims] == list(CLAIMS)
    assert judged.holds
    assert all(c.text for c in judged.claims)


def test_relu_must_lose_more_units_than_its_low_rate_control():
    assert not holds(judge(numbers(control={"dead": 60, "units": 500})), "relu_dies")  # no more than the control
    assert not holds(judge(numbers(dying=dying(relu=0), control={"dead": 0, "units": 500})), "relu_dies")
    assert not holds(judge(numbers(dying=dying(relu=8), control={"dead": 3, "units": 500})), "relu_dies")  # noise
    assert holds(judge(numbers(dying=dying(relu=20), control={"dead": 3, "units": 500})), "relu_dies")


def test_every_other_function_must_lose_fewer_units_than_relu():
    assert not holds(judge(numbers(dying=dying(elu=60))), "others_survive")  # ELU saturates as often
    assert not holds(judge(numbers(dying=dying(selu=50))), "others_survive")  # within noise of ReLU's share
    assert not holds(judge(numbers(dying=dying(relu=0, elu=0, selu=0))), "others_survive")  # nothing died
    assert holds(judge(numbers(dying=dying(relu=15, leaky=0, elu=0, selu=0))), "others_survive")


def test_the_exponential_must_cost_time_and_leaky_relu_stay_near_relu():
    ms = numbers()["latency_ms"]
    same = {label: list(ms["leaky ReLU"]) for label in ms}
    assert not holds(judge(numbers(latency_ms=same)), "exponential_costs")  # ELU and SELU no slower
    slow_leaky = dict(ms, **{"leaky ReLU": [v * 1.6 for v in ms["ReLU"]]})
    assert not holds(judge(numbers(latency_ms=slow_leaky)), "exponential_costs")  # beyond 1.5× ReLU
    edge = dict(ms, **{"leaky ReLU": [v * 1.4 for v in ms["ReLU"]]})
    assert holds(judge(numbers(latency_ms=edge)), "exponential_costs")
    one_round = {label: v[:1] for label, v in ms.items()}
    assert not holds(judge(numbers(latency_ms=one_round)), "exponential_costs")  # no interval from one round


def test_time_ratio_is_a_geometric_mean_of_paired_rounds():
    ratio = time_ratio([2.0, 8.0], [1.0, 2.0])
    assert ratio.value == pytest.approx((2.0 * 4.0) ** 0.5) and ratio.n == 2
    assert LEAKY_BOUND == 1.5 and "1.5×" in CLAIMS["exponential_costs"]
