"""Judge of question 4: ReLU units die at a high learning rate where the others do not, and the exponential costs time."""
from __future__ import annotations

import math
from typing import Any, Sequence

from engine.verdicts import Claim, Interval, Verdict, mean_ci, proportion_ci, proportion_diff_ci, verdict

OTHERS = ("leaky ReLU", "ELU", "SELU")
# "nearly as fast": leaky ReLU's time alone may be at most this many times ReLU's (upper end of its interval)
LEAKY_BOUND = 1.5

CLAIMS = {
    "relu_dies": "at a high learning rate ReLU units die: more of them pass no gradient (below ε for every "
                 "training image) than in the same network trained at a low learning rate",
    "others_survive": "at the same high learning rate leaky ReLU, ELU and SELU each lose fewer units than ReLU",
    "exponential_costs": "computed alone, ELU and SELU take longer than leaky ReLU (they need an exponential), "
                         "while leaky ReLU stays within 1.5× of ReLU's time",
}


def dying(counts: dict[str, int]) -> Interval:
    """The share of dying units with its 95% Wilson interval."""
    return proportion_ci(int(counts["dead"]), int(counts["units"]))


def difference(a: dict[str, int], b: dict[str, int]) -> Interval:
    """Share dying in a minus share dying in b, with Newcombe's 95% interval."""
    return proportion_diff_ci(int(a["dead"]), int(a["units"]), int(b["dead"]), int(b["units"]))


def time_ratio(slow: Sequence[float], fast: Sequence[float]) -> Interval:
    """Geometric mean of slow/fast over paired timing rounds, with its 95% interval."""
    logs = mean_ci([math.log(s / f) for s, f in zip(slow, fast) if s > 0 and f > 0])
    low = math.exp(logs.low) if math.isfinite(logs.low) else 0.0
    high = math.exp(logs.high) if math.isfinite(logs.high) else math.inf
    return Interval(math.exp(logs.value), low, high, logs.n)


def _share(interval: Interval) -> str:
    return f"{interval.value:.1%} [{interval.low:.1%}, {interval.high:.1%}]"


def _points(interval: Interval) -> str:
    return f"{interval.value * 100:+.1f} points [{interval.low * 100:+.1f}, {interval.high * 100:+.1f}]"


def _ratio(interval: Interval) -> str:
    return f"{interval.value:.2f}× [{interval.low:.2f}, {interval.high:.2f}]"


def judge(numbers: dict[str, Any]) -> Verdict:
    """Decide the three claims of question 4 from dying-unit counts and paired timing rounds."""
    high, control = numbers["dying"], numbers["control"]
    relu = high["ReLU"]
    rise = difference(relu, control)
    gaps = {label: difference(relu, high[label]) for label in OTHERS}
    ms = numbers["latency_ms"]
    versus_leaky = {label: time_ratio(ms[label], ms["leaky ReLU"]) for label in ("ELU", "SELU")}
    leaky = time_ratio(ms["leaky ReLU"], ms["ReLU"])
    eps, units = numbers["epsilon"], relu["units"]
    claims = [
        Claim("relu_dies", rise.above(0.0),
              f"ReLU units passing a gradient below {eps:g} for all {numbers['train_images']} training images: "
              f"{_share(dying(relu))} of {units} after {numbers['epochs']} epoch(s) at learning rate "
              f"{numbers['learning_rate']:g}, against {_share(dying(control))} at {numbers['control_learning_rate']:g}; "
              f"difference {_points(rise)} (95% CIs)."),
        Claim("others_survive", all(gap.above(0.0) for gap in gaps.values()),
              "At the same rate: " + ", ".join(f"{label} {_share(dying(high[label]))}" for label in OTHERS)
              + "; ReLU's share minus theirs: " + ", ".join(f"{label} {_points(g)}" for label, g in gaps.items())
              + " (95% CIs)."),
        Claim("exponential_costs",
              all(r.above(1.0) for r in versus_leaky.values()) and leaky.below(LEAKY_BOUND),
              f"Applied alone to {numbers['latency_elements']:,} values, paired over {leaky.n} rounds: "
              + ", ".join(f"{label} took {_ratio(r)} leaky ReLU's time" for label, r in versus_leaky.items())
              + f", and leaky ReLU {_ratio(leaky)} ReLU's (95% CIs; geometric means)."),
    ]
    return verdict(claims, numbers)


def example_numbers() -> dict[str, Any]:  # pragma: no mutate block (sample inputs for tests and docs, not logic)
    """Numbers shaped like a default run's, for calling the judge without training."""
    rounds = 20
    return {"epsilon": 1e-3, "learning_rate": 0.01, "control_learning_rate": 1e-4, "epochs": 5,
            "train_images": 3000,
            "dying": {"ReLU": {"dead": 60, "units": 500}, "leaky ReLU": {"dead": 0, "units": 500},
                      "ELU": {"dead": 2, "units": 500}, "SELU": {"dead": 1, "units": 500}},
            "control": {"dead": 3, "units": 500},
            "latency_elements": 262_144,
            "latency_ms": {"ReLU": [15.0 + 0.1 * (i % 3) for i in range(rounds)],
                           "leaky ReLU": [12.5 + 0.1 * (i % 2) for i in range(rounds)],
                           "ELU": [41.0 + 0.2 * (i % 4) for i in range(rounds)],
                           "SELU": [40.5 + 0.2 * (i % 3) for i in range(rounds)]}}
