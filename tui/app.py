"""The ch11-tutor app: composes the screens as modes and routes requests between them.

Nothing here imports TensorFlow, and the engine's run machinery is imported only when a screen
first needs it, so the first screen paints in a fraction of a second.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen

from content import ContentError, Question, load_questions
from engine.errors import TutorError
from engine.paths import tutor_home
from engine.spare_rules import spares_enabled
from tui.progress import FILE_NAME, Progress
from tui.screens.help import HelpScreen
from tui.screens.questions import QuestionsScreen
from tui.widgets.dialogs import QuitScreen
from tui.widgets.too_small import TooSmallScreen, too_small

if TYPE_CHECKING:
    from engine.registry import RunSpec
    from tui.run_manager import Listing, RunManager
    from tui.screens.lab import LabScreen

LIGHT, DARK = "textual-light", "textual-dark"


class StoreListed(Message):
    """The run store as read after startup: what the Runs screen first shows, and the runs still training."""

    def __init__(self, listing: "Listing") -> None:
        super().__init__()
        self.listing = listing


class TutorApp(App[int]):
    """Questions, lab, runs and help; runs themselves train in child processes."""

    CSS_PATH = "app.tcss"
    TITLE = "ch11-tutor"
    DEFAULT_MODE = "questions"
    BINDINGS = [
        Binding("q", "switch_mode('questions')", "Questions", tooltip="the questions, by section"),
        Binding("l", "switch_mode('lab')", "Lab", tooltip="choose an experiment, set it up, launch it"),
        Binding("r", "switch_mode('runs')", "Runs", tooltip="every run; compare curves; export CSV"),
        Binding("question_mark,f1", "help", "Help", tooltip="this page"),
        # The footer is full at 80 columns; Help and the command palette list this one.
        Binding("t", "toggle_theme", "Light/dark", show=False, tooltip="switch the theme"),
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="asks first if runs are still training"),
    ]

    def __init__(self, home: str | Path | None = None, questions: list[Question] | None = None,
                 progress: Progress | None = None, spares: bool | None = None) -> None:
        super().__init__()
        self.home = str(home) if home else None
        self.spares = spares_enabled(option=spares)  # a warm spare makes the next launch start in a second
        self.questions = questions if questions is not None else load_questions()
        self.progress = progress or Progress.load(tutor_home(home) / FILE_NAME)
        self.progress.on_save_error = lambda text: self.notify(text, severity="error", timeout=15)
        self._run_manager: RunManager | None = None
        self._lab: LabScreen | None = None
        self.add_mode("questions", lambda: QuestionsScreen(self.questions, self.progress))
        self.add_mode("lab", self._lab_screen)
        self.add_mode("runs", _runs_screen)

    def on_mount(self) -> None:
        if self.progress.theme in self.available_themes:
            self.theme = self.progress.theme
        if self.progress.notice:
            self.notify(self.progress.notice, title="Progress set aside", severity="warning", timeout=15)
        self._check_size(self.size.width, self.size.height)
        self.call_after_refresh(self._look_for_live_runs)  # after the first paint, off the UI thread
        if self.spares:
            self.call_after_refresh(lambda: self.run_manager.ensure_spare())

    def on_unmount(self) -> None:
        if self._run_manager is not None:
            self._run_manager.close_spare()  # an idle spare leaves with the app; handed-over runs stay

    def _look_for_live_runs(self) -> None:
        self.run_worker(self._find_live_runs, thread=True, group="startup", name="find live runs")

    def _find_live_runs(self) -> None:
        """Read every run folder (a worker thread: there may be many); only posts a message."""
        from engine.runs import RunStore
        from tui.run_manager import Listing

        try:
            listing = Listing.read(RunStore(self.home))
        except OSError:  # an unreadable runs folder: the Runs screen will say so when opened
            return
        self.post_message(StoreListed(listing))

    def on_store_listed(self, message: StoreListed) -> None:
        """Keep the listing for the Runs screen; follow runs left training by an earlier session."""
        if self.run_manager.last_listing is None:  # the Runs screen may have listed the store since
            self.run_manager.last_listing = message.listing
        followed = []
        for run_id in (row.run_id for row in message.listing.runs if row.status == "running"):
            try:
                self.run_manager.follow(run_id)
                followed.append(run_id)
            except TutorError:
                continue  # it vanished or broke since it was listed
        if followed:
            count = "1 run" if len(followed) == 1 else f"{len(followed)} runs"
            self.notify(f"{count} from an earlier session still training; press r to see it.",
                        title="Runs picked up again")

    def watch_theme(self, theme: str) -> None:
        self.progress.set_theme(theme)

    # What screens may ask of the app -------------------------------------------------------------

    @property
    def run_manager(self) -> "RunManager":
        """Starts and follows runs; created on first use so that startup stays light."""
        if self._run_manager is None:
            from tui.run_manager import RunManager

            self._run_manager = RunManager(self, self.home, spares=self.spares)
        return self._run_manager

    @run_manager.setter
    def run_manager(self, manager: "RunManager") -> None:
        self._run_manager = manager

    def live_runs(self) -> list[str]:
        """Ids of the runs this app follows that are still training."""
        return self.run_manager.live_runs() if self._run_manager is not None else []

    def launch(self, spec: "RunSpec") -> str:
        """Start a run in a child process; returns its run id."""
        return self.run_manager.launch(spec)

    def launch_experiment(self, experiment_id: str, preset: str | None = None) -> str | None:
        """Start a registered experiment with a preset's values, or say in one sentence why not."""
        from engine.registry import resolve_spec

        try:
            return self.launch(resolve_spec(experiment_id, preset))
        except TutorError as error:
            self.notify(str(error), title="Cannot start the run", severity="error", timeout=10)
            return None

    def open_lab(self, experiment_id: str, preset: str | None = None) -> None:
        """Show the lab with one experiment and preset chosen."""
        if self._lab is not None and self._lab.is_mounted:
            self._lab.select(experiment_id, preset)
        else:
            from tui.screens.lab import LabScreen

            self._lab = LabScreen(experiment_id, preset)
        self.switch_mode("lab")

    def show_run(self, run_id: str) -> None:
        """Open the live view of one run over the current screen (Escape goes back)."""
        from tui.screens.run_view import RunViewScreen

        self.push_screen(RunViewScreen(run_id))

    def _lab_screen(self) -> Screen:
        if self._lab is None:
            from tui.screens.lab import LabScreen

            self._lab = LabScreen()
        return self._lab

    # Keys and commands ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the key of the mode already shown: the footer has little room at 80 columns."""
        if action == "switch_mode" and parameters and parameters[0] == self.current_mode:
            return False
        return True

    def action_help(self) -> None:
        """Show every key binding."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = LIGHT if self.current_theme.dark else DARK

    async def action_quit(self) -> None:
        """Quit; with runs still training, ask whether to stop them or leave them running."""
        live = self.live_runs()
        if not live:
            self.exit(0)
            return

        def answer(choice: str | None) -> None:
            if choice == "stop":
                for run_id in live:
                    self.run_manager.stop(run_id)
            if choice in ("stop", "leave"):
                self.exit(0)

        if not isinstance(self.screen, QuitScreen):
            self.push_screen(QuitScreen(live), answer)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Help", "Every key binding of the app", self.action_help)
        yield SystemCommand("Questions", "The questions, hints and answers",
                            lambda: self.switch_mode("questions"))
        yield SystemCommand("Lab", "Choose an experiment, set its parameters, launch it",
                            lambda: self.switch_mode("lab"))
        yield SystemCommand("Runs", "Every run in one table; compare curves; export CSV",
                            lambda: self.switch_mode("runs"))
        yield SystemCommand("Light/dark", "Switch between the light and the dark theme",
                            self.action_toggle_theme)
        yield from super().get_system_commands(screen)

    # A terminal too small for the layout gets a message instead ----------------------------------

    def on_resize(self, event: Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        # The message screen removes itself once the terminal fits again.
        if too_small(width, height) and not any(isinstance(s, TooSmallScreen) for s in self.screen_stack):
            self.push_screen(TooSmallScreen())


def _runs_screen() -> Screen:
    from tui.screens.runs import RunsScreen

    return RunsScreen()


def run_app(argv: list[str] | None = None) -> int:
    """Open the app (`ch11-tutor [--home DIR]`); returns the exit code."""
    parser = argparse.ArgumentParser(prog="ch11-tutor", description="Open the ch11-tutor app.")
    parser.add_argument("--home", help="folder for runs and progress (default: $CH11_TUTOR_HOME or the "
                                       "user data folder)")
    parser.add_argument("--no-spare", action="store_true",
                        help="keep no warm spare process (each launch then imports TensorFlow afresh); "
                             "also $CH11_TUTOR_SPARE=0")
    args = parser.parse_args(argv or [])
    try:
        app = TutorApp(home=args.home, spares=False if args.no_spare else None)
    except ContentError as error:  # a broken question file: say which, without a traceback
        print(f"ch11-tutor: {error}", file=sys.stderr)
        return 1
    result = app.run()
    return result if isinstance(result, int) else 0
