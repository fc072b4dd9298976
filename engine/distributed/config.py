"""Who this process is in a distributed search (chief or worker N) and how keras-tuner is told.

keras-tuner reads its own three environment variables (KERASTUNER_TUNER_ID, _ORACLE_IP and
_ORACLE_PORT) when a tuner is built; the CLI validates its flags into a config and exports them,
so the run process, and anything it starts, agrees on one source of truth.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

from engine.distributed.address import OracleAddress, check_port_free, check_reachable, parse_address
from engine.errors import ParamError

ROLES = ("chief", "worker")
TUNER_ID, ORACLE_IP, ORACLE_PORT = "KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT"
CHIEF_ID = "chief"  # keras-tuner treats any tuner id containing "chief" as the chief
WORKER_PREFIX = "worker-"
DISTRIBUTED_EXPERIMENTS = ("tune",)


@dataclass(frozen=True)
class DistributedConfig:
    """A validated role, the chief's address and (for a worker) its id."""

    role: str
    address: OracleAddress
    worker_id: int | None = None

    @property
    def tuner_id(self) -> str:
        """The id keras-tuner's oracle knows this process by."""
        return CHIEF_ID if self.role == "chief" else f"{WORKER_PREFIX}{self.worker_id}"

    @property
    def label(self) -> str:
        """How events and tables name this process: 'chief' or 'worker 2'."""
        return CHIEF_ID if self.role == "chief" else f"worker {self.worker_id}"

    def env(self) -> dict[str, str]:
        """The variables that switch keras-tuner into chief/worker mode."""
        return {TUNER_ID: self.tuner_id, ORACLE_IP: self.address.host, ORACLE_PORT: str(self.address.port)}


def from_flags(experiment: str, role: str | None, oracle: str | None, worker_id: str | int | None,
               resume: str = "") -> DistributedConfig | None:
    """Validate --distributed/--oracle/--worker-id (no network yet); None for an ordinary run."""
    if role is None:
        if oracle or worker_id is not None:
            given = "--oracle" if oracle else "--worker-id"
            raise ParamError(f"{given} only applies to a distributed search; add --distributed chief or "
                             "--distributed worker.")
        return None
    if role not in ROLES:
        raise ParamError(f"--distributed must be chief or worker (got '{role}').")
    if experiment not in DISTRIBUTED_EXPERIMENTS:
        raise ParamError(f"Only the tune experiment can be distributed; '{experiment}' trains one model in "
                         "one process (use --strategy mirrored to spread it over a box's GPUs).")
    if resume.strip():
        raise ParamError("A distributed search cannot be resumed; start a new one without --resume.")
    address = parse_address(oracle)
    if role == "chief":
        if worker_id is not None:
            raise ParamError("The chief has no worker id; give --worker-id only to workers.")
        return DistributedConfig("chief", address)
    if worker_id is None or str(worker_id).strip() == "":
        raise ParamError("Each worker needs its own id: add --worker-id N (0, 1, 2, …), different on every "
                         "worker.")
    try:
        number = int(str(worker_id).strip())
    except ValueError:
        raise ParamError(f"--worker-id must be a whole number from 0 to 9999 (got '{worker_id}').") from None
    if not 0 <= number <= 9999:
        raise ParamError(f"--worker-id must be a whole number from 0 to 9999 (got '{worker_id}').")
    return DistributedConfig("worker", address, number)


def check_network(config: DistributedConfig) -> None:
    """The checks that need the network: a chief's port must be free, a worker's chief must answer."""
    if config.role == "chief":
        check_port_free(config.address)
    else:
        check_reachable(config.address)


def from_env(environ: Mapping[str, str] | None = None) -> DistributedConfig | None:
    """This process's role as keras-tuner will see it, or None for an ordinary search."""
    environ = os.environ if environ is None else environ
    if ORACLE_IP not in environ:
        return None
    tuner_id = environ.get(TUNER_ID, "")
    address = parse_address(f"{_bracket(environ[ORACLE_IP])}:{environ.get(ORACLE_PORT, '')}")
    if not tuner_id:
        raise ParamError(f"{ORACLE_IP} is set but {TUNER_ID} is not; give every process of a distributed "
                         "search an id (ch11-tutor sets it from --distributed and --worker-id).")
    if CHIEF_ID in tuner_id:
        return DistributedConfig("chief", address)
    number = tuner_id.removeprefix(WORKER_PREFIX)
    return DistributedConfig("worker", address, int(number) if number.isdigit() else None)


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host
