"""Starts runs as child processes and follows their event files, turning events into messages."""
from __future__ import annotations

from typing import Any

from textual.app import App

from engine.launcher import RunHandle, attach, start_run
from engine.registry import RunSpec


class RunManager:
    """Keeps the handles of runs this app started or follows; never blocks the UI on the engine."""

    def __init__(self, app: App, home: str | None = None) -> None:
        self.app = app
        self.home = home
        self.handles: dict[str, RunHandle] = {}

    def launch(self, spec: RunSpec) -> str:
        """Start a run in a child process and follow it; returns its run id."""
        handle = start_run(spec, self.home)
        self.handles[handle.run_id] = handle
        return handle.run_id

    def follow(self, run_id: str) -> None:
        """Follow an existing run's events (e.g. one still going after the app was closed)."""
        if run_id not in self.handles:
            handle = attach(run_id, self.home)
            self.handles[handle.run_id] = handle

    def live_runs(self) -> list[str]:
        """Ids of followed runs that are still running."""
        return [run_id for run_id, handle in self.handles.items() if handle.status() == "running"]

    def stop(self, run_id: str) -> None:
        """Ask a run to stop after its current batch (it keeps its best checkpoint)."""
        self.handles[run_id].stop()

    def state(self, run_id: str) -> Any:
        """What is known about a run so far."""
        return None
