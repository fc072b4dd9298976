"""How many steps a demo's Keras call runs: one for a short training, many for a long one."""
from __future__ import annotations

from engine.experiments.demos.common import FEW_STEPS, per_call


def test_a_short_training_runs_one_step_per_call_and_a_longer_one_keeps_its_steps_per_execution():
    assert per_call(32, 6, 1) == 1  # a quick demo: six steps in all
    assert per_call(32, FEW_STEPS // 2, 2) == 1  # at the edge: exactly FEW_STEPS steps
    assert per_call(32, FEW_STEPS // 2 + 1, 2) == 32  # just past it
    assert per_call(8, 1000, 1) == 8
