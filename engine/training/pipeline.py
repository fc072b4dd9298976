"""Fast input pipelines: a float32 array prepared once, a cached and prefetched tf.data stream.

Keras spends most of a small MLP's epoch on per-step overhead, so the engine feeds tensors that
need no per-batch conversion and runs many steps per call (`steps_per_execution`).
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf


def as_float(x: np.ndarray) -> np.ndarray:
    """Pixels as float32 (still 0–255: the model's own Rescaling layer scales them)."""
    return np.ascontiguousarray(x, dtype=np.float32)


def train_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int) -> tf.data.Dataset:
    """Shuffled each epoch from a seeded generator, batched, cached in memory and prefetched."""
    data = tf.data.Dataset.from_tensor_slices((as_float(x), y.astype(np.int32))).cache()
    data = data.shuffle(len(y), seed=seed, reshuffle_each_iteration=True)
    return data.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def eval_dataset(x: np.ndarray, y: np.ndarray, batch_size: int = 1024) -> tf.data.Dataset:
    """Large batches for validation and test: evaluation has no gradient to keep small."""
    data = tf.data.Dataset.from_tensor_slices((as_float(x), y.astype(np.int32)))
    return data.batch(batch_size).cache().prefetch(tf.data.AUTOTUNE)


def steps_per_epoch(n: int, batch_size: int) -> int:
    """Batches in one pass over n examples (the last one may be short)."""
    return -(-n // batch_size)
