"""How a demo's Keras training runs: eager for a quick run's few steps, one step per call for a short
training, many for a long one."""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from engine.context import RunContext, StopFlag
from engine.data import Split
from engine.events import EventWriter
from engine.experiments.demos import common
from engine.experiments.demos.common import EAGER_STEPS, FEW_STEPS, per_call
from engine.registry import resolve_spec


def test_a_short_training_runs_one_step_per_call_and_a_longer_one_keeps_its_steps_per_execution():
    assert per_call(32, 6, 1) == 1  # a quick demo: six steps in all
    assert per_call(32, FEW_STEPS // 2, 2) == 1  # at the edge: exactly FEW_STEPS steps
    assert per_call(32, FEW_STEPS // 2 + 1, 2) == 32  # just past it
    assert per_call(8, 1000, 1) == 8


class _Witness(keras.layers.Layer):
    """Passes its input through and notes, for each training call, whether it ran eagerly."""

    def __init__(self) -> None:
        super().__init__()
        self.eager: list[bool] = []

    def call(self, inputs, training=None):
        if training:
            self.eager.append(tf.executing_eagerly())
        return inputs


def _train(tmp_path, images: int, epochs: int) -> tuple[keras.Model, _Witness]:
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 255, (images, 28, 28), dtype=np.uint8), rng.integers(0, 3, images).astype(np.int32)
    split = Split(x, y, x[:4], y[:4], x[:4], y[:4])
    witness = _Witness()
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), witness, keras.layers.Dense(3)])
    ctx = RunContext(resolve_spec("demo-symmetry", quick=True), tmp_path,
                     EventWriter(tmp_path / "events.jsonl"), StopFlag())
    common.fit(ctx, model, split, series="s", epochs=epochs, batch_size=1, seed=0,
               optimizer=keras.optimizers.Adam(1e-3))
    return model, witness


def test_a_quick_runs_few_steps_train_eagerly_and_its_later_predictions_are_traced(tmp_path):
    model, witness = _train(tmp_path, EAGER_STEPS // 2, 2)  # exactly EAGER_STEPS steps
    assert witness.eager and all(witness.eager)
    assert model.run_eagerly is False


def test_one_step_past_the_eager_limit_the_training_step_is_traced(tmp_path):
    _, witness = _train(tmp_path, EAGER_STEPS + 1, 1)
    assert witness.eager and not any(witness.eager)
