"""The compiled epoch loop takes every image once per epoch, short last batch included, with or without XLA."""
from __future__ import annotations

import keras
import numpy as np
import pytest

from engine.models import build_mlp
from engine.training import loop as loop_module
from engine.training.loop import EpochLoop


# graph mode; XLA with the short batch compiled in; XLA with it run apart (as long epochs do)
@pytest.mark.parametrize("xla, rest_inside_up_to", [(False, 64), (True, 64), (True, 1)])
def test_an_epoch_is_every_full_batch_plus_the_short_last_one(xla, rest_inside_up_to, monkeypatch):
    monkeypatch.setattr(loop_module, "REST_INSIDE_UP_TO_STEPS", rest_inside_up_to)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (70, 28, 28)).astype(np.float32)
    y = rng.integers(0, 5, 70)
    model = build_mlp(hidden_layers=2, units=16, seed=1)
    optimizer = keras.optimizers.Adam(1e-3)
    loop = EpochLoop(model, optimizer, x, y, batch_size=32, seed=3, xla=xla)
    before = [w.numpy().copy() for w in model.trainable_weights]
    result = loop.fit(2, x[:20], y[:20])
    assert int(optimizer.iterations.numpy()) == 2 * 3  # 32 + 32 + 6 images: three steps an epoch
    assert all(not np.array_equal(a, b.numpy()) for a, b in zip(before, model.trainable_weights))
    assert len(result.history["loss"]) == 2 and all(np.isfinite(result.history["loss"]))
    assert 0.0 <= result.history["accuracy"][-1] <= 1.0


def test_a_model_with_dropout_keeps_its_loop_out_of_xla():
    # XLA's random ops made a dropout epoch several times slower on a CPU than plain graph mode
    x, y = np.zeros((64, 28, 28), np.float32), np.zeros(64, np.int32)
    with_dropout = EpochLoop(build_mlp(hidden_layers=1, units=8, dropout=0.2, seed=0), keras.optimizers.Adam(),
                             x, y, batch_size=16, seed=0, xla=True)
    without = EpochLoop(build_mlp(hidden_layers=1, units=8, seed=0), keras.optimizers.Adam(), x, y, batch_size=16,
                        seed=0, xla=True)
    assert not with_dropout.xla and without.xla
    assert with_dropout.train_epoch()[1] >= 0.0  # and it still trains
