"""What the processes of one distributed search share: the search id, settings, space and handshake keys.

A worker introduces itself to the chief once, in the metadata of a plain keras-tuner GetSpace
call (keras-tuner's own clients ignore metadata, so its protocol is untouched); the chief answers
with the search id and its run folder, or with one sentence saying why it refuses the worker.
"""
from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.atomic import write_json_atomic
from engine.distributed.config import DistributedConfig

LINK_FILE = "distributed.json"  # in every run folder of a distributed search: who it was, which search
PER_PROCESS = ("strategy", "resume")  # may differ between machines without changing what a trial means
HELLO, NONCE, SETTINGS, SPACE, RUN_DIR = "ch11-hello", "ch11-nonce", "ch11-settings", "ch11-space", "ch11-run-dir"
BEAT = "ch11-heartbeat"
SEARCH_ID, CHIEF_RUN, REFUSED = "ch11-search-id", "ch11-chief-run", "ch11-refused"


def new_search_id() -> str:
    """A readable, unique id that links the chief's and the workers' run folders."""
    return f"search-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"


def settings_of(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters every process of a search must share (everything but per-machine choices)."""
    return {k: v for k, v in sorted(params.items()) if k not in PER_PROCESS}


def space_of(params: dict[str, Any]) -> list[Any]:
    """The keras-tuner search space these parameters declare, as plain data."""
    import keras_tuner as kt

    from engine.experiments.tune_space import choose

    hp = kt.HyperParameters()
    choose(hp, params["space"])
    return json.loads(json.dumps(hp.get_config()["space"], default=str))


def differences(chief: dict[str, Any], worker: dict[str, Any]) -> list[str]:
    """'name (chief X, worker Y)' for every setting that differs."""
    names = sorted(set(chief) | set(worker))
    return [f"{n} (chief {chief.get(n)!r}, worker {worker.get(n)!r})" for n in names if chief.get(n) != worker.get(n)]


def encode(value: Any) -> str:
    """gRPC metadata values are ASCII text."""
    return json.dumps(value, ensure_ascii=True, sort_keys=True, default=str)


@dataclass
class Session:
    """This process's part in a distributed search."""

    config: DistributedConfig
    run_dir: Path
    search_id: str = ""
    chief_run: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # plain data added to the link (a worker's nonce)
    watch: Any = None  # on the chief, once serving: its record of workers and trials
    heartbeat: Any = None  # on a worker, once it has met the chief

    def link(self) -> dict[str, Any]:
        """What distributed.json says: the search, this process's role, and where the chief's folder is."""
        return {"search_id": self.search_id, "role": self.config.role, "tuner_id": self.config.tuner_id,
                "worker_id": self.config.worker_id, "oracle": str(self.config.address),
                "chief_run": self.chief_run, **self.extra}

    def write_link(self) -> None:
        """Record the link in the run folder (atomically, like every file of a run)."""
        write_json_atomic(self.run_dir / LINK_FILE, self.link())
