"""Parameters that name runs, one-sided bounds, catalog typos and specs read back: each value and sentence pinned."""
from __future__ import annotations

import pytest

from engine.errors import ParamError
from engine.registry import Experiment, Param, RunSpec, get_experiment, resolve_spec


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(ParamError) as caught:
        call(*args, **kwargs)
    return str(caught.value)


def test_a_parameter_that_names_a_run_is_held_to_the_run_id_rule():
    source = get_experiment("transfer").param("source")
    assert refusal(source.check, " ../base ") == (
        "Parameter 'source' must name a run: '../base' is not a run id (run ids never start with a dot); "
        "`ch11-tutor runs` lists the runs.")
    assert refusal(source.check, "runs/x") == (
        "Parameter 'source' must name a run: 'runs/x' is not a run id (a run id is one folder name, without path "
        "separators); `ch11-tutor runs` lists the runs.")
    assert source.check("") == "" and source.check("   ") == "   "  # empty: the latest run
    assert source.check("20260101-000000-base-plain-abcd") == "20260101-000000-base-plain-abcd"
    assert refusal(source.check, 7) == "Parameter 'source' must be text (got 7)."
    free = Param("note", "str", "")
    assert free.check("../anything") == "../anything"  # an ordinary text parameter names no run


def test_text_given_for_a_text_parameter_is_kept_as_typed():
    spec = resolve_spec("transfer", overrides={"source": " 20260101-000000-base-plain-abcd"})
    assert spec.params["source"] == " 20260101-000000-base-plain-abcd"
    assert resolve_spec("base", overrides={"units": " 50 "}).params["units"] == 50  # numbers are parsed


def test_a_one_sided_bound_still_holds():
    above = Param("rate", "float", 1.0, low=0.5)
    assert above.allowed() == "a number" and above.check(0.5) == 0.5 and above.check(1e9) == 1e9
    assert refusal(above.check, 0.25) == "Parameter 'rate' must be a number (got 0.25)."
    below = Param("count", "int", 1, high=3)
    assert below.allowed() == "a whole number" and below.check(-5) == -5 and below.check(3) == 3
    assert refusal(below.parse, "4") == "Parameter 'count' must be a whole number (got 4)."
    assert refusal(below.parse, "2.5") == "Parameter 'count' must be a whole number (got '2.5')."
    assert below.parse("2.0") == 2 and refusal(below.check, 1.5) == "Parameter 'count' must be a whole number (got 1.5)."


def test_a_catalog_entry_with_a_typo_or_a_bad_value_fails_when_it_is_made():
    params = (Param("units", "int", 10, low=1, high=100),)
    assert refusal(Experiment, "x", "X", 1, "", "m:f", params, presets={"default": {"unit": 5}}) == (
        "Experiment 'x' has no parameter 'unit'; its parameters are: units.")
    assert refusal(Experiment, "x", "X", 1, "", "m:f", params, quick={"units": 0}) == (
        "Parameter 'units' must be a whole number from 1 to 100 (got 0).")
    with pytest.raises(ValueError, match="unknown parameter kind 'list'"):
        Param("x", "list", [])
    made = Experiment("x", "X", 1, "", "m:f", params, presets={"small": {"units": 2}, "big": {"units": 90}})
    assert made.default_preset == "small" and made.defaults() == {"units": 10}


def test_a_spec_read_back_keeps_quick_and_data_and_fills_in_what_is_missing():
    spec = RunSpec.from_json({"experiment": "base", "preset": "dropout", "params": {"units": 40}, "quick": True,
                              "data": "/tmp/mnist.npz"})
    assert (spec.preset, spec.quick, spec.data, spec.params["units"]) == ("dropout", True, "/tmp/mnist.npz", 40)
    assert spec.params["dropout"] == resolve_spec("base", "dropout").params["dropout"]  # the preset's value
    bare = RunSpec.from_json({"experiment": "base"})
    assert bare == RunSpec("base", "plain", resolve_spec("base").params, False, None)
    assert refusal(RunSpec.from_json, {"experiment": "base", "params": {"units": 0}}).startswith(
        "Parameter 'units' must be")
