"""Exercise 9 trains for real on tiny seeded data: every variant, frozen weights, the source choice."""
from __future__ import annotations

import json

import keras
import numpy as np
import pytest
from tensorboard_read import assert_board_matches_events

from engine.catalog.transfer import VARIANTS
from engine.events import read_events
from engine.execute import execute
from engine.registry import resolve_spec
from engine.runs import RunStore
from engine.text_format import percent


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A tiny base network with Batch Normalization and dropout, shared by the tests of this module."""
    home = tmp_path_factory.mktemp("home")
    status, path = execute(resolve_spec("base", "batchnorm", overrides={"dropout": 0.3}, quick=True), home=home)
    assert status == "finished"
    return home, path


def transfer(home, preset, **overrides):
    status, path = execute(resolve_spec("transfer", preset, overrides=overrides, quick=True), home=home)
    result = json.loads((path / "result.json").read_text())
    assert status == "finished", result.get("error")
    return path, result


def test_frozen_layers_stay_frozen_bit_for_bit_batch_norm_included(source):
    home, source_path = source
    path, result = transfer(home, "frozen-5", source=source_path.name, xla=True)
    assert result["source"]["run_id"] == source_path.name
    original = keras.saving.load_model(source_path / "model.keras")
    trained = keras.saving.load_model(path / "model.keras")
    body = trained.get_layer("reused")
    compared = 0
    for layer in body.layers:
        for before, after in zip(original.get_layer(layer.name).get_weights(), layer.get_weights()):
            assert np.array_equal(before, after), layer.name
            compared += 1
    assert compared == 5 + 5 * 4  # five kernels (no bias before BN) and each BN's γ, β, mean and variance
    head = trained.get_layer("output_5_9")
    assert head.get_weights()[0].shape == (100, 5)
    assert result["summary"]["epochs"] >= 1


def test_unfreezing_changes_only_the_top_two_dense_layers(source):
    home, source_path = source
    path, result = transfer(home, "unfreeze-2", source=source_path.name, xla=True)
    phases = result["variant"]["phases"]
    assert [p["phase"] for p in phases] == ["frozen", "unfrozen"]
    assert phases[1]["layers"] == ["hidden3", "hidden4"]
    original = keras.saving.load_model(source_path / "model.keras")
    body = keras.saving.load_model(path / "model.keras").get_layer("reused")
    for layer in body.layers:
        same = all(np.array_equal(a, b) for a, b in zip(original.get_layer(layer.name).get_weights(),
                                                        layer.get_weights()))
        assert same == (layer.name not in ("hidden3", "hidden4")), layer.name
    events, _ = read_events(path / "events.jsonl")
    epochs = [e["epoch"] for e in events if e["type"] == "epoch_end"]
    assert epochs == list(range(1, len(epochs) + 1))  # the second phase continues the epoch count
    assert len(epochs) == phases[0]["epochs"] + phases[1]["epochs"]


def test_suite_runs_every_variant_and_fills_one_table(source):
    home, source_path = source
    path, result = transfer(home, "suite", source=source_path.name, seeds=1, epochs=3)
    events, _ = read_events(path / "events.jsonl")
    tables = [e for e in events if e["type"] == "table" and e["name"] == "transfer-suite"]
    assert len(tables) == len(VARIANTS)  # updated as it fills
    final = tables[-1]["rows"]
    measured = [row[0] for row in final if not row[0].startswith("book: ")]
    assert measured == list(VARIANTS)
    assert any(row[0] == "book: frozen-5" and row[1] == "64.02%" for row in final)
    series = {e["series"] for e in events if e["type"] == "epoch_end"}
    assert series == {f"{name} · seed 42" for name in VARIANTS}
    assert_board_matches_events(path / "tensorboard", events,
                                {f"{name} · seed 42": f"{name}-seed-42" for name in VARIANTS})
    shown = {row[0]: row[1] for row in final}
    for name in VARIANTS:  # each variant's figure is its one seed's measured accuracy, shown in the table
        measured_accuracy = result["runs"][name][0]["test_accuracy"]
        assert result["variants"][name]["test_accuracy"] == measured_accuracy
        assert shown[name] == percent(measured_accuracy)
    assert len(result["verdicts"]) == len(VARIANTS) - 1
    frozen, cached = result["runs"]["frozen-4"][0], result["runs"]["cached-4"][0]
    for key in ("cache_seconds", "train_seconds", "seconds_per_epoch", "frozen_seconds_per_epoch",
                "first_epoch_seconds", "frozen_first_epoch_seconds",
                "speedup_per_epoch", "arithmetic_ratio"):
        assert cached[key] is not None and cached[key] > 0, key
    assert cached["arithmetic_ratio"] > 10  # four 100-wide layers against one 100→5 head
    # the same head, images and shuffling, and the frozen body in inference mode (its dropout off):
    # caching changes the time, not what is learned
    losses = {name: [e["metrics"]["loss"] for e in events
                     if e["type"] == "epoch_end" and e.get("series") == f"{name} · seed 42"]
              for name in ("frozen-4", "cached-4")}
    assert len(losses["cached-4"]) == frozen["epochs"]
    assert losses["cached-4"] == pytest.approx(losses["frozen-4"], rel=1e-3)


def test_without_any_source_a_default_base_is_trained_first_and_said_so(tmp_path):
    home = tmp_path / "empty-home"
    path, result = transfer(home, "scratch")
    assert result["source"]["trained_here"] is True and result["source"]["experiment"] == "base"
    events, _ = read_events(path / "events.jsonl")
    said = [e for e in events if e["type"] == "phase" and e["name"] == "training a source network"]
    assert said and "no finished base or tune run" in said[0]["detail"]
    # the next transfer run finds that base run as the latest source instead of training another
    _, again = transfer(home, "frozen-5")
    assert again["source"]["run_id"] == result["source"]["run_id"] and again["source"]["trained_here"] is False


def test_a_run_that_is_not_a_base_or_tune_run_is_refused_in_one_sentence(source):
    home, _ = source
    other = RunStore(home).create(resolve_spec("transfer", quick=True))
    status, path = execute(resolve_spec("transfer", "frozen-5", overrides={"source": other.name}, quick=True),
                           home=home)
    result = json.loads((path / "result.json").read_text())
    assert status == "failed"
    assert "cannot be a transfer source" in result["error"] and "\n" not in result["error"]
