"""The three ways the original exercise-9 code failed, each with a test that catches its return."""
from __future__ import annotations

import keras
import numpy as np

from engine import data
from engine.experiments.transfer import models
from engine.experiments.transfer.data import transfer_data
from engine.models import build_mlp
from engine.training.loop import EpochLoop, sparse_loss


def test_images_are_picked_by_position_with_their_own_labels():
    mnist = data.load()
    picked = transfer_data(mnist, per_digit=100, val_per_digit=30, seed=7)
    split = picked.split
    # each picked image is the one at its recorded position, with that image's own label
    assert np.array_equal(split.x_train, mnist.x_train[picked.train_positions])
    assert np.array_equal(mnist.y_train[picked.train_positions], split.y_train + 5)
    # and exactly n of each digit: indices of the label *values* (np.nonzero(y[y == d])) would give
    # the first positions of the whole 5–9 pool, whatever their digits
    assert np.bincount(mnist.y_train[picked.train_positions], minlength=10)[5:].tolist() == [100] * 5
    assert np.bincount(mnist.y_train[picked.val_positions], minlength=10)[5:].tolist() == [30] * 5
    assert not set(picked.train_positions) & set(picked.val_positions)
    other = transfer_data(mnist, per_digit=100, val_per_digit=30, seed=8)
    assert not np.array_equal(picked.train_positions, other.train_positions)  # the seed picks the sample


def test_labels_five_to_nine_become_zero_to_four_and_test_is_every_five_to_nine_digit():
    mnist = data.load()
    split = transfer_data(mnist, per_digit=20, val_per_digit=5, seed=1).split
    for labels in (split.y_train, split.y_val, split.y_test):
        assert sorted(np.unique(labels).tolist()) == [0, 1, 2, 3, 4]
    assert len(split.y_test) == int((mnist.y_test >= 5).sum())
    assert np.array_equal(np.bincount(split.y_test), np.bincount(mnist.y_test[mnist.y_test >= 5] - 5))


def test_training_uses_sparse_categorical_cross_entropy_on_the_five_classes():
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(5), size=64).astype(np.float32)
    labels = rng.integers(0, 5, size=64)
    expected = -np.log(probabilities[np.arange(64), labels]).mean()
    # -log p(true class), averaged: a binary cross-entropy (the original code's loss) scores every
    # output as its own yes/no question and gives another number
    assert abs(float(sparse_loss(labels, probabilities)) - expected) < 1e-5
    bce = -(np.eye(5)[labels] * np.log(probabilities) + (1 - np.eye(5)[labels]) * np.log(1 - probabilities)).mean()
    assert abs(bce - expected) > 0.1
    # and the transfer loop trains with it, on a 5-way head
    body = models.build_body(build_mlp(2, 8, seed=1), 2)
    model = models.assemble(body, models.build_head(1))
    loop = EpochLoop(model, keras.optimizers.Adam(1e-3), rng.integers(0, 255, (40, 28, 28)), labels[:40], 8, 1)
    assert loop.loss is sparse_loss and model.output_shape == (None, 5)
    loss, _ = loop.evaluate(rng.integers(0, 255, (40, 28, 28)), labels[:40])
    assert 0 < loss < 10
