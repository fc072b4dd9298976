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
from engine.run_cleanup import delete, refuse_running
from engine.run_index import human_size
from engine.run_table import CORE_COLUMNS, WIDE_COLUMNS, columns_for, short_ids
from engine.runs import RunStore, RunSummary, seconds_per_epoch
from engine.text_format import percent
from tui.fit import fit_widths
from tui.host import run_host
from tui.run_manager import RunUpdated, describe_seconds
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.curve_chart import CurveChart

COLUMNS = ("run", *CORE_COLUMNS[1:], *WIDE_COLUMNS)
SORTABLE = COLUMNS
NUMERIC = ("best val", "test acc", "epochs", "time", "s/epoch", "size")
SCROLLBAR = 2  # the table's vertical scrollbar, once there are more runs than rows


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
    size_bytes: int | None = None

    @classmethod
    def from_summary(cls, s: RunSummary) -> "Row":
        return cls(s.run_id, s.experiment, s.preset, s.status, s.best_val_accuracy, s.test_accuracy,
                   s.epochs, s.seconds, s.problem, s.measured_seconds_per_epoch, s.size_bytes)

    @property
    def seconds_per_epoch(self) -> float | None:
        """Training seconds per epoch as the run measured them, else wall time over epochs."""
        return seconds_per_epoch(self.train_seconds_per_epoch, self.seconds, self.epochs)

    def sort_value(self, column: str) -> Any:
        """A key that sorts unknown values last."""
        value = {"run": self.run_id, "experiment": self.experiment, "preset": self.preset,
                 "status": self.status, "best val": self.best_val, "test acc": self.test_acc,
                 "epochs": self.epochs, "time": self.seconds, "s/epoch": self.seconds_per_epoch,
                 "size": self.size_bytes}[column]
        return (value is None, value if value is not None else 0)

    def cells(self, short: str | None = None) -> dict[str, str]:
        """The row's table cells by column, without the selection mark (`short`: its short id)."""
        return {"run": short or self.run_id, "experiment": self.experiment, "preset": self.preset,
                "status": self.status, "best val": percent(self.best_val, "–"), "test acc": percent(self.test_acc, "–"),
                "epochs": "–" if self.epochs is None else str(self.epochs), "time": describe_seconds(self.seconds),
                "s/epoch": "–" if self.seconds_per_epoch is None else f"{self.seconds_per_epoch:.2f}",
                "size": human_size(self.size_bytes) or "–"}


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
        Binding("e", "export", "CSV"),
        Binding("delete,d", "delete", "Delete"),
        Binding("f5", "reload", "Reload", show=False),
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
        self.short: dict[str, str] = {}  # run id -> the short id shown (`ch11-tutor show` accepts it)
        self.shown_columns: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
        yield CurveChart("validation accuracy", "epoch", "", id="runs-compare")
        yield Static("Loading runs…", id="runs-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
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
        self.refresh_bindings()
        manager = run_host(self.app).run_manager
        for row in message.rows:
            if row.status == "running":
                try:
                    self._apply_state(row, manager.follow(row.run_id))  # picked up again after a restart
                except Exception as error:  # a folder that vanished meanwhile: show it, keep going
                    row.problem = str(error)
        self.fill()
        running = sum(row.status == "running" for row in message.rows)
        total = human_size(sum(row.size_bytes or 0 for row in message.rows))
        self._say(f"{len(self.rows)} runs, {total} on disk" + (f", {running} running (followed live)" if running else "")
                  + ". Space selects runs, v overlays their validation curves, e exports CSV, d deletes, f5 reloads.")

    def on_resize(self) -> None:
        if self.rows:
            self.fill()  # the columns that fit change with the width

    def fill(self) -> None:
        """Redraw the table with the columns that fit, in the sort order, the cursor on the same run."""
        table = self.query_one("#runs-table", DataTable)
        current = self.current_run_id()
        self.short = short_ids(self.rows)
        self.shown_columns = columns_for(self.size.width or None)
        rows = self.sorted_rows()
        cells = {row.run_id: row.cells(self.short[row.run_id]) for row in rows}
        natural = [1] + [max([len(column)] + [len(c[column]) for c in cells.values()]) for column in self.shown_columns]
        keep = [0] + [i + 1 for i, column in enumerate(self.shown_columns) if column in ("run", *NUMERIC)]
        widths = fit_widths(natural, (self.size.width or 80) - SCROLLBAR, keep=keep)
        table.clear(columns=True)
        table.add_column("", key="mark", width=widths[0])
        for column, width in zip(self.shown_columns, widths[1:]):
            table.add_column(column, key=column, width=width)
        for row in rows:
            shown = [cells[row.run_id][column] for column in self.shown_columns]
            # a name wider than its column wraps onto a second line of the row instead of being cut
            tall = any(len(cell) > width for cell, width in zip(shown, widths[1:]))
            table.add_row("✓" if row.run_id in self.marked else " ", *shown, key=row.run_id,
                          height=None if tall else 1)
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
        cells = row.cells(self.short.get(row.run_id))
        for column in self.shown_columns:
            table.update_cell(row.run_id, column, cells[column])
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
        self.refresh_bindings()  # Compare is offered from two selected runs on

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that would do nothing now are greyed out: compare below two runs, export with no runs."""
        if action == "compare":
            return True if self.has_class("-comparing") or len(self.marked & set(self.rows)) >= 2 else None
        if action in ("export", "mark", "sort", "reverse", "open", "delete"):
            return True if self.rows else None
        return True

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
            self.refresh_bindings()
            return
        chosen = [run_id for run_id in self.rows if run_id in self.marked]
        if len(chosen) < 2:  # reached from the command palette; the footer greys the key out
            self._say("Select two or more runs with Space, then press v to overlay their validation curves.")
            return
        self.read_curves(chosen)

    @work(thread=True, exclusive=True, group="runs-compare")
    def read_curves(self, run_ids: list[str]) -> None:
        """Read the chosen runs' validation accuracy per epoch off the UI thread."""
        store = self.store
        series: dict[str, tuple[list, list]] = {}
        for run_id in run_ids:
            row = self.rows[run_id]
            short = f"{row.experiment}/{row.preset} {self.short.get(run_id, run_id[-4:])}"
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
        self.refresh_bindings()
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

    def action_delete(self) -> None:
        """Delete the selected runs (or the one under the cursor) after a confirmation that shows the space freed."""
        chosen = [run_id for run_id in self.rows if run_id in self.marked] or [r for r in [self.current_run_id()] if r]
        if not chosen:
            return
        running = [run_id for run_id in chosen if self.rows[run_id].status == "running"]
        if running:
            self._say(f"Run {self.short.get(running[0], running[0])} is still running; stop it first (c in its view).")
            return
        freed = human_size(sum(self.rows[run_id].size_bytes or 0 for run_id in chosen))
        what = f"run {self.short.get(chosen[0], chosen[0])}" if len(chosen) == 1 else f"{len(chosen)} selected runs"
        question = f"Delete {what}? This frees {freed} and cannot be undone."
        self.app.push_screen(ConfirmScreen(question), lambda yes: self._delete(chosen) if yes else None)

    def _delete(self, run_ids: list[str]) -> None:
        store = self.store
        try:
            paths = [store.path_of(run_id) for run_id in run_ids]
            refuse_running(store, paths)  # the folder is the truth: it may have started since the table was read
            freed = delete(store, paths)
        except (TutorError, OSError) as error:
            self._say(f"Nothing more was deleted: {error}")
            return
        self.marked -= set(run_ids)
        self.notify(f"Deleted {len(run_ids)} run{'s' if len(run_ids) != 1 else ''}, freeing {human_size(freed)}.",
                    title="Runs deleted")
        self.load()

    def action_reload(self) -> None:
        self.load()

    def _say(self, text: str) -> None:
        self.query_one("#runs-message", Static).update(text)


def _raw(value: Any) -> str:
    return "" if value is None else str(value)
