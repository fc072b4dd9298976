"""The regularization judge: overfitting, narrowed gaps and ℓ1 sparsity, at and past their edges."""
from __future__ import annotations

from engine.judges.regularization import CLAIMS, LAGS, MEMORIZED, example_numbers, gaps, judge, loss_gaps


def test_the_example_holds_and_claims_come_in_order():
    verdict = judge(example_numbers())
    assert [c.name for c in verdict.claims] == list(CLAIMS) and verdict.holds


def test_gaps_are_train_minus_val_accuracy_and_val_minus_train_loss():
    record = {"train_accuracy": [1.0], "val_accuracy": [0.8], "train_loss": [0.1], "val_loss": [0.6]}
    assert gaps(record) == [0.19999999999999996] and loss_gaps(record) == [0.5]


def test_overfitting_needs_both_a_memorized_training_set_and_a_real_gap():
    numbers = example_numbers()
    plain = numbers["by_variant"]["none"]
    plain["train_accuracy"] = [MEMORIZED, MEMORIZED]
    plain["val_accuracy"] = [MEMORIZED - LAGS, MEMORIZED - LAGS - 0.01]
    assert judge(numbers).claims[0].holds
    plain["val_accuracy"] = [MEMORIZED - LAGS + 0.001, MEMORIZED - LAGS]  # one seed's gap just short
    assert not judge(numbers).claims[0].holds


def test_one_claimed_regularizer_that_widens_the_gap_on_one_seed_breaks_the_claim():
    numbers = example_numbers()
    numbers["by_variant"]["dropout"]["val_loss"] = [0.5, 0.99]
    assert not judge(numbers).claims[1].holds


def test_max_norm_and_alpha_dropout_are_reported_but_not_claimed():
    numbers = example_numbers()
    for name in ("max-norm", "SELU + AlphaDropout"):
        numbers["by_variant"][name]["val_loss"] = [2.0, 2.0]
    verdict = judge(numbers)
    assert verdict.claims[1].holds and "max-norm did not narrow" in verdict.claims[1].text


def test_l1_must_sparsify_on_every_seed():
    numbers = example_numbers()
    numbers["by_variant"]["ℓ1"]["near_zero"] = [0.40, 0.004]  # a tie with no regularization on seed 2
    assert not judge(numbers).claims[2].holds
