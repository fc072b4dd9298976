"""Every run in one sortable table; overlay validation curves of several runs; export as CSV."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static


class RunsScreen(Screen):
    """The runs table, with compare and export."""

    def compose(self) -> ComposeResult:
        yield Static("Runs", id="runs-title")
        yield Footer()
