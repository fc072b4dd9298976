"""The base experiment trains for real on tiny seeded data and leaves a complete run folder."""
from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from engine.events import read_events
from engine.execute import execute
from engine.models import build_mlp
from engine.registry import resolve_spec
from engine.runs import RunStore


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    status, path = execute(resolve_spec("base", quick=True, overrides={"epochs": 3, "patience": 3}), home=home)
    return status, path, home


def test_quick_run_finishes_with_result_events_model_and_logs(quick_run):
    status, path, _ = quick_run
    assert status == "finished"
    result = json.loads((path / "result.json").read_text())
    summary = result["summary"]
    assert result["status"] == "finished" and summary["epochs"] == 3
    assert 0.3 < summary["test_accuracy"] <= 1.0  # five classes: chance is 0.2
    assert set(result["test"]["per_class"]) == {"0", "1", "2", "3", "4"}
    events, bad = read_events(path / "events.jsonl")
    kinds = [e["type"] for e in events]
    assert bad == 0 and kinds[0] == "run_started" and kinds[-1] == "run_finished"
    epochs = [e for e in events if e["type"] == "epoch_end"]
    assert [e["epoch"] for e in epochs] == [1, 2, 3]
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(epochs[0]["metrics"])
    assert all(e["seconds"] > 0 for e in epochs)
    assert epochs[0]["learning_rate"] == pytest.approx(1e-3)  # the plateau schedule starts at Adam's rate
    source = next(e for e in events if e["type"] == "data_source")
    assert source["kind"] == "bundled"
    assert any((path / "tensorboard").rglob("*tfevents*"))
    # its own writer's two sides only: the epoch_end scalars are not written a second time
    assert {p.name for p in (path / "tensorboard").iterdir()} == {"train", "validation"}


def test_saved_model_loads_safely_and_matches_the_reported_accuracy(quick_run):
    _, path, _ = quick_run
    model = keras.saving.load_model(path / "model.keras")  # safe_mode on: no Lambda layers inside
    assert any(isinstance(layer, keras.layers.Rescaling) for layer in model.layers)
    from engine import data

    split = data.digits_split(data.load(), range(5), subset=resolve_spec("base", quick=True).params["subset"])
    accuracy = float((model.predict(split.x_test.astype("float32"), verbose=0).argmax(1) == split.y_test).mean())
    result = json.loads((path / "result.json").read_text())
    assert accuracy == pytest.approx(result["summary"]["test_accuracy"], abs=1e-6)


def test_store_lists_the_run_with_its_figures(quick_run):
    _, path, home = quick_run
    row = next(r for r in RunStore(home).list() if r.run_id == path.name)
    assert row.status == "finished" and row.epochs == 3 and row.test_accuracy is not None
    assert RunStore(home).history(path)[""]["epoch"] == [1, 2, 3]


def test_builder_variants_have_the_layers_they_promise():
    plain = build_mlp(seed=1)
    assert [layer.name for layer in plain.layers if isinstance(layer, keras.layers.Dense)] == \
        ["hidden1", "hidden2", "hidden3", "hidden4", "hidden5", "output"]
    batchnorm = build_mlp(batch_norm=True, dropout=0.3, seed=1)
    kinds = [type(layer).__name__ for layer in batchnorm.layers]
    assert kinds.count("BatchNormalization") == 5 and kinds.count("Dropout") == 5
    assert batchnorm.get_layer("hidden1").use_bias is False  # BN's own offset replaces the bias
    # independent initialisers: no two hidden layers start with the same weights
    first, second = plain.get_layer("hidden2").kernel.numpy(), plain.get_layer("hidden3").kernel.numpy()
    assert not np.allclose(first, second)


def test_stop_request_cancels_after_an_epoch_and_keeps_the_best_checkpoint(tmp_path):
    home = tmp_path / "stop-home"

    def stop_after_first_epoch(event):
        if event["type"] == "epoch_end" and event["epoch"] == 1:
            (RunStore(home).root / run_id / "STOP").touch()

    run_id = "stop-test"
    spec = resolve_spec("base", quick=True, overrides={"epochs": 50, "patience": 50})
    status, path = execute(spec, home=home, run_id=run_id, listeners=[stop_after_first_epoch])
    assert status == "cancelled"
    result = json.loads((path / "result.json").read_text())
    assert result["status"] == "cancelled" and result["summary"]["epochs"] < 50
    assert (path / "model.keras").exists()
    assert read_events(path / "events.jsonl")[0][-1]["type"] == "run_cancelled"


def test_a_failing_run_reports_one_sentence(tmp_path):
    status, path = execute(resolve_spec("base", quick=True, data=str(tmp_path / "gone.npz")), home=tmp_path)
    assert status == "failed"
    result = json.loads((path / "result.json").read_text())
    assert "gone.npz" in result["error"] and "Traceback" not in result["error"]


def test_keras_pipeline_reports_batch_progress_within_the_epoch(tmp_path):
    spec = resolve_spec("base", quick=True, overrides={"pipeline": "keras"})
    status, path = execute(spec, home=tmp_path)
    assert status == "finished"
    progress = [e for e in read_events(path / "events.jsonl")[0] if e["type"] == "batch_progress"]
    assert progress and all(0 < e["step"] <= e["steps"] for e in progress)


@pytest.mark.parametrize("pipeline", ["fast", "keras"])
def test_early_stopping_ends_patience_epochs_after_the_best_and_keeps_it_everywhere(tmp_path, pipeline):
    # on 300 images at a high rate the validation loss bottoms out within a few epochs, then wanders
    patience = 4
    spec = resolve_spec("base", quick=True, overrides={"epochs": 30, "patience": patience, "learning_rate": 0.01,
                                                       "pipeline": pipeline})
    status, path = execute(spec, home=tmp_path)
    assert status == "finished"
    events = [e for e in read_events(path / "events.jsonl")[0] if e["type"] == "epoch_end"]
    losses = [e["metrics"]["val_loss"] for e in events]
    best = losses.index(min(losses)) + 1
    assert best < len(events), "the run must go on past its best epoch for this test to mean anything"
    assert len(events) == best + patience  # stopped on exactly the patience-th epoch without a better loss
    # the plateau schedule halved the rate after 3 of those epochs (each event reports the rate it trained with)
    rates = [e["learning_rate"] for e in events]
    assert rates[best + 3 - 1] == pytest.approx(0.01) and rates[best + 3] == pytest.approx(0.005)
    result = json.loads((path / "result.json").read_text())
    assert result["summary"]["best_epoch"] == best and result["summary"]["epochs"] == best + patience
    assert result["summary"]["best_val_loss"] == pytest.approx(min(losses))
    # model.keras holds the best epoch: its validation loss is the best one, not the last one
    from engine import data

    split = data.digits_split(data.load(), range(5), subset=spec.params["subset"])
    saved = keras.saving.load_model(path / "model.keras")
    val_loss, _ = saved.evaluate(split.x_val.astype("float32"), split.y_val, batch_size=4096, verbose=0)
    assert val_loss == pytest.approx(min(losses), rel=1e-4) and val_loss != pytest.approx(losses[-1], rel=1e-4)
    # the model evaluated on the test digits after training was the best epoch's too (restored, not the last)
    predicted = saved.predict(split.x_test.astype("float32"), verbose=0).argmax(1)
    assert float((predicted == split.y_test).mean()) == pytest.approx(result["summary"]["test_accuracy"])
