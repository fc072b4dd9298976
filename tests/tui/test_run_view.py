"""The run view follows a run's events: curves, progress, phase, tables, trials, log, cancel."""
from __future__ import annotations

from fixtures.host import (
    DEMO,
    DIED,
    PLAIN,
    RUNS,
    TUNE,
    HostApp,
    append,
    copy_runs,
    events_of,
    live_run,
    recorded_events,
    wait_until,
)
from textual.widgets import DataTable, Log, ProgressBar, Static

from tui.run_manager import RunUpdated
from tui.screens.run_view import RunViewScreen
from tui.widgets.curve_chart import CurveChart
from tui.widgets.event_table import EventTable


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_a_finished_run_shows_its_curves_status_and_log(tutor_home):
    copy_runs(tutor_home, PLAIN)
    app = HostApp(lambda: RunViewScreen(PLAIN), tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        view = app.screen
        await wait_until(pilot, lambda: view.draws > 0)
        assert "finished" in text(view, "#run-title")
        loss = view.query_one("#loss-chart", CurveChart)
        assert loss.plotted == {"train": 6, "val": 6}
        assert view.query_one("#accuracy-chart", CurveChart).plotted == {"train": 6, "val": 6}
        assert "epoch 6/6" in text(view, "#run-metrics")
        last = recorded_events(PLAIN, "epoch_end")[-1]["metrics"]["val_accuracy"]
        assert f"val acc {last:.4f}" in text(view, "#run-metrics")
        await pilot.press("4")
        log = (RUNS / PLAIN / "output.log").read_text().splitlines()
        assert log and view.query_one("#log", Log).lines[-1].strip() == log[-1].strip()


async def test_live_events_update_the_view_and_bad_lines_are_counted(tutor_home):
    with live_run(tutor_home, "live-base-plain-0001", PLAIN) as folder:
        app = HostApp(lambda: RunViewScreen("live-base-plain-0001"), tutor_home)
        recorded = events_of(PLAIN)
        async with app.run_test(size=(120, 36)) as pilot:
            view = app.screen
            manager = app.run_manager
            await pilot.pause()
            assert view.query_one("#loss-chart", CurveChart).plotted == {}
            # three bad lines, the last one the contract refuses
            append(folder, *recorded[:8], "{not json", '["no type"]', '{"type": "epoch_end", "epoch": 1}')
            manager.poll()
            await wait_until(pilot, lambda: view.query_one("#loss-chart", CurveChart).plotted == {"train": 1, "val": 1})
            assert "running" in text(view, "#run-title")
            assert "skipped 3 unreadable event lines" in text(view, "#run-title")
            assert "training" in text(view, "#run-phase")
            assert "epoch 1/6" in text(view, "#run-metrics")
            assert manager.live_runs() == ["live-base-plain-0001"]
            append(folder, *recorded[8:])
            manager.poll()
            await wait_until(pilot, lambda: view.query_one("#loss-chart", CurveChart).plotted == {"train": 6, "val": 6})
            assert "finished" in text(view, "#run-title")
            assert manager.live_runs() == []


async def test_epochs_without_step_counts_hide_the_epoch_bar_and_move_the_run_bar(tutor_home):
    with live_run(tutor_home, "live-base-plain-0002", PLAIN) as folder:
        app = HostApp(lambda: RunViewScreen("live-base-plain-0002"), tutor_home)
        recorded = events_of(PLAIN)  # the compiled loop's short epochs: no batch_progress at all
        async with app.run_test(size=(80, 24)) as pilot:
            view = app.screen
            epoch_bar, run_bar = view.query_one("#epoch-bar", ProgressBar), view.query_one("#run-bar", ProgressBar)
            append(folder, *recorded[:9])  # two of six epochs ended
            app.run_manager.poll()
            await wait_until(pilot, lambda: run_bar.progress == 2 / 6)
            assert not epoch_bar.display and not view.query_one("#epoch-label", Static).display
            assert epoch_bar.region.width == 0 and run_bar.region.width > 40  # the run bar takes the line
            assert text(view, "#run-label").startswith("run ETA")
            last = recorded_events(PLAIN, "epoch_end")[1]
            append(folder, {"type": "batch_progress", "time": last["time"] + 1, "epoch": 3, "step": 5, "steps": 20,
                            "epochs": 6, "metrics": {}})
            app.run_manager.poll()
            await wait_until(pilot, lambda: epoch_bar.display and epoch_bar.progress == 0.25)
            assert view.query_one("#epoch-label", Static).display and run_bar.progress == 2.25 / 6


async def test_a_burst_of_events_costs_few_chart_redraws(tutor_home):
    with live_run(tutor_home, "live-burst-0001", PLAIN) as folder:
        app = HostApp(lambda: RunViewScreen("live-burst-0001"), tutor_home)
        recorded = events_of(PLAIN)
        async with app.run_test(size=(120, 36)) as pilot:
            view = app.screen
            await pilot.pause()
            chart = view.query_one("#loss-chart", CurveChart)
            before = chart.draws
            for line in recorded:  # every event polled separately, as fast as the loop allows
                append(folder, line)
                app.run_manager.poll()
            await wait_until(pilot, lambda: chart.plotted == {"train": 6, "val": 6})
            epochs = sum('"epoch_end"' in line for line in recorded)
            assert chart.draws - before < epochs  # collapsed messages and throttled redraws


async def test_a_tune_run_fills_the_trials_table_and_draws_one_curve_per_trial(tutor_home):
    copy_runs(tutor_home, TUNE)
    trials = recorded_events(TUNE, "trial_end")
    app = HostApp(lambda: RunViewScreen(TUNE), tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        view = app.screen
        await wait_until(pilot, lambda: view.draws > 0)
        await pilot.press("3")
        table = view.query_one("#trials", DataTable)
        assert len(trials) >= 2 and table.row_count == len(trials)
        for trial in trials:
            row = [str(cell) for cell in table.get_row(trial["trial"])]
            assert trial["status"] in row
            assert any(f"{name}={value}" in cell for cell in row for name, value in trial["hyperparameters"].items())
        per_trial = {t["trial"]: len([e for e in recorded_events(TUNE, "epoch_end") if e.get("trial") == t["trial"]])
                     for t in trials}
        assert {k: v for k, v in view.query_one("#accuracy-chart", CurveChart).plotted.items() if k in per_trial} \
            == per_trial


async def test_a_demo_shows_its_tables_and_charts(tutor_home):
    copy_runs(tutor_home, DEMO)
    tables = {e["name"]: e for e in recorded_events(DEMO, "table")}  # a later table of a name replaces it
    curves = {e["name"]: e for e in recorded_events(DEMO, "curve")}
    epochs = recorded_events(DEMO, "epoch_end")
    app = HostApp(lambda: RunViewScreen(DEMO), tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        view = app.screen
        await wait_until(pilot, lambda: view.draws > 0)
        await pilot.press("2")
        await pilot.pause()
        for name, event in tables.items():
            table = view.query_one(f"#table-{name}", EventTable)
            assert table.row_count == len(event["rows"])
            assert str(table.get_row_at(0)[0]).strip() == str(event["rows"][0][0])
        for name, event in curves.items():
            chart = view.query_one(f"#chart-{name}", CurveChart)
            assert chart.plotted == {label: len(series["x"]) for label, series in event["series"].items()}
        counts = {s: sum(e["series"] == s for e in epochs) for s in {e["series"] for e in epochs}}
        plotted = view.query_one("#loss-chart", CurveChart).plotted  # one curve per series (and its val, if any)
        assert {k.removesuffix(" train"): v for k, v in plotted.items() if not k.endswith(" val")} == counts


async def test_cancel_asks_first_then_requests_a_stop(tutor_home):
    with live_run(tutor_home, "live-cancel-0001", PLAIN) as folder:
        app = HostApp(lambda: RunViewScreen("live-cancel-0001"), tutor_home)
        append(folder, *events_of(PLAIN)[:8])
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await pilot.press("c")
            await pilot.press("n")
            assert not (folder / "STOP").exists()
            await pilot.press("c")
            await pilot.press("y")
            await pilot.pause()
            assert (folder / "STOP").exists()


async def test_an_unknown_run_says_so_in_one_sentence(tutor_home):
    app = HostApp(lambda: RunViewScreen("no-such-run"), tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert "No run 'no-such-run'" in text(app.screen, "#run-title")


async def test_a_run_whose_process_died_shows_as_died(tutor_home):
    copy_runs(tutor_home, DIED)
    app = HostApp(lambda: RunViewScreen(DIED), tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        view = app.screen
        await wait_until(pilot, lambda: view.draws > 0)
        assert "· died" in text(view, "#run-title")
        assert "its process ended without finishing" in text(view, "#run-phase")
        reached = len(recorded_events(DIED, "epoch_end"))
        assert view.query_one("#loss-chart", CurveChart).plotted == {"train": reached, "val": reached}
        assert app.run_manager.live_runs() == []


def test_a_newer_update_for_the_same_run_replaces_a_pending_one():
    assert RunUpdated("a").can_replace(RunUpdated("a"))
    assert not RunUpdated("a").can_replace(RunUpdated("b"))


async def test_reference_rows_of_a_comparison_table_are_set_apart(tutor_home):
    copy_runs(tutor_home, PLAIN)
    app = HostApp(lambda: RunViewScreen(PLAIN), tutor_home)
    async with app.run_test(size=(120, 36)) as pilot:
        view = app.screen
        await wait_until(pilot, lambda: view.draws > 0)
        view.state.feed([{"type": "table", "time": 1.0, "name": "transfer-suite", "title": "transfer",
                          "columns": ["variant", "test accuracy"],
                          "rows": [["frozen-5", "63.10%"], ["book: frozen-5", "64.02%"]]}])
        await pilot.press("2")
        await wait_until(pilot, lambda: bool(view.query("#table-transfer-suite")))
        table = view.query_one("#table-transfer-suite", EventTable)
        measured, quoted = table.get_row_at(0), table.get_row_at(1)
        assert measured[0] == "frozen-5" and "italic" not in str(getattr(measured[0], "style", ""))
        assert quoted[0].plain == "book: frozen-5" and "italic" in str(quoted[0].style)
        assert table.border_title == "transfer"


async def test_devices_and_the_worker_of_each_trial_are_shown(tutor_home):
    with live_run(tutor_home, "live-tune-chief-0001", TUNE) as folder:
        app = HostApp(lambda: RunViewScreen("live-tune-chief-0001"), tutor_home)
        async with app.run_test(size=(120, 36)) as pilot:
            view = app.screen
            append(folder, {"type": "devices", "time": 1.0, "devices": ["GPU: NVIDIA H200"]},
                   {"type": "trial_started", "time": 2.0, "trial": "0000", "worker": "worker 1",
                    "hyperparameters": {"learning_rate": 0.001}},
                   {"type": "trial_end", "time": 3.0, "trial": "0000", "worker": "worker 1", "status": "COMPLETED",
                    "score": 0.97})
            app.run_manager.poll()
            await wait_until(pilot, lambda: "GPU: NVIDIA H200" in text(view, "#run-title"))
            await pilot.press("3")
            table = view.query_one("#trials", DataTable)
            await wait_until(pilot, lambda: table.row_count == 1)
            assert table.get_row("0000")[0] == "0000 (worker 1)"
