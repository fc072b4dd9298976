"""The run store: one folder per run under the runs home, and what can be read back from it.

A folder holds spec.json, process.json (who runs it), events.jsonl, result.json (written
atomically at the end), output.log, the model files and TensorBoard logs. Status is derived,
never stored twice: result.json, else a terminal event, else a live process, else "died".
"""
from __future__ import annotations

import builtins
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.atomic import write_json_atomic
from engine.disk_faults import RESERVE, release_room
from engine.errors import RunError
from engine.events import history_from_events, read_events
from engine.paths import runs_dir
from engine.registry import RunSpec
from engine.run_id import check_run_id
from engine.run_index import FINAL, Notice, RunIndex, decode, encode, folder_size, signature
from engine.run_status import STATUSES as STATUSES  # re-exported: the CLI and app read statuses from here
from engine.run_status import decide_status, last_event

_UNREAD: Any = object()  # status() reads the last event itself unless a follower passes the one it holds

SPEC, PROCESS, EVENTS, RESULT, LOG, STOP = (
    "spec.json", "process.json", "events.jsonl", "result.json", "output.log", "STOP")
MODEL_FILE = "model.keras"  # the run's best (or final) network


@dataclass
class RunSummary:
    """One row of the runs table."""

    run_id: str
    path: Path
    experiment: str = "?"
    preset: str = "?"
    status: str = "broken"
    started: float | None = None
    best_val_accuracy: float | None = None
    test_accuracy: float | None = None
    epochs: int | None = None
    seconds: float | None = None
    problem: str = ""  # why a run is broken or failed, in one sentence
    params: dict[str, Any] = field(default_factory=dict)
    measured_seconds_per_epoch: float | None = None  # the run's own figure: training alone, no start-up
    size_bytes: int | None = None  # disk used by the folder; computed once for an ended run, kept in the index

    @property
    def seconds_per_epoch(self) -> float | None:
        """Seconds per epoch as the run measured them, else wall seconds over epochs."""
        return seconds_per_epoch(self.measured_seconds_per_epoch, self.seconds, self.epochs)


def seconds_per_epoch(measured: float | None, seconds: float | None, epochs: int | None) -> float | None:
    """The run's own training seconds per epoch when it measured them, else wall seconds over epochs."""
    if measured is not None:
        return measured
    return seconds / epochs if seconds and epochs else None


def new_run_id(spec: RunSpec) -> str:
    """A sortable, readable, unique id: time, experiment, preset and a random suffix."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{spec.experiment}-{spec.preset}-{secrets.token_hex(2)}"


def process_start_ticks(pid: int) -> int | None:
    """The kernel's start time of a process, to tell a live run from a reused pid."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read().decode(errors="replace")
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def process_alive(info: dict[str, Any]) -> bool:
    """Whether the process recorded in process.json is still the one running."""
    pid = info.get("pid")
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    ticks = process_start_ticks(pid)
    recorded = info.get("start_ticks")
    if ticks is not None and recorded is not None and ticks != recorded:
        return False  # the pid now belongs to another process
    if ticks is not None:
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                if handle.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                    return False  # a zombie has finished; only its parent has not reaped it yet
        except OSError:
            pass
    return True


class RunStore:
    """Creates run folders and reads them back (runs, history, results)."""

    def __init__(self, home: str | os.PathLike | None = None) -> None:
        self.root = runs_dir(home)

    def create(self, spec: RunSpec, run_id: str | None = None) -> Path:
        """Make a run folder and write its spec; an existing id may only be an empty folder."""
        run_id = new_run_id(spec) if run_id is None else check_run_id(run_id)
        path = self.inside(run_id)
        if (path / SPEC).exists():
            raise RunError(f"Run {run_id} already exists in {self.root}; choose another id.")
        try:
            path.mkdir(parents=True, exist_ok=True)
            write_json_atomic(path / SPEC, {"run_id": run_id, **spec.to_json()})
        except OSError as error:  # a read-only or full home: refused before anything trains
            from engine.disk_faults import disk_errno, disk_sentence

            try:
                path.rmdir()  # the folder just made, if it is still empty
            except OSError:
                pass

            code = disk_errno(error)
            raise RunError(disk_sentence(code, self.root) if code else
                           f"Cannot make a run folder in {self.root} ({error.strerror or error}); "
                           "choose a writable home with --home or $CH11_TUTOR_HOME.") from None
        return path

    def inside(self, run_id: str) -> Path:
        """The folder a checked id names; a RunError if it resolves anywhere but directly in the store."""
        path = self.root / check_run_id(run_id)
        if path.resolve().parent != self.root.resolve():  # e.g. a symbolic link that leads out
            raise RunError(f"Run folder {path} leads outside {self.root}; it is not a run of this store.")
        return path

    def mark_process(self, path: Path, argv: list[str] | None = None) -> None:
        """Record this process as the one running the run."""
        pid = os.getpid()
        write_json_atomic(path / PROCESS, {"pid": pid, "start_ticks": process_start_ticks(pid),
                                           "started": time.time(), "argv": argv or []})

    def path_of(self, run_id: str) -> Path:
        """A run's folder by id or unique id prefix/suffix, or a RunError saying what to do."""
        exact = self.root / check_run_id(run_id)
        if exact.is_dir():
            return self.inside(run_id)
        matches = [p for p in self._folders() if p.name.startswith(run_id) or p.name.endswith(run_id)]
        if len(matches) == 1:
            return self.inside(matches[0].name)
        if not matches:
            raise RunError(f"No run '{run_id}' in {self.root}; `ch11-tutor runs` lists the runs.")
        raise RunError(f"'{run_id}' matches {len(matches)} runs; give more of the id.")

    def _folders(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted((p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                      key=lambda p: p.name)  # siblings: by name is Path order, without comparing Paths

    def list(self, notice: Notice | None = None) -> list[RunSummary]:
        """Every run, oldest first; broken folders are listed as broken, never raised.

        Ended runs come from the index when their folder's signature has not moved; every other folder
        is read and, once it has ended, written to the index. `notice` hears of a rebuilt index.
        """
        index = RunIndex(self.root.parent, notice)
        stored = index.rows()
        folders = self._folders()
        rows = []
        for path in folders:
            sig = signature(path)
            known = stored.get(path.name)
            if known is not None and known[0] == sig and not _reserve_kept(known[2], path):
                row = decode(RunSummary, known[2], path)
                row.size_bytes = known[1]
            else:
                row = self._index_row(index, path, sig)
            rows.append(row)
        index.forget(set(stored) - {p.name for p in folders})  # folders deleted by hand leave the listing
        index.close()
        return rows

    def _index_row(self, index: RunIndex, path: Path, sig: str) -> RunSummary:
        row = self.summary(path)
        row.size_bytes = folder_size(path)
        if row.status in FINAL:
            index.put(path.name, sig, row.size_bytes, encode(row))
        return row

    def index_ended(self, path: Path) -> None:
        """Write an ended run's row as soon as it ends, so the next listing reads nothing from its folder."""
        index = RunIndex(self.root.parent)
        self._index_row(index, path, signature(path))
        index.close()

    def total_size(self, rows: builtins.list[RunSummary]) -> int:
        """Bytes used by the listed runs."""
        return sum(r.size_bytes or 0 for r in rows)

    def summary(self, path: Path) -> RunSummary:
        """Read a run folder into a table row."""
        row = RunSummary(run_id=path.name, path=path)
        try:
            spec = json.loads((path / SPEC).read_text(encoding="utf-8"))
            row.experiment = str(spec["experiment"])
            row.preset = str(spec.get("preset", "?"))
            row.params = dict(spec.get("params", {}))
        except (OSError, ValueError, KeyError, TypeError) as error:
            row.problem = f"spec.json is missing or unreadable ({type(error).__name__})"
            return row
        row.status, row.problem = self.status(path)
        result = self.result(path)
        events, _ = read_events(path / EVENTS)
        started = next((e for e in events if e["type"] == "run_started"), None)
        row.started = (started or {}).get("time") or _mtime(path / SPEC)
        if result:
            summary = result.get("summary", {})
            row.best_val_accuracy = summary.get("best_val_accuracy")
            row.test_accuracy = summary.get("test_accuracy")
            row.epochs = summary.get("epochs")
            row.seconds = result.get("seconds")
            measured = summary.get("seconds_per_epoch")
            row.measured_seconds_per_epoch = measured if isinstance(measured, (int, float)) else None
        else:
            epochs = [e for e in events if e["type"] == "epoch_end"]
            vals = [e.get("metrics", {}).get("val_accuracy") for e in epochs]
            vals = [v for v in vals if isinstance(v, (int, float))]
            row.best_val_accuracy = max(vals) if vals else None
            row.epochs = len(epochs) or None
            last = events[-1].get("time") if events else None
            if isinstance(last, (int, float)) and row.started:
                row.seconds = round(last - row.started, 1)
        return row

    def status(self, path: Path, last: dict[str, Any] | None = _UNREAD,
               child_alive: bool | None = None) -> tuple[str, str]:
        """(status, problem) from result.json, the last event and the process (engine.run_status decides).

        A follower that already holds the last event passes it (`last`), so nothing is re-read;
        one that started the process passes whether its child lives (`child_alive`).
        """
        result = self.result(path)
        if last is _UNREAD:
            last = last_event(path / EVENTS)  # its end only: cheap however long the run
        if child_alive is None:
            info = _read_json(path / PROCESS)
            child_alive = None if info is None else process_alive(info)
        starting = time.time() - (_mtime(path / SPEC) or 0) < 30  # just created: the process may be on its way
        status, problem = decide_status(result, last, child_alive, starting)
        if status == "died":
            release_room(path)  # its process, gone, can no longer give the run's reserve back itself
        return status, problem

    def result(self, path: Path) -> dict[str, Any] | None:
        """result.json, or None if absent or unreadable."""
        return _read_json(path / RESULT)

    def history(self, path: Path) -> dict[str, dict[str, builtins.list[float]]]:
        """Learning curves by series, rebuilt from events.jsonl."""
        events, _ = read_events(path / EVENTS)
        return history_from_events(events)

    def spec(self, path: Path) -> RunSpec:
        """The run's spec, re-validated against the registry."""
        data = _read_json(path / SPEC)
        if data is None:
            raise RunError(f"Run folder {path} has no readable spec.json; it cannot be reused.")
        return RunSpec.from_json(data)

    def request_stop(self, path: Path) -> bool:
        """Ask a running run to stop at the next batch: a stop file plus SIGINT to its process.

        A run that has already ended never starts again, so nothing is written to its folder
        and the answer is False.
        """
        if self.status(path)[0] != "running":
            return False
        (path / STOP).touch()
        info = _read_json(path / PROCESS)
        if info and process_alive(info):
            import signal

            try:
                os.kill(info["pid"], signal.SIGINT)
            except OSError:
                pass
        return True


def _reserve_kept(row: dict[str, Any], path: Path) -> bool:
    """Whether an indexed dead run still holds its reserve (indexed before dead runs gave it back): read it again."""
    return row.get("status") == "died" and (path / RESERVE).exists()


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None
