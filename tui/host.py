"""What a screen may ask of the app it runs in; the real app and the test host both provide it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from engine.registry import RunSpec
    from tui.run_manager import RunManager


@runtime_checkable
class RunHost(Protocol):
    """An app that starts, follows and shows runs under one home."""

    home: str | None
    spares: bool  # whether a warm spare process waits for the next launch

    @property
    def run_manager(self) -> RunManager:
        """Starts and follows runs."""

    def launch(self, spec: RunSpec) -> str:
        """Start a run; its id, or "" when nothing was started."""

    def show_run(self, run_id: str) -> None:
        """Open the live view of one run."""


@runtime_checkable
class TutorHost(RunHost, Protocol):
    """The whole tutor: also opens the lab and starts a question's experiment."""

    def live_runs(self) -> list[str]:
        """Ids of the followed runs still training."""

    def launch_experiment(self, experiment_id: str, preset: str | None = None) -> str | None:
        """Start a registered experiment with a preset, or say why not; its run id or None."""

    def open_lab(self, experiment_id: str, preset: str | None = None) -> None:
        """Show the lab with one experiment and preset chosen."""


def run_host(app: object) -> RunHost:
    """The app as a RunHost, or a TypeError naming what it lacks (a programming error, not user input)."""
    if not isinstance(app, RunHost):
        raise TypeError(f"{type(app).__name__} cannot host this screen: it does not provide tui.host.RunHost")
    return app


def tutor_host(app: object) -> TutorHost:
    """The app as a TutorHost, or a TypeError naming what it lacks."""
    if not isinstance(app, TutorHost):
        raise TypeError(f"{type(app).__name__} cannot host this screen: it does not provide tui.host.TutorHost")
    return app
