"""One owner of run status: result.json, then the last event, then the process (no TensorFlow)."""
from __future__ import annotations

import json

from engine.run_status import DIED, NEVER_STARTED, decide_status, is_ended, last_event

FINISHED = {"type": "run_finished", "time": 1.0, "summary": {}, "seconds": 1.0}


def test_result_json_wins_over_everything():
    failed = {"status": "failed", "error": "Out of memory."}
    assert decide_status(failed, FINISHED, True) == ("failed", "Out of memory.")
    assert decide_status({"status": "made-up"}, FINISHED, True) == ("finished", "")  # an unknown status is ignored


def test_a_terminal_last_event_decides_when_there_is_no_result():
    cancelled = {"type": "run_cancelled", "time": 1.0, "summary": {}, "seconds": 1.0}
    failed = {"type": "run_failed", "time": 1.0, "summary": {}, "seconds": 1.0, "error": "bad"}
    assert decide_status(None, cancelled, True) == ("cancelled", "")
    assert decide_status(None, failed, False) == ("failed", "bad")


def test_without_an_ending_the_process_decides():
    progress = {"type": "epoch_end"}
    assert decide_status(None, progress, True) == ("running", "")
    assert decide_status(None, progress, False) == ("died", DIED)
    assert decide_status(None, None, None, starting=True) == ("running", "")
    assert decide_status(None, None, None) == ("died", NEVER_STARTED)
    assert decide_status({}, None, False) == ("died", DIED)


def test_ended_statuses():
    assert [s for s in ("starting", "running", "finished", "cancelled", "failed", "died", "broken") if is_ended(s)] \
        == ["finished", "cancelled", "failed", "died", "broken"]


def test_last_event_reads_the_end_of_the_file_only(tmp_path):
    path = tmp_path / "events.jsonl"
    assert last_event(path) is None
    filler = json.dumps({"type": "phase", "name": "x" * 1000})
    path.write_text("\n".join([filler] * 200 + [json.dumps(FINISHED)]) + "\n")
    assert path.stat().st_size > 64 * 1024 and last_event(path) == FINISHED
    with open(path, "a") as handle:
        handle.write('{"type": "epo')  # a writer mid-line: no finished event can follow it
    assert last_event(path) is None
