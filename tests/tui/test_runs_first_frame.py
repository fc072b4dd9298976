"""The Runs screen's first frame holds the store as the app last listed it; the fresh listing corrects it."""
from __future__ import annotations

import shutil

from fixtures.host import HostApp, copy_many, settle, wait_until
from textual.widgets import DataTable

from engine.run_table import short_ids
from engine.runs import RunStore
from tui.app import TutorApp
from tui.run_manager import Listing
from tui.screens.runs import RunsScreen

COUNT = 40


class FirstFrame(RunsScreen):
    """Notes the runs of each fill it is given, with whether any listing of its own had come in by then."""

    def __init__(self) -> None:
        super().__init__()
        self.shows: list[tuple[bool, list[str]]] = []

    def _show(self, rows, short) -> None:
        self.shows.append((self.loaded_generation > 0, [row.run_id for row in rows]))
        super()._show(rows, short)


def table_ids(screen: RunsScreen) -> list[str]:
    return [str(key.value) for key in screen.query_one("#runs-table", DataTable).rows]


async def test_the_last_listing_is_shown_at_mount_and_a_run_deleted_since_leaves_with_the_fresh_one(tutor_home):
    ids = copy_many(tutor_home, COUNT)
    app = HostApp(FirstFrame, tutor_home)
    app.run_manager.last_listing = Listing.read(RunStore(tutor_home))
    shutil.rmtree(tutor_home / "runs" / ids[0])  # by hand, after that listing
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.filled)
        # first the earlier listing, the deleted run too, before the screen's own listing came in; then that
        assert screen.shows == [(False, ids), (True, ids[1:])]
        assert table_ids(screen) == ids[1:]
        assert [run.run_id for run in app.run_manager.last_listing.runs] == ids[1:]  # kept for the next screen


async def test_an_unchanged_store_is_not_redrawn_when_its_fresh_listing_arrives(tutor_home):
    ids = copy_many(tutor_home, COUNT)
    app = HostApp(FirstFrame, tutor_home)
    app.run_manager.last_listing = Listing.read(RunStore(tutor_home))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.filled)
        await settle(pilot)
        assert table_ids(screen) == ids
        assert screen.shows == [(False, ids)] and screen.fill_generation == 1  # the first frame's fill only


async def test_without_an_earlier_listing_the_screen_starts_empty_and_fills_from_the_store(tutor_home):
    ids = copy_many(tutor_home, COUNT)
    app = HostApp(FirstFrame, tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.filled)
        assert screen.shows == [(True, ids)]  # nothing before its own listing
        assert table_ids(screen) == ids


async def test_the_apps_start_up_listing_is_kept_for_the_runs_screen(tutor_home):
    ids = copy_many(tutor_home, 3)
    app = TutorApp(spares=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        kept = app.run_manager.last_listing
        assert [run.run_id for run in kept.runs] == ids
        assert kept.short == short_ids(ids)
