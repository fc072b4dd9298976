"""Small helpers several topic judges share: censored counts and per-seed comparisons."""
from __future__ import annotations

import math
from typing import Sequence

from engine import verdicts


def censored(epochs: Sequence[int | None], budget: int) -> list[float]:
    """Epochs to a target with 'never' counted as one past the budget (a lower bound on the truth)."""
    return [float(e) if e is not None else float(budget + 1) for e in epochs]


def every_seed_less(a: Sequence[float], b: Sequence[float]) -> bool:
    """Every paired value of a is strictly below b's (no seed disagrees); empty input proves nothing."""
    return bool(a) and len(a) == len(b) and all(x < y for x, y in zip(a, b))


def diff_text(a: Sequence[float], b: Sequence[float], scale: float = 1.0, digits: int = 1, unit: str = "") -> str:
    """'mean ± half-width (95% CI, n seeds)' of a − b, or the single difference for one seed."""
    interval = verdicts.paired_diff_ci(a, b)
    n = interval.n
    if not math.isfinite(interval.half_width):
        return f"{interval.value * scale:+.{digits}f}{unit} (1 seed, no interval)"
    return f"{verdicts.fmt(interval, scale, digits, unit)} (95% CI, {n} seeds)"


def mean(values: Sequence[float]) -> float:
    """The mean of the finite values (NaN when there are none)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan
