"""The run view's footer at 80 columns: its own keys whole, the app's keys out of it but still working."""
from __future__ import annotations

from fixtures.host import wait_until
from test_app_shell import start_stand_in_run
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui.app import TutorApp
from tui.screens.lab import LabScreen
from tui.screens.run_view import RunViewScreen
from tui.screens.runs import RunsScreen


def keys_in_footer(app) -> list[tuple[str, int, int]]:
    """(description, first column, column after the last) of each key the footer shows (none before it is made)."""
    return [(key.description, key.region.x, key.region.right)
            for footer in app.screen.query(Footer) for key in footer.query(FooterKey)]


def whole(keys: list[tuple[str, int, int]]) -> bool:
    """Every key ends before the palette's, which ends inside the screen."""
    *others, palette = keys
    return palette[0] == "palette" and all(right <= palette[1] for _, _, right in others)


async def open_live_run(pilot, app: TutorApp, run_id: str) -> None:
    app.show_run(run_id)
    await wait_until(pilot, lambda: isinstance(app.screen, RunViewScreen)
                     and "Cancel" in [d for d, _, _ in keys_in_footer(app)])
    await pilot.pause()


async def test_a_live_runs_view_at_80_columns_shows_its_own_keys_whole_and_the_apps_keys_still_work(tutor_home):
    run_id, child = start_stand_in_run()
    try:
        app = TutorApp(spares=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_live_run(pilot, app, run_id)
            keys = keys_in_footer(app)
            assert [d for d, _, _ in keys] == ["Cancel", "Curves", "Results", "Trials", "Log", "Back", "Quit",
                                               "palette"]
            assert whole(keys) and keys[-1][2] <= 80
            await pilot.press("l")  # the app's key, with no room for its label here
            await wait_until(pilot, lambda: isinstance(app.screen, LabScreen))
            await open_live_run(pilot, app, run_id)  # now over the lab
            await pilot.press("q")
            await wait_until(pilot, lambda: app.current_mode == "questions")  # its stack: the first run view on top
    finally:
        child.kill()
        child.wait()


async def test_from_its_width_on_the_run_view_shows_the_apps_keys_too_and_all_fit(tutor_home):
    run_id, child = start_stand_in_run()
    try:
        app = TutorApp(spares=False)
        async with app.run_test(size=(RunViewScreen.APP_KEYS_FROM, 30)) as pilot:
            await open_live_run(pilot, app, run_id)
            shown = [d for d, _, _ in keys_in_footer(app)]
            assert {"Lab", "Runs", "Help"} <= set(shown) and "Questions" not in shown  # the mode shown is left out
            assert whole(keys_in_footer(app))
            await pilot.resize_terminal(RunViewScreen.APP_KEYS_FROM - 1, 30)
            await wait_until(pilot, lambda: "Lab" not in [d for d, _, _ in keys_in_footer(app)])
            await pilot.press("r")
            await wait_until(pilot, lambda: isinstance(app.screen, RunsScreen))
    finally:
        child.kill()
        child.wait()
