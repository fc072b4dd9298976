"""The run store's listing and index, each row's fields, the process record and the status inputs, value by value."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from engine.atomic import write_json_atomic
from engine.disk_faults import RESERVE
from engine.errors import RunError
from engine.registry import resolve_spec
from engine.run_index import RunIndex, folder_size
from engine.runs import EVENTS, PROCESS, RESULT, SPEC, RunStore, process_alive, process_start_ticks


def run_folder(store: RunStore, run_id: str, **files):
    path = store.create(resolve_spec("base", "plain", quick=True), run_id=run_id)
    for name, content in files.items():
        write_json_atomic(path / name, content)
    return path


def write_events(path, *events):
    (path / EVENTS).write_text("".join(json.dumps(e) + "\n" for e in events))


def aged(path, seconds: float) -> None:
    """Make the run folder's spec look `seconds` old (a run's start window is measured from it)."""
    then = time.time() - seconds
    os.utime(path / SPEC, (then, then))


FINISHED = {"status": "finished", "seconds": 12.0,
            "summary": {"best_val_accuracy": 0.9, "test_accuracy": 0.88, "epochs": 3, "seconds_per_epoch": 3.5}}


def test_an_ended_run_is_listed_from_the_index_until_its_folder_changes(tutor_home):
    store = RunStore()
    done = run_folder(store, "a-done", **{RESULT: FINISHED})
    live = run_folder(store, "b-live")
    first = store.list()
    assert [(r.run_id, r.status) for r in first] == [("a-done", "finished"), ("b-live", "running")]
    assert [r.size_bytes for r in first] == [folder_size(done), folder_size(live)]
    assert first[0].measured_seconds_per_epoch == 3.5 and first[0].seconds_per_epoch == 3.5
    index = RunIndex(store.root.parent)
    stored = index.rows()
    index.close()
    assert set(stored) == {"a-done"}  # a running run may still change: it is read afresh each time
    assert stored["a-done"][1] == folder_size(done)
    second = store.list()
    assert second == first  # the ended run read back from the index is the row read from its folder
    assert store.total_size(second) == folder_size(done) + folder_size(live)
    assert store.total_size([]) == 0 and store.total_size([second[0], type(second[0])("x", done)]) == \
        folder_size(done)


def test_a_changed_or_deleted_folder_leaves_the_index(tutor_home):
    store = RunStore()
    done = run_folder(store, "a-done", **{RESULT: FINISHED})
    store.list()
    write_json_atomic(done / RESULT, {**FINISHED, "seconds": 30.0})
    assert store.list()[0].seconds == 30.0  # the signature moved: the folder is read again
    (done / RESULT).unlink()
    (done / SPEC).unlink()
    for name in os.listdir(done):
        os.unlink(done / name)
    done.rmdir()
    assert store.list() == []
    index = RunIndex(store.root.parent)
    assert index.rows() == {}
    index.close()


def test_a_run_that_ends_is_indexed_at_once(tutor_home):
    store = RunStore()
    path = run_folder(store, "ends", **{RESULT: FINISHED})
    live = run_folder(store, "live")
    store.index_ended(path)
    store.index_ended(live)  # not ended: nothing to keep
    index = RunIndex(store.root.parent)
    rows = index.rows()
    index.close()
    assert set(rows) == {"ends"} and rows["ends"][1] == folder_size(path)
    assert rows["ends"][2]["test_accuracy"] == 0.88


@pytest.mark.parametrize(("spec", "why"), [
    (None, "FileNotFoundError"), ("not json", "JSONDecodeError"), ({"preset": "plain"}, "KeyError"),
    (["base"], "TypeError")])
def test_a_folder_whose_spec_cannot_be_read_is_broken_and_says_why(tutor_home, spec, why):
    store = RunStore()
    path = store.root / "odd"
    path.mkdir(parents=True)
    if isinstance(spec, str):
        (path / SPEC).write_text(spec)
    elif spec is not None:
        write_json_atomic(path / SPEC, spec)
    row = store.summary(path)
    assert (row.run_id, row.status, row.experiment, row.preset) == ("odd", "broken", "?", "?")
    assert row.problem == f"spec.json is missing or unreadable ({why})"


def test_a_spec_without_preset_or_params_still_lists(tutor_home):
    store = RunStore()
    path = store.root / "bare"
    path.mkdir(parents=True)
    write_json_atomic(path / SPEC, {"experiment": "base"})
    write_json_atomic(path / RESULT, {"status": "cancelled"})
    row = store.summary(path)
    assert (row.experiment, row.preset, row.params, row.status) == ("base", "?", {}, "cancelled")
    assert (row.best_val_accuracy, row.test_accuracy, row.epochs, row.seconds) == (None, None, None, None)


def test_a_running_rows_seconds_are_rounded_to_a_tenth(tutor_home):
    store = RunStore()
    path = run_folder(store, "live")
    write_events(path, {"type": "run_started", "time": 100.0},
                 {"type": "epoch_end", "time": 110.06, "epoch": 1, "metrics": {"val_accuracy": 0.5}})
    row = store.summary(path)
    assert (row.seconds, row.epochs, row.best_val_accuracy, row.started) == (10.1, 1, 0.5, 100.0)
    write_events(path, {"type": "run_started", "time": 100.0}, {"type": "phase", "time": "later"})
    row = store.summary(path)
    assert (row.seconds, row.epochs, row.best_val_accuracy) == (None, None, None)


def test_the_process_record_names_this_process(tutor_home):
    store = RunStore()
    path = run_folder(store, "mine")
    before = time.time()
    store.mark_process(path)
    record = json.loads((path / PROCESS).read_text())
    assert record["pid"] == os.getpid() and record["argv"] == []
    assert record["start_ticks"] == process_start_ticks(os.getpid()) and isinstance(record["start_ticks"], int)
    assert before <= record["started"] <= time.time()
    assert process_alive(record) is True


def test_start_ticks_are_the_kernels_own():
    with open(f"/proc/{os.getpid()}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    assert process_start_ticks(os.getpid()) == int(fields[19])  # field 22 of proc(5): starttime
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    assert process_start_ticks(child.pid) is None  # reaped: nothing left under /proc
    assert process_alive({"pid": child.pid}) is False


def test_a_finished_child_not_yet_reaped_is_not_alive():
    child = subprocess.Popen([sys.executable, "-c", ""])
    try:
        state = b""
        while state != b"Z":  # waits on the kernel's own record of the child, not on a clock
            with open(f"/proc/{child.pid}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[1].split()[0]
        ticks = process_start_ticks(child.pid)
        assert process_alive({"pid": child.pid, "start_ticks": ticks}) is False
    finally:
        child.wait()


def test_status_inputs_given_by_a_follower_are_used_as_given(tutor_home):
    store = RunStore()
    path = run_folder(store, "f")
    aged(path, 60)
    assert store.status(path) == ("died", "the run never started a process")
    assert store.status(path, child_alive=True) == ("running", "")
    write_events(path, {"type": "run_started", "time": 1})
    assert store.status(path, last={"type": "run_failed", "time": 2, "error": "out of memory"}) == (
        "failed", "out of memory")
    assert store.status(path, last=None, child_alive=False)[0] == "died"


def test_a_just_made_folder_counts_as_starting_for_thirty_seconds(tutor_home):
    store = RunStore()
    path = run_folder(store, "s")
    aged(path, 25)
    assert store.status(path) == ("running", "")
    aged(path, 35)
    assert store.status(path) == ("died", "the run never started a process")


def test_files_that_hold_no_object_are_read_as_absent(tutor_home):
    store = RunStore()
    path = run_folder(store, "lists", **{RESULT: ["finished"], PROCESS: [os.getpid()]})
    aged(path, 60)
    assert store.result(path) is None
    assert store.status(path) == ("died", "the run never started a process")
    assert store.request_stop(path) is False


def test_a_run_folder_that_cannot_be_made_is_refused_in_one_sentence(tutor_home):
    tutor_home.mkdir(parents=True)
    (tutor_home / "runs").write_text("a file where the runs folder should be")
    store = RunStore()
    with pytest.raises(RunError) as caught:
        store.create(resolve_spec("base", "plain"), run_id="r")
    assert str(caught.value) == (f"Cannot make a run folder in {store.root} (Not a directory); choose a writable "
                                 "home with --home or $CH11_TUTOR_HOME.")


def test_a_run_without_a_chosen_id_gets_a_new_one(tutor_home):
    store = RunStore()
    path = store.create(resolve_spec("base", "dropout"))
    assert path.parent == store.root and re.fullmatch(r"\d{8}-\d{6}-base-dropout-[0-9a-f]{4}", path.name)
    assert json.loads((path / SPEC).read_text())["run_id"] == path.name


@pytest.fixture
def read_only_home(tmp_path):
    """A home on a read-only filesystem (a tmpfs mounted read-only), where this process may mount one."""
    mount = tmp_path / "read-only"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a filesystem here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_home_is_named_as_such(read_only_home):
    store = RunStore(read_only_home)
    assert store.root == read_only_home / "runs"
    with pytest.raises(RunError) as caught:
        store.create(resolve_spec("base", "plain"), run_id="r")
    assert str(caught.value) == (f"The disk holding {read_only_home / 'runs'} is read-only, so nothing can be "
                                 "written there; choose a writable home with --home or $CH11_TUTOR_HOME.")


def test_an_unchanged_ended_run_is_not_read_again(tutor_home):
    store = RunStore()
    path = run_folder(store, "done", **{RESULT: FINISHED})
    assert store.list()[0].seconds == 12.0
    before = os.stat(path / RESULT)
    text = (path / RESULT).read_text().replace('"seconds": 12.0', '"seconds": 99.0')
    (path / RESULT).write_text(text)  # same size, and the same mtime below: its signature has not moved
    os.utime(path / RESULT, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert store.list()[0].seconds == 12.0  # the index's row, not a fresh read
    assert store.summary(path).seconds == 99.0


def test_a_damaged_index_is_rebuilt_and_the_listing_says_so(tutor_home):
    store = RunStore()
    run_folder(store, "done", **{RESULT: FINISHED})
    store.list()
    index = next(p for p in tutor_home.iterdir() if p.is_file() and not p.name.endswith(("-wal", "-shm")))
    index.write_bytes(b"not a database at all" * 100)
    heard: list[str] = []
    assert [r.run_id for r in store.list(notice=heard.append)] == ["done"]
    assert len(heard) == 1 and heard[0].startswith(f"The run index {index} was unreadable (")
    assert heard[0].endswith("; it is being rebuilt from the run folders.")


def test_a_run_just_past_its_thirty_seconds_without_a_process_died(tutor_home):
    store = RunStore()
    path = run_folder(store, "late")
    aged(path, 30.3)
    assert store.status(path) == ("died", "the run never started a process")


def test_a_stop_request_before_the_process_is_recorded(tutor_home):
    store = RunStore()
    path = run_folder(store, "early")  # just made, no process.json yet: counted as starting
    assert store.request_stop(path) is True and (path / "STOP").exists()


def test_an_epoch_without_metrics_still_counts(tutor_home):
    store = RunStore()
    path = run_folder(store, "live")
    write_events(path, {"type": "run_started", "time": 1.0}, {"type": "epoch_end", "time": 2.0, "epoch": 1},
                 {"type": "epoch_end", "time": 3.0, "epoch": 2, "metrics": {"val_accuracy": 0.7}})
    row = store.summary(path)
    assert (row.epochs, row.best_val_accuracy) == (2, 0.7)


def test_a_process_whose_name_holds_a_parenthesis(tmp_path):
    """/proc/PID/stat puts the name in parentheses: only the last ')' ends it."""
    odd = tmp_path / "odd\udcff) x"  # a non-UTF-8 byte too, as a name may hold any bytes
    odd.symlink_to(sys.executable)
    child = subprocess.Popen([os.fsencode(odd), "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        with open(f"/proc/{child.pid}/stat", "rb") as handle:
            raw = handle.read()
        assert b") x) " in raw  # the kernel really gave it the odd name
        assert process_start_ticks(child.pid) == int(raw[raw.rindex(b")") + 1:].split()[19])
        assert process_alive({"pid": child.pid, "start_ticks": process_start_ticks(child.pid)}) is True
    finally:
        child.stdin.close()
        child.wait()
    zombie = subprocess.Popen([os.fsencode(odd), "-c", ""])
    try:
        state = b""
        while state != b"Z":  # the kernel's own record of the child: no clock involved
            with open(f"/proc/{zombie.pid}/stat", "rb") as handle:
                raw = handle.read()
            state = raw[raw.rindex(b")") + 1:].split()[0]
        assert process_alive({"pid": zombie.pid}) is False
    finally:
        zombie.wait()


def test_a_dead_run_gives_back_its_reserve_and_a_live_one_keeps_it(tutor_home):
    store = RunStore()
    dead = run_folder(store, "dead", **{PROCESS: {"pid": "gone"}})
    (dead / RESERVE).write_bytes(b"\0" * 1024)
    assert store.status(dead)[0] == "died" and not (dead / RESERVE).exists()
    live = run_folder(store, "live")
    (live / RESERVE).write_bytes(b"\0" * 1024)
    assert store.status(live)[0] == "running" and (live / RESERVE).exists()


def test_an_indexed_dead_run_that_still_holds_its_reserve_is_read_again(tutor_home):
    store = RunStore()
    dead = run_folder(store, "dead", **{PROCESS: {"pid": "gone"}})
    aged(dead, 60)
    assert store.list()[0].status == "died"  # indexed, and its reserve (none yet) released
    (dead / RESERVE).write_bytes(b"\0" * 1024)  # as a dead run indexed before reserves were given back
    assert store.list()[0].status == "died" and not (dead / RESERVE).exists()
    finished = run_folder(store, "done", **{RESULT: FINISHED})
    store.list()
    (finished / RESERVE).write_bytes(b"\0" * 1024)
    store.list()
    assert (finished / RESERVE).exists()  # only a dead run's reserve is the listing's to give back
