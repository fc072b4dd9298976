"""The app's mode and help keys, stepping out of a screen's footer when the screen's own keys need the room.

Textual's footer clips whatever does not fit, so at 80 columns the last label of a screen with many
keys of its own came out cut ("q Ques"). Below the screen's width, unlisted copies of the app's keys
are enabled on the screen instead: a key the screen binds hides the app's binding of the same key
from the footer, so those labels leave it whole, and the keys still work (Help and the command
palette list them).
"""
from __future__ import annotations

from textual.app import App
from textual.binding import Binding

APP_KEYS = {"questions": "q", "lab": "l", "runs": "r", "help": "question_mark,f1"}
ACTION = "app_key"


def app_key_copies(*names: str) -> list[Binding]:
    """Unlisted bindings of the app's keys, for a screen's BINDINGS; enabled by its `check_action`."""
    return [Binding(APP_KEYS[name], f"{ACTION}('{name}')", show=False) for name in names]


async def press_app_key(app: App, name: str) -> None:
    """Do what the app's own key would: open Help, or switch to a mode other than the one shown."""
    if name == "help":
        await app.run_action("help")
    elif app.current_mode != name:  # the app hides and disables the key of the mode already shown
        await app.run_action(f"switch_mode('{name}')")
