"""Deleting runs from the Runs screen: sizes shown, a confirmation with the space freed, nothing else lost."""
from __future__ import annotations

from fixtures.host import BATCHNORM, PLAIN, HostApp, copy_runs, settle
from textual.widgets import DataTable, Static

from tui.screens.runs import RunsScreen
from tui.widgets.confirm import ConfirmScreen


def message(app) -> str:
    return str(app.screen.query_one("#runs-message", Static).render())


async def test_the_summary_line_gives_the_store_size_and_rows_their_sizes(tutor_home):
    copy_runs(tutor_home, PLAIN, BATCHNORM)  # no failed run: its highlighted problem would take the line
    app = HostApp(RunsScreen, tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#runs-table", DataTable)
        assert " on disk" in message(app) and "KB" in message(app)
        assert str(table.get_cell(PLAIN, "size")).endswith("KB")


async def test_delete_asks_first_with_the_space_freed_and_deletes_only_the_chosen_run(tutor_home):
    runs = copy_runs(tutor_home)
    app = HostApp(RunsScreen, tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#runs-table", DataTable)
        before = table.row_count
        table.move_cursor(row=table.get_row_index(PLAIN))
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.question
        assert "frees" in question and "KB" in question and "cannot be undone" in question
        await pilot.press("n")  # no: nothing goes
        await pilot.pause()
        assert (runs / PLAIN).exists()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not (runs / PLAIN).exists() and (runs / BATCHNORM).exists()
        assert app.screen.query_one("#runs-table", DataTable).row_count == before - 1
