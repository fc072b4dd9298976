"""Judge of the clipping experiment: gradients vanish in the old setup, the pushed one diverges, clipping holds it."""
from __future__ import annotations

import math
from typing import Any, Sequence

from engine import verdicts

CLAIMS: dict[str, str] = {
    "sigmoid_vanishes": "with sigmoid and normal(0, 1) weights the bottom layer's gradient is far smaller than the "
                        "top layer's, and with ELU and He initialization it is not",
    "unclipped_diverges": "with too large a learning rate the unclipped deep stack diverges (NaN or a loss blow-up)",
    "clipnorm_keeps_finite": "clipping the gradients by norm keeps that same training finite",
    "clipvalue_stops_nan": "clipping them by value keeps it from NaN too, though it bends the gradient's direction",
}
VANISHED = 0.1  # the bottom layer's gradient below a tenth of the top one's counts as vanishing
BLOW_UP = 10 * math.log(10)  # ten times the loss of a uniform guess over ten digits
EXPLODING = "ELU + He, large rate"


def bottom_top_ratio(norms: Sequence[float | None]) -> float | None:
    """First hidden layer's gradient norm over the last hidden layer's (the output layer is left out)."""
    hidden = list(norms[:-1]) if len(norms) > 1 else list(norms)
    if len(hidden) < 2 or hidden[0] is None or not hidden[-1]:
        return None
    return hidden[0] / hidden[-1]


def diverged(run: dict[str, Any]) -> bool:
    """NaN anywhere, or a loss past BLOW_UP."""
    return bool(run["nan"]) or any(v is None or v > BLOW_UP for v in run["losses"])


def judge(numbers: dict[str, Any]) -> verdicts.Verdict:
    """Decide the claims from each run's epoch losses and its per-layer gradient norms at the start.

    `numbers`: {"runs": {"<setting> · <clip>": {"setting", "clip", "losses": [float|None], "nan": bool,
    "gradient_norms": [[float|None per layer] per measurement]}}}.
    """
    runs = numbers["runs"]

    def start_ratio(setting: str) -> float | None:
        return bottom_top_ratio(runs[f"{setting} · none"]["gradient_norms"][0])

    sig, elu = start_ratio("sigmoid + normal(0, 1)"), start_ratio("ELU + He")
    vanishes = sig is not None and elu is not None and sig < VANISHED <= elu
    claims = [verdicts.Claim("sigmoid_vanishes", vanishes,
                             f"Bottom / top hidden-layer gradient norm at the start: {_num(sig)} with sigmoid and "
                             f"normal(0, 1), {_num(elu)} with ELU and He (vanishing below {VANISHED:g}).")]
    plain = runs[f"{EXPLODING} · none"]
    claims.append(verdicts.Claim("unclipped_diverges", diverged(plain),
                                 f"Unclipped at the large rate: {_story(plain)}."))
    by_norm, by_value = (runs[f"{EXPLODING} · {clip}"] for clip in ("clipnorm", "clipvalue"))
    claims.append(verdicts.Claim("clipnorm_keeps_finite", not diverged(by_norm), f"With clipnorm: {_story(by_norm)}."))
    claims.append(verdicts.Claim("clipvalue_stops_nan", recovered(by_value), f"With clipvalue: {_story(by_value)}; "
                                 f"{'no NaN, and it ended below the line' if recovered(by_value) else 'it did not recover'}."))
    return verdicts.verdict(claims, numbers)


def recovered(run: dict[str, Any]) -> bool:
    """No NaN, and the last epoch's loss is finite and below BLOW_UP (a spike on the way is allowed)."""
    last = run["losses"][-1] if run["losses"] else None
    return not run["nan"] and last is not None and last <= BLOW_UP


def _story(run: dict[str, Any]) -> str:
    finite = [v for v in run["losses"] if v is not None]
    if not finite:
        return "no finite epoch loss, NaN from the first epoch"
    last = run["losses"][-1]
    ending = "then NaN" if run["nan"] else f"last {last:.3g}" if last is not None else "last not finite"
    return (f"largest epoch loss {max(finite):.3g}, {ending} "
            f"({'past' if diverged(run) else 'never past'} the blow-up line {BLOW_UP:.3g})")


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def example_numbers() -> dict[str, Any]:  # pragma: no mutate block (sample inputs for tests and docs, not logic)
    """Numbers shaped like a real default run's, for calling the judge without training."""
    def run(setting: str, clip: str, losses: list, nan: bool, ratio: float) -> dict[str, Any]:
        return {"setting": setting, "clip": clip, "losses": losses, "nan": nan,
                "gradient_norms": [[ratio, 0.5, 1.0, 0.7]]}
    runs = {}
    for clip in ("none", "clipnorm", "clipvalue"):
        runs[f"sigmoid + normal(0, 1) · {clip}"] = run("sigmoid + normal(0, 1)", clip, [2.4, 2.3], False, 1e-4)
        runs[f"ELU + He · {clip}"] = run("ELU + He", clip, [1.2, 0.5], False, 0.8)
        runs[f"{EXPLODING} · {clip}"] = run(EXPLODING, clip, [None] if clip == "none" else [2.5, 2.0],
                                            clip == "none", 0.8)
    return {"runs": runs, "hidden_layers": 3}
