"""Find the network to transfer from: a named or the latest finished base/tune run, or train one."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.context import RunContext
from engine.errors import RunError
from engine.runs import RunStore

SOURCE_EXPERIMENTS = ("base", "tune")
MODEL_FILE = "model.keras"


@dataclass(frozen=True)
class Source:
    """Where the reused model comes from, and whether this run had to train it."""

    run_id: str
    experiment: str
    model_path: Path
    trained_here: bool = False
    test_accuracy: float | None = None

    def describe(self) -> dict[str, Any]:
        """A plain dict for events and result.json."""
        return {"run_id": self.run_id, "experiment": self.experiment, "model": str(self.model_path),
                "trained_here": self.trained_here, "test_accuracy": self.test_accuracy}


def find_source(ctx: RunContext) -> Source:
    """The run named by `source`, else the latest usable one, else a default base trained now."""
    store = RunStore(ctx.home)
    wanted = ctx.params["source"].strip()
    if wanted:
        path = store.path_of(wanted)
        problem = _unusable(store, path)
        if problem:
            raise RunError(f"Run {path.name} cannot be a transfer source: {problem}.")
        return _source(store, path)
    usable = [row for row in store.list() if row.path != ctx.run_dir and not _unusable(store, row.path)]
    if usable:
        latest = max(usable, key=lambda row: row.started or 0)
        return _source(store, latest.path)
    return train_default_base(ctx, store)


def _unusable(store: RunStore, path: Path) -> str:
    """Why a run folder cannot give a source model ('' when it can)."""
    row = store.summary(path)
    if row.experiment not in SOURCE_EXPERIMENTS:
        return f"it is a '{row.experiment}' run, and only base or tune runs train a 0–4 network"
    if row.status != "finished":
        return f"it is {row.status}, not finished"
    if not (path / MODEL_FILE).is_file():
        return f"it has no {MODEL_FILE}"
    return ""


def _source(store: RunStore, path: Path, trained_here: bool = False) -> Source:
    row = store.summary(path)
    return Source(path.name, row.experiment, path / MODEL_FILE, trained_here, row.test_accuracy)


def train_default_base(ctx: RunContext, store: RunStore) -> Source:
    """No base or tune run exists yet: train the default base network as a run of its own, and say so."""
    from engine.execute import execute
    from engine.registry import resolve_spec

    spec = resolve_spec("base", quick=ctx.spec.quick, data=ctx.spec.data)
    ctx.phase("training a source network", detail="no finished base or tune run was found, so a default "
              "base network is trained first (a run of its own)")
    status, path = execute(spec, ctx.home)
    if status == "cancelled":
        ctx.stop.set()
        ctx.check_stop()
    if status != "finished":
        problem = store.summary(path).problem or status
        raise RunError(f"The default base network (run {path.name}) could not be trained: {problem}.")
    ctx.phase("source network ready", run_id=path.name)
    return _source(store, path, trained_here=True)
