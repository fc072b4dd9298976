"""The fold of run events into what the run view shows: progress, ETA, series, trials, tables."""
from __future__ import annotations

from tui.run_state import RunState


def test_progress_and_eta_come_from_the_events_own_times():
    state = RunState("r")
    state.feed([{"type": "run_started", "time": 100.0, "run_id": "r", "experiment": "base", "preset": "plain",
                 "params": {}, "quick": True, "pid": 1, "schema": 1},
                {"type": "phase", "time": 110.0, "name": "training"},
                {"type": "batch_progress", "time": 111.0, "epoch": 1, "step": 2, "steps": 10, "epochs": 4},
                {"type": "batch_progress", "time": 112.0, "epoch": 1, "step": 4, "steps": 10, "epochs": 4}])
    assert state.status == "running" and state.phase == "training"
    assert state.epoch_fraction() == 0.4
    assert state.epoch_eta() == 1.0 / 2 * 6  # 2 steps took 1 s, 6 steps are left (the clock starts at step 2)
    state.feed([{"type": "epoch_end", "time": 115.0, "epoch": 1, "epochs": 4, "seconds": 5.0,
                 "metrics": {"loss": 0.5, "val_accuracy": 0.8}}])
    assert state.run_eta() == 3 * 5.0  # three epochs left at five seconds each
    assert state.run_fraction() == 0.25
    assert state.history == {"": {"epoch": [1], "loss": [0.5], "val_accuracy": [0.8]}}


def test_series_trials_tables_and_the_end():
    state = RunState("r")
    state.feed([{"type": "trial_started", "time": 1, "trial": "0001", "hyperparameters": {"units": 50},
                 "index": 2, "epochs": 3, "initial_epoch": 1},
                {"type": "epoch_end", "time": 2, "epoch": 3, "epochs": 3, "seconds": 0.5, "trial": "0001",
                 "metrics": {"loss": 1.0}},
                {"type": "trial_end", "time": 3, "trial": "0001", "score": 0.9, "status": "COMPLETED"},
                {"type": "table", "time": 4, "name": "t", "title": "T", "columns": ["a"], "rows": [[1]]},
                {"type": "table", "time": 5, "name": "t", "title": "T", "columns": ["a"], "rows": [[2]]},
                {"type": "run_cancelled", "time": 6, "summary": {"test_accuracy": 0.5, "epochs": 3}, "seconds": 6.0}])
    assert state.history["0001"]["epoch"] == [3]  # Hyperband's absolute epochs are kept
    assert state.trials["0001"]["score"] == 0.9 and state.trials["0001"]["status"] == "COMPLETED"
    assert state.tables["t"]["rows"] == [[2]]  # a later table with the same name replaces the earlier one
    assert state.status == "cancelled" and state.finished
    assert state.phase_detail == "test accuracy 50.00%, 3 epochs"


def test_a_new_trial_names_itself_in_the_phase():
    state = RunState("r")
    state.feed([{"type": "trial_started", "time": 1, "trial": "0003", "hyperparameters": {"units": 50, "lr": 0.01},
                 "index": 3, "epochs": 2}])
    assert (state.phase, state.phase_detail) == ("trial 3 (0003)", "units=50, lr=0.01")


def test_a_line_the_contract_refuses_is_counted_and_shown_never_folded():
    state = RunState("r")
    state.feed([{"type": "epoch_end", "time": 1, "epoch": 1},  # no epochs, seconds, metrics
                {"type": "made_up", "time": 2},
                {"type": "devices", "time": 3, "devices": ["CPU"]}])
    assert state.bad_events == 2 and state.bad_lines == 2 and state.events_seen == 3
    assert "unknown event type 'made_up'" in state.bad_line
    assert state.history == {} and state.devices == ["CPU"]
