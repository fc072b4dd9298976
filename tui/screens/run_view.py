"""The live view of one run: curves, progress with ETA, phase, metrics, tables and the log tail."""
from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Log, ProgressBar, Static, TabbedContent, TabPane

from engine.errors import TutorError
from tui.app_keys import AppKeysScreen
from tui.host import run_host
from tui.run_manager import RunUpdated, describe_seconds
from tui.run_state import RunState
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.curve_chart import CurveChart
from tui.widgets.event_table import EventTable, format_cell

REDRAW_SECONDS = 0.3  # charts and tables repaint at most a few times a second (it matters over SSH)
TRAIN_AND_VAL_SERIES = 2  # with more series than this (or any trials), only validation curves are drawn
SHORT_METRICS = {"loss": "loss", "accuracy": "acc", "val_loss": "val loss", "val_accuracy": "val acc"}


class RunViewScreen(AppKeysScreen):
    """Follows one run's events and shows them as they arrive."""

    DEFAULT_CSS = """
    RunViewScreen #run-title { text-style: bold; height: auto; }
    /* header lines wrap rather than lose their end at 80 columns; a long phase (an error) takes 3 at most */
    RunViewScreen #run-metrics { height: auto; }
    RunViewScreen #run-phase { height: auto; max-height: 3; }
    RunViewScreen #run-progress { height: 1; }
    RunViewScreen #run-progress ProgressBar { width: 1fr; }
    RunViewScreen #run-progress Bar { width: 1fr; }
    RunViewScreen .bar-label { width: auto; padding: 0 1; }
    RunViewScreen TabbedContent { height: 1fr; }
    RunViewScreen #charts { height: 1fr; }
    RunViewScreen #results-empty, RunViewScreen #trials-empty { color: $text-muted; }
    RunViewScreen .status-finished { color: $success; }
    RunViewScreen .status-failed, RunViewScreen .status-died { color: $error; }
    RunViewScreen .status-cancelled { color: $warning; }
    """

    BINDINGS = [
        Binding("c", "cancel_run", "Cancel"),
        Binding("1", "tab('tab-curves')", "Curves"),
        Binding("2", "tab('tab-results')", "Results"),
        Binding("3", "tab('tab-trials')", "Trials"),
        Binding("4", "tab('tab-log')", "Log"),
        Binding("escape", "back", "Back"),
    ]
    APP_KEYS_FROM = 110

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id
        self.state: RunState | None = None
        self.drawn = {"curves": -1, "tables": -1, "trials": -1}
        self.draws = 0
        self._last_draw = 0.0
        self._draw_timer: Timer | None = None
        self._log_size = -1
        self._ended = False  # whether the footer last showed the run as ended

    def compose(self) -> ComposeResult:
        yield Static(self.run_id, id="run-title", markup=False)
        yield Static("", id="run-phase", markup=False)
        yield Static("", id="run-metrics", markup=False)
        with Horizontal(id="run-progress"):
            yield Static("epoch", classes="bar-label", id="epoch-label", markup=False)
            yield ProgressBar(total=1.0, show_eta=False, id="epoch-bar")
            yield Static("run", classes="bar-label", id="run-label", markup=False)
            yield ProgressBar(total=1.0, show_eta=False, id="run-bar")
        with TabbedContent(initial="tab-curves"):
            with TabPane("Curves", id="tab-curves"):
                with Horizontal(id="charts"):
                    yield CurveChart("loss", "epoch", "", id="loss-chart")
                    yield CurveChart("accuracy", "epoch", "", id="accuracy-chart")
            with TabPane("Results", id="tab-results"):
                with VerticalScroll(id="results"):
                    yield Static("No tables or charts from this run yet.", id="results-empty", markup=False)
            with TabPane("Trials", id="tab-trials"):
                yield Static("This run has no trials (only tune runs do).", id="trials-empty", markup=False)
                yield EventTable("trials", id="trials")
            with TabPane("Log", id="tab-log"):
                yield Log(id="log", max_lines=500)
        yield Footer()

    def on_mount(self) -> None:
        manager = run_host(self.app).run_manager
        try:
            self.state = manager.follow(self.run_id)
        except TutorError as error:
            self.query_one("#run-title", Static).update(str(error))
            return
        self.run_id = self.state.run_id
        manager.subscribe(self)
        self.query_one("#trials", EventTable).display = False
        self.refresh_view()

    def on_unmount(self) -> None:
        run_host(self.app).run_manager.unsubscribe(self)

    def on_run_updated(self, message: RunUpdated) -> None:
        if message.run_id == self.run_id:
            self.refresh_view()

    def refresh_view(self) -> None:
        """Update the cheap lines now; schedule the charts, tables and log at a few a second."""
        state = self.state
        if state is None:
            return
        self._update_header(state)
        wait = self._last_draw + REDRAW_SECONDS - time.monotonic()
        if wait <= 0:
            self.draw()
        elif self._draw_timer is None:
            self._draw_timer = self.set_timer(wait, self.draw)

    def _update_header(self, state: RunState) -> None:
        # a run id made by the store already names its experiment and preset: say them once
        named = f"-{state.experiment}-{state.preset}-" in state.run_id
        what = f"{state.experiment}/{state.preset} · " if state.experiment and not named else ""
        bad = f" · skipped {state.bad_lines} unreadable event lines" if state.bad_lines else ""
        title = self.query_one("#run-title", Static)
        devices = f" · on {', '.join(state.devices)}" if state.devices else ""
        title.update(f"{what}{state.run_id} · {state.status}{devices}{bad}")
        title.set_classes(f"status-{state.status}")
        detail = f": {state.phase_detail}" if state.phase_detail else ""
        self.query_one("#run-phase", Static).update(f"Phase: {state.phase or 'waiting for the run to start'}{detail}")
        epoch = f"epoch {state.epoch}/{state.epochs}" if state.epochs else "epoch –"
        series = f" [{state.series}]" if state.series else ""
        numbers = [f"{SHORT_METRICS.get(k, k)} {v:.4f}" for k, v in state.metrics.items() if k in SHORT_METRICS]
        self.query_one("#run-metrics", Static).update(pack([epoch + series, *numbers], self.size.width or 80))
        # Without step counts (short epochs on the compiled loop) an epoch bar could only sit empty
        # and jump to full: it is hidden, and the run bar moves by whole epochs.
        epoch_bar = self.query_one("#epoch-bar", ProgressBar)
        epoch_bar.display = self.query_one("#epoch-label", Static).display = state.reports_steps
        epoch_bar.update(progress=state.epoch_fraction())
        self.query_one("#run-bar", ProgressBar).update(progress=state.run_fraction())
        if state.finished != self._ended:
            self._ended = state.finished
            self.refresh_bindings()  # the footer drops "Cancel" once the run has ended
        if state.finished:
            self.query_one("#epoch-label", Static).update("epoch")
            self.query_one("#run-label", Static).update(f"run {state.status}")
        else:
            self.query_one("#epoch-label", Static).update(f"epoch ETA {describe_seconds(state.epoch_eta())}")
            self.query_one("#run-label", Static).update(f"run ETA {describe_seconds(state.run_eta())}")

    def draw(self) -> None:
        """Repaint whatever changed since the last draw: curves, result tables, trials, log."""
        self._draw_timer = None
        self._last_draw = time.monotonic()
        state = self.state
        if state is None:
            return
        active = self.query_one(TabbedContent).active
        # Hidden charts are not drawn (plotext is the costliest part); switching tabs draws them.
        if self.drawn["curves"] != state.curves_version and active == "tab-curves":
            self.drawn["curves"] = state.curves_version
            self._draw_curves(state)
        if self.drawn["tables"] != state.tables_version and active == "tab-results":
            self.drawn["tables"] = state.tables_version
            self._draw_results(state)
        if self.drawn["trials"] != state.trials_version:
            self.drawn["trials"] = state.trials_version
            self._draw_trials(state)
        if active == "tab-log":
            self._draw_log()
        self.draws += 1

    def _draw_curves(self, state: RunState) -> None:
        many = len(state.history) > TRAIN_AND_VAL_SERIES or bool(state.trials)  # searches: one curve a trial
        for metric, chart_id in (("loss", "#loss-chart"), ("accuracy", "#accuracy-chart")):
            series = {}
            for name, curve in state.history.items():
                for prefix, part in (("", "train"), ("val_", "val")):
                    if many and not prefix:
                        continue
                    label = f"{name} {part}".strip() if not many else (name or "run")
                    series[label] = (curve["epoch"], curve.get(prefix + metric, []))
            self.query_one(chart_id, CurveChart).show(series)

    def _draw_results(self, state: RunState) -> None:
        results = self.query_one("#results", VerticalScroll)
        self.query_one("#results-empty", Static).display = not (state.tables or state.charts)
        for name, event in state.tables.items():
            found = results.query(f"#table-{_css_id(name)}")
            table = found.first(EventTable) if found else None
            if table is None:
                table = EventTable(name, id=f"table-{_css_id(name)}")
                results.mount(table)
            table.show(event)
        for name, event in state.charts.items():
            found = results.query(f"#chart-{_css_id(name)}")
            chart = found.first(CurveChart) if found else None
            if chart is None:
                chart = CurveChart(id=f"chart-{_css_id(name)}", classes="result-chart")
                chart.styles.height = 14
                results.mount(chart)
            raw = event.get("series") or {}
            series = {str(label): (data.get("x", []), data.get("y", [])) for label, data in raw.items()
                      if isinstance(data, dict)}
            chart.show(series, str(event.get("title") or name), str(event.get("x_label", "")),
                       str(event.get("y_label", "")), x_scale=str(event.get("x_scale", "linear")),
                       y_scale=str(event.get("y_scale", "linear")))

    def _draw_trials(self, state: RunState) -> None:
        table = self.query_one("#trials", EventTable)
        table.display = bool(state.trials)
        self.query_one("#trials-empty", Static).display = not state.trials
        rows = []
        for row in state.trials.values():
            params = ", ".join(f"{k}={format_cell(v)}" for k, v in row["hyperparameters"].items())
            trial = f"{row['trial']} ({row['worker']})" if row.get("worker") else row["trial"]  # distributed search
            rows.append([trial, row["status"], format_cell(row["score"]), format_cell(row["best_epoch"]), params,
                         row["message"]])
        # a failed trial's message wraps in its row rather than running off the screen
        table.show({"title": "trials", "columns": ["trial", "status", "score", "best epoch", "hyperparameters",
                                                   "message"], "rows": rows},
                   keys=[str(row["trial"]) for row in state.trials.values()])

    def _draw_log(self) -> None:
        lines = run_host(self.app).run_manager.log_tail(self.run_id, since=self._log_size)
        if lines is None:
            return  # output.log has not grown
        self._log_size, lines = lines
        log = self.query_one("#log", Log)
        log.clear()
        log.write_lines(lines)

    def action_tab(self, tab_id: str) -> None:
        self.query_one(TabbedContent).active = tab_id

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.draw()  # what changed while the tab was hidden

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Cancel only while the run can still be stopped: hidden once it has ended."""
        if action == "cancel_run":
            return self.state is not None and not self.state.finished
        return super().check_action(action, parameters)

    def action_cancel_run(self) -> None:
        if self.state is None or self.state.finished:
            self.notify("This run has already ended.", severity="warning")
            return

        def answer(stop: bool | None) -> None:
            if stop:
                run_host(self.app).run_manager.stop(self.run_id)
                self.notify("Stop requested: the run ends after this batch and keeps its best checkpoint.")

        self.app.push_screen(ConfirmScreen(f"Cancel run {self.run_id}? Its best checkpoint is kept."), answer)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


def pack(items: list[str], width: int, separator: str = " · ") -> str:
    """Items joined on lines no wider than `width`, breaking only between items (a name keeps its value)."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(separator) + len(item) <= width:
            lines[-1] += separator + item
        else:
            lines.append(item)
    return "\n".join(lines)


def _css_id(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
