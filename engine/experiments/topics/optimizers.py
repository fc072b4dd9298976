"""The optimizer race: nine Keras optimizers on the same network, data, budget and seeds."""
from __future__ import annotations

from typing import Any, Callable

import keras
import numpy as np

from engine.context import RunContext
from engine.experiments.demos import common
from engine.judges import optimizers as judge_optimizers

# Each optimizer at Keras's own default learning rate, times the run's scale (one knob for a negative control).
OPTIMIZERS: dict[str, tuple[float, Callable[[float], keras.optimizers.Optimizer]]] = {
    "SGD": (0.01, lambda lr: keras.optimizers.SGD(lr)),
    "momentum": (0.01, lambda lr: keras.optimizers.SGD(lr, momentum=0.9)),
    "Nesterov": (0.01, lambda lr: keras.optimizers.SGD(lr, momentum=0.9, nesterov=True)),
    "AdaGrad": (0.001, lambda lr: keras.optimizers.Adagrad(lr)),
    "RMSProp": (0.001, lambda lr: keras.optimizers.RMSprop(lr)),
    "Adam": (0.001, lambda lr: keras.optimizers.Adam(lr)),
    "AdaMax": (0.001, lambda lr: keras.optimizers.Adamax(lr)),
    "Nadam": (0.001, lambda lr: keras.optimizers.Nadam(lr)),
    "AdamW": (0.001, lambda lr: keras.optimizers.AdamW(lr)),
}


def first_reaching(values: list[float], target: float) -> int | None:
    """1-based epoch at which a validation accuracy first reached the target, or None."""
    for epoch, value in enumerate(values, start=1):
        if value is not None and np.isfinite(value) and value >= target:
            return epoch
    return None


def run(ctx: RunContext) -> dict[str, Any]:
    """Train every optimizer for every seed and judge the chapter's claims from the per-seed numbers."""
    p = ctx.params
    split = common.demo_split(ctx, range(10), p["per_class"])
    seeds = [p["seed"] + i for i in range(p["seeds"])]
    found: dict[str, dict[str, list]] = {name: {"epochs_to_target": [], "seconds_to_target": [],
                                                "best_val_accuracy": [], "final_loss": [], "val_curve": []}
                                         for name in OPTIMIZERS}
    total_epochs = 0
    for index, seed in enumerate(seeds):  # seed outside: the first pass draws one clean curve per optimizer
        for name, (default_lr, make) in OPTIMIZERS.items():
            keras.utils.set_random_seed(seed)
            model = common.dense_stack(p["hidden_layers"], p["units"], "elu", common.seeded("he_normal", seed),
                                       seed=seed)
            series = name if index == 0 else f"{name} · seed {seed}"
            trained = common.fit(ctx, model, split, series=series, epochs=p["epochs"], batch_size=p["batch_size"],
                                 seed=seed, optimizer=make(default_lr * p["learning_rate_scale"]))
            total_epochs += trained["epochs"]
            val = trained["history"].get("val_accuracy", [])
            reached = first_reaching(val, p["target_accuracy"])
            record = found[name]
            record["epochs_to_target"].append(reached)
            record["seconds_to_target"].append(float(np.sum(trained["epoch_seconds"][:reached])) if reached else None)
            record["best_val_accuracy"].append(max(val) if val else None)
            losses = trained["history"].get("loss", [])
            record["final_loss"].append(losses[-1] if losses else None)
            record["val_curve"].append(val)
        ctx.check_stop()
    numbers = {"epochs": p["epochs"], "target": p["target_accuracy"], "seeds": seeds,
               "learning_rates": {n: lr * p["learning_rate_scale"] for n, (lr, _) in OPTIMIZERS.items()},
               "by_optimizer": {n: {k: v for k, v in f.items() if k != "val_curve"} for n, f in found.items()}}
    results = common.table(ctx, "optimizers", f"To {p['target_accuracy']:.0%} validation accuracy, mean ± std over "
                           f"{len(seeds)} seeds ({p['epochs']} epochs each)",
                           ["optimizer", "lr", "epochs to target", "seconds to target", "best val acc",
                            "final train loss"],
                           [[n, numbers["learning_rates"][n], _spread(f["epochs_to_target"], 1),
                             _spread(f["seconds_to_target"], 1), _spread(f["best_val_accuracy"], 3),
                             _spread(f["final_loss"], 3)] for n, f in found.items()])
    chart = common.curve(ctx, "mean_val_accuracy", "Validation accuracy per epoch, mean over seeds", "epoch",
                         "val accuracy", {n: _mean_curve(f["val_curve"]) for n, f in found.items()})
    judged = judge_optimizers.judge(numbers)
    best = max(found, key=lambda n: np.nanmean([v for v in found[n]["best_val_accuracy"] if v is not None] or [np.nan]))
    return {"summary": {"best_val_accuracy": float(np.nanmean(found[best]["best_val_accuracy"])), "epochs": total_epochs,
                        "best_optimizer": best},
            "tables": {"optimizers": results}, "charts": {"mean_val_accuracy": chart}, "data": split.sizes(),
            "verdict": common.emit_verdict(ctx, judged)}


def _spread(values: list, digits: int) -> str:
    """'mean ± std' of the seeds that got a value, with how many did not ('never' when none did)."""
    got = [float(v) for v in values if v is not None and np.isfinite(v)]
    if not got:
        return "never"
    text = f"{np.mean(got):.{digits}f}" + (f" ± {np.std(got, ddof=1):.{digits}f}" if len(got) > 1 else "")
    missing = len(values) - len(got)
    return text + (f" ({missing} never)" if missing else "")


def _mean_curve(curves: list[list[float]]) -> tuple[list[int], list[float]]:
    """Epoch numbers and the mean over seeds of each epoch that every seed reached."""
    length = min((len(c) for c in curves), default=0)
    return list(range(1, length + 1)), [float(np.mean([c[i] for c in curves])) for i in range(length)]
