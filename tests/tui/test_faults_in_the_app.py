"""The app holds to the engine's refusals: run ids outside the store, and (in the lab) bad input."""
from __future__ import annotations

import pytest
from fixtures.host import HostApp, settle
from textual.widgets import Input, Static

from tui.screens.lab import LabScreen
from tui.screens.run_view import RunViewScreen


@pytest.mark.parametrize("bad", ["..", "/", "/tmp", "."])
async def test_the_run_view_refuses_an_id_outside_the_store(bad, tutor_home):
    app = HostApp(lambda: RunViewScreen(bad), tutor_home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        title = str(app.screen.query_one("#run-title", Static).render())
        assert "is not a run id" in title
        assert app.run_manager.states == {}


async def test_the_lab_refuses_a_transfer_source_outside_the_store(tutor_home):
    app = HostApp(lambda: LabScreen("transfer"), tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        lab = app.screen
        lab.query_one("#input-source", Input).value = ".."
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.launched == []
        assert "must name a run" in str(lab.query_one("#lab-message", Static).render())


async def test_the_lab_refuses_a_malformed_data_file_before_any_run_folder(tutor_home, tmp_path, monkeypatch):
    import numpy as np

    from engine import data

    with np.load(data.BUNDLED_PATH) as archive:
        arrays = {name: archive[name] for name in data.SHAPES}
    bad = tmp_path / "float.npz"
    np.savez(bad, **{**arrays, "x_test": arrays["x_test"].astype(np.float32)})
    monkeypatch.setenv(data.DATA_ENV, str(bad))
    app = HostApp(lambda: LabScreen("base"), tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.launched == []
        said = str(app.screen.query_one("#lab-message", Static).render())
        assert "'x_test' has dtype float32, expected uint8" in said
    assert not (tutor_home / "runs").exists()
