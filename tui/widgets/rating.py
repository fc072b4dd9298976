"""A checklist of a question's key points: the learner ticks the ones their own answer had."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList, Static


class RatingScreen(ModalScreen[list[int] | None]):
    """Dismisses with the indices of the ticked key points, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save rating")]

    def __init__(self, title: str, key_points: tuple[str, ...], ticked: list[int] | None) -> None:
        super().__init__()
        self.title_text = title
        self.key_points = key_points
        self.ticked = set(ticked or ())

    def compose(self) -> ComposeResult:
        with Vertical(id="rating-box"):
            yield Label(f"Rate yourself: {self.title_text}", id="rating-title")
            yield Static("Space ticks each key point your answer covered. Ctrl+S saves, Escape cancels.",
                         id="rating-help")
            yield SelectionList[int](*((point, i, i in self.ticked) for i, point in enumerate(self.key_points)),
                                     id="rating-points")
            yield Button("Save rating", id="rating-save", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Keep the ticks as the question's rating."""
        self.dismiss(sorted(self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        """Leave the rating as it was."""
        self.dismiss(None)
