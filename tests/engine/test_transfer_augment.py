"""Shifted training images are the same digits moved by at most the allowed pixels, drawn anew each epoch."""
from __future__ import annotations

import numpy as np
import tensorflow as tf

from engine.experiments.transfer.augment import random_shifts


def _offset(original: np.ndarray, shifted: np.ndarray, limit: int) -> tuple[int, int] | None:
    """The (rows, columns) move that turns `original` into `shifted`, if one within `limit` does."""
    padded = np.pad(original, limit)
    size = original.shape[0]
    for dy in range(-limit, limit + 1):
        for dx in range(-limit, limit + 1):
            window = padded[limit - dy:limit - dy + size, limit - dx:limit - dx + size]
            if np.array_equal(window, shifted):
                return dy, dx
    return None


def test_each_image_moves_by_at_most_the_limit_and_the_moves_vary():
    rng = np.random.default_rng(0)
    images = np.zeros((40, 28, 28), dtype=np.float32)
    images[:, 8:20, 9:19] = rng.integers(1, 256, (40, 12, 10))  # strokes away from the border
    generator = tf.random.Generator.from_seed(3)
    shift = random_shifts(2)
    first = shift(tf.constant(images), generator).numpy()
    second = shift(tf.constant(images), generator).numpy()
    moves = [_offset(a, b, 2) for a, b in zip(images, first)]
    assert None not in moves  # every output is its own input moved, nothing else changed
    assert len(set(moves)) > 5  # per image, not one move for the whole batch
    assert not np.array_equal(first, second)  # drawn afresh every call (every epoch)
