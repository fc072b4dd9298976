"""Start runs as child processes and follow them: the API the TUI uses (no TensorFlow here).

The child runs the same headless command a user can type, so TensorFlow's import, its fd-2
logging, its memory and its crashes all stay out of the caller's process. The child starts in a
new session: a Ctrl-C in the caller's terminal or an SSH drop does not kill it.
"""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import RunError
from engine.events import EventTail
from engine.events_contract import TERMINAL_TYPES
from engine.paths import tutor_home
from engine.registry import RunSpec
from engine.runs import EVENTS, LOG, RunStore, new_run_id
from engine.spare_rules import identity

SPARE_LOG = "spare.log"  # a spare's own output until it becomes a run (then it writes the run's output.log)
HANDOVER_SECONDS = 5.0  # a ready spare answers in milliseconds; this only bounds a wedged one


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
        """Ask the run to stop at its next step boundary: the epoch's end on the compiled loop, the batch's on Keras fit."""
        self.store.request_stop(self.path)

    def status(self) -> str:
        """running / finished / cancelled / failed / died, from the folder and the process."""
        return self.status_and_problem()[0]

    def status_and_problem(self) -> tuple[str, str]:
        """(status, problem) as engine.run_status decides it; the tail's last event is used when it is current."""
        child_alive = None if self.process is None else self.process.poll() is None
        if self.tail.caught_up():
            return self.store.status(self.path, last=self.tail.last, child_alive=child_alive)
        return self.store.status(self.path, child_alive=child_alive)

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the child to exit and return its exit code."""
        assert self.process is not None, "only a run started here can be waited for"
        return self.process.wait(timeout)


def child_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a run's child gets (a spare gets the same, so it can tell a match)."""
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1", **(env or {})}


def start_run(spec: RunSpec, home: str | os.PathLike | None = None, run_id: str | None = None,
              env: dict[str, str] | None = None) -> RunHandle:
    """Start a spec in a child process; its stdout and stderr go to the run's output.log."""
    store = RunStore(home)
    run_id = run_id or new_run_id(spec)
    path = store.inside(run_id)
    child_env = child_environment(env)
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


class Spare:
    """A child that has loaded TensorFlow and waits on a pipe to become one run (see engine.spare).

    This process holds the write end of the spare's stdin: when it exits, however it exits, the
    spare reads end of file and leaves. Only a spare that said `ready` is handed a run.
    """

    def __init__(self, process: subprocess.Popen, served: dict[str, Any], home: str | os.PathLike | None) -> None:
        self.process = process
        self.served = served
        self.home = home
        self.started = time.monotonic()
        self.is_ready = False
        self.ready_after: float | None = None  # seconds from start to ready
        self._buffer = b""
        assert process.stdout is not None
        os.set_blocking(process.stdout.fileno(), False)

    @property
    def pid(self) -> int:
        """The spare's process id (and later its run's)."""
        return self.process.pid

    def alive(self) -> bool:
        """Whether the spare process still runs."""
        return self.process.poll() is None

    def ready(self) -> bool:
        """Whether the spare is warm and waiting (reads its pipe without blocking)."""
        if not self.is_ready and self.alive():
            for line in self._lines():
                if line.startswith("ready"):
                    self.is_ready, self.ready_after = True, time.monotonic() - self.started
        return self.is_ready and self.alive()

    def resident_bytes(self) -> int | None:
        """The spare's resident memory, from /proc, or None where that cannot be read."""
        try:
            with open(f"/proc/{self.pid}/status", encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            return None
        return None

    def serves(self, spec: RunSpec, env: dict[str, str] | None = None) -> bool:
        """Whether this spare was started for this spec's home, data source and environment."""
        return self.served == identity(str(tutor_home(self.home)), spec.data, child_environment(env))

    def hand_over(self, spec: RunSpec, run_id: str | None = None, env: dict[str, str] | None = None,
                  niceness: int | None = None) -> RunHandle:
        """Make the spare become this run; a RunError (and the spare gone) if it refuses or is not ready.

        With `niceness` the spare leaves its spare's low priority for that one, as far as it may.
        """
        store = RunStore(self.home)
        run_id = run_id or new_run_id(spec)
        path = store.inside(run_id)
        request = {**identity(str(tutor_home(self.home)), spec.data, child_environment(env)),
                   "run_id": run_id, "argv": child_command(spec, run_id, str(tutor_home(self.home)))[3:],
                   **({"niceness": niceness} if niceness is not None else {})}
        try:
            path.mkdir(parents=True, exist_ok=False)
            (path / LOG).touch()
        except OSError as error:
            raise RunError(f"Cannot start the run in {path}: {error.strerror or error}; "
                           "check that the runs folder is writable.") from None
        answer = self._send(request)
        if answer != "accepted":
            self.close()
            _remove_empty_run(path)
            raise RunError(answer.removeprefix("refused ").strip() or "The spare did not take the run.")
        return RunHandle(run_id, path, self.process, store)

    def _send(self, request: dict[str, Any]) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.close()  # one request per spare; from now on the run owns its life
        except OSError:
            return "refused The spare is gone."
        deadline = time.monotonic() + HANDOVER_SECONDS
        while time.monotonic() < deadline:
            for line in self._lines():
                if line.startswith(("accepted", "refused")):
                    return line
            if self.process.poll() is not None and not self._buffer:
                return "refused The spare exited before taking the run."
            select.select([self.process.stdout], [], [], 0.05)
        return "refused The spare did not answer."

    def _lines(self) -> list[str]:
        assert self.process.stdout is not None
        try:
            chunk = os.read(self.process.stdout.fileno(), 4096)
        except (BlockingIOError, OSError, ValueError):
            chunk = b""
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        return [line.decode(errors="replace") for line in lines]

    def close(self) -> None:
        """Let an idle spare go (it exits on end of file) and reap it; a spare that became a run is left alone."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(2.0)
            except subprocess.TimeoutExpired:  # wedged before it could read: it was never a run
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_spare(home: str | os.PathLike | None = None, env: dict[str, str] | None = None) -> Spare:
    """Start a spare for one home and the default data source; it warms up in the background, at low priority."""
    resolved = tutor_home(home)
    child_env = child_environment(env)
    try:
        resolved.mkdir(parents=True, exist_ok=True)
        with open(resolved / SPARE_LOG, "wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "engine.spare", "--home", str(resolved)],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=child_env,
                                       start_new_session=True)
    except OSError as error:
        raise RunError(f"Cannot start a spare in {resolved}: {error.strerror or error}.") from None
    return Spare(process, identity(str(resolved), None, child_env), home)


def _remove_empty_run(path: Path) -> None:
    """Undo a hand-over that did not happen: the folder holds only the empty output.log made for it."""
    try:
        if not (path / "spec.json").exists():
            (path / LOG).unlink(missing_ok=True)
            path.rmdir()
    except OSError:
        pass
