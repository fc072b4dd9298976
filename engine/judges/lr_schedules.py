"""Judge of the learning-rate experiment: the range test's turning point, and which schedule got there first."""
from __future__ import annotations

import math
from typing import Any, Sequence

from engine import verdicts
from engine.judges.shared import censored, diff_text, every_seed_less

CLAIMS: dict[str, str] = {
    "range_test_turns_up": "as the learning rate grows exponentially the loss first falls, then turns up",
    "onecycle_beats_constant": "1cycle ends the same budget with a higher best validation accuracy than the "
                               "suggested rate held constant",
    "decay_beats_constant": "starting large and reducing the rate (exponential and piecewise constant decay) ends "
                            "with a higher best validation accuracy than the suggested constant rate",
}
SMOOTHING = 0.9  # weight of the running average of step losses (the raw ones are too noisy to find a minimum)
FALL = 0.9  # the smoothed loss must drop below this share of its start to count as "falling"
START_SHARE = 0.05  # "its start": the mean raw loss over the first 5% of the steps (one step is too noisy)
BLOW_UP = 1.5  # ... and later climb past this multiple of its minimum (or become NaN) to count as "turning up"
SUGGESTED_SHARE = 0.1  # the chapter's rule: about a tenth of the rate where the loss turns up


def smooth(losses: Sequence[float | None]) -> list[float]:
    """Bias-corrected exponential running average; NaN (a blown-up step) stays NaN from there on."""
    out, average, broke = [], 0.0, False
    for step, loss in enumerate(losses, start=1):
        if broke or loss is None or not math.isfinite(loss):
            broke = True
            out.append(math.nan)
            continue
        average = SMOOTHING * average + (1 - SMOOTHING) * loss
        out.append(average / (1 - SMOOTHING ** step))
    return out


def turning_point(rates: Sequence[float], losses: Sequence[float | None]) -> dict[str, Any]:
    """Where the smoothed range-test loss is lowest, whether it fell before and rose after, and the suggestion."""
    smoothed = smooth(losses)
    finite = [(value, i) for i, value in enumerate(smoothed) if math.isfinite(value)]
    if not finite:
        return {"turn_rate": None, "suggested_rate": None, "fell": False, "rose": False, "min_loss": None}
    low, at = min(finite)
    head = [v for v in losses[:max(1, int(len(losses) * START_SHARE))] if v is not None and math.isfinite(v)]
    first = sum(head) / len(head) if head else finite[0][0]
    after = smoothed[at + 1:]
    rose = any(not math.isfinite(v) or v > BLOW_UP * low for v in after)
    return {"turn_rate": float(rates[at]), "suggested_rate": float(rates[at]) * SUGGESTED_SHARE,
            "fell": low < FALL * first, "rose": rose, "min_loss": low, "start_loss": first}


def judge(numbers: dict[str, Any]) -> verdicts.Verdict:
    """Decide the claims from the range test and each schedule's per-seed numbers.

    `numbers`: {"range_test": turning_point(...), "epochs": budget, "target": accuracy,
    "by_schedule": {name: {"epochs_to_target": [int|None per seed], "best_val_accuracy": [float per seed]}}}.
    """
    found, budget, by = numbers["range_test"], int(numbers["epochs"]), numbers["by_schedule"]
    turn = found.get("turn_rate")
    turned = bool(found.get("fell") and found.get("rose"))
    where = (f"lowest smoothed loss {found['min_loss']:.3f} (from {found['start_loss']:.3f}) at rate {turn:.3g}, "
             f"{'then it rose past ' + format(BLOW_UP, 'g') + '× that' if found.get('rose') else 'and it never rose much after'}"
             if turn is not None else "no finite loss at all")
    claims = [verdicts.Claim("range_test_turns_up", turned, f"Range test: {where}; suggested rate "
                             f"{found['suggested_rate']:.3g} (a tenth of the turning point)." if turned else
                             f"Range test: {where}.")]

    def epochs(name: str) -> list[float]:
        return censored(by[name]["epochs_to_target"], budget)

    first = min(by, key=lambda n: (sum(epochs(n)) / len(epochs(n)), -_mean(by[n]["best_val_accuracy"])))
    lead = (f"First to {numbers['target']:.0%} validation accuracy: {first}, at {_mean(epochs(first)):.1f} epochs on "
            f"average (never = {budget + 1}), {_mean(epochs('constant')) - _mean(epochs(first)):.1f} epochs before "
            f"the constant rate")
    const = by["constant"]["best_val_accuracy"]
    cycle = by["1cycle"]["best_val_accuracy"]
    claims.append(verdicts.Claim("onecycle_beats_constant", every_seed_less(const, cycle),
                                 f"Best validation accuracy: 1cycle {diff_text(cycle, const, 100, 2, ' points')} "
                                 f"against constant. {lead}."))
    parts, held = [], True
    for name in ("exponential", "piecewise"):
        mine = by[name]["best_val_accuracy"]
        held = held and every_seed_less(const, mine)
        parts.append(f"{name} {diff_text(mine, const, 100, 2, ' points')}")
    claims.append(verdicts.Claim("decay_beats_constant", held,
                                 "Best validation accuracy against constant: " + "; ".join(parts) + "."))
    return verdicts.verdict(claims, numbers)


def _mean(values: Sequence[float]) -> float:
    finite = [float(v) for v in values if v is not None and math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan


def example_numbers() -> dict[str, Any]:  # pragma: no mutate block (sample inputs for tests and docs, not logic)
    """Numbers shaped like a real default run's (two seeds), for calling the judge without training."""
    rates = [1e-5 * (1e6 ** (i / 99)) for i in range(100)]
    losses = [2.3 - 1.8 * i / 60 if i < 60 else 0.5 * 1.2 ** (i - 60) for i in range(100)]
    by = {n: {"epochs_to_target": [4, 5], "best_val_accuracy": [0.91, 0.905]}
          for n in ("constant", "power", "exponential", "piecewise", "performance", "1cycle")}
    by["1cycle"] = {"epochs_to_target": [6, 6], "best_val_accuracy": [0.92, 0.918]}
    for name in ("exponential", "piecewise"):
        by[name] = {"epochs_to_target": [3, 4], "best_val_accuracy": [0.915, 0.912]}
    return {"range_test": turning_point(rates, losses), "epochs": 10, "target": 0.9, "by_schedule": by}
