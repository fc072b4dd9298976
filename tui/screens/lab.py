"""The lab: choose an experiment and preset, edit its parameters in a checked form, launch it."""
from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from engine.errors import TutorError
from engine.preflight import check_before_run
from engine.registry import Experiment, RunSpec, experiments, get_experiment, resolve_spec
from tui.host import run_host
from tui.widgets.param_field import ParamField, as_text


class LabScreen(Screen):
    """Experiment and preset pickers, a parameter form built from the registry, and Launch."""

    DEFAULT_CSS = """
    LabScreen #lab-experiments { width: 24; height: 1fr; border: round $primary 40%; }
    LabScreen #lab-main { width: 1fr; height: 1fr; padding: 0 1; }
    LabScreen #lab-title { text-style: bold; height: auto; }
    LabScreen #lab-summary { color: $text-muted; height: auto; max-height: 3; }
    LabScreen #lab-preset-row { height: 1; margin-top: 1; }
    LabScreen #lab-preset-row Label { width: 7; }
    LabScreen #lab-preset { width: 20; }
    LabScreen #lab-quick { width: auto; border: none; height: 1; padding: 0 1; }
    LabScreen #lab-preset-help { color: $text-muted; height: auto; max-height: 2; }
    LabScreen #lab-form { height: 1fr; margin-top: 1; }
    LabScreen #lab-actions { height: auto; max-height: 3; }
    LabScreen #lab-launch { width: auto; min-width: 12; }
    LabScreen #lab-message { width: 1fr; height: auto; padding-left: 1; }  /* wraps, never cut */
    LabScreen #lab-message.-error { color: $error; }
    LabScreen #lab-spare { width: auto; color: $text-muted; padding-left: 1; display: none; }
    LabScreen #lab-spare.-on { display: block; }
    """
    SPARE_REFRESH_SECONDS = 1.0  # the spare line changes a few times a session: once a second is plenty

    BINDINGS = [
        Binding("ctrl+r", "launch", "Launch", priority=True),
        Binding("ctrl+t", "toggle_quick", "Quick run", priority=True),
        Binding("ctrl+l", "focus_experiments", "Experiment list", priority=True),
    ]

    def __init__(self, experiment_id: str | None = None, preset: str | None = None,
                 catalog: list[Experiment] | None = None) -> None:
        super().__init__()
        self.catalog: list[Experiment] = catalog if catalog is not None else experiments()
        self.experiment_id = experiment_id or (self.catalog[0].id if self.catalog else None)
        self.preset = preset
        self.launched: list[str] = []  # run ids started from this screen
        self._composed = False  # is_mounted is still False inside on_mount
        self._filled: dict[str, Any] = {}  # the values last put in the form, to tell the learner's edits apart

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield OptionList(*(Option(f"Q{e.question} {e.id}", id=e.id) for e in self.catalog),
                             id="lab-experiments")
            with Vertical(id="lab-main"):
                yield Static("", id="lab-title", markup=False)
                yield Static("", id="lab-summary", markup=False)
                with Horizontal(id="lab-preset-row"):
                    yield Label("Preset")
                    yield Select([], allow_blank=True, compact=True, id="lab-preset")
                    yield Checkbox("quick (tiny run)", id="lab-quick", compact=True)
                yield Static("", id="lab-preset-help", markup=False)
                yield VerticalScroll(id="lab-form")
                with Horizontal(id="lab-actions"):
                    yield Button("Launch", id="lab-launch", variant="success", compact=True)
                    yield Static("", id="lab-message", markup=False)
                    yield Static("", id="lab-spare", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#lab-experiments", OptionList).border_title = "Experiments"
        self._composed = True
        if self.experiment_id:
            self.select(self.experiment_id, self.preset)
        if run_host(self.app).spares:  # with spares off the line stays hidden and no timer runs
            self._show_spare()
            self.set_interval(self.SPARE_REFRESH_SECONDS, self._show_spare, name="lab-spare")

    def _show_spare(self) -> None:
        """Whether a warm spare waits (and its memory), beside Launch; repainted only when it changes."""
        line = run_host(self.app).run_manager.spare_status()
        label = self.query_one("#lab-spare", Static)
        if getattr(self, "_spare_line", None) != line:
            self._spare_line = line
            label.update(line)
            label.set_class(bool(line), "-on")

    # Choosing an experiment and preset ----------------------------------------------------------

    def select(self, experiment_id: str, preset: str | None = None) -> None:
        """Show one experiment with one preset's values in the form."""
        try:
            experiment = self._experiment(experiment_id)
        except TutorError as error:
            self._say(str(error), error=True)
            return
        preset = preset if preset in experiment.presets else experiment.default_preset
        self.experiment_id, self.preset = experiment.id, preset
        if not self._composed:
            return  # on_mount shows it
        options = self.query_one("#lab-experiments", OptionList)
        index = options.get_option_index(experiment.id)
        if options.highlighted != index:
            options.highlighted = index
        self.query_one("#lab-title", Static).update(f"{experiment.title}  [{experiment.id}]")
        self.query_one("#lab-summary", Static).update(experiment.summary)
        presets = self.query_one("#lab-preset", Select)
        with presets.prevent(Select.Changed):
            presets.set_options([(name, name) for name in experiment.presets])
            presets.value = preset
        self._show_preset_help(experiment, preset)
        values = self._values(experiment, preset)
        self._filled = values
        self.run_worker(self._rebuild_form(experiment, values), exclusive=True, group="lab-form")
        self._say("")

    async def _rebuild_form(self, experiment: Experiment, values: dict[str, Any]) -> None:
        form = self.query_one("#lab-form", VerticalScroll)
        await form.remove_children()
        await form.mount_all(ParamField(param, values[param.name]) for param in experiment.params)

    def _experiment(self, experiment_id: str) -> Experiment:
        for experiment in self.catalog:
            if experiment.id == experiment_id:
                return experiment
        return get_experiment(experiment_id)  # raises the registry's one-sentence error

    def _values(self, experiment: Experiment, preset: str) -> dict[str, Any]:
        """Defaults, then the preset, then the quick settings: the order resolve_spec applies them."""
        values = experiment.defaults()
        values.update(experiment.presets[preset])
        if self.query_one("#lab-quick", Checkbox).value:
            values.update(experiment.quick)
        return values

    def _show_preset_help(self, experiment: Experiment, preset: str) -> None:
        help_text = experiment.preset_help.get(preset, "")
        self.query_one("#lab-preset-help", Static).update(f"{preset}: {help_text}" if help_text else "")

    def _refill(self) -> None:
        """Show the new preset's (and quick) values, keeping any value the learner typed."""
        if not self.experiment_id or not self.preset:
            return
        values = self._values(self._experiment(self.experiment_id), self.preset)
        filled = self._filled
        for field in self.query(ParamField):
            name = field.param.name
            if name not in filled or field.text == as_text(filled[name]):  # untouched since last filled
                field.set_value(values[name])
        self._filled = values

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # Enter chooses; moving the highlight alone does not rebuild the form under the learner.
        if event.option.id and event.option.id != self.experiment_id:
            self.select(event.option.id)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "lab-preset" and isinstance(event.value, str) and event.value != self.preset:
            self.preset = event.value
            self._show_preset_help(self._experiment(self.experiment_id or ""), event.value)
            self._refill()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "lab-quick":
            self._refill()

    # Launching -----------------------------------------------------------------------------------

    def spec_from_form(self) -> RunSpec | None:
        """The run the form describes, or None (with every refusal shown) when a value is bad."""
        if not self.experiment_id:
            return None
        fields = list(self.query(ParamField))
        bad = [field for field in fields if not field.validate()]
        if bad:
            count = "1 value" if len(bad) == 1 else f"{len(bad)} values"
            self._say(f"Fix {count} before launching: {bad[0].error}", error=True)
            bad[0].query_one(f"#input-{bad[0].param.name}").focus()
            return None
        overrides = {field.param.name: field.text for field in fields}
        try:
            spec = resolve_spec(self.experiment_id, self.preset, overrides,
                                quick=self.query_one("#lab-quick", Checkbox).value)
            check_before_run(spec, run_host(self.app).home)  # refused here, not as a failed run
            return spec
        except TutorError as error:
            self._say(str(error), error=True)
            return None

    def action_launch(self) -> None:
        """Validate the form and start the run in a child process, then show it."""
        spec = self.spec_from_form()
        if spec is None:
            return
        host = run_host(self.app)
        try:
            run_id = host.launch(spec)
        except TutorError as error:
            self._say(str(error), error=True)
            return
        if not run_id:
            return
        self.launched.append(run_id)
        self._say(f"Started {run_id}.")
        host.show_run(run_id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "lab-launch":
            event.stop()
            self.action_launch()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_launch()  # Enter in a field launches, as in any form

    def action_toggle_quick(self) -> None:
        box = self.query_one("#lab-quick", Checkbox)
        box.value = not box.value

    def action_focus_experiments(self) -> None:
        self.query_one("#lab-experiments", OptionList).focus()

    def _say(self, text: str, error: bool = False) -> None:
        if self._composed:
            message = self.query_one("#lab-message", Static)
            message.update(text)
            message.set_class(error, "-error")
