"""One row of the lab's parameter form: name, an input fitted to the parameter's kind, its allowed values."""
from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from engine.errors import ParamError
from engine.registry import Param


class ParamField(Vertical):
    """Edits one Param; `error` holds the registry's sentence when the text is refused."""

    DEFAULT_CSS = """
    ParamField { height: auto; }
    ParamField > Horizontal { height: 1; }
    ParamField .param-name { width: 20; }
    ParamField Input, ParamField Select { width: 1fr; max-width: 24; }
    ParamField .param-allowed { color: $text-muted; height: auto; padding-left: 2; }
    ParamField .param-error { color: $error; height: auto; display: none; }
    ParamField.-invalid .param-error { display: block; }
    ParamField.-invalid .param-name { color: $error; }
    """

    def __init__(self, param: Param, value: Any) -> None:
        super().__init__(id=f"param-{param.name}")
        self.param = param
        self._initial = value
        self.error = ""

    def compose(self) -> ComposeResult:
        param = self.param
        with Horizontal():
            yield Label(param.name, classes="param-name")
            if param.kind in ("bool", "choice"):
                options = ("true", "false") if param.kind == "bool" else param.choices
                yield Select([(o, o) for o in options], value=as_text(self._initial), allow_blank=False,
                             compact=True, id=f"input-{param.name}")
            else:
                yield Input(as_text(self._initial), compact=True, id=f"input-{param.name}",
                            type="text", select_on_focus=True)
        # Choices are listed by the Select itself; every other kind shows its range beside the help.
        allowed = "" if param.kind in ("choice", "bool") else f" ({param.allowed()})"
        yield Static(f"{param.help}{allowed}".strip(), classes="param-allowed", markup=False)
        yield Static("", classes="param-error", markup=False)

    @property
    def text(self) -> str:
        """What the field holds now, as the text the registry parses."""
        widget = self.query_one(f"#input-{self.param.name}")
        if isinstance(widget, Select):
            return str(widget.value)
        return widget.value if isinstance(widget, Input) else as_text(self._initial)

    def set_value(self, value: Any) -> None:
        """Show a value (from a preset or the quick settings)."""
        self._initial = value
        if not self.is_mounted or not self.children:
            return
        widget = self.query_one(f"#input-{self.param.name}")
        if isinstance(widget, Select):
            widget.value = as_text(value)
        elif isinstance(widget, Input):
            widget.value = as_text(value)
        self.validate()

    def validate(self) -> bool:
        """Check the text with the registry; show the refusal under the field. True when valid."""
        try:
            self.param.parse(self.text)
            self.error = ""
        except ParamError as refusal:
            self.error = str(refusal)
        self.query_one(".param-error", Static).update(self.error)
        self.set_class(bool(self.error), "-invalid")
        return not self.error

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.validate()


def as_text(value: Any) -> str:
    """A parameter value as form text: booleans lower-case, floats in their shortest exact form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
