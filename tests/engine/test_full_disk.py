"""A full or read-only disk ends a run `failed` in one sentence, removes partial files, and loses nothing else."""
from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.disk_faults import RESERVE, disk_errno
from engine.events import EventWriter, read_events
from engine.execute import execute
from engine.registry import resolve_spec
from engine.runs import RunStore

CLI = [sys.executable, "-m", "engine"]


def partial_files(folder: Path) -> list[Path]:
    return [p for pattern in (".*.partial.keras", ".*.tmp", ".partial-*", RESERVE) for p in folder.rglob(pattern)]


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of 3 MB, where the platform lets this process mount one (root on Linux)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a small filesystem here; the injected-ENOSPC test covers this case")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount: Path, leave: int) -> None:
    """Take all but `leave` bytes of the filesystem."""
    stat = os.statvfs(mount)
    with open(mount / "filler", "wb") as handle:
        handle.write(b"\1" * max(0, stat.f_bavail * stat.f_frsize - leave))


def an_earlier_run(home: Path) -> Path:
    """A finished run already in the store, which the full disk must not touch."""
    path = RunStore(home).create(resolve_spec("base", quick=True), "20260101-000000-base-plain-keep")
    (path / "result.json").write_text(json.dumps({"status": "finished", "summary": {"test_accuracy": 0.9}}))
    (path / "model.keras").write_bytes(b"k" * 1000)
    return path


def test_a_run_on_a_disk_that_fills_ends_failed_in_one_sentence(small_disk):
    home = small_disk / "home"
    earlier = an_earlier_run(home)
    before = {p.name: p.read_bytes() for p in earlier.iterdir()}
    fill(small_disk, leave=600 * 1024)  # room for the run's small files, not for its 1.4 MB model
    done = subprocess.run([*CLI, "--home", str(home), "run", "base", "--quick", "--epochs", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    runs = {row.run_id: row for row in RunStore(home).list()}
    new = next(row for name, row in runs.items() if name != earlier.name)
    sentence = f"The disk holding {new.path} is full; free some space there"
    assert sentence in last and "Traceback" not in done.stdout + done.stderr
    assert new.status == "failed" and new.problem.startswith(sentence)  # what the app's runs table shows
    ended = read_events(new.path / "events.jsonl")[0][-1]
    assert ended["type"] == "run_failed" and ended["error"].startswith(sentence)  # what the run view shows
    assert partial_files(new.path) == []
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == before and runs[earlier.name].status == "finished"


def test_a_full_home_is_refused_before_any_folder(small_disk, capsys):
    home = small_disk / "home"
    (home / "runs").mkdir(parents=True)
    fill(small_disk, leave=0)
    assert main(["--home", str(home), "run", "base", "--quick"]) == 2
    err = capsys.readouterr().err
    assert f"The disk holding {home / 'runs'} is full" in err and err.count("\n") == 1
    assert list((home / "runs").iterdir()) == []


def test_a_read_only_home_is_refused_before_training(tmp_path, capsys):
    home = tmp_path / "ro-home"
    home.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(home)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a read-only filesystem here")
    try:
        assert main(["--home", str(home), "run", "base", "--quick"]) == 2
        err = capsys.readouterr().err
        assert f"The disk holding {home / 'runs'} is read-only" in err and err.count("\n") == 1
    finally:
        subprocess.run(["umount", "-l", str(home)], check=False)


def test_an_injected_enospc_at_the_events_writer_ends_the_run_failed(tutor_home, monkeypatch):
    """Where no small filesystem can be mounted: the writer itself reports the full disk."""
    real_write = EventWriter._write

    def write(self, event):  # below the contract check: the line is valid, the disk is full
        if event["type"] == "epoch_end":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.path))
        return real_write(self, event)

    monkeypatch.setattr(EventWriter, "_write", write)
    heard = []
    status, path = execute(resolve_spec("base", quick=True, overrides={"epochs": 2}), listeners=[heard.append])
    result = json.loads((path / "result.json").read_text())
    assert status == "failed" and result["error"].startswith(f"The disk holding {path} is full")
    assert heard[-1]["type"] == "run_failed" and heard[-1]["error"] == result["error"]
    assert partial_files(path) == []


def test_the_full_disk_is_found_inside_wrapped_errors():
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise RuntimeError("h5py could not write") from inner
    except RuntimeError as outer:
        assert disk_errno(outer) == errno.ENOSPC
    assert disk_errno(ValueError("Unable to synchronously create file (No space left on device)")) == errno.ENOSPC
    assert disk_errno(OSError(errno.EROFS, "Read-only file system")) == errno.EROFS
    assert disk_errno(OSError(errno.ENOENT, "No such file")) is None
    assert disk_errno(ValueError("something else")) is None


def test_a_run_the_app_starts_on_a_disk_that_fills_ends_failed_in_one_sentence(small_disk):
    """The app's way in: a child process whose stdout (output.log) is on the full disk too."""
    from engine.launcher import start_run

    home = small_disk / "home"
    fill(small_disk, leave=600 * 1024)
    handle = start_run(resolve_spec("base", quick=True, overrides={"epochs": 2}), home)
    handle.wait(300)
    status, problem = RunStore(home).status(handle.path)
    assert status == "failed" and problem.startswith(f"The disk holding {handle.path} is full")
    ended = read_events(handle.path / "events.jsonl")[0][-1]
    assert ended["type"] == "run_failed" and ended["error"] == problem
    assert partial_files(handle.path) == []


def test_a_disk_that_fills_as_the_result_is_written_still_ends_the_run_failed(tutor_home, monkeypatch):
    """Injected at the atomic writer: result.json cannot be written, so the run is not finished."""
    import engine.execute as execute_module

    real_write = execute_module.write_json_atomic

    def write(path, data):
        if Path(path).name == "result.json":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real_write(path, data)

    monkeypatch.setattr(execute_module, "write_json_atomic", write)
    heard = []
    status, path = execute(resolve_spec("base", quick=True, overrides={"epochs": 1}), listeners=[heard.append])
    assert status == "failed"
    assert heard[-1]["type"] == "run_failed" and heard[-1]["error"].startswith(f"The disk holding {path} is full")
    assert RunStore().status(path) == ("failed", heard[-1]["error"])  # from the last event: what the app shows
    assert partial_files(path) == []
