"""Who this process is in a distributed search (chief or worker N) and how keras-tuner is told.

keras-tuner reads its own three environment variables (KERASTUNER_TUNER_ID, _ORACLE_IP and
_ORACLE_PORT) when a tuner is built; the CLI validates its flags into a config and exports them,
so the run process, and anything it starts, agrees on one source of truth.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from engine.distributed.address import OracleAddress, check_port_free, check_reachable, parse_address
from engine.distributed.security import TLS_CERT_ENV, TLS_KEY_ENV, TOKEN_ENV, read_pem
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
    token: str = ""  # every call to the chief carries it; the chief refuses calls without it
    tls_cert: str = ""  # the chief's certificate (a worker: the certificate it trusts); "" for plain gRPC
    tls_key: str = ""  # the chief's private key

    @property
    def tuner_id(self) -> str:
        """The id keras-tuner's oracle knows this process by."""
        return CHIEF_ID if self.role == "chief" else f"{WORKER_PREFIX}{self.worker_id}"

    @property
    def label(self) -> str:
        """How events and tables name this process: 'chief' or 'worker 2'."""
        return CHIEF_ID if self.role == "chief" else f"worker {self.worker_id}"

    def env(self) -> dict[str, str]:
        """The variables that switch keras-tuner into chief/worker mode, and this search's credentials."""
        credentials = {TOKEN_ENV: self.token, TLS_CERT_ENV: self.tls_cert, TLS_KEY_ENV: self.tls_key}
        return {TUNER_ID: self.tuner_id, ORACLE_IP: self.address.host, ORACLE_PORT: str(self.address.port),
                **{name: value for name, value in credentials.items() if value}}

    def worker_command(self) -> str:
        """What to type on a worker machine to join this chief's search."""
        tls = " --tls-cert CHIEF-CERT.pem" if self.tls_cert else ""
        return (f"{TOKEN_ENV}={self.token} ch11-tutor run tune --distributed worker --oracle {self.address} "
                f"--worker-id N{tls} (same preset and parameters)")


def from_flags(experiment: str, role: str | None, oracle: str | None, worker_id: str | int | None,
               resume: str = "", token: str | None = None, tls_cert: str | None = None,
               tls_key: str | None = None) -> DistributedConfig | None:
    """Validate --distributed/--oracle/--worker-id/--token/--tls-* (no network yet); None for an ordinary run."""
    if role is None:
        present = [flag for flag, given in (("--oracle", bool(oracle)), ("--worker-id", worker_id is not None),
                                            ("--token", bool(token)), ("--tls-cert", bool(tls_cert)),
                                            ("--tls-key", bool(tls_key))) if given]
        if present:
            given = present[0]
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
    token = (token or os.environ.get(TOKEN_ENV, "")).strip()
    cert, key = _tls_files(role, tls_cert or os.environ.get(TLS_CERT_ENV, ""),
                           tls_key or os.environ.get(TLS_KEY_ENV, ""))
    if role == "chief":
        if worker_id is not None:
            raise ParamError("The chief has no worker id; give --worker-id only to workers.")
        return DistributedConfig("chief", address, token=token, tls_cert=cert, tls_key=key)  # "": made when serving
    if worker_id is None or str(worker_id).strip() == "":
        raise ParamError("Each worker needs its own id: add --worker-id N (0, 1, 2, …), different on every "
                         "worker.")
    try:
        number = int(str(worker_id).strip())
    except ValueError:
        raise ParamError(f"--worker-id must be a whole number from 0 to 9999 (got '{worker_id}').") from None
    if not 0 <= number <= 9999:
        raise ParamError(f"--worker-id must be a whole number from 0 to 9999 (got '{worker_id}').")
    if not token:
        raise ParamError(f"A worker needs its search's token: copy {TOKEN_ENV}=… from the worker command the "
                         "chief printed (or pass --token).")
    return DistributedConfig("worker", address, number, token=token, tls_cert=cert)


def _tls_files(role: str, cert: str, key: str) -> tuple[str, str]:
    """The TLS files, checked readable: a chief needs both or neither, a worker only a certificate."""
    cert, key = cert.strip(), key.strip()
    if role == "chief" and bool(cert) != bool(key):
        raise ParamError("TLS needs both --tls-cert and --tls-key on the chief (or neither, for plain gRPC).")
    if role == "worker" and key:
        raise ParamError("A worker needs no --tls-key; give it only --tls-cert, the chief's certificate to trust.")
    for path, what in ((cert, "TLS certificate"), (key, "TLS key")):
        if path:
            try:
                read_pem(path, what)
            except ValueError as error:
                raise ParamError(f"{str(error)[0].upper()}{str(error)[1:]}; give a readable PEM file.") from None
    return (str(Path(cert).expanduser().resolve()) if cert else "", str(Path(key).expanduser().resolve()) if key else "")


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
    token, cert, key = environ.get(TOKEN_ENV, ""), environ.get(TLS_CERT_ENV, ""), environ.get(TLS_KEY_ENV, "")
    if CHIEF_ID in tuner_id:
        return DistributedConfig("chief", address, token=token, tls_cert=cert, tls_key=key)
    number = tuner_id.removeprefix(WORKER_PREFIX)
    return DistributedConfig("worker", address, int(number) if number.isdigit() else None, token=token, tls_cert=cert)


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


TIMEOUT_ENV = "CH11_TUTOR_WORKER_TIMEOUT"
DEFAULT_TIMEOUT = 30.0  # seconds without a heartbeat before a worker counts as gone (beats come every 1 s)


def worker_timeout() -> float:
    """Seconds of silence after which the chief gives up on a worker (an environment variable can shorten it)."""
    try:
        return max(2.0, float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT
