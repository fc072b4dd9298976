"""Verdicts as plain data and the small statistics they are judged with (no TensorFlow, no numpy).

A demo measures numbers; a `judge_*` function of those numbers alone decides whether each claim of
its answer held. Keeping the judgment here, away from training, lets tests feed it numbers for which
a claim holds, numbers for which it does not, and numbers at the edges, in microseconds.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

# Two-sided 95% Student t critical values by degrees of freedom; past 30 the normal value is close enough.
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
        2.045, 2.042)
Z95 = 1.960


@dataclass(frozen=True)
class Claim:
    """One statement of an answer, and whether this run's numbers bore it out."""

    name: str
    holds: bool
    text: str

    def to_json(self) -> dict[str, Any]:
        """The claim as result.json and the events carry it."""
        return {"name": self.name, "holds": self.holds, "text": self.text}


@dataclass(frozen=True)
class Verdict:
    """What a run proved: held only when every claim held; the text says what was measured."""

    claims: tuple[Claim, ...]
    numbers: dict[str, Any] = field(default_factory=dict)

    @property
    def holds(self) -> bool:
        """A verdict with no claims proves nothing, so it does not hold."""
        return bool(self.claims) and all(claim.holds for claim in self.claims)

    @property
    def text(self) -> str:
        """The claims' sentences, each marked, in order."""
        return " ".join(f"[{'held' if c.holds else 'not held'}] {c.text}" for c in self.claims)

    def to_json(self) -> dict[str, Any]:
        """The verdict as result.json stores it."""
        return {"holds": self.holds, "text": self.text, "claims": [c.to_json() for c in self.claims],
                "numbers": dict(self.numbers)}


def verdict(claims: Iterable[Claim], numbers: dict[str, Any] | None = None) -> Verdict:
    """A verdict from its claims and the numbers they were judged on."""
    return Verdict(tuple(claims), dict(numbers or {}))


def t95(dof: int) -> float:
    """The two-sided 95% Student t critical value for `dof` degrees of freedom (dof >= 1)."""
    if dof < 1:
        raise ValueError("a t interval needs at least two values")
    return _T95[dof - 1] if dof <= len(_T95) else Z95


@dataclass(frozen=True)
class Interval:
    """A mean (or difference, or share) with its 95% confidence interval."""

    value: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width: the ± to print."""
        return (self.high - self.low) / 2

    def above(self, threshold: float) -> bool:
        """The whole interval lies above the threshold."""
        return self.low > threshold

    def below(self, threshold: float) -> bool:
        """The whole interval lies below the threshold."""
        return self.high < threshold

    def inside(self, low: float, high: float) -> bool:
        """The whole interval lies within [low, high] (an equivalence test)."""
        return low <= self.low and self.high <= high

    def to_json(self) -> dict[str, Any]:
        """The interval as plain numbers."""
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}


def mean_ci(values: Sequence[float]) -> Interval:
    """The mean of finite values with a 95% t interval (a single value has an infinite interval)."""
    finite = [float(v) for v in values if v is not None and math.isfinite(v)]
    if not finite:
        raise ValueError("no finite values to average")
    n = len(finite)
    mean = sum(finite) / n
    if n == 1:
        return Interval(mean, -math.inf, math.inf, 1)
    sd = math.sqrt(sum((v - mean) ** 2 for v in finite) / (n - 1))
    half = t95(n - 1) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


def paired_diff_ci(a: Sequence[float], b: Sequence[float]) -> Interval:
    """The mean of a - b over pairs (same seed, same image) with its 95% t interval."""
    if len(a) != len(b):
        raise ValueError("paired values must come in pairs")
    return mean_ci([x - y for x, y in zip(a, b)])


def proportion_ci(successes: int, n: int) -> Interval:
    """A share with its 95% Wilson interval, which stays inside [0, 1] even at 0 or n successes."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError("a share needs 0 <= successes <= n and n > 0")
    p = successes / n
    z2 = Z95 ** 2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half), n)


def fmt(interval: Interval, scale: float = 1.0, digits: int = 2, unit: str = "") -> str:
    """`value ± half-width` for a sentence, scaled (100 for points) and rounded."""
    value = interval.value * scale
    if not math.isfinite(interval.half_width):
        return f"{value:.{digits}f}{unit}"
    return f"{value:.{digits}f} ± {interval.half_width * scale:.{digits}f}{unit}"


def proportion_diff_ci(successes_a: int, n_a: int, successes_b: int, n_b: int) -> Interval:
    """The share of a minus the share of b with Newcombe's 95% interval (built from both Wilson intervals)."""
    a, b = proportion_ci(successes_a, n_a), proportion_ci(successes_b, n_b)
    diff = a.value - b.value
    low = diff - math.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
    high = diff + math.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
    return Interval(diff, max(-1.0, low), min(1.0, high), min(n_a, n_b))
