"""Small modal dialogs of the app shell: pick one of a question's experiments, confirm quitting."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList
from textual.widgets.option_list import Option

from content import ExperimentLink


class LinkPicker(ModalScreen[ExperimentLink | None]):
    """Choose one of several linked experiments; dismisses with it, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, links: tuple[ExperimentLink, ...]) -> None:
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box", classes="dialog"):
            yield Label("Open which experiment in the lab?", classes="dialog-title")
            yield OptionList(*(Option(_label(link), id=str(i)) for i, link in enumerate(self.links)),
                             id="picker-links")

    def on_mount(self) -> None:
        links = self.query_one(OptionList)
        links.highlighted = 0
        links.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.links[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)


def _label(link: ExperimentLink) -> str:
    return link.id if link.preset is None else f"{link.id}  (preset {link.preset})"


class QuitScreen(ModalScreen[str]):
    """Asked when quitting with runs in progress: dismisses with 'stop', 'leave' or 'cancel'."""

    BINDINGS = [Binding("escape", "choose('cancel')", "Cancel"), Binding("s", "choose('stop')", "Stop runs"),
                Binding("l", "choose('leave')", "Leave running")]

    def __init__(self, live: list[str]) -> None:
        super().__init__()
        self.live = live

    def compose(self) -> ComposeResult:
        count = len(self.live)
        runs = "1 run is" if count == 1 else f"{count} runs are"
        with Vertical(id="quit-box", classes="dialog"):
            yield Label(f"{runs} still training.", classes="dialog-title")
            yield Label("\n".join(self.live[:5]) + ("\n…" if count > 5 else ""), id="quit-runs")
            yield Label("A run left running goes on in the background; the app picks it up again "
                        "when it next opens.", id="quit-help")
            with Horizontal(id="quit-buttons"):
                yield Button("Stop and quit", id="stop", variant="error")
                yield Button("Leave running", id="leave", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id or "cancel")

    def action_choose(self, choice: str) -> None:
        """Answer the question from the keyboard."""
        self.dismiss(choice)
