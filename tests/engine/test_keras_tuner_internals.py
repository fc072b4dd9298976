"""Each keras-tuner internal the engine relies on, one test apiece, and no module but the adapter touching them.

A keras-tuner release that renames or changes one of these fails the test named for it here,
instead of a search failing at run time.
"""
from __future__ import annotations

import ast
import inspect
import json
import os
from pathlib import Path

import keras
import keras_tuner as kt
import numpy as np
import pytest

import engine.keras_tuner_internals as internals

ROOT = Path(__file__).resolve().parents[2]
ADAPTER = ROOT / "engine" / "keras_tuner_internals.py"
PRIVATE_METHODS = {"_build_hypermodel", "_get_checkpoint_fname", "_get_build_config_fname"}


def build(hp: kt.HyperParameters) -> keras.Model:
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(hp.Choice("units", [2, 4]))])
    model.compile(optimizer="sgd", loss="mse")
    return model


@pytest.fixture
def tuner(tmp_path):
    return kt.Hyperband(build, objective="val_loss", max_epochs=2, seed=1, directory=str(tmp_path), project_name="t")


def saved_trial(tuner, trial_id: str) -> keras.Model:
    """A trained-looking trial: its weights and build config where the tuner keeps them."""
    hp = kt.HyperParameters()
    hp.Fixed("units", 4)
    model = build(hp)
    model.set_weights([np.full(w.shape, 0.5, "float32") for w in model.get_weights()])
    model.save_weights(internals.checkpoint_path(tuner, trial_id))

    Path(internals.build_config_path(tuner, trial_id)).write_text(json.dumps(model.get_build_config()))
    return model


def test_build_hypermodel_loads_a_continuing_trials_parent_checkpoint(tuner):
    parent = saved_trial(tuner, "0007")
    hp = kt.HyperParameters()
    hp.Fixed("units", 4)
    hp.Fixed("tuner/trial_id", "0007")  # how Hyperband marks a trial that continues another
    model = internals.build_hypermodel(tuner, hp)
    for got, want in zip(model.get_weights(), parent.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_checkpoint_path_is_the_weights_file_the_tuner_reloads(tuner):
    path = internals.checkpoint_path(tuner, "0003")
    assert path == os.path.join(tuner.get_trial_dir("0003"), "checkpoint.weights.h5")
    saved = saved_trial(tuner, "0003")
    trial = kt.engine.trial.Trial(tuner.oracle.get_space(), trial_id="0003")
    trial.hyperparameters.values["units"] = 4  # the space holds units as a Choice; this trial chose 4
    reloaded = tuner.load_model(trial)  # keras-tuner's public reload reads the files at the adapter's paths
    np.testing.assert_array_equal(reloaded.get_weights()[0], saved.get_weights()[0])


def test_build_config_path_is_the_trials_build_config_file(tuner):
    assert internals.build_config_path(tuner, "0003") == os.path.join(tuner.get_trial_dir("0003"), "build_config.json")


def test_client_timeout_is_the_module_constant_every_call_reads():
    before = internals.oracle_client.TIMEOUT
    try:
        internals.set_client_timeout(7)
        assert internals.oracle_client.TIMEOUT == 7
    finally:
        internals.oracle_client.TIMEOUT = before
    source = inspect.getsource(internals.OracleClient)
    calls = source.count("timeout=")
    assert calls >= 4 and calls == source.count("timeout=TIMEOUT")  # read at call time, not bound at import


def test_the_grpc_pieces_chief_and_worker_use_are_there():
    service, grpc_service = internals.protos.get_service(), internals.protos.get_service_grpc()
    for request in ("GetSpaceRequest", "CreateTrialRequest", "UpdateTrialRequest", "EndTrialRequest"):
        assert callable(getattr(service, request))
    assert callable(grpc_service.OracleStub) and callable(grpc_service.add_OracleServicer_to_server)
    for method in ("GetSpace", "CreateTrial", "UpdateTrial", "EndTrial", "GetTrial"):
        assert callable(getattr(internals.OracleServicer, method))
    status = internals.TrialStatus
    assert status.from_proto(status.to_proto(status.STOPPED)) == status.STOPPED == "STOPPED"
    assert {status.IDLE, status.RUNNING, status.FAILED} == {"IDLE", "RUNNING", "FAILED"}
    assert callable(internals.exit_chief) and callable(internals.synchronized)


def touches_internals(path: Path) -> list[str]:
    """Where a file imports keras_tuner.src, calls one of the private methods or sets the client's timeout."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        found += [f"{path.name}:{node.lineno} imports {n}" for n in names if n.startswith("keras_tuner.src")]
        if isinstance(node, ast.Attribute) and (node.attr in PRIVATE_METHODS or node.attr == "TIMEOUT"
                                                and isinstance(node.value, ast.Name) and node.value.id == "oracle_client"):
            found.append(f"{path.name}:{node.lineno} uses .{node.attr}")
    return found


def test_only_the_adapter_touches_keras_tuner_internals():
    files = [p for folder in ("engine", "tui", "content", "tests", "benchmarks", "scripts")
             for p in (ROOT / folder).rglob("*.py") if p != ADAPTER]
    assert [hit for p in files for hit in touches_internals(p)] == []
    assert touches_internals(ADAPTER)  # the walk does see them where they are
