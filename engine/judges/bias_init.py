"""Judge of question 2: zero biases train as well as random ones, shown as equivalence within a margin."""
from __future__ import annotations

from typing import Any

from engine.verdicts import Claim, Verdict, fmt, mean_ci, paired_diff_ci, verdict

CLAIMS = {
    "equivalent": "zero biases and random biases drawn on the weights' scale reach the same test accuracy: "
                  "the 95% interval of their paired gap lies inside the stated margin",
}


def judge(numbers: dict[str, Any]) -> Verdict:
    """Equivalence only when the whole interval of the paired gap (zero − random) lies within ±margin."""
    zero, random = list(numbers["test_accuracy_zero"]), list(numbers["test_accuracy_random"])
    margin = float(numbers["margin_points"]) / 100
    gap = paired_diff_ci(zero, random)
    inside = gap.inside(-margin, margin)
    if inside:
        finding = "the interval lies inside it"
    elif gap.above(margin) or gap.below(-margin):
        finding = f"the interval lies beyond it, {'zero' if gap.value > 0 else 'random'} biases doing better"
    elif gap.half_width > margin:
        finding = "the interval is wider than the margin, so this run cannot show equivalence"
    else:
        finding = f"the interval reaches past it, {'zero' if gap.value > 0 else 'random'} biases doing better"
    text = (f"Zero minus random biases (std {numbers['bias_scale']:g}× the weights' per layer): "
            f"{fmt(gap, 100, 2)} points of test accuracy (95% CI, paired over {gap.n} seeds on the same "
            f"{numbers['test_images']} test images; zero {fmt(mean_ci(zero), 100, 2)}%, random "
            f"{fmt(mean_ci(random), 100, 2)}%); margin ±{numbers['margin_points']:g} points: {finding}.")
    return verdict([Claim("equivalent", inside, text)], numbers)


def example_numbers() -> dict[str, Any]:  # pragma: no mutate block (sample inputs for tests and docs, not logic)
    """Numbers shaped like a default run's, for calling the judge without training."""
    return {"margin_points": 0.5, "bias_scale": 1.0, "test_images": 10000,
            "seeds": list(range(42, 50)),
            "test_accuracy_zero": [0.951, 0.948, 0.953, 0.950, 0.949, 0.952, 0.947, 0.950],
            "test_accuracy_random": [0.950, 0.949, 0.951, 0.951, 0.948, 0.950, 0.949, 0.949]}
