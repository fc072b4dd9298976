"""The lab: choose an experiment and preset, edit its parameters in a checked form, launch it."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static


class LabScreen(Screen):
    """Experiment and preset pickers, a parameter form built from the registry, and Launch."""

    def __init__(self, experiment_id: str | None = None, preset: str | None = None) -> None:
        super().__init__()
        self.experiment_id = experiment_id
        self.preset = preset

    def compose(self) -> ComposeResult:
        yield Static("Lab", id="lab-title")
        yield Footer()

    def select(self, experiment_id: str, preset: str | None = None) -> None:
        """Show one experiment with one preset's values in the form."""
        self.experiment_id, self.preset = experiment_id, preset
