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
    """A plain message with the current and the needed size; it goes away by itself once the app fits.

    Being modal, it also holds back the app's screen keys (Ctrl+Q still quits).
    """

    def compose(self) -> ComposeResult:
        yield Static(id="too-small-message")

    def on_mount(self) -> None:
        self.fit()

    def on_screen_resume(self) -> None:
        self.fit()  # the terminal may have grown while a dialog was above this screen

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """Leave when the terminal is big enough (and this screen is on top); else say the sizes."""
        width, height = self.app.size
        if not too_small(width, height):
            if self.app.screen is self:
                self.dismiss()
            return
        self.query_one(Static).update(
            f"The terminal is {width}×{height}; ch11-tutor needs at least {MIN_WIDTH}×{MIN_HEIGHT}.\n"
            "Enlarge the window (or make the font smaller). Ctrl+Q quits.")
