"""Reading a run's TensorBoard scalars back with TensorBoard's own event reader, as its dashboard does."""
from __future__ import annotations

from pathlib import Path

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.util import tensor_util


def scalars(folder: Path) -> dict[str, dict[int, float]]:
    """Every scalar tag in one log folder: tag -> {step: value}."""
    reader = EventAccumulator(str(folder))
    reader.Reload()
    return {tag: {e.step: float(tensor_util.make_ndarray(e.tensor_proto)) for e in reader.Tensors(tag)}
            for tag in reader.Tags()["tensors"]}


def epoch_curves(events: list[dict], series: str, metric: str) -> dict[int, float]:
    """One series' per-epoch metric from the run's epoch_end events: epoch -> value."""
    return {e["epoch"]: e["metrics"][metric] for e in events
            if e["type"] == "epoch_end" and e.get("series") == series}


def assert_board_matches_events(board: Path, events: list[dict], folders: dict[str, str]) -> None:
    """The run's tensorboard/ holds one folder per series, each curve equal to its epoch_end events."""
    assert {p.name for p in board.iterdir()} == set(folders.values())
    for series, folder in folders.items():
        train, validation = scalars(board / folder / "train"), scalars(board / folder / "validation")
        rates = {e["epoch"]: e["learning_rate"] for e in events
                 if e["type"] == "epoch_end" and e.get("series") == series and e.get("learning_rate") is not None}
        assert set(train) == {"epoch_loss", "epoch_accuracy"} | ({"epoch_learning_rate"} if rates else set())
        assert set(validation) == {"epoch_loss", "epoch_accuracy"}
        assert train.get("epoch_learning_rate", {}) == pytest.approx(rates, rel=1e-6)
        for side, tag, metric in ((train, "epoch_loss", "loss"), (train, "epoch_accuracy", "accuracy"),
                                  (validation, "epoch_loss", "val_loss"),
                                  (validation, "epoch_accuracy", "val_accuracy")):
            assert side[tag] == pytest.approx(epoch_curves(events, series, metric), rel=1e-6), (series, tag)
