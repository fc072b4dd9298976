"""Question 6's demo in quick mode with real training: FTRL with ℓ1 and ℓ1 then zeroing beat their controls,
and with ℓ1 = 0 (the negative control) neither does."""
from __future__ import annotations

from quick_run import claims, run_quick

from engine.events import history_from_events


def test_ftrl_and_l1_give_exact_zeros_their_controls_do_not(tutor_home):
    result, events = run_quick("demo-sparsity", tutor_home)
    held = claims(result)
    assert held["ftrl_exact_zeros"] and held["l1_then_zeroing"]
    numbers = result["verdict"]["numbers"]
    m = numbers["methods"]
    # no gradient reaches an always-blank pixel's weights: FTRL leaves them at 0 with or without ℓ1
    assert numbers["never_lit_pixels"] > 0
    assert m["ftrl_l1"]["zeros_never_lit"] == m["ftrl_l1"]["weights_never_lit"]
    assert m["ftrl_control"]["zeros_never_lit"] == m["ftrl_control"]["weights_never_lit"]
    assert m["ftrl_l1"]["weights_never_lit"] == numbers["never_lit_pixels"] * result["params"]["units"]
    assert numbers["unpruned"]["plain"]["zeros_lit"] == 0  # Adam never lands a weight on exactly 0
    assert len(history_from_events(events)) == 4
    rows = next(e for e in reversed(events) if e["type"] == "table" and e["name"] == "sparsity")["rows"]
    plain_zeroed = [row[1] for row in rows if row[0].startswith("plain, ")]
    assert plain_zeroed == sorted(plain_zeroed) and plain_zeroed[-1] > plain_zeroed[0]  # higher threshold, more zeros
    assert len(rows) == 10


def test_without_l1_neither_sparse_method_beats_its_control(tutor_home):
    result, _ = run_quick("demo-sparsity", tutor_home, l1="0", ftrl_l1="0")
    held = claims(result)
    assert not held["ftrl_exact_zeros"] and not held["l1_then_zeroing"] and not result["verdict"]["holds"]
    m = result["verdict"]["numbers"]["methods"]
    assert m["ftrl_l1"]["zeros_lit"] == m["ftrl_control"]["zeros_lit"]  # the same optimizer twice
