"""The run store's rows, status and files pinned value by value, and the events writer's throttle and cleaning."""
from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from engine import events as events_module
from engine.atomic import write_json_atomic
from engine.errors import RunError
from engine.events import EventWriter, clean, history_from_events, parse_line, read_events
from engine.registry import resolve_spec
from engine.runs import EVENTS, PROCESS, RESULT, SPEC, STOP, RunStore, RunSummary, new_run_id, process_alive


def run_folder(store: RunStore, run_id: str | None = None, **files) -> os.PathLike:
    path = store.create(resolve_spec("base", "batchnorm", quick=True), run_id=run_id)
    for name, content in files.items():
        write_json_atomic(path / name, content)
    return path


def write_events(path, *events):
    (path / EVENTS).write_text("".join(json.dumps(e) + "\n" for e in events))


def test_a_new_run_id_names_time_experiment_preset_and_a_suffix():
    run_id = new_run_id(resolve_spec("base", "dropout"))
    stamp, experiment, preset, suffix = run_id[:15], *run_id[16:].rsplit("-", 2)
    assert stamp[8] == "-" and stamp.replace("-", "").isdigit() and len(stamp) == 15
    assert (experiment, preset, len(suffix)) == ("base", "dropout", 4)
    assert new_run_id(resolve_spec("base")) != new_run_id(resolve_spec("base"))


def test_create_writes_the_spec_with_its_id_and_refuses_the_same_id_twice(tutor_home):
    store = RunStore()
    path = run_folder(store, "my-run")
    assert path == store.root / "my-run"
    spec = json.loads((path / SPEC).read_text())
    assert spec["run_id"] == "my-run" and spec["experiment"] == "base" and spec["preset"] == "batchnorm"
    assert store.spec(path) == resolve_spec("base", "batchnorm", quick=True)
    with pytest.raises(RunError) as caught:
        run_folder(store, "my-run")
    assert str(caught.value) == f"Run my-run already exists in {store.root}; choose another id."
    (store.root / "empty").mkdir()
    assert run_folder(store, "empty") == store.root / "empty"  # an empty folder may be reused


def test_a_folder_without_a_spec_cannot_be_reused(tutor_home):
    store = RunStore()
    bare = store.root / "bare"
    bare.mkdir(parents=True)
    with pytest.raises(RunError) as caught:
        store.spec(bare)
    assert str(caught.value) == f"Run folder {bare} has no readable spec.json; it cannot be reused."


def test_a_row_from_a_finished_run(tutor_home):
    store = RunStore()
    path = run_folder(store, "done", **{RESULT: {"status": "finished", "seconds": 8.0, "summary": {
        "best_val_accuracy": 0.97, "test_accuracy": 0.96, "epochs": 4, "seconds_per_epoch": "n/a"}}})
    write_events(path, {"type": "run_started", "time": 100.0})
    row = store.summary(path)
    assert (row.run_id, row.experiment, row.preset, row.status, row.problem) == ("done", "base", "batchnorm",
                                                                                 "finished", "")
    assert (row.best_val_accuracy, row.test_accuracy, row.epochs, row.seconds) == (0.97, 0.96, 4, 8.0)
    assert row.started == 100.0 and row.params["batch_norm"] is True
    assert row.measured_seconds_per_epoch is None and row.seconds_per_epoch == 2.0  # not a number: wall time
    assert [r.run_id for r in store.list()] == ["done"]


def test_a_row_from_a_running_runs_events(tutor_home):
    store = RunStore()
    path = run_folder(store, "live")
    store.mark_process(path, ["ch11-tutor", "run", "base"])
    write_events(path, {"type": "run_started", "time": 100.0},
                 {"type": "epoch_end", "time": 103.0, "epoch": 1, "metrics": {"val_accuracy": 0.8}},
                 {"type": "epoch_end", "time": 106.5, "epoch": 2, "metrics": {"val_accuracy": 0.9, "loss": 1}},
                 {"type": "epoch_end", "time": 110.0, "epoch": 3, "metrics": {"val_accuracy": None}})
    row = store.summary(path)
    assert row.status == "running" and row.best_val_accuracy == 0.9 and row.epochs == 3
    assert row.seconds == 10.0 and row.test_accuracy is None
    assert json.loads((path / PROCESS).read_text())["argv"] == ["ch11-tutor", "run", "base"]
    assert store.history(path)[""] == {"epoch": [1, 2, 3], "val_accuracy": [0.8, 0.9, None],
                                       "loss": [None, 1, None]}


def test_a_row_before_any_event(tutor_home):
    store = RunStore()
    path = run_folder(store, "new")
    row = store.summary(path)
    assert row.status == "running" and row.epochs is None and row.best_val_accuracy is None
    assert row.started == pytest.approx((path / SPEC).stat().st_mtime) and row.seconds is None
    old = (path / SPEC).stat().st_mtime - 60
    os.utime(path / SPEC, (old, old))
    assert store.status(path) == ("died", "the run never started a process")


def test_status_from_each_source(tutor_home):
    store = RunStore()
    cancelled = run_folder(store, "c")
    write_events(cancelled, {"type": "run_started", "time": 1}, {"type": "run_cancelled", "time": 2})
    assert store.status(cancelled) == ("cancelled", "")
    odd = run_folder(store, "odd", **{RESULT: {"status": "exploded"}})
    write_events(odd, {"type": "run_finished", "time": 2})
    assert store.status(odd) == ("finished", "")  # a result status that is no status is not believed
    failed = run_folder(store, "f", **{RESULT: {"status": "failed", "error": "MNIST file x does not exist."}})
    assert store.status(failed) == ("failed", "MNIST file x does not exist.")
    gone = run_folder(store, "g", **{PROCESS: {"pid": "not a pid"}})
    assert store.status(gone) == ("died", "its process ended without finishing; see output.log in the run folder")
    assert RunSummary("x", gone).status == "broken" and RunSummary("x", gone).seconds_per_epoch is None


def test_a_stop_request_on_a_running_run_leaves_a_stop_file(tutor_home):
    store = RunStore()
    path = run_folder(store, "stop-me")
    store.mark_process(path)  # this process: alive, so it is sent SIGINT; catch it
    import signal

    caught = []
    previous = signal.signal(signal.SIGINT, lambda *_: caught.append(True))
    try:
        assert store.request_stop(path) is True
    finally:
        signal.signal(signal.SIGINT, previous)
    assert (path / STOP).exists() and caught == [True]
    ended = run_folder(store, "ended", **{RESULT: {"status": "finished"}})
    assert store.request_stop(ended) is False and not (ended / STOP).exists()


def test_process_alive_needs_a_real_pid():
    assert process_alive({}) is False and process_alive({"pid": "1"}) is False
    assert process_alive({"pid": os.getpid()}) is True
    assert process_alive({"pid": os.getpid(), "start_ticks": -5}) is False  # the pid now belongs to another


def test_path_of_ambiguity_sentence(tutor_home):
    store = RunStore()
    run_folder(store, "alpha-1")
    run_folder(store, "alpha-2")
    with pytest.raises(RunError) as caught:
        store.path_of("alpha")
    assert str(caught.value) == "'alpha' matches 2 runs; give more of the id."
    assert store.path_of("alpha-2") == store.root / "alpha-2" and store.path_of("-1") == store.root / "alpha-1"
    with pytest.raises(RunError) as caught:
        store.path_of("beta")
    assert str(caught.value) == f"No run 'beta' in {store.root}; `ch11-tutor runs` lists the runs."
    (store.root / ".hidden").mkdir()
    assert [r.run_id for r in store.list()] == ["alpha-1", "alpha-2"]


def test_progress_is_throttled_and_emit_tells_the_listeners(tmp_path, monkeypatch):
    heard = []
    writer = EventWriter(tmp_path / EVENTS, listeners=[heard.append])
    clock = iter([100.0, 100.1, 100.25, 100.375, 100.5])
    monkeypatch.setattr(events_module.time, "monotonic", lambda: next(clock))
    for step in range(5):
        writer.progress(epoch=1, step=step, steps=5, epochs=1)
    writer.close()
    events, bad = read_events(tmp_path / EVENTS)
    assert [e["step"] for e in events] == [0, 2, 4] and bad == 0  # 0.25 s apart at least
    assert all(round(e["time"], 3) == e["time"] for e in events)  # milliseconds are enough
    assert (tmp_path / EVENTS).read_text().startswith('{"type":"batch_progress","time":')  # compact lines
    assert heard == events and all(e["type"] == "batch_progress" and isinstance(e["time"], float) for e in events)
    assert events_module.BATCH_PROGRESS_INTERVAL == 0.25


class NoItem:
    """A value whose item() refuses and that has no tolist(): it is written as text."""

    def item(self):
        raise ValueError("not one value")

    def __str__(self) -> str:
        return "no-item"


def test_data_split_sizes():
    from engine.data import Split

    split = Split(*(np.zeros(n) for n in (5, 5, 2, 2, 3, 3)))
    assert split.sizes() == {"train": 5, "val": 2, "test": 3}


def test_clean_makes_values_json_safe():
    assert clean(NoItem()) == "no-item" and clean([NoItem()]) == ["no-item"]
    assert clean({1: np.float32(0.5), "a": (np.int64(3), math.inf), "b": [math.nan, "x"]}) == \
        {"1": 0.5, "a": [3, None], "b": [None, "x"]}
    assert clean(np.array([1, 2])) == [1, 2] and clean("text") == "text" and clean(None) is None
    assert isinstance(clean(np.int64(3)), int)


def test_parse_line_and_a_last_line_without_newline(tmp_path):
    assert parse_line('{"type": "x", "a": 1}') == {"type": "x", "a": 1}
    assert parse_line('{"a": 1}') is None and parse_line('{"type": 3}') is None and parse_line("[]") is None
    path = tmp_path / EVENTS
    path.write_text('{"type":"a"}\n\n{"type":"b"}')
    assert read_events(path) == ([{"type": "a"}, {"type": "b"}], 0)
    path.write_text('{"type":"a"}\n{"type":"b"')
    assert read_events(path) == ([{"type": "a"}], 1)


def test_history_of_untagged_series_and_other_events():
    curves = history_from_events([{"type": "phase"}, {"type": "epoch_end", "epoch": 1, "series": "s",
                                                      "trial": "t", "metrics": None},
                                  {"type": "epoch_end", "epoch": 2, "series": "", "trial": "t"}])
    assert curves == {"s": {"epoch": [1]}, "t": {"epoch": [2]}}
