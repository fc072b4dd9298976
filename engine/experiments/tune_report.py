"""The search's reporting pieces, shared by the tune experiment and the distributed chief and worker.

It imports neither side, so neither imports the other to report a trial.
"""
from __future__ import annotations

from typing import Any

from engine.experiments.tune_space import chosen

TABLE = "trials"


class SearchStopped(Exception):
    """A stop was requested: end the search between trials, keeping what was found."""


def trial_row(trial: Any) -> dict[str, Any]:
    """One keras-tuner trial as plain data: id, hyperparameters, epochs, score, status and any error message."""
    values = trial.hyperparameters.values
    initial = int(values.get("tuner/initial_epoch", 0))
    # keras-tuner counts a trial's best step from the trial's own first epoch; events use absolute epochs
    best = None if trial.best_step is None or trial.score is None else initial + int(trial.best_step) + 1
    row = {"trial": trial.trial_id, "hyperparameters": chosen(values), "epochs": values.get("tuner/epochs"),
           "initial_epoch": initial, "score": trial.score, "status": str(trial.status), "best_epoch": best}
    if trial.message:
        row["message"] = failure_line(trial.message)
    return row


def trial_rows(oracle: Any) -> list[dict[str, Any]]:
    """Every trial the oracle knows, in trial-id order."""
    return [trial_row(t) for t in sorted(oracle.trials.values(), key=lambda t: t.trial_id)]


def failure_line(message: str) -> str:
    """The last meaningful line of a failed trial's traceback: what actually went wrong."""
    lines = [line.strip() for line in str(message).strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def trials_table(trials: list[dict[str, Any]]) -> dict[str, Any]:
    """The trials as a `table` event: one row per trial, one column per hyperparameter."""
    names = sorted({name for t in trials for name in t["hyperparameters"]})
    by = ["worker"] if any("worker" in t for t in trials) else []  # a distributed search names who ran each
    rows = [[t["trial"], *[t.get(b, "") for b in by], *[t["hyperparameters"].get(n) for n in names],
             t["initial_epoch"], t["epochs"], None if t["score"] is None else round(float(t["score"]), 4),
             t["status"], t.get("message", "")]
            for t in trials]
    return {"name": TABLE, "title": "Hyperband trials (score: best validation accuracy)",
            "columns": ["trial", *by, *names, "from epoch", "to epoch", "score", "status", "message"], "rows": rows}
