"""A worker: introduces itself to the chief, then trains the trials keras-tuner's oracle hands out.

keras-tuner's OracleClient does the talking; this subclass adds what a learner over SSH needs: a
handshake that refuses a mismatched search in one sentence, heartbeats so the chief notices a
dead worker, a short pause when the oracle has nothing to hand out yet (keras-tuner asks again at
once, which would keep a core busy), and a record of the trials this worker ran.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Any

import grpc

import engine.distributed.security as security
import engine.distributed.session as s
from engine.context import RunContext
from engine.distributed.config import worker_timeout
from engine.distributed.session import Session
from engine.errors import RunError
from engine.keras_tuner_internals import OracleClient, TrialStatus, protos, set_client_timeout

HANDSHAKE_SECONDS = 20.0
BEAT_SECONDS = 1.0
IDLE_SECONDS = 0.2
# keras-tuner waits up to an hour for an absent chief; a worker whose chief has gone should say so sooner
RPC_SECONDS = 120


def handshake(ctx: RunContext, sess: Session) -> None:
    """Meet the chief: learn the search id and the chief's run folder, or stop with its refusal."""
    nonce = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
    sess.extra["nonce"] = nonce
    metadata = ((s.HELLO, s.encode(sess.config.tuner_id)), (s.NONCE, s.encode(nonce)),
                (s.SETTINGS, s.encode(s.settings_of(ctx.params))), (s.SPACE, s.encode(s.space_of(ctx.params))),
                (s.RUN_DIR, s.encode(str(ctx.run_dir.resolve()))))
    config = sess.config
    channel = security.open_channel(str(config.address), config.token, config.tls_cert)
    try:
        stub = protos.get_service_grpc().OracleStub(channel)
        _, call = stub.GetSpace.with_call(protos.get_service().GetSpaceRequest(), metadata=metadata,
                                          timeout=HANDSHAKE_SECONDS, wait_for_ready=True)
        answer = {key: json.loads(value) for key, value in call.trailing_metadata() or ()}
    except grpc.RpcError as error:
        if security.refused_token(error):
            raise RunError(f"The chief at {config.address} refused this worker: {security.REFUSAL}; copy "
                           f"{security.TOKEN_ENV}=… from the worker command the chief printed.") from None
        if config.tls_cert:
            raise RunError(f"No chief answers over TLS at {config.address} with the certificate {config.tls_cert}; "
                           "check that it is the chief's certificate and names the host in --oracle.") from None
        raise RunError(f"No chief answers at {sess.config.address}; start it first with `ch11-tutor run tune "
                       f"--distributed chief --oracle {sess.config.address}`.") from None
    finally:
        channel.close()
    if s.REFUSED in answer:
        raise RunError(str(answer[s.REFUSED]))
    if s.SEARCH_ID not in answer:
        raise RunError(f"The server at {sess.config.address} is a keras-tuner oracle but not a ch11-tutor chief; "
                       "start the chief with `ch11-tutor run tune --distributed chief`.")
    sess.search_id, sess.chief_run = answer[s.SEARCH_ID], answer[s.CHIEF_RUN]
    sess.heartbeat = Heartbeat(sess)  # from now on: building the tuner may take longer than the chief waits


def shared_tuner_folder(sess: Session, folder_name: str) -> Path:
    """The chief's tuner folder, which Hyperband needs: a later round resumes another worker's checkpoint."""
    folder = Path(sess.chief_run) / folder_name
    if not folder.is_dir():
        raise RunError(f"This worker cannot see the chief's tuner folder {folder}: Hyperband continues trials from "
                       "checkpoints other workers saved there, so every machine must see the chief's runs folder "
                       "at the same path (put the runs home on a shared filesystem and pass it with --home).")
    return folder


class Heartbeat:
    """Tells the chief every second that this worker lives, from the handshake on; notices a chief gone.

    It owns the worker's channel to the chief: when the chief has not answered for the chief's own
    timeout, closing the channel ends at once whatever request the search is blocked in.
    """

    def __init__(self, sess: Session) -> None:
        self.session = sess
        config = sess.config
        self.channel = security.open_channel(str(config.address), config.token, config.tls_cert)
        self.stub = protos.get_service_grpc().OracleStub(self.channel)
        self.chief_lost = False
        self._done = threading.Event()
        threading.Thread(target=self._beat, name="heartbeat", daemon=True).start()

    def close(self) -> None:
        """Stop the heartbeats and close the channel."""
        self._done.set()
        self.channel.close()

    def _beat(self) -> None:
        metadata = ((s.BEAT, s.encode(self.session.config.tuner_id)),)
        last_answer = time.monotonic()
        while not self._done.wait(BEAT_SECONDS):
            try:
                self.stub.GetSpace(protos.get_service().GetSpaceRequest(), metadata=metadata, timeout=5)
                last_answer = time.monotonic()
            except grpc.RpcError:
                if time.monotonic() - last_answer > worker_timeout():
                    self.chief_lost = True
                    self.channel.close()
                    return
            except ValueError:  # the channel was closed: the search is over
                return


class WorkerOracle(OracleClient):
    """keras-tuner's client to the chief's oracle, with heartbeats, a pause when idle and a trial record."""

    def __init__(self, oracle: Any, heartbeat: Heartbeat) -> None:
        set_client_timeout(RPC_SECONDS)
        super().__init__(oracle)
        self.heartbeat = heartbeat
        self.stub = heartbeat.stub  # the heartbeat's channel, which it closes if the chief goes
        self.trials: dict[str, Any] = {}  # the trials this worker ran, as the chief scored them
        self.hyperparameters = oracle.hyperparameters  # this worker's own space: the chief checked it is the same

    @property
    def chief_lost(self) -> bool:
        """Whether the chief stopped answering (the heartbeat then closed the channel)."""
        return self.heartbeat.chief_lost

    def create_trial(self, tuner_id: str) -> Any:
        trial = super().create_trial(tuner_id)
        if trial.status == TrialStatus.IDLE:
            time.sleep(IDLE_SECONDS)  # the oracle waits on other workers' trials; keras-tuner asks again at once
        elif trial.status == TrialStatus.RUNNING:
            self.trials[trial.trial_id] = trial
        return trial

    def end_trial(self, trial: Any) -> None:
        super().end_trial(trial)
        try:
            scored = self.get_trial(trial.trial_id)  # the chief's oracle computes the score
            trial.score, trial.best_step, trial.status = scored.score, scored.best_step, scored.status
        except grpc.RpcError:
            pass  # the worker's own events then show the trial without its score
        self.trials[trial.trial_id] = trial

    def close(self) -> None:
        """Stop the heartbeats and close the channel."""
        self.heartbeat.close()
