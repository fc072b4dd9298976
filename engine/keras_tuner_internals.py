"""The one module that touches keras-tuner's internals: its private modules, methods and constants.

keras-tuner's public API has no gRPC messages, oracle client or servicer, and no names for a
trial's checkpoint files; the distributed search and the compiled-loop trials need them. Only this
module reaches them, and tests/engine/test_keras_tuner_internals.py has one test per behaviour
relied on here, so a keras-tuner release that moves one fails that named test, not a search.
"""
from __future__ import annotations

from typing import Any

from keras_tuner.src import protos
from keras_tuner.src.distribute import oracle_client
from keras_tuner.src.distribute.oracle_chief import OracleServicer, exit_chief
from keras_tuner.src.engine.oracle import synchronized
from keras_tuner.src.engine.trial import Trial, TrialStatus

OracleClient = oracle_client.OracleClient

__all__ = ["OracleClient", "OracleServicer", "Trial", "TrialStatus", "build_config_path", "build_hypermodel",
           "checkpoint_path", "exit_chief", "protos", "set_client_timeout", "synchronized"]


def set_client_timeout(seconds: float) -> None:
    """Set how long an oracle client waits on each call to the chief (keras-tuner's module constant)."""
    oracle_client.TIMEOUT = seconds


def build_hypermodel(tuner: Any, hyperparameters: Any) -> Any:
    """The trial's model, with a continuing Hyperband trial's parent checkpoint loaded into it."""
    return tuner._build_hypermodel(hyperparameters)


def checkpoint_path(tuner: Any, trial_id: str) -> str:
    """Where the tuner keeps, and a continuing Hyperband trial reads, a trial's weights."""
    return tuner._get_checkpoint_fname(trial_id)


def build_config_path(tuner: Any, trial_id: str) -> str:
    """Where the tuner keeps, and a continuing Hyperband trial reads, a trial's model build config."""
    return tuner._get_build_config_fname(trial_id)
