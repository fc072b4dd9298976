"""Question 1's demo in quick mode with real training: the copied value collapses, the control does not."""
from __future__ import annotations

from quick_run import run_quick
from tensorboard_read import assert_board_matches_events

from engine.events import history_from_events
from engine.runs import RunStore


def test_one_copied_value_collapses_every_layer_and_breaks_the_scale(tutor_home):
    result, events = run_quick("demo-symmetry", tutor_home)
    verdict = result["verdict"]
    claims = {c["name"]: c["holds"] for c in verdict["claims"]}
    assert claims == {"collapsed": True, "he_distinct": True, "less_accurate": True, "scale_broken": True}
    assert verdict["holds"]
    numbers = verdict["numbers"]
    assert numbers["distinct_shared"] == [1] * result["params"]["hidden_layers"]
    assert set(history_from_events(events)) == {"one shared value", "He normal"}
    table = next(e for e in reversed(events) if e["type"] == "table" and e["name"] == "distinct_neurons")
    assert [row[1] for row in table["rows"]] == numbers["distinct_shared"]
    scale = next(e for e in reversed(events) if e["type"] == "curve" and e["name"] == "preactivation_scale")
    assert len(scale["series"]["He normal"]["y"]) == result["params"]["hidden_layers"]
    board = RunStore(tutor_home).path_of(result["run_id"]) / "tensorboard"
    assert_board_matches_events(board, events, {"one shared value": "one-shared-value", "He normal": "he-normal"})


def test_the_same_he_weights_in_both_arms_is_not_held(tutor_home):
    result, _ = run_quick("demo-symmetry", tutor_home, same_init_control="true")
    verdict = result["verdict"]
    assert verdict["holds"] is False
    claims = {c["name"]: c["holds"] for c in verdict["claims"]}
    assert not claims["collapsed"] and not claims["less_accurate"] and not claims["scale_broken"]
    assert verdict["numbers"]["distinct_shared"] == verdict["numbers"]["distinct_he"]
