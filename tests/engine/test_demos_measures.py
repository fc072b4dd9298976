"""The measurements behind the demos' verdicts, checked on constructed cases where the right answer is known."""
from __future__ import annotations

import math

import numpy as np

from engine.experiments.demos.activations import dying_units
from engine.experiments.demos.dropout import steady_seconds, to_best
from engine.experiments.demos.momentum import windowed
from engine.experiments.demos.sparsity import never_lit, zero_counts, zeroed
from engine.experiments.demos.symmetry import distinct_neurons, largest_gap
from engine.judges.momentum import epochs_to_reach, rises
from engine.judges.selu import self_normalized


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


def test_dying_units_pass_a_gradient_below_epsilon_for_every_image():
    relu = np.array([[0.0, 1.0, 0.0],
                     [0.0, 0.0, 1.0]])  # unit 0 never passes a gradient; 1 and 2 do for some image
    elu = np.array([[1e-5, 0.5, 1e-4],
                    [1e-4, 1e-5, 2e-3]])  # unit 0 saturated for both images; unit 2 not at 1e-3
    leaky = np.full((2, 2), 0.2)  # leaky ReLU's slope never falls below 0.2
    assert dying_units([relu, elu, leaky], 1e-3) == [1, 1, 0]
    assert dying_units([elu], 1e-6) == [0]
    assert dying_units([np.array([[-1e-4], [1e-4]])], 1e-3) == [1]  # the size of the gradient, whatever its sign


def test_zero_counts_keep_never_lit_pixels_apart():
    images = np.zeros((3, 2, 2))
    images[0, 0, 0], images[2, 1, 1] = 5, 9  # pixels 0 and 3 are lit once; 1 and 2 never
    blank = never_lit(images)
    assert blank.tolist() == [False, True, True, False]
    first = np.array([[0.0, 1.0], [0.0, 0.0], [0.0, 2.0], [3.0, 0.0]])
    counts = zero_counts([first, np.array([[0.0], [1.0]])], blank)
    assert counts == {"zeros_lit": 3, "weights_lit": 6, "zeros_never_lit": 3, "weights_never_lit": 4}
    assert [v.tolist() for v in zeroed([np.array([0.5, -1e-4, 2e-3])], 1e-3)] == [[0.5, 0.0, 2e-3]]


def test_seconds_to_the_best_epoch_leave_the_tracing_out():
    assert steady_seconds([9.0, 1.0, 3.0]) == [2.0, 1.0, 3.0]  # the first epoch traced the step
    assert steady_seconds([4.0]) == [4.0]
    assert to_best([0.9, 0.5, 0.7], [9.0, 1.0, 3.0]) == (2, 3.0)
    assert to_best([math.nan, math.nan], [1.0, 1.0]) == (2, 2.0)  # no finite loss: the whole run


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
