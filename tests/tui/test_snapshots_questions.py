"""Snapshots of the Questions screen, its dialogs, Help and the small-terminal message at 80×24 and 120×36."""
from __future__ import annotations

import pytest
from textual.widgets import Markdown

from tui.app import TutorApp

SIZES = [(80, 24), (120, 36)]


def app() -> TutorApp:
    """A fresh app on the test's own empty tutor home: no saved progress, default theme, no clock."""
    return TutorApp()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
def test_questions_fresh(snap_compare, size):
    assert snap_compare(app(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
def test_questions_with_hint_then_answer(snap_compare, size):
    assert snap_compare(app(), terminal_size=size, press=["down", "h", "a"])


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
def test_questions_rated_in_light_theme(snap_compare, size):
    async def show_key_points(pilot) -> None:
        await pilot.press("s", "space", "down", "down", "space", "ctrl+s", "t")  # tick two, then light
        await pilot.pause()
        pilot.app.screen.query_one(Markdown).goto_anchor("key-points")
        await pilot.pause()

    assert snap_compare(app(), terminal_size=size, run_before=show_key_points)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
def test_rating_dialog(snap_compare, size):
    assert snap_compare(app(), terminal_size=size, press=["s", "space"])


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
def test_link_picker(snap_compare, size):
    assert snap_compare(app(), terminal_size=size, press=["end", "o"])


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
def test_help(snap_compare, size):
    assert snap_compare(app(), terminal_size=size, press=["question_mark"])


def test_terminal_too_small(snap_compare):
    assert snap_compare(app(), terminal_size=(60, 18))


def test_no_color(snap_compare, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(app(), terminal_size=(80, 24), press=["h"])
