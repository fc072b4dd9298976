"""The live view of one run: curves, progress with ETA, phase, metrics, tables and the log tail."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static


class RunViewScreen(Screen):
    """Follows one run's events and shows them as they arrive."""

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id

    def compose(self) -> ComposeResult:
        yield Static(self.run_id, id="run-title")
        yield Footer()
