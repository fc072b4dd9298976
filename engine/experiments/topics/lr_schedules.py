"""Learning-rate scheduling: a range test finds a rate, then six schedules built on it race for the same budget."""
from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

from engine.context import RunContext
from engine.experiments.demos import common
from engine.experiments.demos.momentum import StepLosses
from engine.experiments.topics.optimizers import first_reaching
from engine.judges import lr_schedules as judge_lr

SCHEDULES = ("constant", "power", "exponential", "piecewise", "performance", "1cycle")
CHART_POINTS = 120  # learning-rate samples per schedule on the chart


class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """Smith's 1cycle: up linearly from peak/10 to the peak over 45% of the steps, back down over the next 45%,
    then down to peak/1000 over the last 10%."""

    def __init__(self, peak: float, total_steps: int) -> None:
        self.peak, self.total = float(peak), max(int(total_steps), 2)

    def __call__(self, step: Any) -> Any:
        ops = keras.ops
        step = ops.cast(step, "float32")
        start, end, half = self.peak / 10, self.peak / 1000, 0.45 * self.total
        rising = start + (self.peak - start) * step / half
        falling = self.peak - (self.peak - start) * (step - half) / half
        tail = start - (start - end) * ops.minimum((step - 2 * half) / (self.total - 2 * half), 1.0)
        return ops.where(step < half, rising, ops.where(step < 2 * half, falling, tail))

    def get_config(self) -> dict[str, Any]:
        return {"peak": self.peak, "total_steps": self.total}


class EpochRates(keras.callbacks.Callback):
    """The optimizer's learning rate at the start of each epoch (for the plateau schedule's chart)."""

    def __init__(self) -> None:
        super().__init__()
        self.rates: list[float] = []

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))


def build_schedule(name: str, rate: float, high: float, steps_per_epoch: int, epochs: int) -> Any:
    """The learning rate (a float or a Keras schedule) of one named schedule.

    `constant` holds the range test's suggested rate; the others start large (`high`) and reduce it, which is
    the chapter's point: start large, then lower the rate, and beat the best constant one.
    """
    total = steps_per_epoch * epochs
    s = keras.optimizers.schedules
    if name == "constant":
        return rate
    if name == "performance":  # ReduceLROnPlateau lowers it from there
        return high
    if name == "power":  # η0 / (1 + t/s), c = 1, s = two epochs
        return s.InverseTimeDecay(high, decay_steps=2 * steps_per_epoch, decay_rate=1.0)
    if name == "exponential":  # η0 · 0.01^(t/s), s = the whole budget: a hundredth of η0 at the end
        return s.ExponentialDecay(high, decay_steps=total, decay_rate=0.01)
    if name == "piecewise":  # η0, then η0/10 after half the budget, then η0/100 for the last fifth
        return s.PiecewiseConstantDecay([int(0.5 * total), int(0.8 * total)], [high, high / 10, high / 100])
    if name == "1cycle":
        return OneCycle(high, total)
    raise ValueError(f"unknown schedule {name!r}")


class StopAfter(keras.callbacks.Callback):
    """Ends training after a given number of steps (the range test's length need not be whole epochs)."""

    def __init__(self, steps: int) -> None:
        super().__init__()
        self.steps, self.done = steps, 0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.done += 1
        if self.done >= self.steps:
            self.model.stop_training = True


def range_test(ctx: RunContext, split: Any, p: dict[str, Any]) -> tuple[list[float], list[float | None]]:
    """range_steps steps with the rate growing exponentially from lr_min to lr_max; each step's rate and loss."""
    steps, per_epoch = p["range_steps"], max(len(split.y_train) // p["batch_size"], 1)
    growth = keras.optimizers.schedules.ExponentialDecay(p["lr_min"], decay_steps=steps,
                                                         decay_rate=p["lr_max"] / p["lr_min"])  # rate > 1: it grows
    keras.utils.set_random_seed(p["seed"])
    model = _model(p, p["seed"])
    recorder = StepLosses()
    common.fit(ctx, model, split, series="range test", epochs=-(-steps // per_epoch), batch_size=p["batch_size"],
               seed=p["seed"], optimizer=keras.optimizers.SGD(growth, momentum=0.9),
               callbacks=[recorder, StopAfter(steps)], steps_per_execution=1, validate=False)
    losses = recorder.losses[:steps]
    rates = [p["lr_min"] * (p["lr_max"] / p["lr_min"]) ** (i / steps) for i in range(len(losses))]
    return rates, [v if math.isfinite(v) else None for v in losses]


def run(ctx: RunContext) -> dict[str, Any]:
    """Range test, then each schedule for every seed; chart the test, the rates, and judge who got there first."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    ctx.phase("range test", detail=f"rate grows from {p['lr_min']:g} to {p['lr_max']:g} over {p['range_steps']} steps")
    rates, losses = range_test(ctx, split, p)
    found = judge_lr.turning_point(rates, losses)
    rate = found["suggested_rate"] or p["lr_min"]
    peak = rate * p["high_rate_factor"]
    charts = {"range_test": _range_chart(ctx, rates, losses, found)}
    ctx.check_stop()
    steps = max(len(split.y_train) // p["batch_size"], 1)
    seeds = [p["seed"] + i for i in range(p["seeds"])]
    by: dict[str, dict[str, list]] = {n: {"epochs_to_target": [], "best_val_accuracy": []} for n in SCHEDULES}
    plateau_rates: list[float] = []
    total_epochs = 0
    for index, seed in enumerate(seeds):
        for name in SCHEDULES:
            keras.utils.set_random_seed(seed)
            model = _model(p, seed)
            extra: list[keras.callbacks.Callback] = []
            if name == "performance":
                extra = [keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2), EpochRates()]
            trained = common.fit(ctx, model, split, series=name if index == 0 else f"{name} · seed {seed}",
                                 epochs=p["epochs"], batch_size=p["batch_size"], seed=seed,
                                 optimizer=keras.optimizers.SGD(build_schedule(name, rate, peak, steps, p["epochs"]),
                                                                momentum=0.9), callbacks=extra)
            total_epochs += trained["epochs"]
            val = trained["history"].get("val_accuracy", [])
            by[name]["epochs_to_target"].append(first_reaching(val, p["target_accuracy"]))
            by[name]["best_val_accuracy"].append(max(val) if val else None)
            if name == "performance" and index == 0:
                plateau_rates = extra[1].rates
        ctx.check_stop()
    charts["learning_rate"] = _rates_chart(ctx, rate, peak, steps, p["epochs"], plateau_rates)
    numbers = {"range_test": found, "rate": rate, "high_rate": peak, "epochs": p["epochs"],
               "target": p["target_accuracy"], "seeds": seeds, "by_schedule": by}
    results = common.table(ctx, "schedules", f"SGD (momentum 0.9): constant at the found rate {rate:.3g}, the others "
                           f"from {peak:.3g}; {p['epochs']} epochs, mean over {len(seeds)} seeds",
                           ["schedule", "epochs to target", "best val acc"],
                           [[n, _mean_text(f["epochs_to_target"], 1), _mean_text(f["best_val_accuracy"], 4)]
                            for n, f in by.items()])
    judged = judge_lr.judge(numbers)
    best = max(by, key=lambda n: np.mean([v for v in by[n]["best_val_accuracy"] if v is not None] or [0]))
    return {"summary": {"best_val_accuracy": float(np.mean(by[best]["best_val_accuracy"])), "epochs": total_epochs,
                        "suggested_rate": rate, "best_schedule": best},
            "tables": {"schedules": results}, "charts": charts, "data": split.sizes(),
            "verdict": common.emit_verdict(ctx, judged)}


def _model(p: dict[str, Any], seed: int) -> keras.Model:
    return common.dense_stack(p["hidden_layers"], p["units"], "elu", common.seeded("he_normal", seed), seed=seed)


def _range_chart(ctx: RunContext, rates: list[float], losses: list[float | None], found: dict) -> dict:
    smoothed = judge_lr.smooth(losses)
    shown = [v if math.isfinite(v) else None for v in smoothed]
    finite = [v for v in shown if v is not None] or [0.0, 1.0]
    # cut the blow-up off the top so the dip stays visible, but keep the flat start (it shows where the fall begins)
    top = max(finite[0], min(max(finite), 4 * min(finite)))
    series: dict[str, tuple[list, list]] = {"smoothed loss": (rates, [v if v is not None and v <= top else None
                                                                      for v in shown])}
    if found["turn_rate"]:
        span = [min(finite), top]
        series["turns up"] = ([found["turn_rate"]] * 2, span)
        series["suggested (a tenth)"] = ([found["suggested_rate"]] * 2, span)
    return common.curve(ctx, "range_test", "Range test: loss as the learning rate grows", "learning rate (log)",
                        "loss", series, x_scale="log")


def _rates_chart(ctx: RunContext, rate: float, peak: float, steps: int, epochs: int,
                 plateau: list[float]) -> dict:
    total = steps * epochs
    xs = sorted({int(i * (total - 1) / (CHART_POINTS - 1)) for i in range(CHART_POINTS)})
    series: dict[str, tuple[list, list]] = {}
    for name in SCHEDULES:
        if name == "performance":
            series[name] = ([s for e in range(len(plateau)) for s in (e * steps, (e + 1) * steps - 1)],
                            [r for r in plateau for _ in range(2)])
            continue
        schedule = build_schedule(name, rate, peak, steps, epochs)
        series[name] = (xs, [float(keras.ops.convert_to_numpy(schedule(x))) if callable(schedule) else rate
                             for x in xs])
    return common.curve(ctx, "learning_rate", "Learning rate per step", "step", "learning rate (log)", series,
                        y_scale="log")


def _mean_text(values: list, digits: int) -> str:
    got = [float(v) for v in values if v is not None]
    if not got:
        return "never"
    missing = len(values) - len(got)
    return f"{np.mean(got):.{digits}f}" + (f" ({missing} never)" if missing else "")
