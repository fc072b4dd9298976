"""Random shifts of whole images by a few pixels, drawn afresh every epoch inside the compiled loop.

With 100 images per digit, the layers that see pixels learn the exact positions of those few
strokes; shifting each image by up to a few pixels shows them the same digit in new places.
"""
from __future__ import annotations

from typing import Callable

import tensorflow as tf


def random_shifts(max_shift: int) -> Callable[[tf.Tensor, tf.random.Generator], tf.Tensor]:
    """A function moving each image of an [n, height, width] batch by up to `max_shift` pixels each way."""

    def shift(images: tf.Tensor, rng: tf.random.Generator) -> tf.Tensor:
        n, height, width = images.shape[0], images.shape[1], images.shape[2]
        padded = tf.pad(images, [[0, 0], [max_shift, max_shift], [max_shift, max_shift]])  # background is 0
        offsets = rng.uniform([2, n], 0, 2 * max_shift + 1, dtype=tf.int32)
        rows = offsets[0][:, None] + tf.range(height)[None, :]  # each image's own window of rows, then columns
        picked = tf.gather(padded, rows, axis=1, batch_dims=1)
        columns = offsets[1][:, None] + tf.range(width)[None, :]
        return tf.gather(picked, columns, axis=2, batch_dims=1)

    return shift
