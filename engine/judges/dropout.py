"""Judge of question 7: what dropout costs in training and at inference, and what MC Dropout costs and gives."""
from __future__ import annotations

import math
from typing import Any, Sequence

from engine.verdicts import Z95, Claim, Interval, Verdict, mean_ci, paired_diff_ci, verdict

# "about N times": the time of N samples over N times one sample's must lie within these bounds. They are wide
# enough for the timing noise of a shared CPU and still far from what batching or a fixed cost would show.
MC_LOW, MC_HIGH = 1 / 2, 2

CLAIMS = {
    "slower_training": "training with dropout takes longer to reach its best validation loss than training "
                       "without it",
    "free_inference": "standard dropout costs nothing at inference: the trained model predicts as fast with its "
                      "dropout layers as with them removed, within the stated margin",
    "mc_n_times": "MC Dropout with N samples costs about N times one pass: for every N, its time over N times "
                  "one sample's lies between half and twice",
    "mc_not_worse": "MC Dropout's averaged prediction is no less accurate than a single pass, beyond the stated "
                    "margin",
    "mc_uncertainty": "the spread of the MC samples is larger on the test images MC Dropout gets wrong than on "
                      "those it gets right",
}


def ratio(slow: Sequence[float], fast: Sequence[float], scale: float = 1.0) -> Interval:
    """Geometric mean of slow/(scale × fast) over paired rounds, with its 95% interval."""
    logs = mean_ci([math.log(s / (scale * f)) for s, f in zip(slow, fast) if s > 0 and f > 0])
    low = math.exp(logs.low) if math.isfinite(logs.low) else 0.0
    high = math.exp(logs.high) if math.isfinite(logs.high) else math.inf
    return Interval(math.exp(logs.value), low, high, logs.n)


def accuracy_gap(pair: dict[str, int]) -> Interval:
    """MC minus single-pass accuracy, paired image by image, with its 95% interval."""
    n, mc_only, single_only = int(pair["n"]), int(pair["only_mc_right"]), int(pair["only_single_right"])
    if n <= 0 or mc_only < 0 or single_only < 0 or mc_only + single_only > n:
        raise ValueError("need 0 <= only_mc_right + only_single_right <= n")
    return mean_ci([1.0] * mc_only + [-1.0] * single_only + [0.0] * (n - mc_only - single_only))


def spread_gap(wrong: dict[str, float], right: dict[str, float]) -> Interval:
    """Mean MC spread on wrong images minus on right ones, with a 95% normal (Welch) interval."""
    n_wrong, n_right = int(wrong["n"]), int(right["n"])
    diff = float(wrong["mean"]) - float(right["mean"])
    if n_wrong < 2 or n_right < 2:
        return Interval(diff, -math.inf, math.inf, min(n_wrong, n_right))
    half = Z95 * math.sqrt(float(wrong["sd"]) ** 2 / n_wrong + float(right["sd"]) ** 2 / n_right)
    return Interval(diff, diff - half, diff + half, min(n_wrong, n_right))


def _ratio(interval: Interval) -> str:
    return f"{interval.value:.2f}× [{interval.low:.2f}, {interval.high:.2f}]"


def _range(interval: Interval, scale: float = 1.0, digits: int = 1, unit: str = "") -> str:
    return (f"{interval.value * scale:+.{digits}f}{unit} [{interval.low * scale:+.{digits}f}, "
            f"{interval.high * scale:+.{digits}f}]")


def _mean(values: Sequence[float], digits: int = 1) -> str:
    interval = mean_ci(values)
    if not math.isfinite(interval.half_width):
        return f"{interval.value:.{digits}f}"
    return f"{interval.value:.{digits}f} ± {interval.half_width:.{digits}f}"


def judge(numbers: dict[str, Any]) -> Verdict:
    """Decide the five claims of question 7 from a run's timings, epochs and paired predictions."""
    none, drop = numbers["training"]["none"], numbers["training"]["dropout"]
    seeds = len(none["seconds_to_best"])
    later = paired_diff_ci(drop["seconds_to_best"], none["seconds_to_best"])
    inference = numbers["inference_ms"]
    margin = float(numbers["inference_margin"])
    free = ratio(inference["with_layers"], inference["without_layers"])
    mc = numbers["mc_ms"]
    one = mc["1"]
    per_n = {int(n): ratio(ms, one, int(n)) for n, ms in mc.items() if n != "1"}
    gap = accuracy_gap(numbers["accuracy_pair"])
    mc_margin = float(numbers["mc_margin_points"]) / 100
    spread = spread_gap(numbers["spread"]["wrong"], numbers["spread"]["right"])
    claims = [
        Claim("slower_training", later.above(0.0),
              f"Seconds to the best validation loss, dropout {numbers['dropout']:g} minus none: {_range(later, 1, 2)} s "
              f"(95% CI, paired over {seeds} seed(s)); epochs to it {_mean(drop['epochs_to_best'])} against "
              f"{_mean(none['epochs_to_best'])}, seconds per epoch {_mean(drop['seconds_per_epoch'], 3)} against "
              f"{_mean(none['seconds_per_epoch'], 3)}."),
        Claim("free_inference", free.inside(1 / (1 + margin), 1 + margin),
              f"One prediction pass with the dropout layers took {_ratio(free)} the time without them (95% CI, "
              f"{free.n} paired rounds; margin ±{margin:.0%}); their outputs differed by at most "
              f"{float(numbers['max_output_difference']):.1e}."),
        Claim("mc_n_times", bool(per_n) and all(r.inside(MC_LOW, MC_HIGH) for r in per_n.values()),
              "MC Dropout's time over N × one sample's: "
              + ", ".join(f"N = {n}: {_ratio(r)}" for n, r in per_n.items())
              + f" (95% CIs, {len(one)} rounds for every N)."),
        Claim("mc_not_worse", gap.low > -mc_margin,
              f"MC accuracy {numbers['mc_accuracy']:.1%} against {numbers['single_accuracy']:.1%} for one pass: "
              f"{_range(gap, 100, 1, ' points')} (95% CI, paired over {gap.n} test images; margin "
              f"−{numbers['mc_margin_points']:g} points)."),
        Claim("mc_uncertainty", spread.above(0.0),
              f"Std of the chosen class's probability across {numbers['mc_samples']} samples: "
              f"{float(numbers['spread']['wrong']['mean']):.3f} on {int(numbers['spread']['wrong']['n'])} wrong "
              f"images, {float(numbers['spread']['right']['mean']):.3f} on {int(numbers['spread']['right']['n'])} "
              f"right ones; difference {_range(spread, 1, 3)} (95% CI)."),
    ]
    return verdict(claims, numbers)


def example_numbers() -> dict[str, Any]:  # pragma: no mutate block (sample inputs for tests and docs, not logic)
    """Numbers shaped like a default run's, for calling the judge without training."""
    rounds = 5
    return {"dropout": 0.3, "mc_samples": 100, "inference_margin": 0.1, "mc_margin_points": 1.0,
            "training": {"none": {"seconds_to_best": [1.2, 1.5, 1.1], "epochs_to_best": [5, 6, 5],
                                  "seconds_per_epoch": [0.21, 0.22, 0.2]},
                         "dropout": {"seconds_to_best": [9.5, 11.0, 10.2], "epochs_to_best": [10, 12, 11],
                                     "seconds_per_epoch": [0.9, 0.92, 0.93]}},
            "inference_ms": {"with_layers": [2.0, 2.1, 1.9, 2.0, 2.05, 1.95],
                             "without_layers": [2.0, 2.0, 1.95, 2.05, 2.0, 2.0]},
            "max_output_difference": 0.0,
            "mc_ms": {"1": [3.0 + 0.1 * (i % 2) for i in range(rounds)],
                      "10": [29.0 + 0.5 * (i % 3) for i in range(rounds)],
                      "100": [290.0 + 3 * (i % 2) for i in range(rounds)]},
            "accuracy_pair": {"n": 2000, "only_mc_right": 30, "only_single_right": 22},
            "mc_accuracy": 0.935, "single_accuracy": 0.931,
            "spread": {"wrong": {"mean": 0.21, "sd": 0.08, "n": 130}, "right": {"mean": 0.04, "sd": 0.05, "n": 1870}}}
