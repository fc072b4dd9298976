"""The app's mode and help keys, stepping out of a screen's footer when the screen's own keys need the room.

Textual's footer clips whatever does not fit, so at 80 columns the last label of a screen with many
keys of its own came out cut ("q Ques"). Below the screen's width, unlisted copies of the app's keys
are enabled on the screen instead: a key the screen binds hides the app's binding of the same key
from the footer, so those labels leave it whole, and the keys still work (Help and the command
palette list them).
"""
from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen

APP_KEYS = {"questions": "q", "lab": "l", "runs": "r", "help": "question_mark,f1"}
ACTION = "app_key"


class AppKeysScreen(Screen):
    """A screen whose footer drops the app's keys whole below APP_KEYS_FROM columns."""

    APP_KEYS_FROM = 100  # columns from which the app's keys fit in the footer after the screen's own
    BINDINGS = [Binding(key, f"{ACTION}('{name}')", show=False) for name, key in APP_KEYS.items()]

    _narrow: bool | None = None  # whether the footer leaves the app's keys out (None: not yet known)

    def footer_is_narrow(self) -> bool:
        """Whether the app's keys are out of the footer at the screen's width (the app's before its layout)."""
        if self._narrow is None:
            self._narrow = (self.size.width or self.app.size.width) < self.APP_KEYS_FROM
        return self._narrow

    def on_resize(self) -> None:
        narrow = self.size.width < self.APP_KEYS_FROM
        if narrow != self._narrow:
            self._narrow = narrow
            self.refresh_bindings()  # the app's keys leave or rejoin the footer

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == ACTION:
            return self.footer_is_narrow()  # False: the copy steps aside and the app's own key shows
        return True

    async def action_app_key(self, name: str) -> None:
        """Do what the app's own key would: open Help, or switch to a mode other than the one shown."""
        if name == "help":
            await self.app.run_action("help")
        elif self.app.current_mode != name:  # the app hides and disables the key of the mode already shown
            await self.app.run_action(f"switch_mode('{name}')")
