"""A store of hundreds of runs: the Runs screen paints a screenful first, then every run once, in order."""
from __future__ import annotations

from fixtures.host import HostApp, copy_many, settle, wait_until
from textual.widgets import DataTable

from engine.runs import RunStore
from tui.run_manager import Listing
from tui.screens.runs import RowsShown, RunsLoaded, RunsScreen

COUNT = 300
SIZE = (120, 36)


class Recording(HostApp):
    """Hears each repaint of the Runs table: how many of its rows were in it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shown: list[tuple[int, int]] = []

    def on_rows_shown(self, message: RowsShown) -> None:
        self.shown.append((message.shown, message.total))


def keys(table: DataTable) -> list[str]:
    return [str(key.value) for key in table.rows]


async def filled(pilot, app: Recording) -> RunsScreen:
    """The Runs screen once its latest listing is wholly in the table and painted."""
    await wait_until(pilot, lambda: isinstance(app.screen, RunsScreen) and app.screen.filled
                     and app.shown[-1:] == [(COUNT, COUNT)], tries=1200)
    return app.screen


async def test_the_first_screenful_is_painted_before_the_rest_and_every_run_arrives_once_in_order(tutor_home):
    ids = copy_many(tutor_home, COUNT)
    app = Recording(RunsScreen, tutor_home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await filled(pilot, app)
        table = screen.query_one("#runs-table", DataTable)
        assert keys(table) == ids == [row.run_id for row in RunStore(tutor_home).list()]
        first, total = app.shown[0]
        assert total == COUNT and first <= SIZE[1] < COUNT  # one screenful painted before the rest was added
        assert [shown for shown, _ in app.shown] == sorted({shown for shown, _ in app.shown})  # each batch adds rows


async def test_a_sort_and_a_reload_in_the_middle_of_a_fill_leave_each_run_once_in_the_new_order(tutor_home):
    ids = copy_many(tutor_home, COUNT)
    experiment = {row.run_id: row.experiment for row in RunStore(tutor_home).list()}
    app = Recording(RunsScreen, tutor_home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await filled(pilot, app)
        table = screen.query_one("#runs-table", DataTable)
        table.move_cursor(row=250)
        chosen = screen.current_run_id()
        app.shown.clear()
        screen.action_sort()  # by experiment: a new fill, only its first screenful in the table so far
        assert not screen.filled and table.row_count < COUNT
        screen.action_reverse()  # the sort's remaining batches must not land in this newer table
        assert not screen.filled and table.row_count < COUNT
        screen.action_reload()  # a new listing while the reversed fill is under way
        screen = await filled(pilot, app)
        shown = keys(table)
        assert len(set(shown)) == len(shown) == COUNT
        assert shown == sorted(ids, key=lambda run_id: experiment[run_id], reverse=True)
        assert screen.current_run_id() == chosen  # the cursor came back to its run, wherever it now is
        screen.post_message(RunsLoaded(Listing([], {}), [], screen.load_generation - 1))  # a listing a newer one overtook
        await settle(pilot)
        assert keys(table) == shown


async def test_at_80_columns_the_footer_drops_the_apps_keys_whole_and_they_still_work(tutor_home):
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    from tui.app import TutorApp
    from tui.screens.help import HelpScreen
    from tui.screens.questions import QuestionsScreen

    def keys_in_footer(app) -> list[tuple[str, int, int]]:
        """(description, first column, column after the last) of each key the footer shows."""
        return [(key.description, key.region.x, key.region.right) for key in app.screen.query_one(Footer).query(FooterKey)]

    app = TutorApp(home=tutor_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, RunsScreen) and app.screen.filled)
        await pilot.pause()
        *others, palette = keys_in_footer(app)
        assert palette[0] == "palette" and palette[2] <= 80
        assert others[-1][0] == "Quit" and others[-1][2] <= palette[1]  # the last key ends before the palette's
        await pilot.resize_terminal(120, 36)
        await wait_until(pilot, lambda: "Questions" in [d for d, _, _ in keys_in_footer(app)])
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: "Questions" not in [d for d, _, _ in keys_in_footer(app)])
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuestionsScreen))
