"""The chief admits only its own workers: a token on every call, checked reports, on a real gRPC server."""
from __future__ import annotations

import json
import math
from concurrent import futures

import grpc
import keras_tuner as kt
import pytest

from engine.context import RunContext, StopFlag
from engine.distributed import security
from engine.distributed import session as s
from engine.distributed.chief import ChiefServicer, Watch
from engine.distributed.config import from_flags
from engine.distributed.session import Session
from engine.errors import ParamError
from engine.events import EventWriter, read_events
from engine.experiments.tune_space import choose
from engine.keras_tuner_internals import Trial, TrialStatus, protos
from engine.registry import resolve_spec

TOKEN = "the-search-token"


@pytest.fixture
def served(tmp_path):
    """A chief's Watch and servicer behind the token check, on a free loopback port."""
    spec = resolve_spec("tune", overrides={"max_epochs": 3}, quick=True)
    ctx = RunContext(spec, tmp_path, EventWriter(tmp_path / "events.jsonl"), StopFlag())
    oracle = kt.oracles.HyperbandOracle(objective="val_accuracy", max_epochs=3, factor=3, seed=1)
    oracle._set_project_dir(str(tmp_path), "tuner")
    hp = kt.HyperParameters()
    choose(hp, spec.params["space"])
    oracle.update_space(hp)
    sess = Session(from_flags("tune", "chief", "127.0.0.1:8470", None, token=TOKEN), tmp_path, "search-x",
                   str(tmp_path))
    watch = Watch(ctx, sess, oracle)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2),
                         interceptors=[security.token_check(TOKEN, watch.refused_call)])
    protos.get_service_grpc().add_OracleServicer_to_server(ChiefServicer(oracle, watch), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield watch, spec.params, f"127.0.0.1:{port}"
    server.stop(grace=0)


def stub(address: str, token: str | None):
    channel = security.open_channel(address, token) if token is not None else grpc.insecure_channel(address)
    return protos.get_service_grpc().OracleStub(channel)


def join(watch: Watch, params: dict, tuner_id: str) -> None:
    meta = {s.HELLO: s.encode(tuner_id), s.NONCE: s.encode("n"), s.SETTINGS: s.encode(s.settings_of(params)),
            s.SPACE: s.encode(s.space_of(params)), s.RUN_DIR: s.encode("")}
    assert s.SEARCH_ID in dict(watch.hello(meta))


def code_of(call) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as failed:
        call()
    return failed.value.code()


def test_calls_without_the_token_are_refused_before_any_handler(served):
    watch, _, address = served
    request = protos.get_service().GetSpaceRequest()
    assert code_of(lambda: stub(address, None).GetSpace(request, timeout=10)) == grpc.StatusCode.UNAUTHENTICATED
    assert code_of(lambda: stub(address, "guessed").GetSpace(request, timeout=10)) == grpc.StatusCode.UNAUTHENTICATED
    end = protos.get_service().EndTrialRequest(trial=Trial(watch.oracle.get_space(), "x").to_proto())
    assert code_of(lambda: stub(address, None).EndTrial(end, timeout=10)) == grpc.StatusCode.UNAUTHENTICATED
    assert watch.unauthenticated == 3 and watch.oracle.trials == {}
    assert stub(address, TOKEN).GetSpace(request, timeout=10).hyperparameters  # the token opens the door
    said = [e for e in read_events(watch.ctx.run_dir / "events.jsonl")[0] if e.get("name") == "call refused"]
    assert len(said) == 1  # said once, however many calls a scanner makes


def test_a_tuner_that_never_introduced_itself_gets_no_trial(served):
    watch, _, address = served
    request = protos.get_service().CreateTrialRequest(tuner_id="worker-9")
    assert code_of(lambda: stub(address, TOKEN).CreateTrial(request, timeout=10)) == grpc.StatusCode.PERMISSION_DENIED
    assert watch.oracle.trials == {}


def test_a_non_finite_report_ends_that_trial_and_not_the_chief(served):
    watch, params, address = served
    oracle_stub = stub(address, TOKEN)
    join(watch, params, "worker-1")
    created = oracle_stub.CreateTrial(protos.get_service().CreateTrialRequest(tuner_id="worker-1"), timeout=10)
    trial_id = created.trial.trial_id
    update = protos.get_service().UpdateTrialRequest(trial_id=trial_id, metrics={"val_accuracy": math.nan}, step=0)
    answer = oracle_stub.UpdateTrial(update, timeout=10)
    assert TrialStatus.from_proto(answer.trial.status) == "STOPPED"  # the worker stops training it
    ended = watch.oracle.trials[trial_id]
    assert ended.status == "FAILED" and "val_accuracy is nan, not a finite number" in ended.message
    assert watch.report()["bad_reports"] and "refused a report from worker 1" in watch.report()["bad_reports"][0]
    # its later end-of-trial report changes nothing, and the search goes on with another worker
    finished = Trial.from_proto(created.trial)
    finished.status, finished.score = "COMPLETED", 0.9
    oracle_stub.EndTrial(protos.get_service().EndTrialRequest(trial=finished.to_proto()), timeout=10)
    assert watch.oracle.trials[trial_id].status == "FAILED"
    join(watch, params, "worker-2")
    again = oracle_stub.CreateTrial(protos.get_service().CreateTrialRequest(tuner_id="worker-2"), timeout=10)
    assert TrialStatus.from_proto(again.trial.status) == "RUNNING"


def test_an_infinite_score_at_the_end_fails_the_trial(served):
    watch, params, address = served
    oracle_stub = stub(address, TOKEN)
    join(watch, params, "worker-1")
    created = oracle_stub.CreateTrial(protos.get_service().CreateTrialRequest(tuner_id="worker-1"), timeout=10)
    trial = Trial.from_proto(created.trial)
    trial.status, trial.score = "COMPLETED", math.inf
    oracle_stub.EndTrial(protos.get_service().EndTrialRequest(trial=trial.to_proto()), timeout=10)
    ended = watch.oracle.trials[trial.trial_id]
    assert ended.status == "FAILED" and "score is inf" in ended.message


def test_a_report_on_a_trial_never_handed_out_is_refused(served):
    watch, params, address = served
    join(watch, params, "worker-1")
    made_up = Trial(watch.oracle.get_space(), trial_id="99", status="COMPLETED")
    made_up.score = 1.0
    request = protos.get_service().EndTrialRequest(trial=made_up.to_proto())
    assert code_of(lambda: stub(address, TOKEN).EndTrial(request, timeout=10)) == grpc.StatusCode.INVALID_ARGUMENT
    update = protos.get_service().UpdateTrialRequest(trial_id="99", metrics={"val_accuracy": 1.0}, step=0)
    assert code_of(lambda: stub(address, TOKEN).UpdateTrial(update, timeout=10)) == grpc.StatusCode.INVALID_ARGUMENT
    assert watch.oracle.trials == {}
    assert "never handed out" in json.dumps(watch.report()["bad_reports"])


def test_worker_flags_need_a_token_and_tls_files_that_read(tmp_path, monkeypatch):
    monkeypatch.delenv(security.TOKEN_ENV, raising=False)
    with pytest.raises(ParamError, match="A worker needs its search's token"):
        from_flags("tune", "worker", "127.0.0.1:1", "1")
    monkeypatch.setenv(security.TOKEN_ENV, "from-env")
    assert from_flags("tune", "worker", "127.0.0.1:1", "1").token == "from-env"
    with pytest.raises(ParamError, match="both --tls-cert and --tls-key"):
        from_flags("tune", "chief", "127.0.0.1:1", None, tls_cert=str(tmp_path / "c.pem"))
    (tmp_path / "c.pem").write_text("not pem")
    with pytest.raises(ParamError, match="is not a PEM file"):
        from_flags("tune", "worker", "127.0.0.1:1", "1", tls_cert=str(tmp_path / "c.pem"))
