"""Distributed Hyperband: keras-tuner's chief/worker mode behind `ch11-tutor run tune --distributed`.

The tune experiment calls the hooks here; for an ordinary search each one does what tune did
before (a tuner folder in the run folder, `tuner.search`), so nothing changes without the flags.
The CLI-side modules (address, config) import no TensorFlow; chief and worker are imported
only inside a run process.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from engine.context import RunContext
from engine.distributed.config import DistributedConfig, from_env
from engine.distributed.security import new_token
from engine.distributed.session import Session, new_search_id
from engine.events_contract import Table, build
from engine.errors import RunError

_sessions: dict[Path, Session] = {}


def current(ctx: RunContext) -> Session | None:
    """This run's part in a distributed search, or None for an ordinary search."""
    return _sessions.get(ctx.run_dir)


def tuner_location(ctx: RunContext, folder: str, resume: bool) -> tuple[str, str, bool]:
    """(directory, project name, overwrite) for the run's tuner; a worker shares the chief's folder."""
    config = from_env()
    if config is None:
        return str(ctx.run_dir), folder, not resume
    if config.role == "chief" and not config.token:
        config = replace(config, token=new_token())  # a token of this search's own, printed for its workers
    sess = Session(config, ctx.run_dir)
    _sessions[ctx.run_dir] = sess
    if config.role == "chief":
        sess.search_id, sess.chief_run = new_search_id(), str(ctx.run_dir.resolve())
        sess.write_link()
        ctx.events.emit(build("distributed", sess.link()))
        return str(ctx.run_dir), folder, True
    from engine.distributed.worker import handshake, shared_tuner_folder

    ctx.phase("joining the search", oracle=str(config.address), worker=config.label)
    handshake(ctx, sess)
    sess.write_link()
    ctx.events.emit(build("distributed", sess.link()))
    shared = shared_tuner_folder(sess, folder)
    return str(shared.parent), shared.name, False  # never wipe a folder the whole search shares


def attach(tuner: Any, ctx: RunContext) -> None:
    """After the tuner is built: a worker talks to the chief through the heartbeat-sending client."""
    sess = current(ctx)
    if sess is None or sess.config.role != "worker":
        return
    from engine.distributed.worker import WorkerOracle

    tuner.oracle = WorkerOracle(getattr(tuner.oracle, "_oracle", tuner.oracle), sess.heartbeat)


def search(ctx: RunContext, tuner: Any) -> None:
    """Run the search: by itself, as the chief serving the oracle, or as a worker training trials."""
    sess = current(ctx)
    if sess is None:
        tuner.search(verbose=0)
        return
    if sess.config.role == "chief":
        from engine.distributed.chief import serve

        sess.watch = serve(ctx, tuner, sess)
        return
    try:
        tuner.search(verbose=0)
    except Exception:  # a failed request (grpc.RpcError) or one on the channel the heartbeat closed (ValueError)
        if tuner.oracle.chief_lost:
            raise RunError(f"The chief at {sess.config.address} stopped answering, so this worker ended; the "
                           "trials it finished are in this run's events.") from None
        raise
    finally:
        tuner.oracle.close()


def is_worker(ctx: RunContext) -> bool:
    """Whether this run is a worker (which reports its own trials and retrains nothing)."""
    sess = current(ctx)
    return sess is not None and sess.config.role == "worker"


def label_trials(ctx: RunContext, trials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """On the chief, each trial row says which worker ran it; unchanged otherwise."""
    sess = current(ctx)
    return sess.watch.labels(trials) if sess and sess.watch else trials


def report(ctx: RunContext) -> dict[str, Any]:
    """{'distributed': …} for result.json: the search id, each worker's fate, one sentence; {} otherwise."""
    sess = current(ctx)
    if sess is None:
        return {}
    if sess.watch is not None:
        return {"distributed": sess.watch.report()}
    return {"distributed": {k: v for k, v in sess.link().items() if k != "nonce"}}


def worker_result(ctx: RunContext, tuner: Any, search_seconds: float) -> dict[str, Any]:
    """A worker's result: the trials it ran, as the chief scored them; the chief keeps the search's result."""
    from engine.experiments.tune import trials_table
    from engine.experiments.tune_tuner import trial_row

    sess = current(ctx)
    assert sess is not None
    trials = [trial_row(t) for t in sorted(tuner.oracle.trials.values(), key=lambda t: t.trial_id)]
    ctx.events.emit(Table(**trials_table(trials)))
    scores = [t["score"] for t in trials if t["score"] is not None and t["status"] == "COMPLETED"]
    return {"trials": trials, "search_seconds": round(search_seconds, 3), **report(ctx),
            "summary": {"trials": len(trials), "best_val_accuracy": max(scores) if scores else None,
                        "search_seconds": round(search_seconds, 3), "search_id": sess.search_id,
                        "worker": sess.config.label}}


__all__ = ["DistributedConfig", "attach", "is_worker", "label_trials", "report", "search", "current",
           "tuner_location", "worker_result"]
