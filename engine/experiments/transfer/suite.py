"""Every transfer variant over several seeds, compared in one table beside the book's figures."""
from __future__ import annotations

import statistics
from typing import Any

import keras

from engine.catalog.transfer import VARIANTS
from engine.context import RunContext
from engine.data import Mnist
from engine.events_contract import Table
from engine.experiments.transfer.data import transfer_data
from engine.experiments.transfer.variants import run_variant
from engine.text_format import percent

TABLE = "transfer-suite"
COLUMNS = ["variant", "test accuracy", "± std", "best val accuracy", "epochs", "train s", "ms/epoch",
           "cached speed-up", "seeds"]
# The book author's own solution (1st edition, ageron/handson-ml, 11_deep_learning.ipynb, one run each).
PUBLISHED_SOURCE = "book's solution, ageron/handson-ml 11_deep_learning.ipynb (one run)"
PUBLISHED = {"frozen-5": 0.6402, "cached-5": 0.6116, "frozen-4": 0.6910, "unfreeze-2": 0.7809,
             "unfreeze-all": 0.9134, "scratch": 0.8482}


def run_suite(ctx: RunContext, source: keras.Model, mnist: Mnist, p: dict[str, Any]) -> dict[str, Any]:
    """Run each variant for seeds seed…seed+n-1, updating the comparison table after each run."""
    seeds = [p["seed"] + i for i in range(p["seeds"])]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in VARIANTS}
    for seed in seeds:
        data = transfer_data(mnist, p["per_digit"], p["val_per_digit"], seed, p["test_per_digit"])
        for name, settings in VARIANTS.items():
            ctx.check_stop()
            result, _ = run_variant(ctx, source, data, {**p, **settings}, seed, series=f"{name} · seed {seed}")
            result["variant"] = name
            runs[name].append(result)
            ctx.events.emit(Table(**table(runs)))
            if ctx.stop.requested:
                break
    rows = {name: aggregate(results) for name, results in runs.items() if results}
    scratch = rows.get("scratch", {}).get("test_accuracy")
    verdicts = [verdict(name, row, scratch) for name, row in rows.items() if name != "scratch" and scratch]
    best = max(rows.items(), key=lambda item: item[1]["test_accuracy"]) if rows else None
    summary = {"seeds": seeds, "best_variant": best[0] if best else None,
               "test_accuracy": best[1]["test_accuracy"] if best else None,
               "best_val_accuracy": best[1]["best_val_accuracy"] if best else None,
               "epochs": sum(r["epochs"] for results in runs.values() for r in results)}
    return {"summary": summary, "table": table(runs), "variants": rows, "runs": runs, "verdicts": verdicts,
            "published": {"source": PUBLISHED_SOURCE, "test_accuracy": PUBLISHED}}


def aggregate(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean and spread of one variant's seeds."""
    def mean(key: str) -> float | None:
        values = [r[key] for r in results if r.get(key) is not None]
        return statistics.fmean(values) if values else None

    accuracies = [r["test_accuracy"] for r in results]
    return {"test_accuracy": statistics.fmean(accuracies),
            "test_accuracy_std": statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0,
            "test_accuracies": accuracies, "best_val_accuracy": mean("best_val_accuracy"),
            "epochs": mean("epochs"), "train_seconds": mean("train_seconds"),
            "seconds_per_epoch": mean("seconds_per_epoch"), "speedup_per_epoch": mean("speedup_per_epoch"),
            "cache_seconds": mean("cache_seconds"), "seeds": len(results)}


def table(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The comparison table as a `table` event's fields: measured rows, then the book's rows."""
    rows: list[list[Any]] = []
    for name, results in runs.items():
        if not results:
            continue
        row = aggregate(results)
        rows.append([name, percent(row["test_accuracy"]), percent(row["test_accuracy_std"]),
                     percent(row["best_val_accuracy"]), _num(row["epochs"], 0), _num(row["train_seconds"], 2),
                     _num(None if row["seconds_per_epoch"] is None else row["seconds_per_epoch"] * 1000, 2),
                     "" if row["speedup_per_epoch"] is None else f"{row['speedup_per_epoch']:.1f}×", row["seeds"]])
    for name, accuracy in PUBLISHED.items():
        rows.append([f"book: {name}", percent(accuracy), "", "", "", "", "", "", 1])
    return {"name": TABLE, "title": f"Transfer to digits 5–9: mean over seeds (book rows: {PUBLISHED_SOURCE})",
            "columns": COLUMNS, "rows": rows}


def verdict(name: str, row: dict[str, Any], scratch: float) -> str:
    """One honest sentence: did reusing layers beat training from scratch?"""
    gap = (row["test_accuracy"] - scratch) * 100
    if gap > 0:
        return f"{name} beat scratch by {gap:.1f} points ({percent(row['test_accuracy'])} vs {percent(scratch)})."
    return f"{name} did not beat scratch ({percent(row['test_accuracy'])} vs {percent(scratch)}): transfer did not help here."


def _num(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"
