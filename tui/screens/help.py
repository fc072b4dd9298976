"""The Help screen: every key binding of the app and its screens, read from the bindings themselves."""
from __future__ import annotations

from typing import Iterable

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

INTRO = """\
# ch11-tutor: keys

Work through the questions of *Training Deep Neural Networks*, section by section: ask for hints, reveal the
answer, rate yourself against its key points, then run the experiment that proves it.
Runs train in a separate process, so the app stays responsive and a run can outlive it."""

GENERAL = [
    ("↑ ↓ / Home End", "move in a list or table"),
    ("Enter / Space", "choose the highlighted item; Space ticks a box"),
    ("Tab / Shift+Tab", "move between parts of a screen"),
]


def binding_rows(bindings: Iterable[BindingType], key_display) -> list[tuple[str, str]]:
    """(keys, what they do) for each binding that has a description, merged by action."""
    rows: dict[str, tuple[list[str], str]] = {}
    for item in bindings:
        binding = item if isinstance(item, Binding) else Binding(*item)
        if not binding.description:
            continue
        keys = [key_display(Binding(key.strip(), binding.action)) for key in binding.key.split(",")]
        does = f"{binding.description}: {binding.tooltip}" if binding.tooltip else binding.description
        known = rows.setdefault(binding.action, ([], does))
        known[0].extend(k for k in keys if k not in known[0])
    return [(" / ".join(keys), description) for keys, description in rows.values()]


def screen_bindings() -> list[tuple[str, list[BindingType]]]:
    """The bindings of each screen and dialog, by name (classes are imported here, not at startup)."""
    from tui.screens.lab import LabScreen
    from tui.screens.questions import QuestionsScreen
    from tui.screens.run_view import RunViewScreen
    from tui.screens.runs import RunsScreen
    from tui.widgets.confirm import ConfirmScreen
    from tui.widgets.dialogs import LinkPicker, QuitScreen
    from tui.widgets.rating import RatingScreen

    screens = [("Questions", QuestionsScreen), ("Rating yourself", RatingScreen),
               ("Choosing a linked experiment", LinkPicker), ("Quitting while runs train", QuitScreen),
               ("Lab", LabScreen), ("Run view", RunViewScreen), ("Runs", RunsScreen),
               ("Yes/no questions (e.g. cancelling a run)", ConfirmScreen)]
    return [(name, list(screen.BINDINGS)) for name, screen in screens]


def _table(rows: list[tuple[str, str]]) -> str:
    # A list, not a Markdown table: table columns squeeze the keys at 80 columns.
    return "\n".join(f"- `{keys}`  {does}" for keys, does in rows)


class HelpScreen(ModalScreen[None]):
    """A scrollable page of key bindings; Escape (or ?) closes it."""

    BINDINGS = [Binding("escape,question_mark,f1", "close", "Close help")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-scroll"):
            yield Markdown(self.help_markdown(), id="help-md", open_links=False)
        yield Footer()

    def help_markdown(self) -> str:
        """The whole page: app-wide keys, then each screen's keys, then list and form keys."""
        show = self.app.get_key_display
        everywhere = binding_rows(self.app.BINDINGS, show)
        palette = show(Binding(self.app.COMMAND_PALETTE_BINDING, "command_palette"))
        everywhere.append((palette, "command palette: every command, themes and this help by name"))
        parts = [INTRO, "## Everywhere", _table(everywhere)]
        for name, bindings in screen_bindings():
            rows = binding_rows(bindings, show)
            if rows:
                parts += [f"## {name}", _table(rows)]
        parts += ["## Lists, forms and dialogs", _table(GENERAL)]
        return "\n\n".join(parts)

    def action_close(self) -> None:
        """Go back to the screen underneath."""
        self.dismiss(None)
