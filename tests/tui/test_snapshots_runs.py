"""Snapshots of the lab, the run view and the runs screen at 80×24 and 120×36, from recorded runs."""
from __future__ import annotations

import json

import pytest
from fixtures.host import BATCHNORM, DEMO, PLAIN, TUNE, HostApp, append, copy_runs, events_of, live_run, settle
from textual.widgets import DataTable, Input

from engine.registry import Experiment, Param
from tui.screens.lab import LabScreen
from tui.screens.run_view import RunViewScreen
from tui.screens.runs import RunsScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


async def _settled_view(pilot) -> None:
    """Wait until the run view has drawn everything its events hold."""
    await settle(pilot)
    view = pilot.app.screen
    for _ in range(100):
        state = view.state
        if state is not None and view.drawn == {"curves": state.curves_version, "tables": state.tables_version,
                                                 "trials": state.trials_version}:
            break
        await pilot.pause(0.05)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_run_view_of_a_finished_run(snap_compare, tutor_home, size):
    copy_runs(tutor_home, PLAIN)
    assert snap_compare(HostApp(lambda: RunViewScreen(PLAIN), tutor_home), terminal_size=size,
                        run_before=_settled_view)


@pytest.mark.parametrize("size", SIZES)
def test_run_view_of_a_run_in_the_middle_of_an_epoch(snap_compare, tutor_home, size):
    recorded = events_of(PLAIN)[:10]  # two epochs done
    last = json.loads(recorded[-1])
    halfway = {"type": "batch_progress", "time": last["time"] + 0.05, "epoch": 3, "step": 5, "steps": 10,
               "epochs": 6, "metrics": {"loss": 0.12, "accuracy": 0.97}}
    with live_run(tutor_home, "20261129-130000-base-plain-11fe", PLAIN) as folder:
        append(folder, *recorded, halfway)
        assert snap_compare(HostApp(lambda: RunViewScreen("20261129-130000-base-plain-11fe"), tutor_home),
                            terminal_size=size, run_before=_settled_view)


@pytest.mark.parametrize("size", SIZES)
def test_run_view_of_a_run_between_short_epochs(snap_compare, tutor_home, size):
    recorded = events_of(PLAIN)[:9]  # two of six epochs on the compiled loop, which sent no batch_progress
    with live_run(tutor_home, "20261129-130500-base-plain-22fe", PLAIN) as folder:
        append(folder, *recorded)
        assert snap_compare(HostApp(lambda: RunViewScreen("20261129-130500-base-plain-22fe"), tutor_home),
                            terminal_size=size, run_before=_settled_view)


@pytest.mark.parametrize("size", SIZES)
def test_run_view_trials_of_a_search(snap_compare, tutor_home, size):
    copy_runs(tutor_home, TUNE)

    async def trials(pilot) -> None:
        await _settled_view(pilot)
        await pilot.press("3")
        await pilot.pause()

    assert snap_compare(HostApp(lambda: RunViewScreen(TUNE), tutor_home), terminal_size=size, run_before=trials)


@pytest.mark.parametrize("size", SIZES)
def test_run_view_results_of_a_demo(snap_compare, tutor_home, size):
    copy_runs(tutor_home, DEMO)

    async def results(pilot) -> None:
        await _settled_view(pilot)
        await pilot.press("2")
        await pilot.pause()

    assert snap_compare(HostApp(lambda: RunViewScreen(DEMO), tutor_home), terminal_size=size, run_before=results)


@pytest.mark.parametrize("size", SIZES)
def test_runs_table(snap_compare, tutor_home, size):
    copy_runs(tutor_home)
    assert snap_compare(HostApp(RunsScreen, tutor_home), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_runs_compare_overlay(snap_compare, tutor_home, size):
    copy_runs(tutor_home)

    async def compare(pilot) -> None:
        await settle(pilot)
        table = pilot.app.screen.query_one("#runs-table", DataTable)
        for run_id in (PLAIN, BATCHNORM):
            table.move_cursor(row=table.get_row_index(run_id))
            await pilot.press("space")
        await pilot.press("v")
        await settle(pilot)

    assert snap_compare(HostApp(RunsScreen, tutor_home), terminal_size=size, run_before=compare)


# The lab is pictured with a fixed catalog, so that new experiments and parameters in the
# registry do not change these pictures; the pilot tests use the real registry.
CATALOG = [
    Experiment("demo-example", "An example with every kind of parameter", 1, "Each kind of form field, once.",
               "engine.experiments.base:run",
               (Param("layers", "int", 5, "number of hidden layers", 1, 20),
                Param("learning_rate", "float", 1e-3, "learning rate", 1e-6, 1.0, log=True),
                Param("batch_norm", "bool", False, "Batch Normalization after each hidden layer"),
                Param("activation", "choice", "elu", "hidden-layer activation", choices=("elu", "relu", "selu")),
                Param("note", "str", "first try", "a label for the run")),
               presets={"plain": {}, "batchnorm": {"batch_norm": True}},
               preset_help={"plain": "as the exercise describes it", "batchnorm": "with Batch Normalization"},
               quick={"layers": 2}),
    Experiment("demo-second", "A second entry for the list", 2, "Only listed.", "engine.experiments.base:run",
               (Param("seed", "int", 42, "random seed", 0, 2**31 - 1),)),
]


@pytest.mark.parametrize("size", SIZES)
def test_lab_form(snap_compare, size):
    assert snap_compare(HostApp(lambda: LabScreen("demo-example", "batchnorm", CATALOG)), terminal_size=size,
                        run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_lab_refuses_a_bad_value(snap_compare, size):
    async def bad_value(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#input-layers", Input).value = "0"
        await settle(pilot)  # the field's Changed message validates it before the launch key
        await pilot.press("ctrl+r")
        await settle(pilot)  # the refusal and the focus move both land before the capture

    assert snap_compare(HostApp(lambda: LabScreen("demo-example", None, CATALOG)), terminal_size=size,
                        run_before=bad_value)
