"""A run found dead gives back the reserve its process set aside, before its size is measured and indexed."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from engine.disk_faults import RESERVE, RESERVE_BYTES, keep_room
from engine.run_index import RunIndex, folder_size
from engine.runs import PROCESS, RunStore, process_alive

RECORDED = Path(__file__).parents[1] / "tui" / "fixtures" / "runs"
DIED = "20261129-120000-base-dropout-d1ed"  # a real quick run killed (SIGKILL) after its first epoch


def dead_run(home: Path) -> Path:
    """The recorded killed run, with the reserve its process made at the start (the recorder leaves it out)."""
    folder = home / "runs" / DIED
    shutil.copytree(RECORDED / DIED, folder)
    assert not process_alive(json.loads((folder / PROCESS).read_text()))  # its process is gone
    keep_room(folder)  # what execute() does right after recording the process
    assert (folder / RESERVE).stat().st_size == RESERVE_BYTES
    return folder


def test_a_dead_run_gives_its_reserve_back_before_its_size_is_indexed(tutor_home):
    folder = dead_run(tutor_home)
    (row,) = RunStore(tutor_home).list()
    assert row.status == "died" and not (folder / RESERVE).exists()
    assert row.size_bytes == folder_size(folder) < RESERVE_BYTES  # the size counts no reserve
    assert RunIndex(tutor_home).rows()[DIED][1] == row.size_bytes


def test_a_dead_run_indexed_with_its_reserve_gives_it_back_at_the_next_listing(tutor_home):
    folder = dead_run(tutor_home)
    store = RunStore(tutor_home)
    store.list()
    keep_room(folder)  # as a dead run indexed before dead runs gave their reserve back has it still
    (row,) = store.list()
    assert not (folder / RESERVE).exists() and row.size_bytes == folder_size(folder)
    assert RunIndex(tutor_home).rows()[DIED][1] == row.size_bytes


def test_a_live_run_keeps_its_reserve(tutor_home):
    folder = dead_run(tutor_home)
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        (folder / PROCESS).write_text(json.dumps({"pid": child.pid}))
        (row,) = RunStore(tutor_home).list()
        assert row.status == "running" and (folder / RESERVE).stat().st_size == RESERVE_BYTES
    finally:
        child.communicate(b"")
    (row,) = RunStore(tutor_home).list()  # now its process has ended without finishing
    assert row.status == "died" and not (folder / RESERVE).exists()
