"""Reading events as a follower does: offsets, the last event, caught-up, damaged bytes; the writer's lines; run ids."""
from __future__ import annotations

import json

import pytest

from engine import events as events_module
from engine.errors import RunError
from engine.events import EventTail, EventWriter, read_events
from engine.events_contract import BatchProgress
from engine.run_id import check_run_id, run_id_problem


def test_a_tail_keeps_its_place_and_the_last_event(tmp_path):
    path = tmp_path / "events.jsonl"
    tail = EventTail(path)
    assert (tail.offset, tail.bad_lines, tail.last, tail.caught_up()) == (0, 0, None, False)  # no file yet
    path.write_bytes(b'{"type":"a"}\n\n   \n{"type":"b","n":1}\n{"type":"c"')
    assert tail.read_new() == [{"type": "a"}, {"type": "b", "n": 1}]
    assert tail.offset == path.stat().st_size and tail.bad_lines == 0  # blank lines are not bad ones
    assert tail.last == {"type": "b", "n": 1} and not tail.caught_up()  # half a line is still to come
    with open(path, "ab") as handle:
        handle.write(b"}\n")
    assert tail.read_new() == [{"type": "c"}] and tail.last == {"type": "c"} and tail.caught_up()
    assert tail.read_new() == [] and tail.last == {"type": "c"}  # nothing new keeps the last event
    with open(path, "ab") as handle:
        handle.write(b'{"type":"d"}\n')
    assert not tail.caught_up()
    assert tail.read_new() == [{"type": "d"}] and tail.caught_up()
    with open(path, "ab") as handle:
        handle.write(b"  ")
    tail.read_new()
    assert tail.caught_up()  # trailing spaces are no line to wait for


def test_damaged_bytes_spoil_only_their_own_line(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_bytes(b'{"type":"a\xff"}\n\xfe\xfe\n{"type":"b"}\n{"type":"\xff')
    events, bad = read_events(path)
    assert events == [{"type": "a\ufffd"}, {"type": "b"}] and bad == 2  # the unfinished last line counts too
    path.write_bytes(b'{"type":"a"}\n{"type":"\xffz"}')
    assert read_events(path) == ([{"type": "a"}, {"type": "\ufffdz"}], 0)
    path.write_bytes(b'{"type":"a"}\n   ')
    assert read_events(path) == ([{"type": "a"}], 0)
    assert read_events(tmp_path / "none.jsonl") == ([], 0)


def test_each_event_is_one_compact_line_appended_and_heard(tmp_path, monkeypatch):
    path = tmp_path / "events.jsonl"
    path.write_text('{"type":"phase","time":1.0,"name":"earlier"}\n')
    heard: list[dict] = []
    monkeypatch.setattr(events_module.time, "time", lambda: 1234.56789)
    writer = EventWriter(path, listeners=[heard.append, heard.append])
    event = writer.emit(BatchProgress(epoch=1, step=2, steps=3, epochs=4), series="Adam")
    writer.close()
    assert event == {"type": "batch_progress", "time": 1234.568, "epoch": 1, "step": 2, "steps": 3, "epochs": 4,
                     "metrics": {}, "series": "Adam"}
    assert heard == [event, event]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"type":"phase","time":1.0,"name":"earlier"}'  # appended, never truncated
    assert lines[1] == json.dumps(event, separators=(",", ":")) and len(lines) == 2


def test_forced_progress_is_written_at_once_and_restarts_the_throttle(tmp_path, monkeypatch):
    path = tmp_path / "events.jsonl"
    clock = iter([10.0, 10.1, 10.2, 10.3, 10.4])
    monkeypatch.setattr(events_module.time, "monotonic", lambda: next(clock))
    writer = EventWriter(path)
    for step, force in enumerate([False, True, False, False, False]):
        writer.progress(BatchProgress(epoch=1, step=step, steps=5, epochs=1), force=force)
    writer.close()
    assert [e["step"] for e in read_events(path)[0]] == [0, 1, 4]  # 10.2 and 10.3 are within 0.25 s of the forced one


@pytest.mark.parametrize(("bad", "sentence"), [
    ("", "A run id cannot be empty; `ch11-tutor runs` lists the runs."),
    ("  ", "A run id cannot be empty; `ch11-tutor runs` lists the runs."),
    (".x", "'.x' is not a run id (run ids never start with a dot); `ch11-tutor runs` lists the runs."),
    ("a/b", "'a/b' is not a run id (a run id is one folder name, without path separators); `ch11-tutor runs` "
            "lists the runs."),
    ("a\\b", "'a\\b' is not a run id (a run id is one folder name, without path separators); `ch11-tutor runs` "
             "lists the runs."),
    ("a\0b", "'a\0b' is not a run id (a run id is one folder name, without path separators); `ch11-tutor runs` "
             "lists the runs.")])
def test_each_bad_run_id_gets_its_sentence(bad, sentence):
    with pytest.raises(RunError) as caught:
        check_run_id(bad)
    assert str(caught.value) == sentence


def test_good_run_ids_pass_as_given():
    assert check_run_id("20260101-000000-base-plain-abcd") == "20260101-000000-base-plain-abcd"
    assert check_run_id("a.b") == "a.b" and run_id_problem("x y") == ""
    assert run_id_problem(None) == "a run id cannot be empty" and run_id_problem(3) == "a run id cannot be empty"
