"""Judge of question 6: FTRL with ℓ1 and ℓ1-then-zeroing give exact zeros their controls do not, at little accuracy.

Weights fed by pixels that are blank in every training image are counted apart: no gradient ever reaches them,
so FTRL leaves them at exactly 0 whatever its ℓ1 strength, and counting them would prove nothing.
"""
from __future__ import annotations

from typing import Any

from engine.verdicts import Claim, Interval, Verdict, mean_ci, proportion_ci, proportion_diff_ci, verdict

CLAIMS = {
    "ftrl_exact_zeros": "FTRL with ℓ1 sets weights exactly to zero by itself: more of the weights that get a "
                        "gradient (those not fed by an always-blank pixel) end exactly 0 than with FTRL without ℓ1",
    "l1_then_zeroing": "ℓ1 regularization followed by zeroing the weights below the threshold leaves more exact "
                       "zeros than the same zeroing after plain training",
    "accuracy_kept": "each sparse model's test accuracy stays within the stated margin of its dense control "
                     "(FTRL with ℓ1 against FTRL without, ℓ1 then zeroing against plain training then zeroing)",
}


def zeros(method: dict[str, Any]) -> Interval:
    """The share of exact zeros among the weights that get a gradient, with its 95% Wilson interval."""
    return proportion_ci(int(method["zeros_lit"]), int(method["weights_lit"]))


def more_zeros(sparse: dict[str, Any], control: dict[str, Any]) -> Interval:
    """Share of exact zeros (weights that get a gradient) in sparse minus control, with Newcombe's 95% interval."""
    return proportion_diff_ci(int(sparse["zeros_lit"]), int(sparse["weights_lit"]),
                              int(control["zeros_lit"]), int(control["weights_lit"]))


def accuracy_gap(pair: dict[str, int]) -> Interval:
    """Sparse minus control test accuracy, paired image by image, with its 95% interval."""
    n, sparse_only, control_only = int(pair["n"]), int(pair["only_sparse_right"]), int(pair["only_control_right"])
    if n <= 0 or sparse_only < 0 or control_only < 0 or sparse_only + control_only > n:
        raise ValueError("need 0 <= only_sparse_right + only_control_right <= n")
    return mean_ci([1.0] * sparse_only + [-1.0] * control_only + [0.0] * (n - sparse_only - control_only))


def _share(interval: Interval) -> str:
    return f"{interval.value:.1%} [{interval.low:.1%}, {interval.high:.1%}]"


def _points(interval: Interval) -> str:
    return f"{interval.value * 100:+.1f} points [{interval.low * 100:+.1f}, {interval.high * 100:+.1f}]"


def _never_lit(method: dict[str, Any]) -> str:
    return f"{int(method['zeros_never_lit'])}/{int(method['weights_never_lit'])}"


def judge(numbers: dict[str, Any]) -> Verdict:
    """Decide the three claims of question 6 from zero counts and paired correctness counts."""
    m = numbers["methods"]
    ftrl, control, l1, plain = m["ftrl_l1"], m["ftrl_control"], m["l1_zeroed"], m["plain_zeroed"]
    ftrl_gain, l1_gain = more_zeros(ftrl, control), more_zeros(l1, plain)
    gaps = {name: accuracy_gap(pair) for name, pair in numbers["accuracy_pairs"].items()}
    margin = float(numbers["margin_points"]) / 100
    never = f"{numbers['never_lit_pixels']} of {numbers['pixels']} pixels are blank in every training image"
    claims = [
        Claim("ftrl_exact_zeros", ftrl_gain.above(0.0),
              f"Exact zeros among the {int(ftrl['weights_lit']):,} weights that get a gradient: FTRL with ℓ1 "
              f"{numbers['ftrl_l1']:g} {_share(zeros(ftrl))}, without ℓ1 {_share(zeros(control))}, difference "
              f"{_points(ftrl_gain)} (95% CIs); {never}, and their weights were exactly 0 in "
              f"{_never_lit(ftrl)} and {_never_lit(control)} cases by construction, counted apart."),
        Claim("l1_then_zeroing", l1_gain.above(0.0),
              f"After zeroing |w| < {numbers['threshold']:g}: ℓ1 {numbers['l1']:g} left {_share(zeros(l1))} exact "
              f"zeros, plain training {_share(zeros(plain))}, difference {_points(l1_gain)} (95% CIs; never-lit "
              f"weights apart: {_never_lit(l1)} and {_never_lit(plain)})."),
        Claim("accuracy_kept", bool(gaps) and all(g.low > -margin for g in gaps.values()),
              "Test accuracy, sparse minus its control, paired over "
              f"{next(iter(gaps.values())).n if gaps else 0} test images: "
              + ", ".join(f"{name} {_points(g)}" for name, g in gaps.items())
              + f" (95% CIs; the margin is −{numbers['margin_points']:g} points)."),
    ]
    return verdict(claims, numbers)


def example_numbers() -> dict[str, Any]:  # pragma: no mutate block (sample inputs for tests and docs, not logic)
    """Numbers shaped like a default run's, for calling the judge without training."""
    lit, never = 89_400, 13_600

    def method(zeros_lit: int, zeros_never: int) -> dict[str, int]:
        return {"zeros_lit": zeros_lit, "weights_lit": lit, "zeros_never_lit": zeros_never,
                "weights_never_lit": never}

    return {"ftrl_l1": 1e-3, "l1": 1e-4, "threshold": 1e-3, "margin_points": 3.0, "never_lit_pixels": 136,
            "pixels": 784,
            "methods": {"plain_zeroed": method(300, 50), "l1_zeroed": method(40_000, 13_000),
                        "ftrl_l1": method(30_000, never), "ftrl_control": method(20, never)},
            "accuracy_pairs": {"FTRL with ℓ1": {"n": 2000, "only_sparse_right": 30, "only_control_right": 45},
                               "ℓ1 then zeroing": {"n": 2000, "only_sparse_right": 25, "only_control_right": 40}}}
