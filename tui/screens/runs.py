"""Every run in one sortable table; overlay validation curves of several runs; export as CSV."""
from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from engine.atomic import write_text_atomic
from engine.errors import TutorError
from engine.paths import tutor_home
from engine.runs import RunStore, RunSummary
from tui.host import run_host
from tui.run_manager import RunUpdated, describe_seconds
from tui.widgets.curve_chart import CurveChart

COLUMNS = ("", "run", "experiment", "preset", "status", "best val", "test acc", "epochs", "time", "s/epoch")
# Fixed widths: the table reads the same at every size, and auto-sizing lagged behind refills.
WIDTHS = (1, 20, 16, 9, 9, 8, 8, 6, 7, 7)
SORTABLE = COLUMNS[1:]


@dataclass
class Row:
    """One run as the table shows it (from the run store, updated live for followed runs)."""

    run_id: str
    experiment: str
    preset: str
    status: str
    best_val: float | None
    test_acc: float | None
    epochs: int | None
    seconds: float | None
    problem: str = ""
    train_seconds_per_epoch: float | None = None  # from result.json: training alone, without start-up

    @classmethod
    def from_summary(cls, s: RunSummary) -> "Row":
        return cls(s.run_id, s.experiment, s.preset, s.status, s.best_val_accuracy, s.test_accuracy,
                   s.epochs, s.seconds, s.problem, s.measured_seconds_per_epoch)

    @property
    def seconds_per_epoch(self) -> float | None:
        """Training seconds per epoch as the run measured them, else wall time over epochs."""
        if self.train_seconds_per_epoch is not None:
            return self.train_seconds_per_epoch
        return self.seconds / self.epochs if self.seconds and self.epochs else None

    def sort_value(self, column: str) -> Any:
        """A key that sorts unknown values last."""
        value = {"run": self.run_id, "experiment": self.experiment, "preset": self.preset,
                 "status": self.status, "best val": self.best_val, "test acc": self.test_acc,
                 "epochs": self.epochs, "time": self.seconds, "s/epoch": self.seconds_per_epoch}[column]
        return (value is None, value if value is not None else 0)

    def cells(self) -> list[str]:
        """The row's table cells, without the selection mark."""
        return [short_id(self), self.experiment, self.preset, self.status, _pct(self.best_val), _pct(self.test_acc),
                "–" if self.epochs is None else str(self.epochs), describe_seconds(self.seconds),
                "–" if self.seconds_per_epoch is None else f"{self.seconds_per_epoch:.2f}"]


class RunsLoaded(Message):
    """The run store was read (in a thread); rows are ready."""

    def __init__(self, rows: list[Row]) -> None:
        super().__init__()
        self.rows = rows


class CompareReady(Message):
    """Validation curves of the selected runs were read (in a thread)."""

    def __init__(self, series: dict[str, tuple[list, list]], metric: str) -> None:
        super().__init__()
        self.series, self.metric = series, metric


class RunsScreen(Screen):
    """The runs table, with compare and export."""

    DEFAULT_CSS = """
    RunsScreen #runs-table { height: 1fr; }
    RunsScreen #runs-compare { height: 1fr; display: none; }
    RunsScreen.-comparing #runs-compare { display: block; }
    RunsScreen #runs-message { height: auto; color: $text-muted; }
    """

    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        Binding("space", "mark", "Select"),
        Binding("v", "compare", "Compare"),
        Binding("s", "sort", "Sort"),
        Binding("S", "reverse", "Reverse", show=False),
        Binding("e", "export", "Export CSV"),
        Binding("f5", "reload", "Reload"),
    ]

    def __init__(self, home: str | None = None) -> None:
        super().__init__()
        self.home = home
        self.rows: dict[str, Row] = {}
        self.marked: set[str] = set()
        self.sort_column = "run"
        self.sort_reverse = False
        self.compared: dict[str, tuple[list, list]] = {}
        self.exported: Path | None = None

    def compose(self) -> ComposeResult:
        yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
        yield CurveChart("validation accuracy", "epoch", "", id="runs-compare")
        yield Static("Loading runs…", id="runs-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#runs-table", DataTable)
        for column, width in zip(COLUMNS, WIDTHS):
            table.add_column(column, key=column or "mark", width=width)
        run_host(self.app).run_manager.subscribe(self)
        self.load()

    def on_unmount(self) -> None:
        run_host(self.app).run_manager.unsubscribe(self)

    def on_screen_resume(self) -> None:
        if self.rows:
            self.load()  # runs started elsewhere in the app appear when the screen comes back

    @property
    def store(self) -> RunStore:
        return RunStore(self.home or run_host(self.app).home)

    @work(thread=True, exclusive=True, group="runs-load")
    def load(self) -> None:
        """Read every run folder off the UI thread."""
        store = self.store
        try:
            rows = [Row.from_summary(summary) for summary in store.list()]
        except OSError as error:  # an unreadable runs folder: say so, keep the app
            self.app.call_from_thread(self._say, f"Cannot read {store.root}: {error.strerror or error}.")
            return
        self.post_message(RunsLoaded(rows))

    def on_runs_loaded(self, message: RunsLoaded) -> None:
        self.rows = {row.run_id: row for row in message.rows}
        self.marked &= set(self.rows)
        manager = run_host(self.app).run_manager
        for row in message.rows:
            if row.status == "running":
                try:
                    self._apply_state(row, manager.follow(row.run_id))  # picked up again after a restart
                except Exception as error:  # a folder that vanished meanwhile: show it, keep going
                    row.problem = str(error)
        self.fill()
        running = sum(row.status == "running" for row in message.rows)
        self._say(f"{len(self.rows)} runs" + (f", {running} running (followed live)" if running else "")
                  + ". Space selects runs, v overlays their validation curves, e exports CSV.")

    def fill(self) -> None:
        """Redraw the table in the current sort order, keeping the cursor on the same run."""
        table = self.query_one("#runs-table", DataTable)
        current = self.current_run_id()
        table.clear()
        for row in self.sorted_rows():
            table.add_row("✓" if row.run_id in self.marked else " ", *row.cells(), key=row.run_id)
        if current in self.rows:
            table.move_cursor(row=table.get_row_index(current))

    def sorted_rows(self) -> list[Row]:
        """The rows in the chosen order."""
        return sorted(self.rows.values(), key=lambda row: row.sort_value(self.sort_column),
                      reverse=self.sort_reverse)

    def current_run_id(self) -> str | None:
        """The run under the cursor."""
        table = self.query_one("#runs-table", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_run_updated(self, message: RunUpdated) -> None:
        row = self.rows.get(message.run_id)
        state = run_host(self.app).run_manager.state(message.run_id)
        if row is None or state is None:
            return
        self._apply_state(row, state)
        table = self.query_one("#runs-table", DataTable)
        for column, cell in zip(COLUMNS[1:], row.cells()):
            table.update_cell(row.run_id, column, cell)
        if state.finished:
            self.load()  # read result.json for the final figures

    def _apply_state(self, row: Row, state: Any) -> None:
        row.status = state.status if state.status != "starting" else row.status
        vals = [v for curve in state.history.values() for v in curve.get("val_accuracy", []) if v is not None]
        row.best_val = max(vals) if vals else row.best_val
        row.epochs = sum(len(curve["epoch"]) for curve in state.history.values()) or row.epochs

    # Keys ------------------------------------------------------------------------------------------

    def action_open(self) -> None:
        run_id = self.current_run_id()
        if run_id is None:
            return
        run_host(self.app).show_run(run_id)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.rows.get(str(event.row_key.value))
        if row is not None and row.problem:
            self._say(f"{row.run_id} {row.status}: {row.problem}")  # why a run died or failed

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_mark(self) -> None:
        run_id = self.current_run_id()
        if run_id is None:
            return
        self.marked ^= {run_id}
        self.query_one("#runs-table", DataTable).update_cell(run_id, "mark", "✓" if run_id in self.marked else " ")

    def action_sort(self) -> None:
        """Sort by the next column (press again to move on; S reverses)."""
        self.sort_column = SORTABLE[(SORTABLE.index(self.sort_column) + 1) % len(SORTABLE)]
        self.fill()
        self._say(f"Sorted by {self.sort_column}{' (reversed)' if self.sort_reverse else ''}.")

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.fill()
        self._say(f"Sorted by {self.sort_column}{' (reversed)' if self.sort_reverse else ''}.")

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column in SORTABLE:
            self.sort_reverse = not self.sort_reverse if column == self.sort_column else False
            self.sort_column = column
            self.fill()

    def action_compare(self) -> None:
        """Overlay the validation curves of the selected runs (or hide the chart)."""
        if self.has_class("-comparing"):
            self.remove_class("-comparing")
            return
        chosen = [run_id for run_id in self.rows if run_id in self.marked]
        if not chosen:
            self._say("Select runs with Space first, then press v to overlay their validation curves.")
            return
        self.read_curves(chosen)

    @work(thread=True, exclusive=True, group="runs-compare")
    def read_curves(self, run_ids: list[str]) -> None:
        """Read the chosen runs' validation accuracy per epoch off the UI thread."""
        store = self.store
        series: dict[str, tuple[list, list]] = {}
        for run_id in run_ids:
            row = self.rows[run_id]
            short = f"{row.experiment}/{row.preset} {run_id[-4:]}"
            try:
                history = store.history(store.path_of(run_id))
            except (TutorError, OSError):  # deleted since the table was read: leave it out
                continue
            for name, curve in history.items():
                series[f"{short} {name}".strip()] = (curve["epoch"], curve.get("val_accuracy", []))
        self.post_message(CompareReady(series, "val_accuracy"))

    def on_compare_ready(self, message: CompareReady) -> None:
        self.compared = message.series
        self.query_one("#runs-compare", CurveChart).show(message.series, "validation accuracy", "epoch")
        self.add_class("-comparing")
        self._say(f"Overlaying {len(message.series)} validation curves; v hides the chart.")

    def action_export(self) -> None:
        """Write the table, in its current order, to a CSV file under the tutor's home folder."""
        target = tutor_home(self.home or run_host(self.app).home) / "exports" / \
            f"runs-{time.strftime('%Y%m%d-%H%M%S')}.csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["run", "experiment", "preset", "status", "best_val_accuracy", "test_accuracy", "epochs",
                         "seconds", "seconds_per_epoch", "problem"])
        for row in self.sorted_rows():
            writer.writerow([row.run_id, row.experiment, row.preset, row.status, _raw(row.best_val),
                             _raw(row.test_acc), _raw(row.epochs), _raw(row.seconds), _raw(row.seconds_per_epoch),
                             row.problem])
        try:
            write_text_atomic(target, buffer.getvalue())
        except OSError as error:
            self._say(f"Cannot write {target}: {error.strerror or error}; check that the folder is writable.")
            self.notify(f"Cannot write {target}.", title="CSV not written", severity="error")
            return
        self.exported = target
        self._say(f"Exported {len(self.rows)} runs to {target}")
        self.notify(f"Exported {len(self.rows)} runs to {target}", title="CSV written")

    def action_reload(self) -> None:
        self.load()

    def _say(self, text: str) -> None:
        self.query_one("#runs-message", Static).update(text)


def short_id(row: Row) -> str:
    """The run id without the experiment and preset that have their own columns."""
    return row.run_id.replace(f"-{row.experiment}-{row.preset}", "", 1)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.2%}"


def _raw(value: Any) -> str:
    return "" if value is None else str(value)
