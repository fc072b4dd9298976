"""A search's trial rows and an epoch's series, pinned whole: what the Trials table and the curves show."""
from __future__ import annotations

from tui.run_state import RunState


def folded(*events: dict) -> RunState:
    """Fold partial events past the contract check, to pin each handler's own tolerance of odd values."""
    state = RunState("r")
    for event in events:
        state.fold(event)
    return state


def test_a_started_trial_row_holds_everything_it_was_given():
    state = folded({"type": "trial_started", "time": 1.0, "trial": "0004", "worker": "worker 1",
                    "hyperparameters": {"units": 30, "lr": 0.001}, "index": 4, "epochs": 9, "initial_epoch": 3})
    assert state.trials == {"0004": {"trial": "0004", "worker": "worker 1",
                                     "hyperparameters": {"units": 30, "lr": 0.001}, "index": 4, "epochs": 9,
                                     "status": "running", "score": None, "best_epoch": None, "message": ""}}
    assert (state.epoch, state.epochs, state.step, state.epoch_ended) == (3, 9, 0, True)
    assert (state.phase, state.phase_detail) == ("trial 4 (0004)", "units=30, lr=0.001")
    assert state.trials_version == 1


def test_a_started_trial_without_its_fields_gets_a_numbered_row():
    state = folded({"type": "batch_progress", "time": 1.0, "epoch": 2, "step": 5, "steps": 9, "epochs": 7},
                   {"type": "trial_started", "time": 2.0, "worker": None, "hyperparameters": None, "index": 0})
    assert state.trials == {"0": {"trial": "0", "worker": "", "hyperparameters": {}, "index": 0, "epochs": None,
                                  "status": "running", "score": None, "best_epoch": None, "message": ""}}
    assert (state.epoch, state.step, state.epochs, state.epoch_ended) == (0, 0, 7, False)
    assert (state.phase, state.phase_detail) == ("trial 0", "")  # index 0 is no count: the id alone
    folded_twice = folded({"type": "trial_started", "time": 1.0}, {"type": "trial_started", "time": 2.0})
    assert list(folded_twice.trials) == ["0", "1"] and folded_twice.trials_version == 2
    assert folded_twice.phase == "trial 1"


def test_a_trial_end_completes_its_row():
    state = folded({"type": "trial_started", "time": 1.0, "trial": "0001", "worker": "chief",
                    "hyperparameters": {"units": 50}, "index": 1, "epochs": 3},
                   {"type": "trial_end", "time": 2.0, "trial": "0001", "worker": "worker 3", "status": "COMPLETED",
                    "score": 0.91, "best_epoch": 2, "message": "best so far"})
    assert state.trials["0001"] == {"trial": "0001", "worker": "worker 3", "hyperparameters": {"units": 50},
                                    "index": 1, "epochs": 3, "status": "COMPLETED", "score": 0.91,
                                    "best_epoch": 2, "message": "best so far"}
    assert state.trials_version == 2


def test_a_trial_end_without_its_start_or_its_fields():
    state = folded({"type": "trial_started", "time": 1.0, "trial": "7", "worker": "worker 2"},
                   {"type": "trial_end", "time": 2.0, "trial": "7", "worker": "", "message": None},
                   {"type": "trial_end", "time": 3.0})
    assert state.trials["7"]["worker"] == "worker 2"  # an end that names no worker keeps the starter's
    assert (state.trials["7"]["status"], state.trials["7"]["message"]) == ("done", "")
    assert state.trials[""] == {"trial": "", "hyperparameters": {}, "index": None, "epochs": None, "status": "done",
                                "score": None, "best_epoch": None, "message": ""}
    assert state.trials_version == 3


def test_an_epoch_belongs_to_its_series_then_its_trial_then_no_series():
    state = folded({"type": "epoch_end", "time": 1.0, "epoch": 1, "epochs": 2, "series": "Adam", "trial": "0001",
                    "metrics": {"loss": 0.4}})
    assert state.series == "Adam" and state.history == {"Adam": {"epoch": [1], "loss": [0.4]}}
    state.fold({"type": "epoch_end", "time": 2.0, "epoch": 1, "trial": "0002", "metrics": {"loss": 0.3}})
    assert state.series == "0002" and state.history["0002"] == {"epoch": [1], "loss": [0.3]}
    state.fold({"type": "epoch_end", "time": 3.0, "epoch": 2, "series": "", "metrics": {"loss": 0.2}})
    assert state.series == "" and state.history[""] == {"epoch": [2], "loss": [0.2]}  # not the last series


def test_an_epoch_end_without_its_epoch_keeps_the_one_in_progress():
    state = folded({"type": "batch_progress", "time": 1.0, "epoch": 4, "epochs": 6, "step": 2, "steps": 5},
                   {"type": "epoch_end", "time": 2.0, "epochs": "six", "metrics": {"loss": 0.5}})
    assert (state.epoch, state.epochs, state.epoch_ended, state.step) == (4, 6, True, 5)
    assert state.history[""] == {"epoch": [4], "loss": [0.5]}
    state.fold({"type": "epoch_end", "time": 3.0, "epoch": 5.0, "metrics": None})
    assert state.epoch == 5 and state.metrics == {} and state.history[""]["epoch"] == [4, 5]


def test_progress_without_a_step_keeps_the_step_and_starts_the_clock_there():
    state = folded({"type": "batch_progress", "time": 1.0, "epoch": 1, "step": 3, "steps": 10},
                   {"type": "phase", "time": 2.0, "name": "evaluating"},
                   {"type": "batch_progress", "time": 3.0, "epoch": 1, "steps": 10})
    assert (state.step, state.clock_step, state.epoch_started) == (3, 3, 3.0)


def test_a_trial_resumed_after_one_epoch_has_that_epoch_done():
    state = folded({"type": "trial_started", "time": 1.0, "trial": "0005", "initial_epoch": 1, "epochs": 3})
    assert (state.epoch, state.epoch_ended) == (1, True)


def test_epoch_eta_at_the_last_step_and_after_one_step():
    last = folded({"type": "batch_progress", "time": 5.0, "epoch": 1, "step": 10, "steps": 10})
    assert last.epoch_eta() == 0.0  # done, though no time has passed since the clock started
    one = folded({"type": "batch_progress", "time": 5.0, "epoch": 1, "step": 2, "steps": 10},
                 {"type": "batch_progress", "time": 7.0, "epoch": 1, "step": 3, "steps": 10})
    assert one.epoch_eta() == 14.0  # one step in 2 s, seven to go
