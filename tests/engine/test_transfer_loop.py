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
    # accuracy counts each of the 70 images once: a whole number of hits out of 70
    hits = [accuracy * 70 for accuracy in result.history["accuracy"]]
    assert all(h == pytest.approx(round(h), abs=1e-3) for h in hits)
    assert result.epochs == 2 and len(result.epoch_seconds) == 2 and result.best_epoch in (1, 2)
    assert result.best_val_loss == min(result.history["val_loss"])


def test_a_model_with_dropout_keeps_its_loop_out_of_xla():
    # XLA's random ops made a dropout epoch several times slower on a CPU than plain graph mode
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (64, 28, 28)).astype(np.float32), rng.integers(0, 5, 64)
    with_dropout = EpochLoop(build_mlp(hidden_layers=1, units=8, dropout=0.2, seed=0), keras.optimizers.Adam(),
                             x, y, batch_size=16, seed=0, xla=True)
    without = EpochLoop(build_mlp(hidden_layers=1, units=8, seed=0), keras.optimizers.Adam(), x, y, batch_size=16,
                        seed=0, xla=True)
    assert not with_dropout.xla and without.xla
    before = [w.numpy().copy() for w in with_dropout.variables]
    loss, accuracy = with_dropout.train_epoch()  # and it still trains: 4 steps move every weight
    assert np.isfinite(loss) and accuracy * 64 == pytest.approx(round(accuracy * 64), abs=1e-3)
    assert all(not np.array_equal(a, b.numpy()) for a, b in zip(before, with_dropout.variables))


def test_early_stopping_stops_patience_epochs_after_the_best_and_leaves_its_weights():
    # validation labels that disagree with the training labels on the same images: the better the
    # model learns, the worse its validation loss, so the best epoch is an early one
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (64, 28, 28)).astype(np.float32)
    y = rng.integers(0, 5, 64)
    y_wrong = (y + 1) % 5
    model = build_mlp(hidden_layers=1, units=16, seed=1)
    loop = EpochLoop(model, keras.optimizers.Adam(1e-2), x, y, batch_size=16, seed=3)
    result = loop.fit(20, x, y_wrong, patience=3)
    losses = result.history["val_loss"]
    best = losses.index(min(losses)) + 1
    assert best < result.epochs == best + 3 < 20
    assert result.best_epoch == best and result.best_val_loss == min(losses)
    left, _ = loop.evaluate(x, y_wrong)
    assert left == pytest.approx(min(losses), rel=1e-5) and left != pytest.approx(losses[-1], rel=1e-3)


def test_without_patience_the_loop_runs_every_epoch_and_keeps_the_last_weights():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (64, 28, 28)).astype(np.float32)
    y = rng.integers(0, 5, 64)
    loop = EpochLoop(build_mlp(hidden_layers=1, units=16, seed=1), keras.optimizers.Adam(1e-2), x, y,
                     batch_size=16, seed=3)
    result = loop.fit(6, x, (y + 1) % 5)
    assert result.epochs == 6 and result.best_epoch < 6
    left, _ = loop.evaluate(x, (y + 1) % 5)
    assert left == pytest.approx(result.history["val_loss"][-1], rel=1e-5)
