"""The 5–9 task: a few training images per digit picked by position, labels remapped to 0–4."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.data import Mnist, Split, sample_per_class

FIRST_DIGIT = 5
DIGITS = tuple(range(FIRST_DIGIT, 10))


@dataclass(frozen=True)
class TransferData:
    """The split plus the MNIST positions each image came from (so tests can check the picking)."""

    split: Split
    train_positions: np.ndarray
    val_positions: np.ndarray
    test_positions: np.ndarray


def transfer_data(mnist: Mnist, per_digit: int, val_per_digit: int, seed: int, test_per_digit: int = 0) -> TransferData:
    """n training and m validation images per digit 5–9 (disjoint, seeded); test = the 5–9 test digits.

    Images are chosen by their positions in the training arrays, never by label values, and
    labels 5–9 become 0–4 so that a 5-way softmax with sparse cross-entropy can learn them.
    """
    pool = np.flatnonzero(mnist.y_train >= FIRST_DIGIT)
    train, val = sample_per_class(mnist.y_train[pool], per_digit, val_per_digit, seed)
    train_positions, val_positions = pool[train], pool[val]
    test_positions = np.flatnonzero(mnist.y_test >= FIRST_DIGIT)
    if test_per_digit:
        test_positions = np.sort(np.concatenate(
            [test_positions[mnist.y_test[test_positions] == d][:test_per_digit] for d in DIGITS]))
    split = Split(mnist.x_train[train_positions], remap(mnist.y_train[train_positions]),
                  mnist.x_train[val_positions], remap(mnist.y_train[val_positions]),
                  mnist.x_test[test_positions], remap(mnist.y_test[test_positions]))
    return TransferData(split, train_positions, val_positions, test_positions)


def remap(labels: np.ndarray) -> np.ndarray:
    """Digits 5–9 as classes 0–4."""
    return (np.asarray(labels, dtype=np.int64) - FIRST_DIGIT).astype(np.int32)
