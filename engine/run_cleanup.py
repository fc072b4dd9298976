"""Deleting and pruning runs: which folders go (a pure choice) and taking them away safely.

A folder is first renamed to a dot-name inside the store (atomic, on the same disk), so a listing
never shows half a run, and then removed; a rename left by an interrupted delete is finished later.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from engine.errors import RunError
from engine.run_index import RunIndex, folder_size
from engine.runs import RunStore, RunSummary

DELETING = ".deleting-"


@dataclass(frozen=True)
class PruneRule:
    """What to prune; a run goes only when it matches every rule given (and is not running)."""

    older_than: float | None = None  # seconds since the run started
    statuses: frozenset[str] | None = None
    keep_best: int | None = None  # per experiment, the N best finished runs are kept

    def given(self) -> bool:
        """Whether any rule was given (pruning with none would take every run)."""
        return self.older_than is not None or self.statuses is not None or self.keep_best is not None


def best_kept(rows: Sequence[RunSummary], keep: int) -> set[str]:
    """The ids of each experiment's `keep` best finished runs, by test accuracy, then best validation accuracy."""
    kept: set[str] = set()
    by_experiment: dict[str, list[RunSummary]] = {}
    for row in rows:
        if row.status == "finished":
            by_experiment.setdefault(row.experiment, []).append(row)
    for group in by_experiment.values():
        group.sort(key=lambda r: (_score(r.test_accuracy), _score(r.best_val_accuracy), r.run_id), reverse=True)
        kept.update(r.run_id for r in group[:keep])
    return kept


def choose(rows: Sequence[RunSummary], rule: PruneRule, now: float) -> list[RunSummary]:
    """The runs the rule prunes, oldest first; a running run is never chosen."""
    if not rule.given():
        raise RunError("Say what to prune: --older-than, --status or --keep-best (nothing was deleted).")
    kept = best_kept(rows, rule.keep_best) if rule.keep_best is not None else set()
    chosen = []
    for row in rows:
        if row.status == "running":
            continue
        if rule.older_than is not None and not (row.started is not None and now - row.started > rule.older_than):
            continue
        if rule.statuses is not None and row.status not in rule.statuses:
            continue
        if rule.keep_best is not None and row.run_id in kept:
            continue
        chosen.append(row)
    return chosen


def refuse_running(store: RunStore, paths: Iterable[Path]) -> None:
    """A RunError naming the first run that is still running (it must be stopped before it is deleted)."""
    for path in paths:
        if store.status(path)[0] == "running":
            raise RunError(f"Run {path.name} is still running; stop it first with `ch11-tutor stop {path.name}` "
                           "(nothing was deleted).")


def delete(store: RunStore, paths: Sequence[Path]) -> int:
    """Delete run folders of this store and their index rows; returns the bytes freed."""
    finish_interrupted(store)
    freed = 0
    for path in paths:
        path = store.inside(path.name)  # only a folder directly inside this store, whatever was passed
        size = folder_size(path)
        parked = path.with_name(DELETING + path.name)
        path.rename(parked)
        shutil.rmtree(parked, ignore_errors=True)
        freed += size
    index = RunIndex(store.root.parent)
    index.forget(p.name for p in paths)
    index.close()
    return freed


def finish_interrupted(store: RunStore) -> None:
    """Remove folders an interrupted delete had already renamed."""
    if store.root.is_dir():
        for parked in store.root.glob(DELETING + "*"):
            shutil.rmtree(parked, ignore_errors=True)


def _score(value: float | None) -> float:
    return float(value) if isinstance(value, (int, float)) else float("-inf")
