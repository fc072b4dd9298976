"""Events files and the run store: tolerant reading, derived status, broken folders."""
from __future__ import annotations

import json
import subprocess
import sys

from engine.atomic import write_json_atomic
from engine.events import EventTail, EventWriter, history_from_events, read_events
from engine.registry import resolve_spec
from engine.runs import EVENTS, PROCESS, RESULT, SPEC, RunStore, seconds_per_epoch


def test_tail_returns_only_complete_new_lines_and_counts_bad_ones(tmp_path):
    path = tmp_path / EVENTS
    tail = EventTail(path)
    assert tail.read_new() == []  # the file does not exist yet
    path.write_text('{"type":"a"}\n{"type":"b"')
    assert [e["type"] for e in tail.read_new()] == ["a"]
    with open(path, "a") as handle:
        handle.write('}\nnot json\n[1, 2]\n{"type":"c"}\n')
    assert [e["type"] for e in tail.read_new()] == ["b", "c"]
    assert tail.bad_lines == 2


def test_writer_flushes_each_event_and_deep_copies_to_itself(tmp_path):
    import copy

    writer = EventWriter(tmp_path / EVENTS)
    assert copy.deepcopy(writer) is writer
    writer.emit("epoch_end", epoch=1, epochs=1, seconds=0.1, metrics={"loss": float("nan"), "accuracy": 0.5})
    events, bad = read_events(tmp_path / EVENTS)  # read back while the writer is still open
    assert bad == 0 and events[0]["metrics"] == {"loss": None, "accuracy": 0.5}


def test_history_groups_by_series_and_keeps_absolute_epochs():
    events = [{"type": "epoch_end", "epoch": 3, "trial": "t1", "metrics": {"loss": 1.0}},
              {"type": "epoch_end", "epoch": 4, "trial": "t1", "metrics": {"loss": 0.5, "val_loss": 0.7}},
              {"type": "epoch_end", "epoch": 1, "metrics": {"loss": 2.0}}]
    curves = history_from_events(events)
    assert curves["t1"] == {"epoch": [3, 4], "loss": [1.0, 0.5], "val_loss": [None, 0.7]}
    assert curves[""]["loss"] == [2.0]


def _run_folder(store: RunStore, **files):
    path = store.create(resolve_spec("base", quick=True))
    for name, content in files.items():
        write_json_atomic(path / name, content)
    return path


def test_status_comes_from_result_then_terminal_event_then_process(tutor_home):
    store = RunStore()
    finished = _run_folder(store, **{RESULT: {"status": "finished", "summary": {"test_accuracy": 0.9}}})
    assert store.status(finished) == ("finished", "")
    failed = _run_folder(store)
    (failed / EVENTS).write_text(json.dumps({"type": "run_failed", "time": 1, "error": "boom"}) + "\n")
    assert store.status(failed) == ("failed", "boom")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    died = _run_folder(store, **{PROCESS: {"pid": int(dead.stdout), "start_ticks": 1}})
    assert store.status(died)[0] == "died"
    alive = _run_folder(store)
    store.mark_process(alive)  # this very process
    assert store.status(alive)[0] == "running"


def test_broken_folders_are_listed_not_raised(tutor_home):
    store = RunStore()
    good = _run_folder(store, **{RESULT: {"status": "finished", "seconds": 3.0,
                                          "summary": {"test_accuracy": 0.99, "epochs": 2}}})
    broken = store.root / "20260101-000000-broken"
    broken.mkdir()
    (broken / SPEC).write_text("{ not json")
    rows = {row.run_id: row for row in store.list()}
    assert rows[broken.name].status == "broken" and "spec.json" in rows[broken.name].problem
    assert rows[good.name].test_accuracy == 0.99 and rows[good.name].seconds_per_epoch == 1.5  # wall time / epochs
    measured = _run_folder(store, **{RESULT: {"status": "finished", "seconds": 9.0,
                                              "summary": {"epochs": 3, "seconds_per_epoch": 0.5}}})
    assert store.summary(measured).seconds_per_epoch == 0.5  # the run's own training-only figure wins


def test_run_ids_resolve_by_unique_prefix_or_suffix(tutor_home):
    import pytest

    from engine.errors import RunError

    store = RunStore()
    path = _run_folder(store)
    assert store.path_of(path.name[-4:]) == path
    with pytest.raises(RunError, match="No run 'zzz'"):
        store.path_of("zzz")


def test_seconds_per_epoch_needs_both_the_time_and_the_epochs():
    assert seconds_per_epoch(0.25, 10.0, 4) == 0.25  # the run's own figure wins
    assert seconds_per_epoch(None, 10.0, 4) == 2.5
    assert seconds_per_epoch(None, 10.0, None) is None and seconds_per_epoch(None, None, 4) is None
    assert seconds_per_epoch(None, 0.0, 4) is None and seconds_per_epoch(None, 10.0, 0) is None
