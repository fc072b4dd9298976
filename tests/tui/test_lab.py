"""The lab builds its form from the registry, refuses bad values before launch, and hands over a spec."""
from __future__ import annotations

from fixtures.host import HostApp, settle
from textual.widgets import Checkbox, Input, OptionList, Select, Static

from engine.registry import experiments, get_experiment
from tui.screens.lab import LabScreen
from tui.widgets.param_field import ParamField


def message(screen) -> str:
    return str(screen.query_one("#lab-message", Static).render())


async def test_the_form_has_one_field_per_registry_parameter_with_its_range():
    app = HostApp(lambda: LabScreen("base", "batchnorm"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        lab = app.screen
        base = get_experiment("base")
        fields = {field.param.name: field for field in lab.query(ParamField)}
        assert list(fields) == [p.name for p in base.params]
        assert fields["batch_norm"].text == "true"  # the preset's value
        assert fields["hidden_layers"].text == "5"
        allowed = str(fields["hidden_layers"].query_one(".param-allowed", Static).render())
        assert allowed == "number of hidden layers (a whole number from 1 to 20)"
        assert lab.query_one("#lab-experiments", OptionList).option_count == len(experiments())


async def test_a_bad_value_is_refused_in_the_form_with_the_allowed_range():
    app = HostApp(lambda: LabScreen("base"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        lab = app.screen
        field = lab.query_one("#param-hidden_layers", ParamField)
        lab.query_one("#input-hidden_layers", Input).focus()
        await pilot.press("end", "backspace", "4", "0")  # 5 becomes 40
        await pilot.pause()
        assert field.text == "40"
        assert field.has_class("-invalid")
        assert "from 1 to 20" in field.error
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.launched == []  # nothing started
        assert "Fix 1 value before launching" in message(lab)
        await pilot.press("backspace", "backspace", "3")
        await pilot.pause()
        assert not field.has_class("-invalid")
        await pilot.press("enter")  # Enter in a field launches once the form is valid
        await pilot.pause()
        assert [spec.params["hidden_layers"] for spec in app.launched] == [3]


async def test_launch_hands_over_the_validated_spec_with_quick_values():
    app = HostApp(lambda: LabScreen("base", "dropout"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        lab = app.screen
        await pilot.press("ctrl+t")  # quick run: the form shows the tiny settings
        await pilot.pause()
        assert lab.query_one("#lab-quick", Checkbox).value
        assert lab.query_one("#param-epochs", ParamField).text == "2"
        lab.query_one("#input-units", Input).value = "30"
        await pilot.click("#lab-launch")
        await pilot.pause()
        [spec] = app.launched
        assert (spec.experiment, spec.preset, spec.quick) == ("base", "dropout", True)
        assert spec.params["units"] == 30 and spec.params["dropout"] == 0.2 and spec.params["epochs"] == 2


async def test_choosing_a_preset_refills_the_form_and_select_switches_experiment():
    app = HostApp(lambda: LabScreen("base"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        lab = app.screen
        assert lab.query_one("#param-dropout", ParamField).text == "0.0"
        lab.query_one("#lab-preset", Select).value = "dropout"
        await pilot.pause()
        assert lab.query_one("#param-dropout", ParamField).text == "0.2"
        assert "dropout (rate 0.2)" in str(lab.query_one("#lab-preset-help", Static).render())
        lab.select("base", "batchnorm")
        await settle(pilot)
        assert lab.preset == "batchnorm"
        assert lab.query_one("#param-batch_norm", ParamField).text == "true"
        lab.select("no-such-experiment")
        await pilot.pause()
        assert "Unknown experiment 'no-such-experiment'" in message(lab)


async def test_changing_the_preset_keeps_values_the_learner_typed():
    app = HostApp(lambda: LabScreen("base"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        lab = app.screen
        lab.query_one("#input-units", Input).focus()
        await pilot.press("end", "backspace", "backspace", "backspace", "2", "0", "0")  # 100 becomes 200
        await pilot.pause()
        lab.query_one("#lab-preset", Select).value = "batchnorm"
        await pilot.pause()
        assert lab.query_one("#param-batch_norm", ParamField).text == "true"  # the preset's own change
        assert lab.query_one("#param-units", ParamField).text == "200"  # the learner's edit survives
        lab.query_one("#lab-quick", Checkbox).value = True
        await pilot.pause()
        assert lab.query_one("#param-units", ParamField).text == "200"
        assert lab.query_one("#param-subset", ParamField).text == str(get_experiment("base").quick["subset"])
