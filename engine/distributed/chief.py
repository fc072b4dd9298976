"""The chief: serves keras-tuner's oracle over gRPC, keeps every worker's trials in its own run folder.

keras-tuner's chief runs no trials; it answers workers' requests. Its own serving loop sleeps 20 s
between checks and waits for ever on a worker that died mid-trial, so this one reuses keras-tuner's
servicer and exit test but polls briefly and drops a worker that stops sending heartbeats: its
trial is ended as FAILED with a sentence saying so, and the search goes on with the others.

Only the search's own workers get in: every call must carry the search's token (see
`security`), a trial must have been created by a worker that introduced itself, and a report
must name a trial this chief handed out and give finite numbers. A bad report ends that trial
as FAILED, never the chief.
"""
from __future__ import annotations

import json
import math
import threading
import time
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc

import engine.distributed.security as security
import engine.distributed.session as s
from engine.context import RunContext
from engine.distributed.config import WORKER_PREFIX, worker_timeout
from engine.distributed.session import Session
from engine.errors import RunError
from engine.events import EventTail
from engine.events_contract import EpochEnd, Phase, Table, TrialEnd, TrialStarted
from engine.experiments.tune_hparams import write_trial_hparams
from engine.experiments.tune_report import SearchStopped, trial_row, trial_rows, trials_table
from engine.experiments.tune_space import chosen
from engine.keras_tuner_internals import OracleServicer, Trial, TrialStatus, exit_chief, protos, synchronized

POLL_SECONDS = 0.2  # how often the chief checks for lost workers, new epochs and the end of the search


@dataclass
class Worker:
    """One worker as the chief knows it."""

    tuner_id: str
    label: str
    nonce: str
    run_dir: str
    last_seen: float
    status: str = "active"  # active, finished, lost
    trials: list[str] = field(default_factory=list)
    tail: EventTail | None = None


class Watch:
    """The chief's record of workers and trials; turns oracle traffic into the chief's run events."""

    def __init__(self, ctx: RunContext, sess: Session, oracle: Any) -> None:
        self.ctx, self.session, self.oracle = ctx, sess, oracle
        self.settings = s.settings_of(ctx.params)
        self.space = s.space_of(ctx.params)
        self.workers: dict[str, Worker] = {}
        self.trial_worker: dict[str, str] = {}  # trial id -> worker label
        self.lost_trials: set[str] = set()
        self.refusals: list[str] = []
        self.unauthenticated = 0  # calls refused for a missing or wrong token
        self.bad_reports: list[str] = []
        self.timeout = worker_timeout()
        self.lock = threading.RLock()

    # --- requests from workers (gRPC threads) ---
    def hello(self, meta: dict[str, str]) -> list[tuple[str, str]]:
        """A worker introduces itself: refuse a different search or a taken id, else register it."""
        tuner_id, nonce = json.loads(meta[s.HELLO]), json.loads(meta.get(s.NONCE, '""'))
        label = _label(tuner_id)
        settings, space = json.loads(meta.get(s.SETTINGS, "{}")), json.loads(meta.get(s.SPACE, "[]"))
        with self.lock:
            refusal = ""
            known = self.workers.get(tuner_id)
            diffs = s.differences(self.settings, settings)
            if diffs:
                refusal = (f"The chief refuses {label}: its search differs from the chief's in "
                           f"{'; '.join(diffs)}; start it with the same preset and parameters as the chief.")
            elif space != self.space:
                refusal = (f"The chief refuses {label}: its keras-tuner search space differs from the chief's "
                           "(different versions of the tutor?); run the same version on every machine.")
            elif known and known.nonce != nonce and known.status == "active" \
                    and time.monotonic() - known.last_seen < self.timeout:
                refusal = (f"Worker id {tuner_id.removeprefix('worker-')} is already used by a live worker of this "
                           "search; give each worker its own --worker-id.")
            if refusal:
                self.refusals.append(refusal)
                self.ctx.events.emit(Phase(name="worker refused", detail=refusal, extra={"worker": label}))
                return [(s.REFUSED, s.encode(refusal))]
            run_dir = json.loads(meta.get(s.RUN_DIR, '""'))
            self.workers[tuner_id] = Worker(tuner_id, label, nonce, run_dir, time.monotonic(),
                                            trials=known.trials if known else [])
            self.ctx.events.emit(Phase(name="worker joined", extra={
                "worker": label, "run_dir": run_dir,
                "workers": sum(w.status == "active" for w in self.workers.values())}))
        return [(s.SEARCH_ID, s.encode(self.session.search_id)), (s.CHIEF_RUN, s.encode(self.session.chief_run))]

    def beat(self, tuner_id: str) -> None:
        """A heartbeat (or any request) from a worker: it is alive."""
        with self.lock:
            worker = self.workers.get(tuner_id)
            if worker is None:
                return
            if worker.status == "lost" and not set(worker.trials) & self.lost_trials:
                worker.status = "active"  # silent for a while between trials (a slow start, a network blip)
                self.ctx.events.emit(Phase(name="worker back", extra={"worker": worker.label}))
            if worker.status == "active":
                worker.last_seen = time.monotonic()

    def created(self, tuner_id: str, status: str) -> None:
        """After the oracle answered CreateTrial: announce a new trial, or note a worker it sent home."""
        with self.lock:
            worker = self.workers.get(tuner_id)
            label = worker.label if worker else tuner_id
            if status == TrialStatus.STOPPED and worker:
                worker.status = "finished"
                return
            trial = self.oracle.ongoing_trials.get(tuner_id)
            if trial is None or trial.trial_id in self.trial_worker:
                return
            self.trial_worker[trial.trial_id] = label
            if worker:
                worker.trials.append(trial.trial_id)
            values = trial.hyperparameters.values
            self.ctx.events.emit(TrialStarted(trial=trial.trial_id, hyperparameters=chosen(values),
                                              index=len(self.oracle.trials), epochs=values.get("tuner/epochs"),
                                              initial_epoch=values.get("tuner/initial_epoch", 0),
                                              resumes=values.get("tuner/trial_id"), worker=label))
            self._emit_table()

    def ended(self, trial_id: str) -> None:
        """After the oracle recorded a trial's end: report it with its score and worker."""
        with self.lock:
            trial = self.oracle.trials.get(trial_id)
            if trial is not None:
                write_trial_hparams(self.ctx.run_dir, trial)
                self.ctx.events.emit(TrialEnd(**trial_row(trial), worker=self.trial_worker.get(trial_id, "")))
                self._emit_table()

    # --- the chief's own loop ---
    def drop_lost_workers(self) -> None:
        """End the trial of every worker that stopped sending heartbeats, as FAILED, and forget the worker."""
        with self.lock:
            now = time.monotonic()
            for worker in self.workers.values():
                if worker.status != "active" or now - worker.last_seen < self.timeout:
                    continue
                worker.status = "lost"
                trial = self.oracle.ongoing_trials.get(worker.tuner_id)
                message = (f"{worker.label} stopped answering for {self.timeout:.0f} s (its process died or lost "
                           "the network); the chief recorded this trial as failed and went on without it.")
                if trial is not None:
                    self._fail(trial, message)
                _forget_tuner(self.oracle, worker.tuner_id)
                self.ctx.events.emit(Phase(name="worker lost", detail=message, extra={
                    "worker": worker.label, "trial": trial.trial_id if trial is not None else None}))

    def _fail(self, trial: Any, message: str) -> None:
        """End an ongoing trial as FAILED with a sentence; a later report of it is ignored."""
        trial.status = TrialStatus.FAILED
        trial.message = message
        self.lost_trials.add(trial.trial_id)
        try:
            self.oracle.end_trial(trial)
        except RuntimeError as error:  # keras-tuner's limit on consecutive failed trials
            self.refusals.append(str(error).splitlines()[0])
        self.ended(trial.trial_id)

    # --- checking what workers send ---
    def refused_call(self, method: str) -> None:
        """A call without this search's token (from the token check, on a gRPC thread)."""
        with self.lock:
            self.unauthenticated += 1
            if self.unauthenticated == 1:  # said once: a port scanner must not flood the events
                self.ctx.events.emit(Phase(name="call refused", detail="a call without this search's token "
                                           f"was refused ({method.rsplit('/', 1)[-1]}); only workers given the "
                                           "token may join"))

    def known_tuner(self, tuner_id: str) -> bool:
        """Whether a tuner introduced itself with the handshake before asking for trials."""
        with self.lock:
            return tuner_id in self.workers

    def report_problem(self, trial_id: str, metrics: dict[str, list[float]]) -> str:
        """Why a worker's report cannot be taken ('' when it can): a trial not handed out, a number not finite."""
        with self.lock:
            if trial_id not in self.trial_worker:
                return f"it names trial '{trial_id[:40]}', which this chief never handed out"
            for name, values in metrics.items():
                bad = [v for v in values if not (isinstance(v, (int, float)) and math.isfinite(v))]
                if bad:
                    return f"its {name[:40]} is {bad[0]}, not a finite number"
        return ""

    def reject(self, trial_id: str, problem: str) -> Any:
        """End a trial whose report was bad; returns the trial (None for a trial never handed out)."""
        with self.lock:
            label = self.trial_worker.get(trial_id, "a worker")
            message = f"The chief refused a report from {label}: {problem}; it recorded the trial as failed."
            self.bad_reports.append(message)
            self.ctx.events.emit(Phase(name="report refused", detail=message, extra={"worker": label, "trial": trial_id}))
            trial = next((t for t in self.oracle.ongoing_trials.values() if t.trial_id == trial_id), None)
            if trial is not None and trial_id not in self.lost_trials:
                self._fail(trial, message)
            return trial

    def forward_epochs(self) -> None:
        """Copy each worker's epoch_end events into the chief's run (where its folder can be read)."""
        for worker in list(self.workers.values()):
            if worker.tail is None:
                path = Path(worker.run_dir) / "events.jsonl" if worker.run_dir else None
                if path is None or not path.exists():
                    continue
                worker.tail = EventTail(path)
            for event in worker.tail.read_new():
                if event.get("type") == "epoch_end" and event.get("trial"):
                    fields = {k: v for k, v in event.items() if k not in ("type", "time", "worker")}
                    self.ctx.events.emit(EpochEnd(**fields, worker=worker.label))

    def labels(self, trials: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The trials table rows with the worker that ran each trial."""
        return [{**row, "worker": self.trial_worker.get(row["trial"], "")} for row in trials]

    def report(self) -> dict[str, Any]:
        """What happened to each worker, for result.json, with one sentence for a learner."""
        workers = [{"worker": w.label, "status": w.status, "trials": list(w.trials), "run_dir": w.run_dir}
                   for w in self.workers.values()]
        lost = [w for w in self.workers.values() if w.status == "lost"]
        note = f"{len(workers)} worker{'s' if len(workers) != 1 else ''} ran the search."
        for w in lost:
            failed = [t for t in w.trials if t in self.lost_trials]
            note += (f" {w.label} stopped answering and was dropped"
                     + (f"; its trial {', '.join(failed)} is recorded as failed" if failed else "")
                     + "; the others finished the search.")
        return {**self.session.link(), "workers": workers, "lost_workers": [w.label for w in lost],
                "failed_trials_of_lost_workers": sorted(self.lost_trials), "refused": list(self.refusals),
                "unauthenticated_calls": self.unauthenticated, "bad_reports": list(self.bad_reports), "note": note}

    def _emit_table(self) -> None:
        self.ctx.events.emit(Table(**trials_table(self.labels(trial_rows(self.oracle)))))


def _label(tuner_id: str) -> str:
    return f"worker {tuner_id.removeprefix(WORKER_PREFIX)}" if tuner_id.startswith(WORKER_PREFIX) else tuner_id


@synchronized
def _forget_tuner(oracle: Any, tuner_id: str) -> None:
    # under the oracle's own lock: create_trial adds to this set from a gRPC thread
    oracle.tuner_ids.discard(tuner_id)


class ChiefServicer(OracleServicer):
    """keras-tuner's servicer, plus the handshake, heartbeats and the chief's events."""

    def __init__(self, oracle: Any, watch: Watch) -> None:
        super().__init__(oracle)
        self.watch = watch

    def GetSpace(self, request: Any, context: Any) -> Any:
        meta = dict(context.invocation_metadata())
        if s.HELLO in meta:
            context.set_trailing_metadata(tuple(self.watch.hello(meta)))
        elif s.BEAT in meta:
            self.watch.beat(json.loads(meta[s.BEAT]))
        return super().GetSpace(request, context)

    def CreateTrial(self, request: Any, context: Any) -> Any:
        if not self.watch.known_tuner(request.tuner_id):
            context.abort(grpc.StatusCode.PERMISSION_DENIED, "introduce this worker with the ch11-tutor handshake "
                          "before asking for trials")
        self.watch.beat(request.tuner_id)
        response = super().CreateTrial(request, context)
        status = Trial.from_proto(response.trial).status
        self.watch.created(request.tuner_id, status)
        return response

    def UpdateTrial(self, request: Any, context: Any) -> Any:
        trial_id = request.trial_id
        if trial_id in self.watch.lost_trials:
            return self._stopped(trial_id)
        problem = self.watch.report_problem(trial_id, {name: [value] for name, value in request.metrics.items()})
        if problem:
            if self.watch.reject(trial_id, problem) is None:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, problem)
            return self._stopped(trial_id)
        return super().UpdateTrial(request, context)

    def EndTrial(self, request: Any, context: Any) -> Any:
        trial_id = request.trial.trial_id
        if trial_id in self.watch.lost_trials:
            # a worker given up for lost came back, or a trial already refused: it is recorded as failed
            return protos.get_service().EndTrialResponse()
        problem = self.watch.report_problem(trial_id, _reported_metrics(request.trial))
        if problem:
            if self.watch.reject(trial_id, problem) is None:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, problem)
            return protos.get_service().EndTrialResponse()
        response = super().EndTrial(request, context)
        self.watch.ended(trial_id)
        return response

    def _stopped(self, trial_id: str) -> Any:
        """The answer to a report on a trial the chief ended: STOPPED, so the worker stops training it."""
        trial = self.watch.oracle.trials.get(trial_id)
        proto = trial.to_proto() if trial is not None else None
        if proto is not None:
            proto.status = TrialStatus.to_proto(TrialStatus.STOPPED)
        return protos.get_service().UpdateTrialResponse(trial=proto)


def _reported_metrics(trial_proto: Any) -> dict[str, list[float]]:
    """Every number in a reported trial (its metric histories and its score), by metric name."""
    values: dict[str, list[float]] = {}
    for name, history in trial_proto.metrics.metrics.items():
        values[name] = [float(v) for observation in history.observations for v in observation.value]
    if trial_proto.HasField("score"):
        values["score"] = [float(trial_proto.score.value)]
    return values


def serve(ctx: RunContext, tuner: Any, sess: Session) -> Watch:
    """Serve the oracle until every trial is done and every worker has been sent home (or lost)."""
    oracle = tuner.oracle
    oracle.verbose = 0  # keras-tuner would print each trial to stdout, where --json streams events
    tuner.save()  # as keras-tuner's own chief does before serving
    watch = Watch(ctx, sess, oracle)
    config = sess.config
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=[("grpc.so_reuseport", 0)],
                         interceptors=[security.token_check(config.token, watch.refused_call)])
    servicer = ChiefServicer(oracle, watch)
    protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
    address = config.address
    try:
        bound = security.add_port(server, f"{address}", config.tls_cert, config.tls_key)
    except (RuntimeError, ValueError):
        bound = 0
    if not bound:
        raise RunError(f"The chief could not serve on {address}: the port is in use or the address is not "
                       "this machine's; choose another --oracle HOST:PORT.")
    server.start()
    ctx.phase("serving the search", oracle=str(address), search_id=sess.search_id, tls=bool(config.tls_cert),
              detail=f"start workers with: {config.worker_command()}")
    try:
        while not (servicer.stop_triggered and exit_chief(oracle)):
            if ctx.stop.requested:
                raise SearchStopped()
            watch.drop_lost_workers()
            watch.forward_epochs()
            time.sleep(POLL_SECONDS)  # a polling loop over the server's state, as keras-tuner's own chief does
        watch.forward_epochs()
    finally:
        server.stop(grace=2)
    return watch
