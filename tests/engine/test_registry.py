"""The registry: defaults, presets, --quick, and refusing bad values before anything runs."""
from __future__ import annotations

import pytest

from engine.errors import ParamError
from engine.registry import Param, experiments, get_experiment, resolve_spec


def test_defaults_are_the_exercise_network():
    spec = resolve_spec("base")
    assert spec.preset == "plain"
    p = spec.params
    assert (p["hidden_layers"], p["units"], p["activation"], p["initializer"]) == (5, 100, "elu", "he_normal")
    assert p["batch_norm"] is False and p["dropout"] == 0.0


def test_presets_quick_and_overrides_stack_in_order():
    spec = resolve_spec("base", "batchnorm", {"learning-rate": "0.01", "epochs": 7}, quick=True)
    assert spec.params["batch_norm"] is True
    assert spec.params["subset"] == get_experiment("base").quick["subset"]
    assert spec.params["epochs"] == 7 and spec.params["learning_rate"] == 0.01


@pytest.mark.parametrize(("name", "value", "message"), [
    ("learning_rate", "5", r"'learning_rate' must be a number from 1e-06 to 1 \(got 5.0\)"),
    ("units", "0", r"'units' must be a whole number from 5 to 1000"),
    ("units", "12.5", r"'units' must be a whole number"),
    ("activation", "softsign", r"'activation' must be one of elu, relu"),
    ("batch_norm", "maybe", r"'batch_norm' must be true or false"),
    ("dropout", "nan", r"'dropout' must be a number"),
])
def test_out_of_range_values_name_the_allowed_range(name, value, message):
    with pytest.raises(ParamError, match=message):
        resolve_spec("base", overrides={name: value})


def test_unknown_names_list_what_exists():
    with pytest.raises(ParamError, match="has no parameter 'lr'; its parameters are: hidden_layers"):
        resolve_spec("base", overrides={"lr": "0.1"})
    with pytest.raises(ParamError, match="has no preset 'fast'; its presets are: plain, batchnorm, dropout"):
        resolve_spec("base", "fast")
    with pytest.raises(ParamError, match="Unknown experiment 'nope'; known experiments: .*base"):
        resolve_spec("nope")


def test_typed_values_are_checked_too():
    assert resolve_spec("base", overrides={"batch_norm": True, "units": 50.0}).params["units"] == 50
    with pytest.raises(ParamError):
        resolve_spec("base", overrides={"units": True})


def test_a_bad_default_or_preset_is_a_programming_error():
    with pytest.raises(ParamError):
        Param("x", "int", 500, low=1, high=10)


def test_every_registered_experiment_resolves_with_each_preset_and_quick():
    from content import load_questions

    assert experiments(), "the registry is empty"
    numbers = {q.number for q in load_questions()}
    for experiment in experiments():
        assert experiment.question in numbers, f"{experiment.id}: no question {experiment.question}"
        assert experiment.runner.count(":") == 1
        for preset in experiment.presets:
            resolve_spec(experiment.id, preset)
            resolve_spec(experiment.id, preset, quick=True)


def test_spec_round_trips_through_json():
    from engine.registry import RunSpec

    spec = resolve_spec("base", "dropout", {"seed": "7"}, quick=True)
    assert RunSpec.from_json(spec.to_json()) == spec
