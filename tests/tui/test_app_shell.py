"""The app shell with the pilot: modes, help and palette, themes, NO_COLOR, small terminals, quitting."""
from __future__ import annotations

import json
import re
import subprocess
import sys

from textual.widgets import Markdown

from engine.events import EventWriter
from engine.registry import resolve_spec
from engine.runs import EVENTS, PROCESS, STOP, RunStore, process_start_ticks
from tui.app import TutorApp
from tui.launch import wants_app
from tui.progress import FILE_NAME, Progress
from tui.screens.help import HelpScreen, screen_bindings
from tui.screens.lab import LabScreen
from tui.screens.questions import QuestionsScreen
from tui.screens.runs import RunsScreen
from tui.widgets.dialogs import QuitScreen
from tui.widgets.too_small import TooSmallScreen


async def test_mode_keys_switch_between_questions_lab_and_runs():
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, QuestionsScreen)
        await pilot.press("l")
        await pilot.pause()
        assert (app.current_mode, type(app.screen)) == ("lab", LabScreen)
        await pilot.press("ctrl+q")  # leave the lab's form fields; nothing is running, so it quits
        await pilot.pause()
    assert app.return_value == 0
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert (app.current_mode, type(app.screen)) == ("runs", RunsScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)


async def test_help_lists_every_described_key_binding():
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        everything = list(app.BINDINGS) + [b for _, bindings in screen_bindings() for b in bindings]
        described = [b[2] if isinstance(b, tuple) else b.description for b in everything]
        missing = [d for d in described if d and d not in text]
        assert missing == []
        assert "Light/dark" in text and "command palette" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)


async def test_help_is_reachable_from_the_command_palette():
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"help")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_the_theme_key_switches_light_and_dark_and_is_remembered():
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        dark_before = app.current_theme.dark
        await pilot.press("t")
        await pilot.pause()
        assert app.current_theme.dark is not dark_before
        chosen = app.theme
    assert Progress.load().theme == chosen
    again = TutorApp()
    async with again.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert again.theme == chosen


async def test_no_color_is_respected(monkeypatch):
    """With NO_COLOR set, the screen is drawn in greys alone."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = TutorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        fills = set(re.findall(r"fill: #([0-9a-f]{6})", app.export_screenshot()))
        fills.discard("c5c8c6")  # the SVG template's own default text colour, not the app's
        assert fills and all(f[0:2] == f[2:4] == f[4:6] for f in fills)  # only greys are drawn


async def test_a_small_terminal_gets_a_message_until_it_is_big_enough():
    app = TutorApp()
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "70×20" in str(app.screen.query_one("#too-small-message").render())
        await pilot.press("l")  # the layout keys wait until the layout fits
        await pilot.pause()
        assert app.current_mode == "questions"
        await pilot.resize_terminal(79, 30)
        await pilot.pause()
        assert "79×30" in str(app.screen.query_one("#too-small-message").render())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)


async def test_the_small_terminal_message_leaves_once_a_dialog_above_it_closes():
    app = TutorApp()
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        app.push_screen(HelpScreen())  # e.g. a dialog that a run or a key opened meanwhile
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
        assert not any(isinstance(s, TooSmallScreen) for s in app.screen_stack)


async def test_an_unreadable_progress_file_is_reported_and_set_aside(tutor_home):
    tutor_home.mkdir(parents=True)
    (tutor_home / FILE_NAME).write_text("not json")
    app = TutorApp()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        await pilot.pause()  # the toast rack is filled on the next round of the loop
        assert isinstance(app.screen, QuestionsScreen)
        toasts = " ".join(str(t.render()) for t in app.screen.query("Toast"))
        assert "progress.json.broken" in toasts
    assert (tutor_home / "progress.json.broken").read_text() == "not json"


def start_stand_in_run() -> tuple[str, subprocess.Popen]:
    """A run folder whose recorded process is a real, idle child standing in for a training run."""
    spec = resolve_spec("base", quick=True)
    store = RunStore()
    path = store.create(spec)
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    (path / PROCESS).write_text(json.dumps({"pid": child.pid, "start_ticks": process_start_ticks(child.pid)}))
    writer = EventWriter(path / EVENTS)
    writer.emit("run_started", run_id=path.name, experiment="base", preset=spec.preset, params=dict(spec.params),
                quick=True, pid=child.pid)
    writer.close()
    return path.name, child


async def quit_with_live_run(answer: str) -> tuple[TutorApp, subprocess.Popen, str]:
    run_id, child = start_stand_in_run()
    app = TutorApp()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            app.run_manager.follow(run_id)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, QuitScreen)
            await pilot.press(answer)
            await pilot.pause()
            if answer == "escape":
                assert isinstance(app.screen, QuestionsScreen)
    except BaseException:
        child.kill()
        child.wait()
        raise
    return app, child, run_id


async def test_quitting_with_a_live_run_can_stop_it():
    app, child, run_id = await quit_with_live_run("s")
    assert app.return_value == 0
    assert child.wait(timeout=30) != 0  # it got the interrupt
    assert (RunStore().path_of(run_id) / STOP).exists()


async def test_quitting_with_a_live_run_can_leave_it_running():
    app, child, run_id = await quit_with_live_run("l")
    try:
        assert app.return_value == 0
        assert child.poll() is None
        assert not (RunStore().path_of(run_id) / STOP).exists()
    finally:
        child.kill()
        child.wait()


async def test_quitting_can_be_called_off():
    app, child, _ = await quit_with_live_run("escape")
    child.kill()
    child.wait()
    assert app.return_value is None


async def test_a_run_left_training_by_an_earlier_session_is_picked_up_again():
    run_id, child = start_stand_in_run()
    try:
        app = TutorApp()
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.run_manager.live_runs() == [run_id]
            toasts = " ".join(str(t.render()) for t in app.screen.query("Toast"))
            assert "1 run from an earlier session" in toasts
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, QuitScreen)
            await pilot.press("l")
            await pilot.pause()
        assert child.poll() is None  # left running, as chosen
    finally:
        child.kill()
        child.wait()


def test_the_command_opens_the_app_only_without_a_subcommand():
    assert wants_app([]) and wants_app(["--home", "/tmp/somewhere"]) and wants_app(["--home=/x"])
    assert not wants_app(["run", "base"]) and not wants_app(["--home", "/x", "runs"])
    assert not wants_app(["--help"])
