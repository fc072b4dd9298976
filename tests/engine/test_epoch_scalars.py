"""Runs whose training writes no TensorBoard logs itself get their epoch_end events as TensorBoard scalars."""
from __future__ import annotations

from engine.registry import experiments
from engine.training.epoch_scalars import EpochScalars, series_folder, split_metrics


def test_series_names_become_shell_friendly_folders_and_never_collide():
    assert series_folder("frozen · seed 43", set()) == "frozen-seed-43"
    assert series_folder("twin (same digit?)", set()) == "twin-same-digit"
    assert series_folder("lr 1e-3 + clip 0.5", set()) == "lr-1e-3-+-clip-0.5"
    assert series_folder(None, set()) == "run"
    assert series_folder("·", set()) == "run"
    assert series_folder("He normal", {"he-normal"}) == "he-normal-2"
    assert series_folder("He  normal", {"he-normal", "he-normal-2"}) == "he-normal-3"


def test_metrics_go_to_their_side_under_keras_names_and_missing_values_are_left_out():
    assert split_metrics({"loss": 0.5, "accuracy": 0.8, "val_loss": 0.6, "val_accuracy": None}) == {
        "train": {"epoch_loss": 0.5, "epoch_accuracy": 0.8}, "validation": {"epoch_loss": 0.6}}
    assert split_metrics({}) == {}


def test_only_the_base_network_and_the_search_write_their_own_logs():
    assert {e.id for e in experiments() if e.own_tensorboard} == {"base", "tune"}


def test_events_other_than_epoch_end_write_nothing(tmp_path):
    listener = EpochScalars(tmp_path)
    listener({"type": "phase", "name": "training"})
    listener.close()
    assert not (tmp_path / "tensorboard").exists()
