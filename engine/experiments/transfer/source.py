"""Find the network to transfer from: a named or the latest finished base/tune run, or train one."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.context import RunContext
from engine.errors import RunError
from engine.runs import RunStore
from engine.source_model import MODEL_FILE, check_named_source, source_problem


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
    reuse = ctx.params.get("reuse_layers")
    if wanted:
        return _source(store, check_named_source(store, wanted, reuse))
    usable = [row for row in store.list() if row.path != ctx.run_dir and not source_problem(store, row.path)]
    if usable:
        latest = max(usable, key=lambda row: row.started or 0)
        return _source(store, latest.path)
    return train_default_base(ctx, store)


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
