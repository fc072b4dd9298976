"""Exercise 10's judge: pair skill from a Wilson interval, and paired per-seed comparisons."""
from __future__ import annotations

from engine.judges.auxiliary_task import BOOK, CLAIMS, PAIR_SKILL, example_numbers, judge


def test_the_example_holds_in_order_and_shows_the_books_figures():
    verdict = judge(example_numbers())
    assert [c.name for c in verdict.claims] == list(CLAIMS) and verdict.holds
    assert BOOK["pairs"] in verdict.claims[0].text and BOOK["frozen"] in verdict.claims[1].text


def test_pair_skill_needs_the_whole_interval_above_the_bar():
    numbers = example_numbers()
    numbers["pair_accuracy"], numbers["pair_test_pairs"] = PAIR_SKILL + 0.01, 100  # too few pairs to be sure
    assert not judge(numbers).claims[0].holds
    numbers["pair_test_pairs"] = 100000
    assert judge(numbers).claims[0].holds
    numbers["pair_accuracy"] = PAIR_SKILL
    assert not judge(numbers).claims[0].holds


def test_frozen_must_beat_scratch_on_every_seed():
    numbers = example_numbers()
    numbers["test_accuracy"]["scratch"] = [0.94, 0.951]  # a tie on seed 2
    assert not judge(numbers).claims[1].holds


def test_fine_tuning_may_tie_frozen_but_not_fall_below():
    numbers = example_numbers()
    numbers["test_accuracy"]["fine-tuned"] = list(numbers["test_accuracy"]["frozen"])
    assert judge(numbers).claims[2].holds
    numbers["test_accuracy"]["fine-tuned"][1] -= 0.001
    assert not judge(numbers).claims[2].holds
