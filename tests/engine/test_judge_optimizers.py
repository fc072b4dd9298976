"""The optimizer race's judge, fed numbers for which each claim holds, fails, and sits at its edge."""
from __future__ import annotations

import copy

import pytest

from engine.judges.optimizers import CLAIMS, judge

NAMES = ("SGD", "momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdaMax", "Nadam", "AdamW")


def numbers(**epochs: list) -> dict:
    """A race of 8 epochs and two seeds where everyone but SGD and AdaGrad reaches the target at epoch 3."""
    by = {n: {"epochs_to_target": [3, 3], "best_val_accuracy": [0.95, 0.94]} for n in NAMES}
    by["SGD"]["epochs_to_target"] = [None, 7]
    by["AdaGrad"] = {"epochs_to_target": [None, None], "best_val_accuracy": [0.70, 0.72]}
    for name, values in epochs.items():
        by[name]["epochs_to_target"] = values
    return {"epochs": 8, "target": 0.9, "by_optimizer": by}


def test_claims_come_back_in_order_with_their_names():
    verdict = judge(numbers())
    assert [c.name for c in verdict.claims] == list(CLAIMS)
    assert verdict.holds and "95% CI, 2 seeds" in verdict.claims[0].text


def test_never_reaching_counts_as_one_past_the_budget():
    # SGD never (9) and 7; momentum 8 and 6: sooner on both seeds, even though the first is censored
    assert judge(numbers(momentum=[8, 6])).claims[0].holds
    assert not judge(numbers(momentum=[None, 6])).claims[0].holds  # a tie at "never" is not sooner


def test_one_seed_that_disagrees_breaks_a_claim():
    assert not judge(numbers(Nesterov=[3, 7])).claims[0].holds  # equal to SGD on seed 2
    assert not judge(numbers(AdamW=[2, 8])).claims[2].holds  # later than SGD on seed 2
    assert judge(numbers(AdamW=[2, 6])).claims[2].holds


def test_adagrad_must_trail_rmsprop_on_every_seed():
    data = numbers()
    data["by_optimizer"]["AdaGrad"]["best_val_accuracy"] = [0.70, 0.94]  # tie on seed 2
    assert not judge(data).claims[1].holds
    data["by_optimizer"]["AdaGrad"]["best_val_accuracy"] = [0.70, 0.9399]
    assert judge(data).claims[1].holds


def test_one_seed_gives_a_difference_without_an_interval():
    data = copy.deepcopy(numbers())
    for record in data["by_optimizer"].values():
        record["epochs_to_target"], record["best_val_accuracy"] = record["epochs_to_target"][1:], \
            record["best_val_accuracy"][1:]
    verdict = judge(data)
    assert verdict.holds and "1 seed, no interval" in verdict.text


@pytest.mark.parametrize("name", ["Adam", "Nadam"])
def test_a_slow_adam_variant_breaks_the_adaptive_claim(name):
    assert not judge(numbers(**{name: [None, None]})).claims[2].holds
