"""The chapter-topic experiments end to end in quick mode, with real training, asserting what each proves."""
from __future__ import annotations

import json
from pathlib import Path

from engine.events import history_from_events, read_events
from engine.execute import execute
from engine.registry import get_experiment, resolve_spec
from engine.runs import RESULT

TOPICS = {"optimizers": 10}


def run_quick(exp_id: str, home: Path, **overrides) -> tuple[dict, list[dict]]:
    """Run an experiment in quick mode in this process; return its result.json and its events."""
    status, path = execute(resolve_spec(exp_id, overrides=overrides, quick=True), home=home)
    result = json.loads((path / RESULT).read_text())
    assert status == "finished", result.get("error")
    events, bad = read_events(path / "events.jsonl")
    assert bad == 0
    verdict = result["verdict"]
    assert [c["name"] for c in verdict["claims"]]
    assert any(e["type"] == "phase" and e.get("name") == "verdict" and e.get("detail") == verdict["text"]
               for e in events)
    return result, events


def by_name(events: list[dict], kind: str) -> dict[str, dict]:
    """The last table or curve event of each name, as a viewer would show it."""
    return {e["name"]: e for e in events if e["type"] == kind}


def test_topics_are_registered_for_their_questions_with_quick_settings():
    for exp_id, question in TOPICS.items():
        experiment = get_experiment(exp_id)
        assert experiment.question == question and experiment.quick
        assert resolve_spec(exp_id, quick=True).params != resolve_spec(exp_id).params


def test_optimizers_race_momentum_and_adam_beat_sgd(tutor_home):
    result, events = run_quick("optimizers", tutor_home)
    claims = {c["name"]: c["holds"] for c in result["verdict"]["claims"]}
    assert claims == {"momentum_beats_sgd": True, "adagrad_falls_behind": True, "adam_family_fast": True}
    assert set(history_from_events(events)) == {"SGD", "momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam",
                                                "AdaMax", "Nadam", "AdamW"}
    assert len(by_name(events, "table")["optimizers"]["rows"]) == 9
    assert len(by_name(events, "curve")["mean_val_accuracy"]["series"]) == 9


def test_optimizers_negative_control_tiny_rates_reach_nothing(tutor_home):
    # a thousandth of every default rate: nobody reaches the target, so no "sooner" claim can hold
    result, _ = run_quick("optimizers", tutor_home, learning_rate_scale=1e-3, epochs=2)
    claims = {c["name"]: c["holds"] for c in result["verdict"]["claims"]}
    assert not claims["momentum_beats_sgd"] and not claims["adam_family_fast"]
    assert result["verdict"]["holds"] is False
