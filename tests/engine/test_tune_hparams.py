"""A search's trials reach TensorBoard's HParams dashboard: read back with TensorBoard's own event reader."""
from __future__ import annotations

from pathlib import Path

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import metadata as hparams_metadata
from tensorboard.plugins.hparams import plugin_data_pb2
from tensorboard.util import tensor_util

from engine.experiments.tune_hparams import HPARAMS_FOLDER, METRIC, write_trial_hparams


def read_trial(folder: Path) -> tuple[dict[str, object], float | None]:
    """One trial's hyperparameters and score as TensorBoard reads them from its log folder."""
    events = EventAccumulator(str(folder))
    events.Reload()
    content = events.PluginTagToContent(hparams_metadata.PLUGIN_NAME)[hparams_metadata.SESSION_START_INFO_TAG]
    start = plugin_data_pb2.HParamsPluginData.FromString(content).session_start_info
    values = {name: getattr(value, str(value.WhichOneof("kind"))) for name, value in start.hparams.items()}
    scores = events.Tensors(METRIC) if METRIC in events.Tags()["tensors"] else []
    return values, (float(tensor_util.make_ndarray(scores[-1].tensor_proto)) if scores else None)


class Ended:
    """The parts of a keras-tuner trial the writer reads."""

    def __init__(self, trial_id: str, values: dict, score: float | None) -> None:
        self.trial_id, self.score = trial_id, score
        self.hyperparameters = type("HP", (), {"values": values})()


def test_a_trial_is_written_with_its_hyperparameters_and_score(tmp_path):
    values = {"learning_rate": 1e-3, "batch_norm": True, "activation": "elu", "n_hidden": 3,
              "tuner/epochs": 2, "tuner/trial_id": "0001"}  # keras-tuner's bookkeeping is left out
    folder = write_trial_hparams(tmp_path, Ended("0004", values, 0.875))
    assert folder == tmp_path / HPARAMS_FOLDER / "trial_0004"
    hparams, score = read_trial(folder)
    assert hparams == {"learning_rate": 1e-3, "batch_norm": True, "activation": "elu", "n_hidden": 3.0}
    assert score == pytest.approx(0.875)


def test_a_failed_trial_keeps_its_hyperparameters_without_a_score(tmp_path):
    hparams, score = read_trial(write_trial_hparams(tmp_path, Ended("0002", {"learning_rate": 0.01}, None)))
    assert hparams == {"learning_rate": 0.01} and score is None
