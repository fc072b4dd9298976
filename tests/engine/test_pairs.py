"""The auxiliary task's data: two disjoint halves, and balanced pairs that mean what their target says."""
from __future__ import annotations

import numpy as np

from engine.experiments.topics.pairs import balanced_pairs, halves


def test_halves_are_disjoint_cover_everything_and_are_seeded():
    first, second = halves(101, seed=3)
    assert len(np.intersect1d(first, second)) == 0 and len(first) + len(second) == 101
    assert np.array_equal(halves(101, seed=3)[0], first) and not np.array_equal(halves(101, seed=4)[0], first)


def test_pairs_are_balanced_and_the_target_says_whether_the_digits_match():
    labels = np.repeat(np.arange(10), 30)
    a, b, same = balanced_pairs(labels, 1000, seed=0)
    assert same.sum() == 500
    assert np.array_equal(labels[a] == labels[b], same == 1)
    assert np.all(a != b)  # a same-digit pair is two different images


def test_odd_counts_and_two_images_per_digit_still_work():
    labels = np.array([0, 0, 1, 1])
    a, b, same = balanced_pairs(labels, 7, seed=1)
    assert same.sum() == 3 and np.all(a != b) and np.array_equal(labels[a] == labels[b], same == 1)
