"""End to end: launch a real tiny run from the lab, watch it train in a child process, see it finish."""
from __future__ import annotations

import json
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Callable

from textual.widgets import Input, ProgressBar, Static

from tests.tui.fixtures.host import settle, wait_until
from tui.app import TutorApp
from tui.screens.lab import LabScreen
from tui.screens.run_view import RunViewScreen
from tui.widgets.curve_chart import CurveChart


@asynccontextmanager
async def stopping_live_runs(app: TutorApp) -> AsyncIterator[None]:
    """However the test ends, no run it started keeps training in the background."""
    try:
        yield
    finally:
        for run_id in app.run_manager.live_runs():
            app.run_manager.stop(run_id)


FINISH_BOUND = 3000  # pauses of 0.1 s: TensorFlow's import plus two tiny epochs, with room for a busy machine


async def until(pilot: Any, condition: Callable[[], Any]) -> None:
    """Wait on a real child run's progress: the shared wait, with room for TensorFlow's import and training."""
    await wait_until(pilot, condition, tries=FINISH_BOUND, seconds=0.1)


async def test_a_quick_base_run_launched_from_the_lab_finishes_with_its_curve_drawn_and_its_bars_honest(tutor_home):
    app = TutorApp(home=tutor_home)
    async with app.run_test(size=(120, 36)) as pilot, stopping_live_runs(app):
        app.open_lab("base", "plain")
        await settle(pilot)
        lab = app.screen
        assert isinstance(lab, LabScreen) and lab.experiment_id == "base"
        await pilot.press("ctrl+t")  # the quick settings: two epochs on 60 images per digit
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, RunViewScreen)
        [run_id] = lab.launched
        assert view.run_id == run_id
        state = app.run_manager.state(run_id)
        assert run_id in app.run_manager.live_runs()
        epoch_bar, run_bar = view.query_one("#epoch-bar", ProgressBar), view.query_one("#run-bar", ProgressBar)
        seen: list[tuple[int, bool, float, float]] = []  # epochs ended, epoch bar shown, its progress, run bar

        def finished() -> bool:
            seen.append((len(state.epoch_seconds), epoch_bar.display, epoch_bar.progress, run_bar.progress))
            return state.finished

        # the run's own terminal event, read from its file, noting what the bars showed meanwhile
        await until(pilot, finished)
        assert state.status == "finished", (state.status, state.error, app.run_manager.log_tail(run_id)[-5:])
        loss = view.query_one("#loss-chart", CurveChart)
        title = view.query_one("#run-title", Static)
        # the view repaints at most a few times a second: wait for the final repaint
        await wait_until(pilot, lambda: view.drawn["curves"] == state.curves_version and "finished" in str(title.render()))
        assert loss.plotted == {"train": 2, "val": 2}
        assert "finished" in str(title.render())
        # the default pipeline runs each short quick epoch as one compiled call: no step counts, so the
        # epoch bar is hidden rather than sitting at 0%, and the run bar moves by whole epochs
        assert not state.reports_steps and not epoch_bar.display
        assert all(not shown or progress > 0 for ended, shown, progress, _ in seen if ended)
        runs = [progress for *_, progress in seen] + [run_bar.progress]
        assert runs == sorted(runs) and run_bar.progress == 1.0
        spec = json.loads((tutor_home / "runs" / run_id / "spec.json").read_text())
        assert spec["quick"] is True and spec["params"]["epochs"] == 2
        assert app.run_manager.live_runs() == []


async def test_cancelling_a_training_run_from_its_view_keeps_its_best_checkpoint(tutor_home):
    app = TutorApp(home=tutor_home)
    async with app.run_test(size=(120, 36)) as pilot, stopping_live_runs(app):
        app.open_lab("base", "plain")
        await settle(pilot)
        lab = app.screen
        # a rate this small keeps the validation loss improving every epoch, so early stopping cannot end
        # the run before the cancel does: it trains for minutes
        for name, value in (("subset", "60"), ("epochs", "1000"), ("patience", "200"), ("learning_rate", "1e-6")):
            lab.query_one(f"#input-{name}", Input).value = value
        await pilot.press("ctrl+r")
        await pilot.pause()
        view = app.screen
        [run_id] = lab.launched
        state = app.run_manager.state(run_id)
        await until(pilot, lambda: state.history or state.finished)  # the first finished epoch (and so a checkpoint)
        assert state.history and not state.finished, (state.status, state.error)
        await pilot.press("c")
        await pilot.press("y")
        await until(pilot, lambda: state.finished)
        assert state.status == "cancelled"
        assert "cancelled" in str(view.query_one("#run-title", Static).render())
        assert (tutor_home / "runs" / run_id / "model.keras").is_file()
        assert len(state.history[""]["epoch"]) < 1000
