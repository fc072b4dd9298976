"""Starts runs as child processes and follows their event files, turning events into messages.

Reading new lines of an events file is a few microseconds, so a timer on the UI's own loop
does it (a thread worker could not be cancelled at quit). State lives here; subscribers get a
`RunUpdated(run_id)` message that collapses with an earlier pending one for the same run, so a
burst of progress events costs one repaint.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.timer import Timer

from engine import priority
from engine.errors import TutorError
from engine.launcher import RunHandle, Spare, attach, is_terminal, start_run, start_spare
from engine.registry import RunSpec
from engine.run_table import short_ids
from engine.runs import LOG, RunStore, RunSummary
from engine.spare_rules import spares_enabled
from tui.run_state import RunState

POLL_SECONDS = 0.25  # a few reads a second: fresh enough to watch, cheap over SSH
STATUS_CHECK_SECONDS = 2.0  # how often a silent run's process is checked for having died
LOG_TAIL_BYTES = 16_384
SPARE_ATTEMPTS = 2  # spares that die before warming up, in a row, before the app stops starting them


class RunUpdated(Message):
    """New events arrived for a run; read `RunManager.state(run_id)` for what they changed."""

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id

    def can_replace(self, message: Message) -> bool:
        # The state is cumulative, so a newer notice for the same run supersedes an older one.
        return isinstance(message, RunUpdated) and message.run_id == self.run_id


@dataclass(frozen=True)
class Listing:
    """One reading of the run store: its runs in store order and their short ids."""

    runs: list[RunSummary]
    short: dict[str, str]

    @classmethod
    def read(cls, store: RunStore) -> "Listing":
        """List the store (OSError when its runs folder cannot be read); off the UI thread: it may be large."""
        runs = store.list()
        return cls(runs, short_ids(run.run_id for run in runs))


class RunManager:
    """Keeps the handles of runs this app started or follows; never blocks the UI on the engine."""

    def __init__(self, app: App, home: str | None = None, spares: bool | None = None) -> None:
        self.app = app
        self.home = home
        self.spares = spares_enabled(option=spares)
        self.spare: Spare | None = None
        self.spare_problem = ""
        self._spare_failures = 0
        self.handles: dict[str, RunHandle] = {}
        self.states: dict[str, RunState] = {}
        self.subscribers: list[MessagePump] = []
        self._timer: Timer | None = None
        self._last_status_check: dict[str, float] = {}
        # The run store as last listed (by the app at start-up, then by the Runs screen), with short ids:
        # a Runs screen opened later paints these rows at once, while it reads the store afresh.
        self.last_listing: Listing | None = None

    def launch(self, spec: RunSpec) -> str:
        """Start a run on the warm spare if one is ready for it, else in a fresh child; returns its run id."""
        handle = self._hand_to_spare(spec)
        if handle is None:
            handle = start_run(spec, self.home)
            _lower_priority(handle.process.pid if handle.process else None)
        self.handles[handle.run_id] = handle
        self.states[handle.run_id] = RunState(handle.run_id, spec.experiment, spec.preset)
        self._ensure_timer()
        return handle.run_id

    # The warm spare ------------------------------------------------------------------------------

    def ensure_spare(self) -> None:
        """Start a spare in the background if spares are on and none is alive."""
        if not self.spares or (self.spare is not None and self.spare.alive()):
            return
        if self.spare is not None:  # it died before being handed a run
            self._spare_failures += 0 if self.spare.is_ready else 1
            self.spare.close()
            self.spare = None
        if self._spare_failures >= SPARE_ATTEMPTS:
            self.spare_problem = "no spare: it failed to start (see spare.log in the home)"
            return
        try:
            self.spare = start_spare(self.home)  # it sets its own low priority, session included
        except TutorError as error:
            self.spare_problem, self.spares = str(error), False
            return
        self._ensure_timer()

    def spare_status(self) -> str:
        """One short line for the screen: empty when spares are off."""
        if not self.spares:
            return self.spare_problem
        spare = self.spare
        if spare is None or not spare.alive():
            return self.spare_problem or "spare: starting"
        if not spare.ready():
            return "spare: warming up"
        rss = spare.resident_bytes()
        return "spare ready" + (f" · {rss / 2**20:.0f} MB" if rss else "")

    def close_spare(self) -> None:
        """Let the idle spare go (the app is closing); runs already handed over keep going."""
        self.spares = False
        if self.spare is not None:
            self.spare.close()
            self.spare = None

    def _hand_to_spare(self, spec: RunSpec) -> RunHandle | None:
        spare = self.spare
        if spare is None or not spare.ready() or not spare.serves(spec):
            return None
        self.spare = None
        try:
            handle = spare.hand_over(spec, niceness=priority.run_niceness())  # a cold run's priority from now on
        except TutorError:  # it refused or died: this launch starts cold, the next spare may do better
            self.ensure_spare()
            return None
        self.ensure_spare()  # its successor, at once: it lowers itself below this run before importing anything
        return handle

    def follow(self, run_id: str) -> RunState:
        """Follow a run's events (one started here, or one still going after the app was closed)."""
        if run_id not in self.handles:
            handle = attach(run_id, self.home)  # raises RunError for an unknown id
            self.handles[handle.run_id] = handle
            self.states.setdefault(handle.run_id, RunState(handle.run_id))
            self._read(handle.run_id)
            run_id = handle.run_id
        self._ensure_timer()
        return self.states[run_id]

    def state(self, run_id: str) -> RunState | None:
        """What is known about a followed run so far."""
        return self.states.get(run_id)

    def live_runs(self) -> list[str]:
        """Ids of followed runs that are still running (the app asks about them on quit)."""
        return [run_id for run_id, state in self.states.items() if not state.finished]

    def stop(self, run_id: str) -> None:
        """Ask a run to stop at its next step boundary (the epoch's end on the compiled loop); it keeps its best checkpoint."""
        self.handles[run_id].stop()

    def subscribe(self, target: MessagePump) -> None:
        """Send RunUpdated messages to a screen or widget."""
        if target not in self.subscribers:
            self.subscribers.append(target)

    def unsubscribe(self, target: MessagePump) -> None:
        """Stop sending messages to a screen or widget."""
        if target in self.subscribers:
            self.subscribers.remove(target)

    def poll(self) -> list[str]:
        """Read new events of every unfinished run and notify subscribers; returns the runs changed."""
        changed = [run_id for run_id, state in list(self.states.items())
                   if not state.finished and self._read(run_id)]
        if self.spares:
            self.ensure_spare()  # a spare that died is replaced (up to SPARE_ATTEMPTS in a row)
        for run_id, handle in self.handles.items():  # reap children that ended, so none lingers as a zombie
            if handle.process is not None and handle.process.returncode is None and self.states[run_id].finished:
                handle.process.poll()
        for run_id in changed:
            for target in list(self.subscribers):
                target.post_message(RunUpdated(run_id))
        return changed

    def log_tail(self, run_id: str, lines: int = 200, since: int | None = None) -> Any:
        """The last lines of a run's output.log (the child's stdout and stderr).

        With `since` (a size returned before) it returns (size, lines), or None when the file
        has not changed size, so a view re-reads the log only when the run wrote to it.
        """
        handle = self.handles.get(run_id)
        size, text = 0, ""
        if handle is not None:
            try:
                with open(handle.path / LOG, "rb") as log:
                    size = log.seek(0, 2)
                    if since is not None and size == since:
                        return None
                    log.seek(max(0, size - LOG_TAIL_BYTES))
                    text = log.read().decode("utf-8", errors="replace")
            except OSError:
                pass
        tail = text.splitlines()[-lines:]
        return tail if since is None else (size, tail)

    def _read(self, run_id: str) -> bool:
        """Fold new events into the state; also notice a run whose process died silently."""
        handle, state = self.handles[run_id], self.states[run_id]
        before = (state.events_seen, state.bad_lines, state.status)
        try:
            events = handle.new_events()
        except OSError:
            events = []
        state.feed(events)
        state.unreadable_lines = handle.tail.bad_lines
        if not any(is_terminal(e) for e in events) and not state.finished:
            self._check_alive(run_id, handle, state)
        return (state.events_seen, state.bad_lines, state.status) != before

    def _check_alive(self, run_id: str, handle: RunHandle, state: RunState) -> None:
        if handle.process is not None and handle.process.poll() is None:
            return  # our own child is alive, whatever its folder says while it starts up
        exited = handle.process is not None
        now = time.monotonic()
        if not exited and now - self._last_status_check.get(run_id, 0.0) < STATUS_CHECK_SECONDS:
            return
        self._last_status_check[run_id] = now
        if exited:
            state.feed(handle.new_events())  # the terminal event may have landed just before exit
            if state.finished:
                return
        try:
            # engine.run_status decides; the tail's last event stands in for re-reading the file
            status, problem = handle.status_and_problem()
        except (OSError, TutorError):
            return
        if status != "running":  # also a followed run whose result.json exists without a final event
            state.status = status
            state.phase, state.phase_detail = state.status, problem

    def _ensure_timer(self) -> None:
        if self._timer is None and self.app.is_running:
            self._timer = self.app.set_interval(POLL_SECONDS, self.poll, name="run-manager-poll")


def _lower_priority(pid: int | None) -> None:
    """Let the UI win the CPU over training: the child (and every thread it starts) runs niced.

    The child leads its own session, and Linux's autogroup scheduler shares the CPU between
    sessions before it looks at nice values, so the session's autogroup is niced as well
    (see engine.priority; where neither can be set the run simply keeps its priority).
    """
    if pid is not None:
        priority.set_niceness(priority.run_niceness(), pid)


def describe_seconds(seconds: Any) -> str:
    """A duration as m:ss or h:mm:ss, or a dash when unknown."""
    if not isinstance(seconds, (int, float)) or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
