"""Judge of question 1: one copied starting value collapses each hidden layer and breaks He's scale."""
from __future__ import annotations

import math
from typing import Any, Sequence

from engine.verdicts import Claim, Interval, Verdict, fmt, mean_ci, t95, verdict

# He initialization aims to keep each layer's pre-activation scale; "off" means more than this factor away.
SCALE_FACTOR = 2.0

CLAIMS = {
    "collapsed": "starting every weight at one copied value leaves each hidden layer a single distinct neuron "
                 "after training",
    "he_distinct": "with He initialization every neuron of every hidden layer stays distinct",
    "less_accurate": "the network started from one copied value is less accurate on the test set",
    "scale_broken": "copying one value does not keep He's activation scale: in some hidden layer the "
                    "pre-activations start more than twice as large or less than half as large",
}


def summary_interval(mean: float, sd: float, n: int) -> Interval:
    """A 95% t interval from a mean, a standard deviation and a count (n = 1 gives an infinite interval)."""
    if n < 2 or not math.isfinite(sd):
        return Interval(mean, -math.inf, math.inf, n)
    half = t95(n - 1) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


def accuracy_gap(n: int, only_he_right: int, only_shared_right: int) -> Interval:
    """He's test accuracy minus the copied value's, paired image by image, with its 95% interval."""
    if n <= 0 or only_he_right < 0 or only_shared_right < 0 or only_he_right + only_shared_right > n:
        raise ValueError("need 0 <= only_he_right + only_shared_right <= test_images")
    diffs = [1.0] * only_he_right + [-1.0] * only_shared_right + [0.0] * (n - only_he_right - only_shared_right)
    return mean_ci(diffs)


def scale_ratios(log_ratio: Sequence[dict[str, float]]) -> list[Interval]:
    """Per layer, the copied arm's pre-activation RMS over He's (geometric mean over images) with its interval."""
    out = []
    for layer in log_ratio:
        ci = summary_interval(layer["mean"], layer["sd"], int(layer["n"]))
        out.append(Interval(math.exp(ci.value), math.exp(ci.low) if math.isfinite(ci.low) else 0.0,
                            math.exp(ci.high) if math.isfinite(ci.high) else math.inf, ci.n))
    return out


def judge(numbers: dict[str, Any]) -> Verdict:
    """Decide the four claims of question 1 from a run's measured numbers."""
    units, shared, he = numbers["units"], list(numbers["distinct_shared"]), list(numbers["distinct_he"])
    gap = accuracy_gap(numbers["test_images"], numbers["only_he_right"], numbers["only_shared_right"])
    ratios = scale_ratios(numbers["preact_log_ratio"])
    off = any(r.above(SCALE_FACTOR) or r.below(1 / SCALE_FACTOR) for r in ratios)
    counts = "/".join(str(c) for c in shared)
    value = numbers.get("shared_value")
    start = f"one copied value ({value:+.4f})" if value is not None else "the control's own He draw"
    claims = [
        Claim("collapsed", bool(shared) and all(c == 1 for c in shared),
              f"From {start} the hidden layers held {counts} distinct "
              f"neuron(s) of {units} after {numbers['epochs']} epoch(s)."),
        Claim("he_distinct", bool(he) and all(c == units for c in he),
              f"With He initialization they held {'/'.join(str(c) for c in he)} of {units}."),
        Claim("less_accurate", gap.above(0.0),
              f"He initialization was {fmt(gap, 100, 1)} points more accurate (95% CI, paired over "
              f"{gap.n} test images: {numbers['test_accuracy_he']:.1%} vs {numbers['test_accuracy_shared']:.1%})."),
        Claim("scale_broken", off,
              "At initialization the first arm's pre-activation RMS was "
              + ", ".join(f"{_ratio(r)}× He's in layer {i + 1}" for i, r in enumerate(ratios))
              + f" (95% CI over {ratios[0].n if ratios else 0} images; off means beyond ×{SCALE_FACTOR:g} or "
                f"÷{SCALE_FACTOR:g})."),
    ]
    return verdict(claims, numbers)


def _ratio(r: Interval) -> str:
    return f"{r.value:.2f} [{r.low:.2f}, {r.high:.2f}]"


def example_numbers() -> dict[str, Any]:  # pragma: no mutate block (sample inputs for tests and docs, not logic)
    """Numbers shaped like a default run's, for calling the judge without training."""
    return {"units": 100, "epochs": 5, "shared_value": -0.0712, "distinct_shared": [1, 1, 1],
            "distinct_he": [100, 100, 100], "test_images": 600, "only_he_right": 380, "only_shared_right": 12,
            "test_accuracy_he": 0.91, "test_accuracy_shared": 0.30,
            "preact_log_ratio": [{"mean": 0.9, "sd": 0.3, "n": 1000}, {"mean": 2.1, "sd": 0.2, "n": 1000},
                                 {"mean": 2.3, "sd": 0.2, "n": 1000}]}
