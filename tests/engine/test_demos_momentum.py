"""Question 5's demo in quick mode: the bowl's verdict holds for 0.99999 and not when the high momentum is 0.9."""
from __future__ import annotations

import numpy as np
import pytest
from quick_run import run_quick

from engine.events import history_from_events


def curves(events):
    return {e["name"]: e for e in events if e["type"] == "curve"}


def test_momentum_near_one_keeps_swinging_and_the_step_losses_match_the_epochs(tutor_home):
    result, events = run_quick("demo-momentum", tutor_home)
    verdict = result["verdict"]
    assert {c["name"]: c["holds"] for c in verdict["claims"]} == {
        "usual_converges": True, "overshoots": True, "undamped": True, "slower": True}
    bowl = verdict["numbers"]["by_momentum"]
    assert np.mean(bowl["0.9"]["overshoots"]) < np.mean(bowl["0.99"]["overshoots"]) < np.mean(bowl["0.99999"]["overshoots"])
    path = curves(events)["trajectory"]["series"]["momentum 0.9"]
    assert abs(path["x"][-1]) < 1e-2 and abs(path["y"][-1]) < 1e-2  # the drawn path ends at the minimum
    step_curve = curves(events)["step_loss"]["series"]
    histories = history_from_events(events)
    assert set(step_curve) == set(histories) == {"momentum 0.9", "momentum 0.99", "momentum 0.99999"}
    for label, curve in step_curve.items():
        steps = np.array(curve["y"], dtype=float)
        per_epoch = len(steps) // len(histories[label]["loss"])
        # with one point a step, the mean of an epoch's steps is the loss Keras reports for that epoch
        assert steps.reshape(-1, per_epoch).mean(axis=1) == pytest.approx(histories[label]["loss"], rel=1e-3)
    assert {f["outcome"] for f in verdict["numbers"]["network"].values()} <= {
        "blew up", "reached the target", "stuck near chance", "swinging", "still falling"}


def test_a_high_momentum_of_0_9_is_not_held(tutor_home):
    result, _ = run_quick("demo-momentum", tutor_home, high_momentum="0.9", epochs="1")
    verdict = result["verdict"]
    assert verdict["holds"] is False
    assert {c["name"]: c["holds"] for c in verdict["claims"]} == {
        "usual_converges": True, "overshoots": False, "undamped": False, "slower": False}
