"""A chief and real worker processes on 127.0.0.1 run a tiny Hyperband search, with and without a crash.

Each process is the command a user types (`python -m engine run tune --distributed …`); the test
waits on the events the processes write, never on a clock.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.events import read_events

# seed-space: three 1-epoch trials, then one resumed to 3 epochs; the chief retrains the best for 1 epoch
SEARCH = ["--quick", "--max-epochs", "3", "--epochs", "1", "--json"]
DEADLINE = 240  # seconds; a healthy search here takes well under a minute


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Search:
    """Starts the chief and workers of one search under one home, and cleans up whatever is left."""

    def __init__(self, home: Path, env: dict[str, str] | None = None) -> None:
        self.home, self.port = home, free_port()
        self.env = {**os.environ, "CH11_TUTOR_HOME": str(home), "PYTHONUNBUFFERED": "1", **(env or {})}
        self.processes: dict[str, subprocess.Popen] = {}
        self.token = ""

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        command = [sys.executable, "-m", "engine", "run", "tune", *SEARCH, "--run-id", name,
                   "--oracle", f"127.0.0.1:{self.port}", *args]
        log = open(self.home / f"{name}.console", "wb")
        self.processes[name] = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                                env={**self.env, **(env or {})})
        return self.processes[name]

    def chief(self, *extra: str) -> None:
        self.start("chief", "--distributed", "chief", *extra)
        serving = self.wait_for("chief", lambda e: e["type"] == "phase" and e.get("name") == "serving the search")
        # the token the chief made, taken from the worker command it printed
        self.token = re.search(r"CH11_TUTOR_SEARCH_TOKEN=(\S+) ch11-tutor run tune", serving["detail"]).group(1)

    def worker(self, number: int, *extra: str, token: str | None = None) -> subprocess.Popen:
        return self.start(f"worker-{number}", "--distributed", "worker", "--worker-id", str(number), *extra,
                          env={"CH11_TUTOR_SEARCH_TOKEN": self.token if token is None else token})

    def events(self, name: str) -> list[dict]:
        return read_events(self.home / "runs" / name / "events.jsonl")[0]

    def wait_for(self, name: str, match) -> dict:
        """The first event of run `name` that matches, polling its events file until the deadline."""
        limit = time.monotonic() + DEADLINE
        while time.monotonic() < limit:
            found = next((e for e in self.events(name) if match(e)), None)
            if found:
                return found
            process = self.processes[name]
            assert process.poll() is None, f"{name} exited ({process.returncode}): {self.console(name)}"
            time.sleep(0.05)
        raise AssertionError(f"{name} never wrote the awaited event; console: {self.console(name)}")

    def finish(self, name: str) -> dict:
        self.processes[name].wait(DEADLINE)
        return json.loads((self.home / "runs" / name / "result.json").read_text())

    def console(self, name: str) -> str:
        return (self.home / f"{name}.console").read_text(errors="replace")[-2000:]

    def close(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.fixture
def search(tutor_home):
    tutor_home.mkdir(parents=True, exist_ok=True)
    made = Search(tutor_home, {"CH11_TUTOR_WORKER_TIMEOUT": "5"})  # heartbeats come every second
    yield made
    made.close()


def test_chief_and_two_workers_finish_a_search_with_every_trial_in_the_chiefs_table(search):
    search.chief()
    search.worker(1)
    search.worker(2)
    mismatched = search.worker(3, "--factor", "2")  # a different search: the chief must refuse it
    chief = search.finish("chief")
    workers = [search.finish("worker-1"), search.finish("worker-2")]
    assert chief["status"] == "finished", chief.get("error")
    trials = chief["trials"]
    assert len(trials) == 4 and all(t["status"] == "COMPLETED" for t in trials)
    assert {t["worker"] for t in trials} == {"worker 1", "worker 2"}  # both workers trained
    ran = sorted(t["trial"] for w in workers for t in w["trials"])
    assert ran == sorted(t["trial"] for t in trials)  # each trial ran on exactly one worker
    assert {w["distributed"]["search_id"] for w in workers} == {chief["distributed"]["search_id"]}
    table = [e for e in search.events("chief") if e["type"] == "table" and e["name"] == "trials"][-1]
    assert "worker" in table["columns"] and len(table["rows"]) == 4
    chief_events = search.events("chief")
    for trial in trials:  # the chief's run shows each worker's trials live, tagged by worker
        assert any(e["type"] == "trial_end" and e["trial"] == trial["trial"] and e["worker"] == trial["worker"]
                   for e in chief_events)
        assert any(e["type"] == "epoch_end" and e.get("trial") == trial["trial"] and e.get("worker")
                   for e in chief_events)
    resumed = next(t for t in trials if t["initial_epoch"] > 0)  # Hyperband's second round, from a checkpoint
    assert resumed["epochs"] == 3 and chief["summary"]["test_accuracy"] > 0
    assert mismatched.wait(DEADLINE) == 1
    refused = json.loads((search.home / "runs" / "worker-3" / "result.json").read_text())
    assert "The chief refuses worker 3" in refused["error"] and "factor (chief 3, worker 2)" in refused["error"]
    assert refused["status"] == "failed" and "Traceback" not in refused["error"]


def test_a_worker_killed_mid_trial_is_recorded_and_the_search_finishes(search):
    search.chief()
    search.worker(1)
    search.worker(2)
    first = search.wait_for("chief", lambda e: e["type"] == "trial_started")
    victim = first["worker"].replace(" ", "-")
    search.processes[victim].send_signal(signal.SIGKILL)  # mid-trial: no goodbye, no end of trial
    chief = search.finish("chief")
    assert chief["status"] == "finished", chief.get("error")
    failed = [t for t in chief["trials"] if t["status"] == "FAILED"]
    assert [t["trial"] for t in failed] == [first["trial"]]
    assert "stopped answering" in failed[0]["message"] and failed[0]["worker"] == first["worker"]
    survivor = "worker 2" if first["worker"] == "worker 1" else "worker 1"
    done = [t for t in chief["trials"] if t["status"] == "COMPLETED"]
    assert done and {t["worker"] for t in done} == {survivor}
    report = chief["distributed"]
    assert report["lost_workers"] == [first["worker"]] and first["worker"] in report["note"]
    assert any(e["type"] == "phase" and e.get("name") == "worker lost" for e in search.events("chief"))


def test_a_worker_whose_chief_dies_ends_with_one_sentence(search):
    search.chief()
    worker = search.worker(1)
    search.wait_for("worker-1", lambda e: e["type"] == "trial_started")
    search.processes["chief"].send_signal(signal.SIGKILL)
    assert worker.wait(DEADLINE) == 1
    result = json.loads((search.home / "runs" / "worker-1" / "result.json").read_text())
    assert result["error"].startswith(f"The chief at 127.0.0.1:{search.port} stopped answering")


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by openssl as a user would."""
    cert, key = folder / "chief-cert.pem", folder / "chief-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def test_over_tls_only_a_worker_with_the_token_gets_in_and_finishes_the_search(search):
    import grpc

    from engine.keras_tuner_internals import protos

    cert, key = self_signed(search.home)
    search.chief("--tls-cert", str(cert), "--tls-key", str(key))
    channel = grpc.secure_channel(f"127.0.0.1:{search.port}", grpc.ssl_channel_credentials(cert.read_bytes()))
    with pytest.raises(grpc.RpcError) as refused:  # a raw call, over TLS, without the token
        protos.get_service_grpc().OracleStub(channel).GetSpace(protos.get_service().GetSpaceRequest(), timeout=60)
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    channel.close()
    intruder = search.worker(2, "--tls-cert", str(cert), token="a-guess")
    assert intruder.wait(DEADLINE) == 1
    error = json.loads((search.home / "runs" / "worker-2" / "result.json").read_text())["error"]
    assert error.startswith(f"The chief at 127.0.0.1:{search.port} refused this worker: this search's token")
    assert "\n" not in error and "refused this worker" in search.console("worker-2")  # on its terminal too
    search.worker(1, "--tls-cert", str(cert))
    chief = search.finish("chief")
    assert chief["status"] == "finished", chief.get("error")
    assert chief["trials"] and {t["worker"] for t in chief["trials"]} == {"worker 1"}
    assert all(t["status"] == "COMPLETED" for t in chief["trials"])
    assert chief["distributed"]["unauthenticated_calls"] >= 2 and chief["distributed"]["bad_reports"] == []
    assert search.finish("worker-1")["status"] == "finished"
