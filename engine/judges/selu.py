"""Judge of question 3: SELU + LeCun self-normalizes a deep stack; others only aim at a steady scale; dropout breaks it.

Each activation is held to what its own initialization aims for: SELU with LeCun normal at mean 0 and std 1 in
every layer, ReLU and ELU with He normal at an activation scale that stays the same with depth. The first
layers are left out of every check: per-pixel standardized digits are heavy-tailed (rare pixels become large
values), and SELU needs a few layers to pull them to its fixed point.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from engine.verdicts import Claim, Interval, Verdict, fmt, paired_diff_ci, t95, verdict

MEAN_BAND = 0.1
STD_BAND = (0.8, 1.25)

CLAIMS = {
    "selu_fixed_point": "at initialization a deep SELU + LeCun normal stack on standardized inputs keeps every "
                        "layer of its deeper half near mean 0 and standard deviation 1",
    "steadier_scale": "SELU keeps its activation scale steadier with depth than ReLU and ELU with He "
                      "initialization keep theirs",
    "dropout": "regular dropout after SELU layers breaks self-normalization, while alpha dropout keeps it",
    "after_training": "a short training moves SELU's activation scale less than ReLU's and ELU's",
}


def self_normalized(means: Sequence[float], stds: Sequence[float],
                    mean_band: float = MEAN_BAND, std_band: tuple[float, float] = STD_BAND) -> bool:
    """Whether every layer of the deeper half stays within the mean and std bands."""
    half = len(stds) // 2
    return bool(stds[half:]) and (all(abs(m) <= mean_band for m in means[half:])
                                  and all(std_band[0] <= s <= std_band[1] for s in stds[half:]))


def scale_drift(rms: Sequence[float]) -> float:
    """How far the activation scale wanders over the deeper half: max |ln(RMS_l / RMS at the half)|."""
    half = len(rms) // 2
    deeper = [r for r in rms[half:]]
    if not deeper or not all(math.isfinite(r) and r > 0 for r in deeper):
        return math.inf
    return max(abs(math.log(r / deeper[0])) for r in deeper)


def summary_interval(stats: dict[str, float]) -> Interval:
    """A 95% t interval from a mean, a standard deviation and a count."""
    n, mean, sd = int(stats["n"]), float(stats["mean"]), float(stats["sd"])
    if n < 2 or not math.isfinite(sd):
        return Interval(mean, -math.inf, math.inf, n)
    half = t95(n - 1) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


def judge(numbers: dict[str, Any]) -> Verdict:
    """Decide the four claims of question 3 from per-seed statistics at the start and after training."""
    label = numbers["labels"]
    start = numbers["at_start"]
    seeds = len(start[label["selu"]])

    def inside(runs: list[dict[str, list[float]]]) -> int:
        return sum(self_normalized(r["mean"], r["std"]) for r in runs)

    selu_in = inside(start[label["selu"]])
    drift = {k: [scale_drift(r["rms"]) for r in start[label[k]]] for k in ("selu", "relu", "elu")}
    gaps = {k: paired_diff_ci(drift[k], drift["selu"]) for k in ("relu", "elu")}
    steadier = all(math.isfinite(g.value) and g.above(0.0) for g in gaps.values())
    drop_in, alpha_in = inside(start[label["dropout"]]), inside(start[label["alpha"]])
    moved = {k: summary_interval(v) for k, v in numbers["drift_after_training"].items()}
    selu_moved = moved.get(label["selu"])
    others = [moved.get(label[k]) for k in ("relu", "elu")]
    after = numbers["after_training"].get(label["selu"])
    less = (after is not None and selu_moved is not None
            and all(o is not None and selu_moved.high < o.low for o in others))
    band = f"|mean| ≤ {MEAN_BAND:g}, std {STD_BAND[0]:g}–{STD_BAND[1]:g}"
    deeper = numbers["depth"] - numbers["depth"] // 2
    claims = [
        Claim("selu_fixed_point", selu_in == seeds,
              f"At initialization the deeper {deeper} of {numbers['depth']} SELU layers stayed within {band} in "
              f"{selu_in} of {seeds} seeds (last layer, first seed: mean {start[label['selu']][0]['mean'][-1]:+.3f}, "
              f"std {start[label['selu']][0]['std'][-1]:.3f})."),
        Claim("steadier_scale", steadier,
              "Largest change of the activation scale over the deeper half: "
              + ", ".join(f"{k} ×{_factor(drift[k])}" for k in ("selu", "relu", "elu"))
              + "; "
              + ", ".join(f"{k} minus SELU {fmt(gaps[k], 1, 2)} in log scale" for k in ("relu", "elu"))
              + f" (95% CI, paired over {seeds} seeds)."),
        Claim("dropout", drop_in == 0 and alpha_in == seeds,
              f"With dropout active the deeper layers stayed within the band in {drop_in} of {seeds} seeds with "
              f"regular dropout and {alpha_in} of {seeds} with alpha dropout (last layer std, first seed: "
              f"{start[label['dropout']][0]['std'][-1]:.3f} and {start[label['alpha']][0]['std'][-1]:.3f})."),
        Claim("after_training", less,
              (f"{numbers['epochs']} epoch(s) of SGD moved each image's activation scale over the deeper half by a "
               "factor of " + ", ".join(f"{fmt(_exp(m), 1, 2)} for {k}" for k, m in moved.items())
               + f" (95% CI over {numbers['probe_images']} images, one training run each); SELU's last layer then "
                 f"had mean {after['mean'][-1]:+.3f} and std {after['std'][-1]:.3f}.")
              if after is not None and selu_moved is not None else "SELU was not trained in this run."),
    ]
    return verdict(claims, numbers)


def _factor(drifts: list[float]) -> str:
    finite = [d for d in drifts if math.isfinite(d)]
    if not finite:
        return "∞"
    return f"{math.exp(min(finite)):.2f}–{math.exp(max(finite)):.2f}"


def _exp(ci: Interval) -> Interval:
    low = math.exp(ci.low) if math.isfinite(ci.low) else 0.0
    high = math.exp(ci.high) if math.isfinite(ci.high) else math.inf
    return Interval(math.exp(ci.value), low, high, ci.n)


def example_numbers() -> dict[str, Any]:  # pragma: no mutate block (sample inputs for tests and docs, not logic)
    """Numbers shaped like a default run's (a 10-layer stack, 3 seeds), for calling the judge without training."""
    def layers(mean: float, std: float, rms_step: float = 1.0) -> dict[str, list[float]]:
        return {"mean": [mean] * 10, "std": [std] * 10, "rms": [std * rms_step ** i for i in range(10)]}

    labels = {"selu": "SELU + LeCun", "relu": "ReLU + He", "elu": "ELU + He",
              "dropout": "SELU + dropout 0.2", "alpha": "SELU + alpha dropout 0.2"}
    return {"depth": 10, "seeds": [42, 43, 44], "probe_images": 1000, "epochs": 3, "labels": labels,
            "at_start": {labels["selu"]: [layers(0.01, 1.0, 1.0), layers(-0.02, 1.02, 1.001), layers(0.0, 0.98, 0.999)],
                         labels["relu"]: [layers(0.5, 0.8, 0.9), layers(0.5, 0.8, 1.12), layers(0.5, 0.8, 0.95)],
                         labels["elu"]: [layers(0.9, 2.0, 1.05), layers(0.9, 2.0, 1.06), layers(0.9, 2.0, 1.04)],
                         labels["dropout"]: [layers(0.15, 1.6)] * 3, labels["alpha"]: [layers(0.0, 1.0)] * 3},
            "after_training": {labels["selu"]: layers(0.03, 1.1), labels["relu"]: layers(0.4, 0.6),
                               labels["elu"]: layers(0.5, 1.3)},
            "drift_after_training": {labels["selu"]: {"mean": 0.12, "sd": 0.05, "n": 1000},
                                     labels["relu"]: {"mean": 0.55, "sd": 0.2, "n": 1000},
                                     labels["elu"]: {"mean": 0.45, "sd": 0.1, "n": 1000}}}
