"""Each prove-it demo end to end in quick mode, with real training, asserting the property it demonstrates."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ParamError
from engine.events import history_from_events, read_events
from engine.execute import execute
from engine.registry import experiments, resolve_spec
from engine.runs import STOP

DEMOS = {"demo-symmetry": 1, "demo-bias-init": 2, "demo-selu": 3, "demo-activations": 4, "demo-momentum": 5,
         "demo-sparsity": 6, "demo-dropout": 7}


def tables(events: list[dict]) -> dict[str, dict]:
    """The last table of each name, as a viewer would show it."""
    return {e["name"]: e for e in events if e["type"] == "table"}


def curves(events: list[dict]) -> dict[str, dict]:
    """The last curve of each name."""
    return {e["name"]: e for e in events if e["type"] == "curve"}


def test_every_demo_is_registered_for_its_question_with_a_quick_setting():
    found = {e.id: e for e in experiments() if e.id.startswith("demo-")}
    assert {k: found[k].question for k in DEMOS} == DEMOS
    for exp_id in DEMOS:
        assert found[exp_id].quick and "default" in found[exp_id].presets
        assert resolve_spec(exp_id, quick=True).params != resolve_spec(exp_id).params




def test_a_stop_during_the_first_configuration_cancels_before_the_next(tutor_home):
    run_dir: list[Path] = []

    def stop_after_first_epoch(event: dict) -> None:
        if event["type"] == "epoch_end" and run_dir:
            (run_dir[0] / STOP).touch()

    status, path = execute(resolve_spec("demo-bias-init", quick=True), home=tutor_home,
                           listeners=[stop_after_first_epoch], on_created=run_dir.append)
    events, _ = read_events(path / "events.jsonl")
    assert status == "cancelled"
    assert len(history_from_events(events)) == 1


@pytest.mark.parametrize("exp_id, name, value", [("demo-selu", "hidden_layers", "500"),
                                                 ("demo-dropout", "mc_samples", "ten"),
                                                 ("demo-momentum", "target_loss", "-1")])
def test_out_of_bounds_demo_parameters_are_refused_in_one_sentence(exp_id, name, value):
    with pytest.raises(ParamError) as refused:
        resolve_spec(exp_id, overrides={name: value})
    message = str(refused.value)
    assert name in message and message.count(". ") == 0 and message.endswith(".")
