"""Each search trial's hyperparameters and score as TensorBoard HParams, one log folder per trial."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import tensorflow as tf
from tensorboard.plugins.hparams import api as hparams_api

from engine.experiments.tune_space import chosen

HPARAMS_FOLDER = Path("tensorboard") / "hparams"  # inside the run folder; TensorBoard's HParams tab reads it
METRIC = "val_accuracy"  # the search's objective, the score each trial is ranked by


def write_trial_hparams(run_dir: Path, trial: Any) -> Path:
    """Write one ended trial's hyperparameters and (when it has one) its score; return its log folder."""
    folder = run_dir / HPARAMS_FOLDER / f"trial_{trial.trial_id}"
    values = {name: _plain(value) for name, value in chosen(trial.hyperparameters.values).items()}
    writer = tf.summary.create_file_writer(str(folder))
    try:
        with writer.as_default():
            hparams_api.hparams(values, trial_id=str(trial.trial_id))
            if trial.score is not None:
                tf.summary.scalar(METRIC, float(trial.score), step=0)
    finally:
        writer.close()
    return folder


def _plain(value: Any) -> bool | int | float | str:
    """HParams take booleans, numbers and strings; anything else is shown as its text."""
    return value if isinstance(value, (bool, int, float, str)) else str(value)
