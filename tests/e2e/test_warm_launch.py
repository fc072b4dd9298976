"""End to end: with spares on, the app's second launch runs on a warm spare, finishes like a cold one, and has a successor."""
from __future__ import annotations

import json

from textual.widgets import Static

from tests.e2e.test_launch_from_lab import stopping_live_runs, until
from tests.tui.fixtures.host import settle
from tui.app import TutorApp
from tui.screens.lab import LabScreen


async def _launch_quick(app: TutorApp, pilot) -> str:
    app.open_lab("base", "plain")
    await settle(pilot)
    lab = app.screen
    assert isinstance(lab, LabScreen)
    if not lab.query_one("#lab-quick").value:
        await pilot.press("ctrl+t")
        await pilot.pause()
    before = len(lab.launched)
    await pilot.press("ctrl+r")
    await pilot.pause()
    assert len(lab.launched) == before + 1
    return lab.launched[-1]


async def test_a_second_launch_from_the_app_runs_on_the_warm_spare_and_finishes(tutor_home, monkeypatch):
    monkeypatch.setenv("CH11_TUTOR_SPARE", "1")
    app = TutorApp(home=tutor_home)
    async with app.run_test(size=(120, 36)) as pilot, stopping_live_runs(app):
        manager = app.run_manager
        first = await _launch_quick(app, pilot)  # straight away: the spare is still warming up
        await until(pilot, lambda: manager.state(first).finished)
        await until(pilot, lambda: manager.spare is not None and manager.spare.ready())
        spare_pid = manager.spare.pid
        app.pop_screen()
        spare_line = app.screen.query_one("#lab-spare", Static)
        await until(pilot, lambda: str(spare_line.render()).startswith("spare ready"))  # once a second
        second = await _launch_quick(app, pilot)
        assert manager.handles[second].process.pid == spare_pid  # the spare became this run
        successor = manager.spare  # started at once, not once the run trains: it yields to the run
        assert successor is not None and successor.pid != spare_pid and successor.alive()
        state = manager.state(second)
        await until(pilot, lambda: state.finished)
        assert state.status == "finished", (state.status, state.error, manager.log_tail(second)[-5:])
        results = [json.loads((tutor_home / "runs" / r / "result.json").read_text()) for r in (first, second)]
        assert [r["start"] for r in results] == ["cold", "warm"]
        assert [r["status"] for r in results] == ["finished", "finished"]
        assert results[1]["compile_cache"]["hit"] is True  # the first run compiled the same program
        assert results[1]["history"] == results[0]["history"]  # same spec, same seed: the same numbers
