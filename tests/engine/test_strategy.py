"""--strategy mirrored trains the base network under tf.distribute.MirroredStrategy (one CPU replica here)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as tf

from engine import strategy
from engine.data import digits_split, load
from engine.execute import execute
from engine.experiments.base import build_from_params
from engine.registry import resolve_spec
from engine.training import pipeline


def test_base_runs_mirrored_and_its_result_says_how_the_batch_was_split(tutor_home):
    status, path = execute(resolve_spec("base", overrides={"strategy": "mirrored"}, quick=True))
    result = json.loads((path / "result.json").read_text())
    assert status == "finished", result.get("error")
    used = result["strategy"]
    replicas = len(tf.config.list_physical_devices("GPU")) or 1
    assert used["name"] == "mirrored" and used["replicas"] == replicas
    assert used["global_batch_size"] == 32 and used["per_replica_batch_size"] == 32 / replicas
    assert result["devices"] and result["summary"]["test_accuracy"] > 0.5


def test_mirrored_variables_train_to_the_same_weights_as_one_device():
    params = resolve_spec("base", overrides={"hidden_layers": 2, "units": 20, "epochs": 2}, quick=True).params
    split = digits_split(load(None), range(0, 5), subset=20)
    weights = {}
    for name in strategy.STRATEGIES:
        model = build_from_params({**params, "strategy": name})
        if name == "mirrored":
            assert model.distribute_strategy is strategy.get_strategy("mirrored")
            assert isinstance(model.weights[0].value, tf.distribute.DistributedValues)
        # the same batches in the same order for both (shuffling is seeded per op, which a strategy renames)
        batches = tf.data.Dataset.from_tensor_slices((pipeline.as_float(split.x_train), split.y_train)).batch(16)
        model.fit(batches, epochs=2, verbose=0)
        weights[name] = [w.numpy() for w in model.weights]
    # one replica takes exactly the step one device takes: the batch is split N ways and averaged back
    for default, mirrored in zip(weights["default"], weights["mirrored"]):
        np.testing.assert_allclose(default, mirrored, rtol=1e-4, atol=1e-5)


def test_an_unknown_strategy_is_refused_by_the_registry():
    with pytest.raises(Exception, match="'strategy' must be one of default, mirrored"):
        resolve_spec("base", overrides={"strategy": "tpu"})


def test_tune_trials_train_mirrored(tutor_home):
    small = {"strategy": "mirrored", "max_epochs": 2, "subset": 20, "hidden_layers": 1, "units": 10, "epochs": 1}
    spec = resolve_spec("tune", overrides=small, quick=True)  # two trials through Keras fit, then the retraining
    status, path = execute(spec)
    result = json.loads((path / "result.json").read_text())
    assert status == "finished", result.get("error")
    assert result["trials"] and all(t["status"] == "COMPLETED" for t in result["trials"])
    assert result["summary"]["test_accuracy"] > 0
