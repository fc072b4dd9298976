"""Judge of question 5: momentum near 1 overshoots the minimum again and again and takes far longer to settle.

Measured on a small convex problem with a known minimum, from several starting points: an overshoot is a
coordinate crossing the minimum, "converged" is staying within a tolerance of it for the rest of the budget.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from engine.verdicts import Claim, Verdict, fmt, mean_ci, verdict

# "Still swinging" at the end of the budget: at least this share of the starting distance is left.
UNDAMPED_SHARE = 0.5

CLAIMS = {
    "usual_converges": "with momentum 0.9 the optimizer settles at the minimum of a small convex problem",
    "overshoots": "with momentum extremely close to 1 it overshoots the minimum far more often than with 0.9",
    "undamped": "its swings are damped only very slowly: at the end it is still about as far from the minimum "
                "as it started, neither settled nor blown up",
    "slower": "it takes much longer to converge than with 0.9",
}


def converged_at(distances: Sequence[float], tolerance: float) -> int | None:
    """The first step after which the distance stays within the tolerance, or None if it never does."""
    step = None
    for i, d in enumerate(distances):
        if not math.isfinite(d) or d > tolerance:
            step = None
        elif step is None:
            step = i
    return step


def crossings(values: Sequence[float], until: int | None = None) -> int:
    """How many times a coordinate changes sign (passes the minimum at 0), up to step `until`."""
    end = len(values) if until is None else until + 1
    signs = [v > 0 for v in values[:end] if v != 0 and math.isfinite(v)]
    return sum(a != b for a, b in zip(signs, signs[1:]))


def epochs_to_reach(losses: list[float], target: float) -> int | None:
    """1-based epoch at which the training loss first fell to the target, or None if it never did."""
    for epoch, loss in enumerate(losses, start=1):
        if loss is not None and math.isfinite(loss) and loss <= target:
            return epoch
    return None


def rises(losses: list[float]) -> int:
    """How many times the epoch loss went up (or became infinite/NaN) instead of down: the swings."""
    count = 0
    for before, after in zip(losses, losses[1:]):
        if not math.isfinite(after) or (math.isfinite(before) and after > before):
            count += 1
    return count


def outcome(losses: list[float], diverged: bool, target: float, chance: float) -> str:
    """Name what a network run did: blew up, reached the target, stuck near chance, or kept swinging."""
    if diverged:
        return "blew up"
    if epochs_to_reach(losses, target) is not None:
        return "reached the target"
    finite = [v for v in losses if math.isfinite(v)]
    if finite and min(finite[len(finite) // 2:]) >= 0.9 * chance:
        return "stuck near chance"  # predicts every class alike: a collapse, not an oscillation
    return "swinging" if rises(losses) >= max(1, len(losses) // 4) else "still falling"


def judge(numbers: dict[str, Any]) -> Verdict:
    """Decide the four claims from per-start overshoots, steps to converge and end distances per momentum."""
    budget = numbers["budget"]
    usual, high = numbers["by_momentum"][numbers["usual"]], numbers["by_momentum"][numbers["high"]]
    usual_steps, high_steps = usual["steps_to_converge"], high["steps_to_converge"]
    settled = bool(usual_steps) and all(s is not None for s in usual_steps)
    over_usual, over_high = mean_ci(usual["overshoots"]), mean_ci(high["overshoots"])
    more = over_high.low > over_usual.high and over_high.value >= 2 * max(over_usual.value, 1.0)
    ends = list(high["end_amplitude_share"])
    still = all(math.isfinite(e) and UNDAMPED_SHARE <= e <= 1 / UNDAMPED_SHARE for e in ends)
    slower = settled and all(h is None or h > 10 * u for u, h in zip(usual_steps, high_steps))
    n = len(usual_steps)
    claims = [
        Claim("usual_converges", settled,
              f"With momentum {numbers['usual']} {sum(s is not None for s in usual_steps)} of {n} starts settled "
              f"within {numbers['tolerance']:g} of the minimum, after {_steps(usual_steps, ' steps')}."),
        Claim("overshoots", more,
              f"Crossings of the minimum per start: {fmt(over_high, 1, 1)} with momentum {numbers['high']} against "
              f"{fmt(over_usual, 1, 1)} with {numbers['usual']} (95% CI over {n} starts; counted until settled "
              f"or the end of {budget} steps)."),
        Claim("undamped", still,
              f"Over the last tenth of {budget} steps with momentum {numbers['high']} the swings still reached "
              f"{_share(ends)} of the starting distance, over {n} starts (still swinging means "
              f"{UNDAMPED_SHARE:g}–{1 / UNDAMPED_SHARE:g})."),
        Claim("slower", slower,
              f"Steps to settle: {_steps(high_steps)} with momentum {numbers['high']} against {_steps(usual_steps)} "
              f"with {numbers['usual']} (slower means more than 10× as many, or not within {budget} steps)."),
    ]
    return verdict(claims, numbers)


def _steps(steps: Sequence[int | None], unit: str = "") -> str:
    """Mean steps to settle with its interval, the unit after the number, and how many starts never settled."""
    done = [s for s in steps if s is not None]
    if not done:
        return "none within the budget"
    text = fmt(mean_ci(done), 1, 0) + unit
    return text if len(done) == len(steps) else f"{text} for {len(done)} of {len(steps)} starts (the rest never)"


def _share(ends: Sequence[float]) -> str:
    finite = [e for e in ends if math.isfinite(e)]
    if len(finite) < len(ends):
        return f"infinite for {len(ends) - len(finite)} of {len(ends)} starts (blown up)"
    return f"{min(finite):.2f}–{max(finite):.2f}"


def example_numbers() -> dict[str, Any]:  # pragma: no mutate block (sample inputs for tests and docs, not logic)
    """Numbers shaped like a default run's, for calling the judge without training."""
    return {"budget": 3000, "tolerance": 1e-3, "usual": "0.9", "high": "0.99999", "learning_rate": 0.01,
            "by_momentum": {
                "0.9": {"overshoots": [14, 13, 15, 14, 12], "steps_to_converge": [140, 135, 150, 138, 131],
                        "end_amplitude_share": [0.0, 0.0, 0.0, 0.0, 0.0]},
                "0.99": {"overshoots": [60, 58, 61, 59, 57], "steps_to_converge": [1400, 1390, 1420, 1380, 1410],
                         "end_amplitude_share": [0.0, 0.0, 0.0, 0.0, 0.0]},
                "0.99999": {"overshoots": [390, 388, 391, 385, 392], "steps_to_converge": [None] * 5,
                            "end_amplitude_share": [0.98, 0.97, 1.01, 0.99, 0.96]}}}
