"""The chapter-topic experiments end to end in quick mode, with real training, asserting what each proves."""
from __future__ import annotations

import pytest
from quick_run import run_quick

from engine.events import history_from_events
from engine.registry import get_experiment, resolve_spec
from engine.runs import RunStore
from engine.verdicts import proportion_ci

TOPICS = {"optimizers": 10, "lr-schedules": 11, "gradient-clipping": 12, "regularization": 13,
          "auxiliary-task": 14}


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
    board = RunStore(tutor_home).path_of(result["run_id"]) / "tensorboard"
    assert {p.name for p in board.iterdir()} == {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam",
                                                 "adamax", "nadam", "adamw"}


def test_optimizers_negative_control_tiny_rates_reach_nothing(tutor_home):
    # a thousandth of every default rate: nobody reaches the target, so no "sooner" claim can hold
    result, _ = run_quick("optimizers", tutor_home, learning_rate_scale=1e-3, epochs=2)
    claims = {c["name"]: c["holds"] for c in result["verdict"]["claims"]}
    assert not claims["momentum_beats_sgd"] and not claims["adam_family_fast"]
    assert result["verdict"]["holds"] is False


def test_lr_schedules_range_test_finds_a_turn_and_the_schedules_have_their_shapes(tutor_home):
    result, events = run_quick("lr-schedules", tutor_home)
    numbers = result["verdict"]["numbers"]
    found = numbers["range_test"]
    # quick mode's 100 validation images cannot separate the schedules (one image is a point), so only the
    # range test's claim is asserted; the rest is asserted on the measured shapes
    assert result["verdict"]["claims"][0]["holds"] and found["fell"] and found["rose"]
    assert numbers["rate"] == pytest.approx(found["turn_rate"] / 10, rel=1e-3)
    charts = by_name(events, "curve")
    assert charts["range_test"]["x_scale"] == "log"
    marked = charts["range_test"]["series"]["suggested (a tenth)"]["x"]
    assert marked[0] == pytest.approx(numbers["rate"], rel=1e-3)
    rates = charts["learning_rate"]["series"]
    assert charts["learning_rate"]["y_scale"] == "log" and len(rates) == 6
    cycle = rates["1cycle"]["y"]
    top = cycle.index(max(cycle))
    assert 0.3 < top / len(cycle) < 0.6 and cycle[-1] < cycle[0] / 10  # up, down, then far lower
    assert max(cycle) == pytest.approx(numbers["high_rate"], rel=0.05)
    assert rates["constant"]["y"] == [pytest.approx(numbers["rate"], rel=1e-3)] * len(rates["constant"]["y"])
    assert rates["piecewise"]["y"][-1] == pytest.approx(numbers["high_rate"] / 100, rel=1e-3)
    assert {"constant", "1cycle", "range test"} <= set(history_from_events(events))


def test_lr_schedules_negative_control_a_range_that_stops_too_low_never_turns_up(tutor_home):
    result, _ = run_quick("lr-schedules", tutor_home, lr_max=1e-3, epochs=1)
    assert not result["verdict"]["claims"][0]["holds"]
    assert not result["verdict"]["numbers"]["range_test"]["rose"]


def test_gradient_clipping_vanishing_explosion_and_clipping_measured(tutor_home):
    result, events = run_quick("gradient-clipping", tutor_home)
    claims = {c["name"]: c["holds"] for c in result["verdict"]["claims"]}
    assert claims["sigmoid_vanishes"] and claims["unclipped_diverges"] and claims["clipnorm_keeps_finite"]
    runs = result["verdict"]["numbers"]["runs"]
    layers = result["params"]["hidden_layers"] + 1  # the output layer's kernel too
    for run in runs.values():  # a row at the start and one after each epoch it trained, one value per layer
        assert len(run["gradient_norms"]) == len(run["losses"]) + 1
        assert all(len(row) == layers for row in run["gradient_norms"])
    chart = by_name(events, "curve")["gradients_sigmoid___normal_0__1"]
    assert chart["y_scale"] == "log" and chart["series"]["start"]["x"] == list(range(1, layers + 1))
    assert len(history_from_events(events)) == 9


def test_gradient_clipping_negative_control_a_small_rate_does_not_diverge(tutor_home):
    result, _ = run_quick("gradient-clipping", tutor_home, explode_learning_rate=0.01)
    claims = {c["name"]: c["holds"] for c in result["verdict"]["claims"]}
    assert not claims["unclipped_diverges"] and result["verdict"]["holds"] is False


def test_regularization_overfits_without_and_l1_sparsifies(tutor_home):
    result, events = run_quick("regularization", tutor_home)
    claims = {c["name"]: c["holds"] for c in result["verdict"]["claims"]}
    assert claims["none_overfits"] and claims["l1_sparsifies"]
    by = result["verdict"]["numbers"]["by_variant"]
    gap = {name: r["val_loss"][0] - r["train_loss"][0] for name, r in by.items()}
    assert gap["ℓ2"] < gap["none"]  # the strongest penalty narrows the loss gap even in a tiny run
    assert len(by_name(events, "table")["regularization"]["rows"]) == 6
    assert set(history_from_events(events)) == set(by)


def test_regularization_negative_control_penalties_too_weak_to_matter(tutor_home):
    # no dropout layer and vanishing penalties train the same weights as no regularization (Adam would still
    # amplify a tiny ℓ1 gradient on idle weights, so the sparsity control counts only weights below 1e-12)
    result, _ = run_quick("regularization", tutor_home, l1=1e-9, l2=1e-9, dropout=0.0, epochs=8, near_zero=1e-12)
    claims = {c["name"]: c["holds"] for c in result["verdict"]["claims"]}
    assert not claims["penalties_and_dropout_narrow_gap"] and not claims["l1_sparsifies"]


def test_auxiliary_task_twin_learns_pairs_above_chance_and_every_variant_is_scored(tutor_home):
    result, events = run_quick("auxiliary-task", tutor_home)
    numbers = result["verdict"]["numbers"]
    # quick mode pretrains on 2,000 pairs for two epochs: enough to beat chance, not to clear the claim's bar
    # of 80% or to make the reused layers beat scratch, so those are asserted as measured numbers only
    assert proportion_ci(round(numbers["pair_accuracy"] * numbers["pair_test_pairs"]),
                         numbers["pair_test_pairs"]).above(0.5)
    assert {k: len(v) for k, v in numbers["test_accuracy"].items()} == {"frozen": 1, "fine-tuned": 1, "scratch": 1}
    rows = by_name(events, "table")["auxiliary"]["rows"]
    assert [row[2] for row in rows] == ["97.6%", "96.5%", "—", "94.6%"]  # the book's figures beside
    assert {"twin (same digit?)", "frozen", "fine-tuned", "scratch"} == set(history_from_events(events))


def test_auxiliary_task_negative_control_an_untrained_twin_is_at_chance(tutor_home):
    result, _ = run_quick("auxiliary-task", tutor_home, pairs=200, pair_epochs=1, learning_rate=1e-6, epochs=1,
                          finetune_epochs=1)
    numbers = result["verdict"]["numbers"]
    assert not result["verdict"]["claims"][0]["holds"]
    assert not proportion_ci(round(numbers["pair_accuracy"] * numbers["pair_test_pairs"]),
                             numbers["pair_test_pairs"]).above(0.6)
