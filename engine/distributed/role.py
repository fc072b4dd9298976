"""One run's part in a Hyperband search: by itself, the chief serving the oracle, or a worker."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.context import RunContext
from engine.distributed.config import from_env
from engine.distributed.security import new_token
from engine.distributed.session import Session, new_search_id
from engine.errors import RunError
from engine.events_contract import Table, build
from engine.experiments.tune_report import trial_rows, trials_table


class SearchRole:
    """This run's part in the search: by itself (`session` None), the chief, or a worker."""

    def __init__(self, ctx: RunContext, session: Session | None) -> None:
        self.ctx, self.session = ctx, session

    @property
    def is_worker(self) -> bool:
        """Whether this run is a worker (which reports its own trials and retrains nothing)."""
        return self.session is not None and self.session.config.role == "worker"

    def tuner_location(self, folder: str, resume: bool) -> tuple[str, str, bool]:
        """(directory, project name, overwrite) for the run's tuner; a worker shares the chief's folder."""
        ctx, sess = self.ctx, self.session
        if sess is None:
            return str(ctx.run_dir), folder, not resume
        if sess.config.role == "chief":
            sess.search_id, sess.chief_run = new_search_id(), str(ctx.run_dir.resolve())
            sess.write_link()
            ctx.events.emit(build("distributed", sess.link()))
            return str(ctx.run_dir), folder, True
        from engine.distributed.worker import handshake, shared_tuner_folder

        ctx.phase("joining the search", oracle=str(sess.config.address), worker=sess.config.label)
        handshake(ctx, sess)
        sess.write_link()
        ctx.events.emit(build("distributed", sess.link()))
        shared = shared_tuner_folder(sess, folder)
        return str(shared.parent), shared.name, False  # never wipe a folder the whole search shares

    def attach(self, tuner: Any) -> None:
        """After the tuner is built: a worker talks to the chief through the heartbeat-sending client."""
        if not self.is_worker:
            return
        from engine.distributed.worker import WorkerOracle

        assert self.session is not None
        tuner.oracle = WorkerOracle(getattr(tuner.oracle, "_oracle", tuner.oracle), self.session.heartbeat)

    def search(self, tuner: Any) -> None:
        """Run the search: by itself, as the chief serving the oracle, or as a worker training trials."""
        sess = self.session
        if sess is None:
            tuner.search(verbose=0)
            return
        if sess.config.role == "chief":
            from engine.distributed.chief import serve

            sess.watch = serve(self.ctx, tuner, sess)
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

    def label_trials(self, trials: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """On the chief, each trial row says which worker ran it; unchanged otherwise."""
        sess = self.session
        return sess.watch.labels(trials) if sess and sess.watch else trials

    def report(self) -> dict[str, Any]:
        """{'distributed': …} for result.json: the search id, each worker's fate, one sentence; {} otherwise."""
        sess = self.session
        if sess is None:
            return {}
        if sess.watch is not None:
            return {"distributed": sess.watch.report()}
        return {"distributed": {k: v for k, v in sess.link().items() if k != "nonce"}}

    def worker_result(self, tuner: Any, search_seconds: float) -> dict[str, Any]:
        """A worker's result: the trials it ran, as the chief scored them; the chief keeps the search's result."""
        sess = self.session
        assert sess is not None
        trials = trial_rows(tuner.oracle)
        self.ctx.events.emit(Table(**trials_table(trials)))
        scores = [t["score"] for t in trials if t["score"] is not None and t["status"] == "COMPLETED"]
        return {"trials": trials, "search_seconds": round(search_seconds, 3), **self.report(),
                "summary": {"trials": len(trials), "best_val_accuracy": max(scores) if scores else None,
                            "search_seconds": round(search_seconds, 3), "search_id": sess.search_id,
                            "worker": sess.config.label}}


def role_for(ctx: RunContext) -> SearchRole:
    """The run's role from its environment: a chief gets a token of this search's own, printed for its workers."""
    config = from_env()
    if config is None:
        return SearchRole(ctx, None)
    if config.role == "chief" and not config.token:
        config = replace(config, token=new_token())
    return SearchRole(ctx, Session(config, ctx.run_dir))
