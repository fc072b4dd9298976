"""The spare's throwaway first fit: it runs every rehearsed path, leaves no trace a run could see, and no name shift."""
from __future__ import annotations

import random

import keras
import numpy as np
import tensorflow as tf

from engine.spare_rehearsal import forget, rehearse


def _draws() -> tuple[float, float, float, float]:
    """One unseeded draw from each generator a run could use without seeding it."""
    return (random.random(), float(np.random.rand()), float(tf.random.uniform([])),
            float(keras.random.uniform(())))


def test_forgetting_leaves_no_global_seed_behind():
    draws = []
    for _ in range(2):
        keras.utils.set_random_seed(0)  # what a rehearsal that seeded its models would leave behind
        forget()
        draws.append(_draws())
    assert all(first != second for first, second in zip(*draws)), draws


def test_a_rehearsal_runs_every_path_and_forgets_its_models():
    keras.layers.Dense(1)  # the name counter moves, as any earlier model would move it
    rehearse()  # raises if a rehearsed path broke (the spare itself would only warm up less)
    assert keras.layers.Dense(1).name == "dense"  # Keras's global state was cleared


def test_program_names_start_from_a_common_mark_however_far_the_counter_had_gone():
    from tensorflow.python.framework import ops

    from engine.xla_cache import NAME_BLOCK, align_program_names

    marks = []
    for used in (1, 2_500):  # a fresh process's count, then a rehearsal's worth more
        for _ in range(used):
            ops.uid()
        mark = align_program_names()
        assert ops.uid() == mark and mark % NAME_BLOCK == 0  # the next traced name gets the mark
        marks.append(mark)
    assert marks[1] == marks[0] + NAME_BLOCK
