"""Start runs as child processes and follow them: the API the TUI uses (no TensorFlow here).

The child runs the same headless command a user can type, so TensorFlow's import, its fd-2
logging, its memory and its crashes all stay out of the caller's process. The child starts in a
new session: a Ctrl-C in the caller's terminal or an SSH drop does not kill it.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import RunError
from engine.events import TERMINAL_TYPES, EventTail
from engine.registry import RunSpec
from engine.runs import EVENTS, LOG, RunStore, new_run_id


def child_command(spec: RunSpec, run_id: str, home: str | os.PathLike | None) -> list[str]:
    """The exact `python -m engine run …` command line for a spec."""
    command = [sys.executable, "-m", "engine"]
    if home:
        command += ["--home", str(home)]
    command += ["run", spec.experiment, "--preset", spec.preset, "--run-id", run_id]
    for name, value in spec.params.items():
        command += ["--set", f"{name}={str(value).lower() if isinstance(value, bool) else value}"]
    if spec.quick:
        command.append("--quick")
    if spec.data:
        command += ["--data", spec.data]
    return command


@dataclass
class RunHandle:
    """A run started by this process: its folder, its child process and an event tail."""

    run_id: str
    path: Path
    process: subprocess.Popen | None
    store: RunStore
    tail: EventTail = field(init=False)

    def __post_init__(self) -> None:
        self.tail = EventTail(self.path / EVENTS)

    def poll(self) -> int | None:
        """The child's exit code, or None while it runs (also reaps a finished child)."""
        return self.process.poll() if self.process else None

    def new_events(self) -> list[dict[str, Any]]:
        """Events written since the last call."""
        return self.tail.read_new()

    def stop(self) -> None:
        """Ask the run to stop after the current batch (it keeps its best checkpoint)."""
        self.store.request_stop(self.path)

    def status(self) -> str:
        """running / finished / cancelled / failed / died, from the folder and the process."""
        if self.process is not None and self.process.poll() is None:
            return "running"
        return self.store.status(self.path)[0]

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the child to exit and return its exit code."""
        assert self.process is not None, "only a run started here can be waited for"
        return self.process.wait(timeout)


def start_run(spec: RunSpec, home: str | os.PathLike | None = None, run_id: str | None = None,
              env: dict[str, str] | None = None) -> RunHandle:
    """Start a spec in a child process; its stdout and stderr go to the run's output.log."""
    store = RunStore(home)
    run_id = run_id or new_run_id(spec)
    path = store.inside(run_id)
    child_env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1", **(env or {})}
    try:
        path.mkdir(parents=True, exist_ok=False)
        with open(path / LOG, "ab") as log:
            process = subprocess.Popen(child_command(spec, run_id, home), stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, env=child_env, start_new_session=True)
    except OSError as error:  # a full disk, a read-only home, a missing interpreter
        raise RunError(f"Cannot start the run in {path}: {error.strerror or error}; "
                       "check that the runs folder is writable.") from None
    return RunHandle(run_id, path, process, store)


def attach(run_id: str, home: str | os.PathLike | None = None) -> RunHandle:
    """Follow an existing run (e.g. one still going after the app was closed)."""
    store = RunStore(home)
    path = store.path_of(run_id)
    return RunHandle(path.name, path, None, store)


def is_terminal(event: dict[str, Any]) -> bool:
    """Whether an event ends a run."""
    return event.get("type") in TERMINAL_TYPES
