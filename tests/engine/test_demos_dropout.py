"""Question 7's demo in quick mode with real training.

A quick run trains for too few epochs to reach a best validation loss and times too little to resolve the
cost claims on a loaded machine, so the ordinary quick run asserts what it measured (identical outputs with and
without the dropout layers, equal repeats for every sample count, a spread on the dropout model) rather than
the timed verdicts. The negative control, dropout rate 0, must end not held: its MC samples cannot disagree.
"""
from __future__ import annotations

from quick_run import claims, run_quick


def test_dropout_costs_are_measured_alike_for_both_arms_and_every_sample_count(tutor_home):
    result, events = run_quick("demo-dropout", tutor_home)
    numbers = result["verdict"]["numbers"]
    p = result["params"]
    assert numbers["max_output_difference"] == 0.0  # at inference the dropout layers pass inputs through
    assert len(numbers["inference_ms"]["with_layers"]) == len(numbers["inference_ms"]["without_layers"])
    assert set(numbers["mc_ms"]) == {"1", "10", str(p["mc_samples"])}
    assert {len(v) for v in numbers["mc_ms"].values()} == {p["timing_rounds"]}
    assert numbers["spread"]["wrong"]["mean"] > 0 and numbers["spread"]["right"]["n"] > 0
    assert numbers["accuracy_pair"]["n"] == p["test_images"]
    for arm in ("none", "dropout"):
        assert len(numbers["training"][arm]["seconds_to_best"]) == p["seeds"]
        assert all(1 <= e <= p["epochs"] for e in numbers["training"][arm]["epochs_to_best"])
    names = {e["name"] for e in events if e["type"] == "table"}
    assert {"training", "inference", "uncertainty", "verdict"} <= names
    assert len(next(e for e in reversed(events) if e["type"] == "table" and e["name"] == "uncertainty")["rows"]) == 5


def test_dropout_rate_zero_is_not_held(tutor_home):
    result, _ = run_quick("demo-dropout", tutor_home, dropout="0")
    held = claims(result)
    assert not held["mc_uncertainty"] and not result["verdict"]["holds"]
    numbers = result["verdict"]["numbers"]
    assert numbers["spread"]["wrong"]["mean"] == 0.0 == numbers["spread"]["right"]["mean"]
    assert numbers["accuracy_pair"]["only_mc_right"] == 0 == numbers["accuracy_pair"]["only_single_right"]
    # with nothing dropped both arms are one network: they reach their best at the same epoch
    assert numbers["training"]["none"]["epochs_to_best"] == numbers["training"]["dropout"]["epochs_to_best"]
