"""The measurements behind the demos' verdicts, checked on constructed cases where the right answer is known."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine.experiments.demos.activations import dead_fractions
from engine.experiments.demos.momentum import windowed
from engine.judges.momentum import epochs_to_reach, rises
from engine.judges.selu import self_normalized
from engine.experiments.demos.symmetry import distinct_neurons, largest_gap


def test_copied_neurons_count_once_and_distinct_ones_each():
    copied = np.full((784, 100), 0.03)
    assert distinct_neurons(copied, np.zeros(100), 1e-4) == 1
    assert largest_gap(copied, np.zeros(100)) == 0.0
    random = np.random.default_rng(0).normal(size=(784, 100))
    assert distinct_neurons(random, np.zeros(100), 1e-4) == 100


def test_neurons_differing_only_by_bias_are_distinct_and_tolerance_is_relative():
    kernel = np.full((10, 3), 5.0)
    assert distinct_neurons(kernel, np.array([0.0, 0.0, 1.0]), 1e-4) == 2
    nudged = kernel.copy()
    nudged[0, 1] += 1e-6  # far below 1e-4 of the largest weight (5.0): the same neuron
    assert distinct_neurons(nudged, np.zeros(3), 1e-4) == 1
    assert distinct_neurons(nudged, np.zeros(3), 1e-9) == 2


def test_dead_fraction_counts_units_silent_for_every_image():
    layer1 = np.array([[0.0, 1.0, 0.0, 0.0],
                       [0.0, 0.0, 2.0, 0.0],
                       [0.0, 3.0, 0.0, 0.0]])  # units 0 and 3 are dead; 1 and 2 fire for some image
    layer2 = np.array([[-0.5, 0.0],
                       [0.0, 0.0]])  # unit 0 outputs a negative value once: alive (leaky units do this)
    total, per_layer = dead_fractions([layer1, layer2])
    assert per_layer == [0.5, 0.5]
    assert total == pytest.approx(3 / 6)


def test_epochs_to_target_rises_and_windows():
    losses = [2.0, 1.0, 1.5, 0.2, math.nan]
    assert epochs_to_reach(losses, 0.3) == 4
    assert epochs_to_reach(losses, 0.1) is None
    assert rises(losses) == 2  # up from 1.0 to 1.5, then to NaN
    xs, ys = windowed([1.0, 3.0, 5.0, 7.0, math.inf], points=3)
    assert xs == [2, 4, 5] and ys == [2.0, 6.0, None]


def test_self_normalized_band_needs_centred_unit_scale_in_the_deeper_half():
    ones = [1.0] * 10
    assert self_normalized([0.5] * 5 + [0.0] * 5, [3.0] * 5 + ones[5:])  # shallow layers may wander
    assert not self_normalized([0.0] * 10, [1.0] * 9 + [0.5])  # the last layer's std fell out of the band
    assert not self_normalized([0.0] * 9 + [0.4], ones)  # not centred
