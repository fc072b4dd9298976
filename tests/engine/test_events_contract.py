"""The event contract: the writer refuses what it does not declare, readers count it (no TensorFlow)."""
from __future__ import annotations

import json

import pytest

from engine.events import EventWriter, read_events
from engine.events_contract import (
    EVENT_TYPES,
    SCHEMA_VERSION,
    EpochEnd,
    EventContractError,
    Phase,
    RunStarted,
    build,
    problem,
)


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_typed_event_is_written_with_its_type_time_and_fields(tmp_path):
    writer = EventWriter(tmp_path / "events.jsonl")
    writer.emit(EpochEnd(epoch=2, epochs=5, seconds=0.5, metrics={"loss": float("nan")}, series="a"))
    writer.close()
    [line] = _lines(tmp_path / "events.jsonl")
    assert line["type"] == "epoch_end" and isinstance(line["time"], float)
    assert line["metrics"] == {"loss": None} and line["series"] == "a"
    assert "trial" not in line and "learning_rate" not in line  # optional fields left unset are not written
    assert problem(line) == ""


def test_run_started_carries_the_schema_version(tmp_path):
    writer = EventWriter(tmp_path / "events.jsonl")
    writer.emit(RunStarted(run_id="r", experiment="base", preset="plain", params={}, quick=True, pid=1))
    writer.close()
    assert _lines(tmp_path / "events.jsonl")[0]["schema"] == SCHEMA_VERSION


def test_an_unknown_type_is_refused_at_write_time_and_nothing_is_written(tmp_path):
    writer = EventWriter(tmp_path / "events.jsonl")
    with pytest.raises(EventContractError, match="unknown event type 'epoch_done'"):
        writer.emit("epoch_done", epoch=1)
    writer.close()
    assert (tmp_path / "events.jsonl").read_text() == ""


def test_a_missing_required_field_is_refused_at_write_time(tmp_path):
    writer = EventWriter(tmp_path / "events.jsonl")
    with pytest.raises(EventContractError, match="missing required field.*seconds"):
        writer.emit("epoch_end", epoch=1, epochs=2, metrics={})
    writer.close()
    assert (tmp_path / "events.jsonl").read_text() == ""


def test_an_undeclared_or_mistyped_field_is_refused(tmp_path):
    writer = EventWriter(tmp_path / "events.jsonl")
    with pytest.raises(EventContractError, match="undeclared field.*total"):
        writer.emit("trial_started", trial="0", hyperparameters={}, total=3)
    with pytest.raises(EventContractError, match="'epoch' should be an integer"):
        writer.emit("epoch_end", epoch="1", epochs=2, seconds=1.0, metrics={})
    with pytest.raises(EventContractError, match="'quick' should be a boolean"):
        writer.emit(RunStarted(run_id="r", experiment="base", preset="plain", params={}, quick=1, pid=1))
    writer.close()


def test_open_types_keep_their_extra_fields_on_the_line(tmp_path):
    writer = EventWriter(tmp_path / "events.jsonl")
    writer.emit(Phase(name="data ready", extra={"sizes": {"train": 10}}))
    writer.emit("phase", name="verdict", detail="held", holds=True)
    writer.close()
    first, second = _lines(tmp_path / "events.jsonl")
    assert first["sizes"] == {"train": 10} and "extra" not in first
    assert second["holds"] is True and build("phase", second).extra == {"holds": True}


def test_problem_says_why_a_line_does_not_match():
    assert "without a type" in problem({"epoch": 1})
    assert "unknown event type" in problem({"type": "nope"})
    assert "missing required" in problem({"type": "table", "name": "t"})
    assert problem({"type": "devices", "time": 1.0, "devices": ["CPU"]}) == ""


def test_every_declared_type_has_a_distinct_name_and_a_docstring():
    assert len(EVENT_TYPES) == 14
    assert all(cls.__doc__ and cls.TYPE == name for name, cls in EVENT_TYPES.items())


def test_a_file_written_by_the_writer_reads_back_without_bad_lines(tmp_path):
    writer = EventWriter(tmp_path / "events.jsonl")
    writer.progress(epoch=1, step=1, steps=10, epochs=2)
    writer.emit("run_finished", summary={}, seconds=1.0)
    writer.close()
    events, bad = read_events(tmp_path / "events.jsonl")
    assert bad == 0 and [problem(e) for e in events] == ["", ""]
