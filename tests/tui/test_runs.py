"""The runs screen lists every run, sorts, overlays validation curves, exports CSV, follows live runs."""
from __future__ import annotations

import csv
import shutil

from fixtures.host import (
    BATCHNORM,
    DIED,
    PLAIN,
    HostApp,
    append,
    copy_runs,
    events_of,
    live_run,
    recorded,
    recorded_events,
    settle,
)
from textual.widgets import DataTable, Static

from engine.runs import RunStore
from tui.screens.run_view import RunViewScreen
from tui.screens.runs import RunsScreen
from tui.widgets.curve_chart import CurveChart


def column(table: DataTable, name: str) -> list[str]:
    return [str(v) for v in table.get_column(name)]


async def test_every_run_is_listed_with_its_figures_and_a_dead_run_shows_as_died(tutor_home):
    copy_runs(tutor_home)
    app = HostApp(RunsScreen, tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#runs-table", DataTable)
        assert table.row_count == 5
        plain = table.get_row(PLAIN)
        assert plain[2:5] == ["base", "plain", "finished"]
        summary = recorded(PLAIN)["summary"]
        assert plain[5] == f"{summary['best_val_accuracy']:.2%}" and plain[6] == f"{summary['test_accuracy']:.2%}"
        assert plain[7] == str(summary["epochs"]) == "6"
        # training seconds per epoch as the run measured them, not wall time over epochs
        assert plain[9] == f"{summary['seconds_per_epoch']:.2f}"
        assert table.get_row(DIED)[4] == "died"
        died_epochs = len(recorded_events(DIED, "epoch_end"))
        assert died_epochs >= 1 and table.get_row(DIED)[7] == str(died_epochs)  # as far as it got
        table.move_cursor(row=table.get_row_index(DIED))
        await pilot.pause()
        message = str(app.screen.query_one("#runs-message", Static).render())
        assert "died: its process ended without finishing" in message


async def test_sorting_by_columns_and_reversing(tutor_home):
    copy_runs(tutor_home)
    app = HostApp(RunsScreen, tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#runs-table", DataTable)
        order = [str(key.value) for key in table.rows]
        assert order == sorted(order)  # by run id: the time each run started
        while screen.sort_column != "best val":
            await pilot.press("s")
        shown = [float(v.rstrip("%")) for v in column(table, "best val") if v != "–"]  # unknown values sort last
        assert shown == sorted(shown) and column(table, "best val")[:len(shown)] != ["–"] * len(shown)
        await pilot.press("S")
        shown = [float(v.rstrip("%")) for v in column(table, "best val") if v != "–"]
        assert shown == sorted(shown, reverse=True) and shown[0] > shown[-1]


async def test_selected_runs_overlay_their_validation_curves(tutor_home):
    copy_runs(tutor_home)
    app = HostApp(RunsScreen, tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#runs-table", DataTable)
        await pilot.press("v")
        assert not screen.has_class("-comparing")  # greyed out below two runs: the key does nothing
        for run_id in (PLAIN, BATCHNORM):
            table.move_cursor(row=table.get_row_index(run_id))
            await pilot.press("space")
        assert table.get_row(PLAIN)[0] == "✓"
        await pilot.press("v")
        await settle(pilot)
        chart = screen.query_one("#runs-compare", CurveChart)
        assert screen.has_class("-comparing") and chart.display
        assert sorted(chart.plotted.values()) == [6, 6]
        assert any(label.startswith("base/batchnorm") for label in chart.plotted)
        await pilot.press("v")
        assert not screen.has_class("-comparing")


async def test_export_writes_the_table_as_csv_and_says_where(tutor_home):
    copy_runs(tutor_home)
    app = HostApp(RunsScreen, tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("e")
        path = screen.exported
        assert path is not None and path.parent == tutor_home / "exports"
        assert str(path) in str(screen.query_one("#runs-message", Static).render())
        rows = list(csv.DictReader(path.open()))
        assert len(rows) == 5
        plain = next(row for row in rows if row["run"] == PLAIN)
        assert plain["status"] == "finished"
        assert float(plain["test_accuracy"]) == recorded(PLAIN)["summary"]["test_accuracy"]


async def test_a_run_still_going_is_followed_live_until_it_finishes(tutor_home):
    copy_runs(tutor_home, PLAIN)
    recorded = events_of(PLAIN)
    with live_run(tutor_home, "20261129-130000-base-plain-11fe", PLAIN) as folder:
        append(folder, *recorded[:8])
        app = HostApp(RunsScreen, tutor_home)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            table = app.screen.query_one("#runs-table", DataTable)
            live = "20261129-130000-base-plain-11fe"
            assert table.get_row(live)[4] == "running"
            assert table.get_row(live)[7] == "1"
            assert live in app.run_manager.live_runs()
            append(folder, *recorded[8:10])  # epochs 2 and 3
            app.run_manager.poll()
            await settle(pilot)
            assert table.get_row(live)[7] == "3"
            append(folder, *recorded[12:])
            app.run_manager.poll()
            await settle(pilot)
            assert table.get_row(live)[4] == "finished"
            assert app.run_manager.live_runs() == []


async def test_enter_opens_the_run_view(tutor_home):
    copy_runs(tutor_home, PLAIN)
    app = HostApp(RunsScreen, tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RunViewScreen) and app.screen.run_id == PLAIN
        await pilot.press("escape")
        assert isinstance(app.screen, RunsScreen)


async def test_a_followed_run_whose_result_exists_without_a_final_event_is_not_live(tutor_home):
    copy_runs(tutor_home, PLAIN)
    recorded = events_of(PLAIN)
    live = "20261129-130500-base-plain-22ab"
    with live_run(tutor_home, live, PLAIN) as folder:
        append(folder, *recorded[:8])
        app = HostApp(RunsScreen, tutor_home)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert live in app.run_manager.live_runs()
            (folder / "result.json").write_text('{"status": "finished", "summary": {}}')
            app.run_manager._last_status_check.clear()  # the next poll re-reads the folder's status
            app.run_manager.poll()
            await settle(pilot)
            assert app.run_manager.live_runs() == []
            assert app.run_manager.state(live).status == "finished"


async def test_at_80_columns_the_table_keeps_what_tells_runs_apart_and_fits(tutor_home):
    runs = copy_runs(tutor_home)
    shutil.copytree(runs / PLAIN, runs / "20261130-090000-base-batchnorm-a3fb")  # the same random tail
    app = HostApp(RunsScreen, tutor_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#runs-table", DataTable)
        assert [str(c.label) for c in table.ordered_columns] == [
            "", "run", "experiment", "preset", "status", "best val", "test acc"]
        assert sum(c.get_render_width(table) for c in table.ordered_columns) <= 80 - 2
        shown = column(table, "run")
        assert len(set(shown)) == len(shown) == 6
        store = RunStore(tutor_home)
        for key, short in zip(table.rows, shown):
            assert store.path_of(short).name == str(key.value)  # what `ch11-tutor show` accepts
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        assert [str(c.label) for c in table.ordered_columns][-4:] == ["epochs", "time", "s/epoch", "size"]


async def test_a_name_wider_than_its_column_wraps_instead_of_being_cut(tutor_home):
    copy_runs(tutor_home, PLAIN)
    app = HostApp(RunsScreen, tutor_home)
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.rows[PLAIN].experiment = "an-experiment-with-a-very-long-name"
        screen.fill()
        await pilot.pause()
        table = screen.query_one("#runs-table", DataTable)
        assert table.get_row(PLAIN)[2] == "an-experiment-with-a-very-long-name"
        assert table.rows[PLAIN].height > 1  # the row grew to hold the wrapped name
