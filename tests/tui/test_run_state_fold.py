"""Each event's part of the run state, pinned value by value (the fold the run view draws from)."""
from __future__ import annotations

import pytest

from tui.run_state import RunState


def fed(*events: dict) -> RunState:
    state = RunState("r")
    unchecked(state, list(events))
    return state


def unchecked(state: RunState, events: list[dict]) -> None:
    """Fold partial events past the contract check, to pin each handler's own tolerance of odd values."""
    for event in events:
        state.fold(event)


def test_run_started_names_the_run_and_starts_the_clock():
    state = fed({"type": "run_started", "time": 10.0, "experiment": "base", "preset": "plain"})
    assert (state.experiment, state.preset, state.status) == ("base", "plain", "running")
    assert state.epoch_started == 10.0 and state.last_time == 10.0 and state.events_seen == 1
    kept = RunState("r", experiment="tune", preset="wide")
    unchecked(kept, [{"type": "run_started", "time": 1}])
    assert (kept.experiment, kept.preset) == ("tune", "wide")
    assert not kept.finished and RunState("r").status == "starting"


def test_a_phase_stops_the_epoch_clock_and_describes_itself():
    state = fed({"type": "run_started", "time": 1.0},
                {"type": "phase", "time": 2.0, "name": "data ready", "sizes": {"train": 3}, "images": 300,
                 "note": "cached"})
    assert state.phase == "data ready" and state.epoch_started is None
    assert state.phase_detail == "images 300, note cached"  # nested values are left out
    unchecked(state, [{"type": "phase", "time": 3.0, "name": "training", "detail": "on the compiled loop", "x": 1}])
    assert (state.phase, state.phase_detail) == ("training", "on the compiled loop")
    unchecked(state, [{"type": "phase", "time": 4.0}])
    assert (state.phase, state.phase_detail) == ("", "")


def test_batch_progress_moves_the_step_and_merges_metrics():
    state = fed({"type": "phase", "time": 1.0, "name": "training"},
                {"type": "batch_progress", "time": 2.0, "epoch": 2, "epochs": 5, "step": 3, "steps": 10,
                 "trial": "t1", "metrics": {"loss": 0.5, "flag": True, "name": "x"}})
    assert (state.epoch, state.epochs, state.step, state.steps) == (2, 5, 3, 10)
    assert state.series == "t1" and state.metrics == {"loss": 0.5}
    assert (state.epoch_started, state.clock_step) == (2.0, 3)  # the clock starts at this step
    unchecked(state, [{"type": "batch_progress", "time": 3.0, "step": 5, "epoch": True, "metrics": {"accuracy": 0.7}}])
    assert (state.epoch, state.epochs, state.step, state.steps) == (2, 5, 5, 10)  # missing or bad fields keep theirs
    assert state.metrics == {"loss": 0.5, "accuracy": 0.7} and state.series == "t1"
    assert (state.epoch_started, state.clock_step) == (2.0, 3)  # the clock keeps running
    unchecked(state, [{"type": "batch_progress", "time": 4.0, "step": 6, "series": "s2", "metrics": None}])
    assert state.series == "s2" and state.step == 6 and state.last_time == 4.0


def test_epoch_eta_from_the_pace_of_the_steps():
    state = fed({"type": "phase", "time": 0.0},
                {"type": "batch_progress", "time": 10.0, "epoch": 1, "step": 2, "steps": 10},
                {"type": "batch_progress", "time": 14.0, "epoch": 1, "step": 6, "steps": 10})
    assert state.epoch_eta() == 4.0  # 4 steps took 4 s, 4 are left
    assert state.epoch_fraction() == 0.6
    unchecked(state, [{"type": "batch_progress", "time": 15.0, "epoch": 1, "step": 10, "steps": 10}])
    assert state.epoch_eta() == 0.0 and state.epoch_fraction() == 1.0
    same_time = fed({"type": "phase", "time": 0.0},
                    {"type": "batch_progress", "time": 10.0, "epoch": 1, "step": 2, "steps": 10},
                    {"type": "batch_progress", "time": 10.0, "epoch": 1, "step": 3, "steps": 10})
    assert same_time.epoch_eta() is None  # no time has passed: no pace yet
    one_step = fed({"type": "batch_progress", "time": 10.0, "epoch": 1, "step": 2, "steps": 10})
    unchecked(one_step, [{"type": "batch_progress", "time": 12.0, "epoch": 1, "step": 2, "steps": 10}])
    assert one_step.epoch_eta() is None  # no step done since the clock started
    assert RunState("r").epoch_eta() is None
    no_clock = RunState("r", steps=10, step=2, last_time=5.0)
    assert no_clock.epoch_eta() is None
    no_time = RunState("r", steps=10, step=2, epoch_started=1.0)
    assert no_time.epoch_eta() is None


def test_epoch_fraction_without_step_counts():
    assert RunState("r").epoch_fraction() == 0.0
    assert RunState("r", epoch=1).epoch_fraction() == 0.0  # in progress, nothing reported yet
    assert RunState("r", epoch=1, epoch_ended=True).epoch_fraction() == 1.0
    assert RunState("r", epoch=1, step=3).epoch_fraction() == 1.0
    assert RunState("r", steps=4, step=9).epoch_fraction() == 1.0  # never past the end
    assert RunState("r", status="died").epoch_fraction() == 1.0


def test_run_eta_and_fraction_from_epoch_times():
    state = fed({"type": "epoch_end", "time": 5.0, "epoch": 1, "epochs": 4, "seconds": 2.0, "metrics": {}},
                {"type": "epoch_end", "time": 9.0, "epoch": 2, "epochs": 4, "seconds": 4.0, "metrics": {}})
    assert state.run_eta() == 2 * 3.0  # two epochs left at the mean of 2 s and 4 s
    unchecked(state, [{"type": "batch_progress", "time": 10.0, "epoch": 3, "step": 1, "steps": 4},
                {"type": "batch_progress", "time": 11.0, "epoch": 3, "step": 2, "steps": 4}])
    assert state.run_eta() == 1 * 3.0 + 2.0  # one more epoch after this one, plus this one's 2 steps at 1 s
    assert state.run_fraction() == pytest.approx(2.5 / 4)
    assert RunState("r", epochs=4).run_eta() is None and RunState("r", epoch_seconds=[1.0]).run_eta() is None
    assert RunState("r", epoch_seconds=[1.0], epochs=3, status="finished").run_eta() is None
    assert RunState("r", epoch_seconds=[2.0], epochs=3, epoch=5).run_eta() == 0.0  # past the planned end
    assert RunState("r").run_fraction() == 0.0 and RunState("r", status="failed").run_fraction() == 1.0
    assert RunState("r", epochs=2, epoch=9, step=1).run_fraction() == 1.0


def test_epoch_end_replaces_the_metrics_and_extends_the_curve():
    state = fed({"type": "batch_progress", "time": 1.0, "epoch": 1, "step": 3, "steps": 8, "metrics": {"x": 1}},
                {"type": "epoch_end", "time": 2.0, "epoch": 1, "epochs": 3, "seconds": "slow",
                 "metrics": {"loss": 1.0}})
    assert state.step == 8 and state.metrics == {"loss": 1.0} and state.epoch_seconds == []
    assert (state.epoch_started, state.clock_step, state.curves_version) == (2.0, 0, 1)
    unchecked(state, [{"type": "epoch_end", "time": 3.0, "epoch": 2, "seconds": 1, "metrics": {"val_loss": 0.5}}])
    assert state.history[""] == {"epoch": [1, 2], "loss": [1.0, None], "val_loss": [None, 0.5]}
    assert state.epoch_seconds == [1.0] and state.epochs == 3 and state.curves_version == 2


def test_curves_devices_and_trials_without_index():
    state = fed({"type": "curve", "time": 1, "name": "speed", "x": [1]},
                {"type": "curve", "time": 2, "x": [2]},
                {"type": "devices", "time": 3, "devices": ["CPU", 7]},
                {"type": "trial_started", "time": 4, "trial": "0002"},
                {"type": "trial_end", "time": 5, "trial": "0009", "worker": "worker 2"})
    assert state.charts["speed"]["x"] == [1] and state.charts["curve"]["x"] == [2]
    assert state.tables_version == 2 and state.devices == ["CPU", "7"]
    assert state.phase == "trial 0002" and state.phase_detail == ""
    assert state.trials["0002"]["status"] == "running" and state.trials["0002"]["worker"] == ""
    late = state.trials["0009"]  # an end without its start (a resumed search) still gets a row
    assert (late["status"], late["worker"], late["message"], late["score"]) == ("done", "worker 2", "", None)
    assert state.trials_version == 2
    assert fed({"type": "devices", "time": 1}).devices == []


def test_failure_and_summary_sentences():
    failed = fed({"type": "run_failed", "time": 1, "error": "MNIST file x does not exist."})
    assert (failed.status, failed.phase, failed.phase_detail) == ("failed", "failed", "MNIST file x does not exist.")
    done = fed({"type": "run_finished", "time": 1,
                "summary": {"test_accuracy": 0.9712, "best_val_accuracy": 0.98, "epochs": 12}})
    assert done.phase_detail == "test accuracy 97.12%, best val accuracy 98.00%, 12 epochs"
    assert done.summary["epochs"] == 12 and done.error == ""
    assert fed({"type": "run_finished", "time": 1, "summary": {"epochs": 2.5}}).phase_detail == ""
    assert fed({"type": "no_such_type", "time": "late"}).last_time is None


def test_tables_by_name_and_their_version():
    state = fed({"type": "table", "time": 1, "rows": [[1]]}, {"type": "table", "time": 2, "name": "x", "rows": []})
    assert set(state.tables) == {"table", "x"} and state.tables["table"]["rows"] == [[1]]
    assert state.tables_version == 2 and state.curves_version == 0


def test_every_event_is_counted():
    assert fed({"type": "phase", "time": 1}, {"type": "x"}, {"type": "phase", "time": 2}).events_seen == 3


def compiled_epochs(count: int, of: int) -> RunState:
    """A run on the compiled loop with short epochs: epoch_end events and no batch_progress at all."""
    return fed({"type": "run_started", "time": 0.0, "experiment": "base", "preset": "plain"},
               {"type": "phase", "time": 1.0, "name": "training"},
               *({"type": "epoch_end", "time": 1.0 + 2 * n, "epoch": n, "epochs": of, "seconds": 2.0,
                  "metrics": {"loss": 1.0 / n}} for n in range(1, count + 1)))


def test_without_batch_progress_the_run_moves_by_whole_epochs_and_shows_no_epoch_bar():
    before = compiled_epochs(0, 4)
    assert not before.reports_steps and before.run_fraction() == 0.0
    state = compiled_epochs(1, 4)
    assert not state.reports_steps  # no step counts: the view hides the epoch bar and its ETA
    assert state.epoch_ended and state.epoch_fraction() == 1.0
    assert state.run_fraction() == 0.25  # the ended epoch counts as done
    assert state.epoch_eta() is None and state.run_eta() == 3 * 2.0
    later = compiled_epochs(3, 4)
    assert later.run_fraction() == 0.75 and later.run_eta() == 2.0
    assert compiled_epochs(4, 4).run_fraction() == 1.0


def test_batch_progress_shows_steps_and_reopens_the_epoch():
    state = compiled_epochs(1, 4)
    unchecked(state, [{"type": "batch_progress", "time": 4.0, "epoch": 2, "step": 256, "steps": 1024, "epochs": 4}])
    assert state.reports_steps and not state.epoch_ended
    assert state.epoch_fraction() == 0.25 and state.run_fraction() == pytest.approx(1.25 / 4)
    unchecked(state, [{"type": "epoch_end", "time": 5.0, "epoch": 2, "epochs": 4, "seconds": 2.0, "metrics": {}}])
    assert state.reports_steps and state.epoch_ended and state.run_fraction() == 0.5
    assert RunState("r", steps=1).reports_steps and not RunState("r", step=3).reports_steps


def test_a_new_trial_starts_its_own_epochs():
    state = compiled_epochs(3, 3)
    unchecked(state, [{"type": "trial_started", "time": 9.0, "trial": "0002", "hyperparameters": {}, "epochs": 6}])
    assert (state.epoch, state.epochs, state.step, state.epoch_ended) == (0, 6, 0, False)
    assert state.run_fraction() == 0.0 and state.epoch_fraction() == 0.0
    unchecked(state, [{"type": "trial_started", "time": 10.0, "trial": "0003", "hyperparameters": {},
                       "initial_epoch": 2, "epochs": 4}])
    assert (state.epoch, state.epochs, state.epoch_ended) == (2, 4, True)  # resumes with two epochs done
    assert state.run_fraction() == 0.5
    unchecked(state, [{"type": "trial_started", "time": 11.0, "trial": "0004", "hyperparameters": {}}])
    assert state.epochs == 4  # a trial that does not say its epochs keeps the count
