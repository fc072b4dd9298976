"""Every run in one sortable table; overlay validation curves of several runs; export as CSV."""
from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from engine.atomic import write_text_atomic
from engine.errors import TutorError
from engine.paths import tutor_home
from engine.run_cleanup import delete, refuse_running
from engine.run_index import human_size
from engine.run_table import CORE_COLUMNS, WIDE_COLUMNS, WIDE_FROM, columns_for
from engine.runs import RunStore, RunSummary, seconds_per_epoch
from engine.text_format import percent
from tui.app_keys import AppKeysScreen
from tui.fit import fit_widths
from tui.host import run_host
from tui.run_manager import Listing, RunUpdated, describe_seconds
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.curve_chart import CurveChart

COLUMNS = ("run", *CORE_COLUMNS[1:], *WIDE_COLUMNS)
SORTABLE = COLUMNS
NUMERIC = ("best val", "test acc", "epochs", "time", "s/epoch", "size")
SCROLLBAR = 2  # the table's vertical scrollbar, once there are more runs than rows
BATCH = 1000  # rows added at a time after the first screenful: a few repaints for thousands of runs


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


@dataclass
class Fill:
    """One filling of the table: its number, the run ids in order, the column widths and how far it got."""

    generation: int
    order: list[str]
    widths: list[int]
    current: str | None  # the run the cursor goes back to
    placed: bool = False  # whether the cursor is back on it
    added: int = 0


class RowsShown(Message):
    """The Runs screen painted its table with `shown` of its `total` rows (the first screenful, then more)."""

    def __init__(self, shown: int, total: int) -> None:
        super().__init__()
        self.shown, self.total = shown, total


class RunsLoaded(Message):
    """The run store was read (in a thread): its listing, and the rows made from it."""

    def __init__(self, listing: Listing, rows: list[Row], generation: int) -> None:
        super().__init__()
        self.listing, self.rows, self.generation = listing, rows, generation


class CompareReady(Message):
    """Validation curves of the selected runs were read (in a thread)."""

    def __init__(self, series: dict[str, tuple[list, list]], metric: str) -> None:
        super().__init__()
        self.series, self.metric = series, metric


class RunsScreen(AppKeysScreen):
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
    APP_KEYS_FROM = WIDE_FROM  # below it the screen's own keys fill the footer

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
        # Each load and each fill has a number, so that a stale listing or a stale batch of rows is
        # dropped instead of landing in a newer table.
        self.load_generation = self.loaded_generation = 0
        self.fill_generation = self.filled_generation = 0
        self._fill: Fill | None = None
        self._fill_width = 0  # the width the table was last filled for
        self._listed: list[Row] | None = None  # the rows as last shown, before live state changed any of them
        self._keys_stale = False  # whether the footer still offers the keys of the listing before

    def compose(self) -> ComposeResult:
        yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
        yield CurveChart("validation accuracy", "epoch", "", id="runs-compare")
        yield Static("Loading runs…", id="runs-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        manager = run_host(self.app).run_manager
        manager.subscribe(self)
        if manager.last_listing is not None:
            # The store as the app last listed it goes into the screen's first frame, so hundreds of
            # runs show as soon as the screen does; the listing read now replaces it if anything changed.
            listing = manager.last_listing
            self._show([Row.from_summary(run) for run in listing.runs], listing.short)
        self.load()

    def on_unmount(self) -> None:
        run_host(self.app).run_manager.unsubscribe(self)

    def on_screen_resume(self) -> None:
        if self.rows:
            self.load()  # runs started elsewhere in the app appear when the screen comes back

    @property
    def store(self) -> RunStore:
        return RunStore(self.home or run_host(self.app).home)

    def load(self) -> None:
        """Read the run store again (off the UI thread); the table refills when it has been read."""
        self.load_generation += 1
        self._read_store(self.load_generation)

    @property
    def filled(self) -> bool:
        """Whether the latest listing is in the table, every row of it (what a test waits for)."""
        return self.loaded_generation == self.load_generation and self.filled_generation == self.fill_generation

    @work(thread=True, exclusive=True, group="runs-load")
    def _read_store(self, generation: int) -> None:
        """Read every run folder, and work out the short ids, off the UI thread."""
        store = self.store
        try:
            listing = Listing.read(store)
        except OSError as error:  # an unreadable runs folder: say so, keep the app
            self.app.call_from_thread(self._unreadable, generation, f"Cannot read {store.root}: "
                                      f"{error.strerror or error}.")
            return
        self.post_message(RunsLoaded(listing, [Row.from_summary(run) for run in listing.runs], generation))

    def _unreadable(self, generation: int, text: str) -> None:
        if generation == self.load_generation:
            self.loaded_generation = generation
            self._say(text)

    def on_runs_loaded(self, message: RunsLoaded) -> None:
        if message.generation != self.load_generation:
            return  # a newer listing is on its way
        self.loaded_generation = message.generation
        run_host(self.app).run_manager.last_listing = message.listing
        if message.rows == self._listed and not any(row.status == "running" for row in message.rows):
            return  # what the table holds or is filling in already: nothing to redraw
        self._show(message.rows, message.listing.short)

    def _show(self, rows: list[Row], short: dict[str, str]) -> None:
        """Fill the table with these runs and say what the store holds."""
        self._listed = [replace(row) for row in rows]
        self.rows = {row.run_id: row for row in rows}
        self.short = short
        self.marked &= set(self.rows)
        self._keys_stale = True  # the footer's keys follow once the first rows are painted: it rebuilds slowly
        manager = run_host(self.app).run_manager
        for row in rows:
            if row.status == "running":
                try:
                    self._apply_state(row, manager.follow(row.run_id))  # picked up again after a restart
                except Exception as error:  # a folder that vanished meanwhile: show it, keep going
                    row.problem = str(error)
        self.fill()
        running = sum(row.status == "running" for row in rows)
        total = human_size(sum(row.size_bytes or 0 for row in rows))
        self._say(f"{len(self.rows)} runs, {total} on disk" + (f", {running} running (followed live)" if running else "")
                  + ". Space selects runs, v overlays their validation curves, e exports CSV, d deletes, f5 reloads.")

    def on_resize(self) -> None:
        if self.rows and self.size.width != self._fill_width:
            self.fill()  # the columns that fit change with the width (AppKeysScreen's handler sees to the footer)

    def fill(self) -> None:
        """Redraw the table with the columns that fit, in the sort order, the cursor on the same run.

        The first screenful of rows is added at once and the rest in batches, each after the table has
        taken in and painted the one before, so the first rows show nearly as fast with 5,000 runs as with 5.
        A newer fill (a sort, a resize, a reload) drops the batches of an older one.
        """
        self.fill_generation += 1
        table = self.query_one("#runs-table", DataTable)
        previous = self._fill  # a fill cut short before its cursor's row arrived keeps the cursor's run
        current = previous.current if previous is not None and not previous.placed else self.current_run_id()
        width = self.size.width or self.app.size.width  # before its first layout a screen has no size yet
        self._fill_width = width
        self.shown_columns = columns_for(width or None)
        order = [row.run_id for row in self.sorted_rows()]
        cells = [self.rows[run_id].cells(self.short.get(run_id)) for run_id in order]
        natural = [1] + [max([len(column)] + [len(c[column]) for c in cells]) for column in self.shown_columns]
        keep = [0] + [i + 1 for i, column in enumerate(self.shown_columns) if column in ("run", *NUMERIC)]
        widths = fit_widths(natural, (width or 80) - SCROLLBAR, keep=keep)
        table.clear(columns=True)
        table.add_column("", key="mark", width=widths[0])
        for column, width in zip(self.shown_columns, widths[1:]):
            table.add_column(column, key=column, width=width)
        self._fill = Fill(self.fill_generation, order, widths[1:], current, placed=current not in self.rows)
        self._add_batch(self._fill, max(1, self.app.size.height))  # the first screenful, at once

    def _add_batch(self, fill: Fill, count: int) -> None:
        """Add the fill's next `count` rows; the next batch waits until the table has taken these in and painted."""
        table = self.query_one("#runs-table", DataTable)
        for run_id in fill.order[fill.added:fill.added + count]:
            cells = self.rows[run_id].cells(self.short.get(run_id))  # read now: a followed run may have moved on
            shown = [cells[column] for column in self.shown_columns]
            height = self._height(shown, fill.widths)
            table.add_row("✓" if run_id in self.marked else " ", *shown, key=run_id, height=height)
            fill.added += 1
            if run_id == fill.current:
                table.move_cursor(row=fill.added - 1)
                fill.placed = True
        if fill.added == len(fill.order):
            self.filled_generation = fill.generation
        # The table measures new rows when it is next idle and only then asks for a repaint; a callback
        # it runs after that idle, then one the screen runs after its repaint, come after both.
        table.call_next(self._taken_in, fill)

    def _taken_in(self, fill: Fill) -> None:
        self.call_after_refresh(self._after_paint, fill)

    def _after_paint(self, fill: Fill) -> None:
        """The rows added so far are painted: say so, then add the next batch."""
        if fill is not self._fill:
            return  # a newer fill has replaced this table
        self.post_message(RowsShown(fill.added, len(fill.order)))
        if self._keys_stale:
            self._keys_stale = False
            self.refresh_bindings()  # Select, Sort, CSV, Delete are offered from the first run on
        if fill.added < len(fill.order):
            self._add_batch(fill, BATCH)

    def _height(self, shown: list[str], widths: list[int]) -> int:
        """Lines the row needs: a name wider than its column wraps onto more lines instead of being cut.

        Given, not measured by the table: a row of automatic height is rendered once more to measure it.
        """
        tall = [(cell, width) for cell, width in zip(shown, widths) if cell_len(cell) > width]
        return max([1] + [len(Text(cell).wrap(self.app.console, width)) for cell, width in tall])

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
        if row.run_id in table.rows:  # not yet added by a fill under way: its batch reads the new figures
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
        return super().check_action(action, parameters)

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
