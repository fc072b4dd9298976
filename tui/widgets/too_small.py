"""Shown instead of a squashed layout while the terminal is smaller than the app needs."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24


def too_small(width: int, height: int) -> bool:
    """Whether a terminal of this size is below what the layout needs."""
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(ModalScreen[None]):
    """A plain message with the current and the needed size; the app removes it when it fits."""

    def compose(self) -> ComposeResult:
        yield Static(id="too-small-message")

    def on_mount(self) -> None:
        self.update_size(self.app.size.width, self.app.size.height)

    def update_size(self, width: int, height: int) -> None:
        """Say how big the terminal is now and how big it needs to be."""
        self.query_one(Static).update(
            f"The terminal is {width}×{height}; ch11-tutor needs at least {MIN_WIDTH}×{MIN_HEIGHT}.\n"
            "Enlarge the window (or make the font smaller). Ctrl+Q quits.")
