"""The chief's bookkeeping on a real Hyperband oracle: who may join, and what happens to a silent worker."""
from __future__ import annotations

import json

import keras_tuner as kt
import pytest

from engine.context import RunContext, StopFlag
from engine.distributed import session as s
from engine.distributed.chief import Watch
from engine.distributed.config import from_flags
from engine.distributed.session import Session
from engine.events import EventWriter, read_events
from engine.experiments.tune_space import choose
from engine.registry import resolve_spec


@pytest.fixture
def chief(tmp_path):
    spec = resolve_spec("tune", overrides={"max_epochs": 3}, quick=True)
    ctx = RunContext(spec, tmp_path, EventWriter(tmp_path / "events.jsonl"), StopFlag())
    oracle = kt.oracles.HyperbandOracle(objective="val_accuracy", max_epochs=3, factor=3, seed=1)
    oracle._set_project_dir(str(tmp_path), "tuner")  # what a tuner does for its oracle
    hp = kt.HyperParameters()
    choose(hp, spec.params["space"])
    oracle.update_space(hp)
    sess = Session(from_flags("tune", "chief", "127.0.0.1:8470", None), tmp_path, "search-x", str(tmp_path))
    return Watch(ctx, sess, oracle), spec.params


def hello(watch: Watch, tuner_id: str, nonce: str, params: dict) -> dict:
    meta = {s.HELLO: s.encode(tuner_id), s.NONCE: s.encode(nonce), s.SETTINGS: s.encode(s.settings_of(params)),
            s.SPACE: s.encode(s.space_of(params)), s.RUN_DIR: s.encode("")}
    return {key: json.loads(value) for key, value in watch.hello(meta)}


def test_a_worker_of_the_same_search_joins_and_learns_the_search_id(chief):
    watch, params = chief
    answer = hello(watch, "worker-1", "a", params)
    assert answer == {s.SEARCH_ID: "search-x", s.CHIEF_RUN: str(watch.session.chief_run)}
    assert hello(watch, "worker-1", "a", {**params, "strategy": "mirrored"})[s.SEARCH_ID]  # per machine: allowed


def test_a_different_search_or_a_taken_id_is_refused_in_one_sentence(chief):
    watch, params = chief
    hello(watch, "worker-1", "a", params)
    taken = hello(watch, "worker-1", "b", params)[s.REFUSED]
    assert "Worker id 1 is already used by a live worker" in taken
    other = hello(watch, "worker-2", "c", {**params, "space": "wide"})[s.REFUSED]
    assert "space (chief 'seed-space', worker 'wide')" in other and "same preset and parameters" in other
    assert "worker-2" not in watch.workers


def test_a_silent_worker_is_dropped_and_its_trial_recorded_as_failed(chief):
    watch, params = chief
    hello(watch, "worker-1", "a", params)
    trial = watch.oracle.create_trial("worker-1")
    watch.created("worker-1", trial.status)
    watch.timeout = 0.0  # a worker silent for longer than this is gone
    watch.drop_lost_workers()
    ended = watch.oracle.trials[trial.trial_id]
    assert ended.status == "FAILED" and "worker 1 stopped answering" in ended.message
    assert "worker-1" not in watch.oracle.tuner_ids and not watch.oracle.ongoing_trials
    report = watch.report()
    assert report["lost_workers"] == ["worker 1"] and trial.trial_id in report["note"]
    events, _ = read_events(watch.ctx.run_dir / "events.jsonl")
    end = next(e for e in events if e["type"] == "trial_end")
    assert end["worker"] == "worker 1" and end["status"] == "FAILED"
    assert watch.oracle.create_trial("worker-2").status == "RUNNING"  # the search goes on


def test_a_worker_silent_between_trials_is_welcomed_back(chief):
    watch, params = chief
    hello(watch, "worker-3", "a", params)
    watch.timeout = 0.0
    watch.drop_lost_workers()  # silent while it builds its tuner, say: no trial was lost
    assert watch.workers["worker-3"].status == "lost"
    watch.beat("worker-3")
    assert watch.workers["worker-3"].status == "active" and watch.report()["lost_workers"] == []
