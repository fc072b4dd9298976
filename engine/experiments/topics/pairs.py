"""Balanced image pairs for the auxiliary task (same digit or not) and the two-way split of the training set."""
from __future__ import annotations

import numpy as np


def halves(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Split positions 0..n-1 into two disjoint, seeded halves (split 1 for pretraining, split 2 for the classifier)."""
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[: n // 2]), np.sort(order[n // 2:])


def balanced_pairs(labels: np.ndarray, n_pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions (a, b) into `labels` and a 0/1 target (1 = same digit); exactly half the pairs are the same digit.

    A same pair never repeats one image; a different pair draws its second image from another digit.
    """
    rng = np.random.default_rng(seed)
    by_digit = {d: np.flatnonzero(labels == d) for d in np.unique(labels)}
    digits = np.array(sorted(by_digit))
    same = np.zeros(n_pairs, dtype=np.float32)
    same[: n_pairs // 2] = 1.0
    rng.shuffle(same)
    first_digit = rng.choice(digits, n_pairs)
    a = np.empty(n_pairs, dtype=np.int64)
    b = np.empty(n_pairs, dtype=np.int64)
    for i, (digit, is_same) in enumerate(zip(first_digit, same)):
        pool = by_digit[digit]
        a[i] = pool[rng.integers(len(pool))]
        if is_same:
            other = pool[rng.integers(len(pool) - 1)]
            b[i] = other if other != a[i] else pool[-1]  # never the same image twice
        else:
            other_digit = rng.choice(digits[digits != digit])
            pool_b = by_digit[other_digit]
            b[i] = pool_b[rng.integers(len(pool_b))]
    return a, b, same
