"""The Hyperband search runs for real on tiny data, reports every trial, resumes only when asked."""
from __future__ import annotations

import json

import keras
import keras_tuner as kt
import pytest

from engine.events import read_events
from engine.execute import execute
from engine.experiments.tune_hparams import HPARAMS_FOLDER
from engine.experiments.tune_report import trial_row
from engine.registry import resolve_spec
from engine.runs import STOP, RunStore
from tests.engine.test_tune_hparams import read_trial

SMALL = {"max_epochs": 10, "subset": 40}  # seed-space: three trials of two epochs on 200 images


@pytest.fixture(scope="module")
def search(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    status, path = execute(resolve_spec("tune", "seed-space", overrides=SMALL, quick=True), home=home)
    return status, path, home


def test_search_reports_each_trial_and_says_the_small_space_ran_out(search):
    status, path, _ = search
    result = json.loads((path / "result.json").read_text())
    assert status == "finished", result.get("error")
    events, _ = read_events(path / "events.jsonl")
    started = [e for e in events if e["type"] == "trial_started"]
    ended = [e for e in events if e["type"] == "trial_end"]
    assert len(started) == len(ended) == 3
    assert sorted(e["hyperparameters"]["learning_rate"] for e in started) == [1e-4, 1e-3, 1e-2]
    for end in ended:
        assert end["status"] == "COMPLETED" and 0 < end["score"] <= 1
        epochs = [e["epoch"] for e in events if e["type"] == "epoch_end" and e.get("trial") == end["trial"]]
        assert epochs == [1, 2]
    assert "3 combinations" in result["space_note"] and "did not really tune" in result["space_note"]
    table = next(e for e in events if e["type"] == "table" and e["name"] == "trials")
    assert [row[0] for row in table["rows"]] == [t["trial"] for t in result["trials"]]
    best = max(result["trials"], key=lambda t: t["score"])
    assert result["best_hyperparameters"] == best["hyperparameters"]
    assert (path / "tuner" / "oracle.json").is_file()
    checkpoints = list((path / "tuner").rglob("*.weights.h5"))
    assert len(checkpoints) == 3 and not [c for c in checkpoints if c.name.startswith(".partial-")]


def test_every_trial_is_in_tensorboards_hparams_logs_with_its_score(search):
    _, path, _ = search
    result = json.loads((path / "result.json").read_text())
    for trial in result["trials"]:
        hparams, score = read_trial(path / HPARAMS_FOLDER / f"trial_{trial['trial']}")
        assert hparams == trial["hyperparameters"] and score == pytest.approx(trial["score"])


def test_best_model_is_retrained_tested_and_saved_for_transfer(search):
    _, path, _ = search
    result = json.loads((path / "result.json").read_text())
    summary = result["summary"]
    assert 0.2 < summary["test_accuracy"] <= 1 and summary["epochs"] >= 1
    assert summary["best_hyperparameters"]["learning_rate"] in (1e-2, 1e-3, 1e-4)
    events, _ = read_events(path / "events.jsonl")
    assert any(e["type"] == "epoch_end" and e.get("series") == "best" for e in events)
    model = keras.saving.load_model(path / "model.keras")
    assert model.get_layer("hidden5") is not None and model.output_shape == (None, 5)


def test_resume_continues_the_search_from_its_tuner_folder(search):
    _, old, home = search
    status, path = execute(resolve_spec("tune", "seed-space", overrides={**SMALL, "resume": old.name}, quick=True),
                           home=home)
    result = json.loads((path / "result.json").read_text())
    assert status == "finished", result.get("error")
    assert result["resumed_from"] == old.name and len(result["trials"]) == 3
    events, _ = read_events(path / "events.jsonl")
    assert not [e for e in events if e["type"] == "trial_started"]  # every trial was already done


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_resume_refuses_a_missing_or_corrupt_tuner_folder_in_one_sentence(tmp_path, damage):
    home = tmp_path / "home"
    old = RunStore(home).create(resolve_spec("tune", quick=True))
    if damage == "corrupt":
        (old / "tuner").mkdir()
        (old / "tuner" / "oracle.json").write_text('{"ongoing_trials": {"tuner0"')
    status, path = execute(resolve_spec("tune", overrides={"resume": old.name}, quick=True), home=home)
    error = json.loads((path / "result.json").read_text())["error"]
    assert status == "failed" and "\n" not in error
    assert ("is missing" if damage == "missing" else "is corrupt") in error and "without --resume" in error


def test_a_stop_request_ends_the_search_cleanly_keeping_the_best_so_far(tmp_path):
    home = tmp_path / "home"
    folder = {}

    def stop_after_first_trial(event):
        if event["type"] == "trial_end":
            (folder["path"] / STOP).touch()

    status, path = execute(resolve_spec("tune", "seed-space", overrides=SMALL, quick=True), home=home,
                           listeners=[stop_after_first_trial], on_created=lambda p: folder.update(path=p))
    result = json.loads((path / "result.json").read_text())
    assert status == "cancelled"
    assert len(result["trials"]) == 1 and result["best_hyperparameters"]
    assert (path / "model.keras").is_file()
    assert RunStore(home).status(path)[0] == "cancelled"
    # resuming it runs only the trials the stop left undone
    status, resumed = execute(resolve_spec("tune", "seed-space", overrides={**SMALL, "resume": path.name},
                                           quick=True), home=home)
    assert status == "finished"
    events, _ = read_events(resumed / "events.jsonl")
    done = result["trials"][0]["trial"]
    again = [e["trial"] for e in events if e["type"] == "trial_started"]
    assert len(again) == 2 and done not in again


def test_a_failed_trial_surfaces_its_error_message():
    hp = kt.HyperParameters()
    hp.Choice("learning_rate", [1e-2])
    trial = kt.engine.trial.Trial(hyperparameters=hp, trial_id="0007", status="FAILED")
    trial.message = 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: batch too large\n'
    row = trial_row(trial)
    assert row["message"] == "ValueError: batch too large" and row["status"] == "FAILED"


def test_the_plain_pipeline_searches_through_keras_fit(tmp_path):
    overrides = {"pipeline": "plain", "subset": 20, "hidden_layers": 1, "units": 10}
    status, path = execute(resolve_spec("tune", overrides=overrides, quick=True), home=tmp_path / "home")
    result = json.loads((path / "result.json").read_text())
    assert status == "finished", result.get("error")
    assert len(result["trials"]) == 2 and all(t["status"] == "COMPLETED" for t in result["trials"])
    events, _ = read_events(path / "events.jsonl")
    assert {e["trial"] for e in events if e["type"] == "epoch_end" and "trial" in e} == {"0000", "0001"}

