"""The footer offers only keys that do something now: no cancel on an ended run, compare from two runs."""
from __future__ import annotations

from fixtures.host import BATCHNORM, PLAIN, HostApp, append, copy_runs, events_of, live_run, settle, wait_until
from textual.widgets import DataTable

from tui.screens.run_view import RunViewScreen
from tui.screens.runs import RunsScreen


def offered(screen) -> dict[str, bool]:
    """The footer's keys by action: True offered, False greyed out; hidden keys are absent."""
    return {active.binding.action: active.enabled for active in screen.active_bindings.values()}


async def test_a_finished_run_offers_no_cancel(tutor_home):
    copy_runs(tutor_home, PLAIN)
    app = HostApp(lambda: RunViewScreen(PLAIN), tutor_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.screen.state is not None and app.screen.state.finished)
        await pilot.pause()
        assert "cancel_run" not in offered(app.screen)
        assert offered(app.screen)["back"] is True


async def test_a_running_run_offers_cancel_until_it_ends(tutor_home):
    recorded = events_of(PLAIN)
    first_epoch = next(i for i, line in enumerate(recorded) if '"epoch_end"' in line) + 1
    with live_run(tutor_home, "20261129-130000-base-plain-11fe", PLAIN) as folder:
        append(folder, *recorded[:first_epoch])
        app = HostApp(lambda: RunViewScreen("20261129-130000-base-plain-11fe"), tutor_home)
        async with app.run_test(size=(80, 24)) as pilot:
            view = app.screen
            await wait_until(pilot, lambda: view.state is not None and view.state.epoch > 0)
            assert offered(view)["cancel_run"] is True
            append(folder, *recorded[first_epoch:])
            await wait_until(pilot, lambda: view.state.finished)
            await wait_until(pilot, lambda: "cancel_run" not in offered(view))


async def test_compare_is_greyed_out_until_two_runs_are_selected(tutor_home):
    copy_runs(tutor_home)
    app = HostApp(RunsScreen, tutor_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#runs-table", DataTable)
        assert offered(screen)["compare"] is False
        table.move_cursor(row=table.get_row_index(PLAIN))
        await pilot.press("space")
        assert offered(screen)["compare"] is False
        table.move_cursor(row=table.get_row_index(BATCHNORM))
        await pilot.press("space")
        await pilot.pause()
        assert offered(screen)["compare"] is True
        await pilot.press("space")
        await pilot.pause()
        assert offered(screen)["compare"] is False


async def test_an_empty_store_greys_out_what_needs_a_run(tutor_home):
    app = HostApp(RunsScreen, tutor_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = offered(app.screen)
        assert keys["export"] is False and keys["compare"] is False and keys["reload"] is True
