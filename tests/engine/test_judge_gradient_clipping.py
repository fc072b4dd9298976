"""The clipping judge: vanishing ratio, divergence and recovery, at and past their edges."""
from __future__ import annotations

import copy

from engine.judges.gradient_clipping import (
    BLOW_UP,
    CLAIMS,
    EXPLODING,
    VANISHED,
    bottom_top_ratio,
    diverged,
    example_numbers,
    judge,
    recovered,
)


def test_the_ratio_leaves_the_output_layer_out():
    assert bottom_top_ratio([1e-4, 0.5, 1.0, 99.0]) == 1e-4  # 1e-4 / 1.0, not / 99
    assert bottom_top_ratio([None, 1.0, 2.0]) is None and bottom_top_ratio([1.0, 0.0, 2.0]) is None
    assert bottom_top_ratio([1.0]) is None


def test_the_example_holds_and_claims_come_in_order():
    verdict = judge(example_numbers())
    assert [c.name for c in verdict.claims] == list(CLAIMS) and verdict.holds


def test_vanishing_needs_sigmoid_below_and_elu_at_or_above_the_threshold():
    numbers = example_numbers()
    runs = numbers["runs"]
    runs["sigmoid + normal(0, 1) · none"]["gradient_norms"][0][0] = VANISHED  # exactly a tenth: not vanished
    assert not judge(numbers).claims[0].holds
    runs["sigmoid + normal(0, 1) · none"]["gradient_norms"][0][0] = VANISHED * 0.99
    assert judge(numbers).claims[0].holds
    runs["ELU + He · none"]["gradient_norms"][0][0] = VANISHED * 0.99  # both vanish: the contrast is gone
    assert not judge(numbers).claims[0].holds


def test_divergence_is_nan_or_a_loss_past_the_blow_up_line():
    base = {"losses": [2.0, BLOW_UP], "nan": False}
    assert not diverged(base)
    assert diverged({**base, "losses": [2.0, BLOW_UP * 1.01]})
    assert diverged({**base, "nan": True})
    numbers = example_numbers()
    numbers["runs"][f"{EXPLODING} · none"].update(losses=[2.3, 2.1], nan=False)  # the negative control's shape
    assert not judge(numbers).claims[1].holds


def test_clipnorm_must_stay_below_the_line_throughout_but_clipvalue_may_spike_and_recover():
    numbers = copy.deepcopy(example_numbers())
    runs = numbers["runs"]
    runs[f"{EXPLODING} · clipnorm"]["losses"] = [1e9, 2.0]
    runs[f"{EXPLODING} · clipvalue"]["losses"] = [1e9, 2.0]
    verdict = judge(numbers)
    assert not verdict.claims[2].holds and verdict.claims[3].holds
    assert not recovered({"losses": [2.0, 1e9], "nan": False}) and not recovered({"losses": [2.0], "nan": True})
    assert not recovered({"losses": [], "nan": False})
