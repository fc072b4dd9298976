"""The headless command and the child-process API, driven as a user and the TUI drive them."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from engine.launcher import start_run
from engine.registry import resolve_spec
from engine.runs import RunStore

CLI = [sys.executable, "-m", "engine"]


def cli(*args: str, home=None) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"CH11_TUTOR_HOME": str(home)} if home else {})}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=300)


def test_help_and_experiments_answer_without_tensorflow():
    done = cli("experiments", "base")
    assert done.returncode == 0 and "--learning-rate" in done.stdout and "presets: plain" in done.stdout
    assert cli("--help").returncode == 0


@pytest.mark.parametrize(("args", "message"), [
    (["run", "base", "--learning-rate", "5"], "'learning_rate' must be a number from 1e-06 to 1"),
    (["run", "base", "--preset", "huge"], "has no preset 'huge'"),
    (["run", "nosuch"], "Unknown experiment 'nosuch'"),
    (["run", "base", "--epochs"], "needs a value"),
    (["run", "base", "--data", "/nowhere/mnist.npz"], "/nowhere/mnist.npz (from --data) does not exist"),
    (["show", "missing-run"], "No run 'missing-run'"),
])
def test_bad_input_gets_one_sentence_exit_2_and_no_run_folder(args, message, tutor_home):
    done = cli(*args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tutor_home / "runs").exists() or not any((tutor_home / "runs").iterdir())


def test_child_run_finishes_keeps_tf_logs_out_and_is_listed(tutor_home):
    handle = start_run(resolve_spec("base", quick=True), home=tutor_home)
    assert handle.wait(timeout=300) == 0
    events = handle.new_events()
    assert events[-1]["type"] == "run_finished"
    assert handle.status() == "finished"
    assert (handle.path / "output.log").exists()
    listed = json.loads(cli("runs", "--json").stdout)
    assert [row["status"] for row in listed] == ["finished"]
    shown = cli("show", handle.run_id[-4:])
    assert shown.returncode == 0 and "test accuracy" in shown.stdout and "val_accuracy" in shown.stdout


def test_ctrl_c_after_an_epoch_cancels_the_run_and_keeps_the_checkpoint(tutor_home):
    child = subprocess.Popen([*CLI, "run", "base", "--quick", "--epochs", "200", "--patience", "200", "--json"],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for line in child.stdout:  # blocks on the child's own event stream: no clock involved
        if json.loads(line)["type"] == "epoch_end":
            child.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
            break
    rest = [json.loads(line)["type"] for line in child.stdout]
    assert child.wait(timeout=120) == 130
    assert rest[-1] == "run_cancelled"
    path = RunStore(tutor_home).list()[0].path
    assert RunStore(tutor_home).status(path)[0] == "cancelled"
    assert (path / "model.keras").exists()


def test_a_stop_request_finishes_the_step_and_keeps_the_checkpoint(tutor_home):
    # what the app's cancel does: the STOP file, then SIGINT; that one signal must not count as a second Ctrl-C
    child = subprocess.Popen([*CLI, "run", "base", "--quick", "--epochs", "200", "--patience", "200",
                              "--learning-rate", "1e-6", "--json"], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    store = RunStore(tutor_home)
    for line in child.stdout:  # blocks on the child's own event stream
        event = json.loads(line)
        if event["type"] == "run_started":
            path = store.path_of(event["run_id"])
        if event["type"] == "epoch_end":
            assert store.request_stop(path)
            break
    rest = [json.loads(line) for line in child.stdout]
    assert child.wait(timeout=120) == 130
    assert any(e["type"] == "phase" and e["name"] == "stopping" for e in rest)  # stopped at a boundary
    assert rest[-1]["type"] == "run_cancelled"
    assert (path / "model.keras").exists()


def test_piped_run_prints_one_line_per_epoch(tutor_home):
    done = cli("run", "base", "--quick", "--epochs", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.startswith("epoch ") for line in lines) == 2
    assert "finished: test accuracy" in lines[-1]
    assert "oneDNN" not in done.stdout + done.stderr  # TensorFlow's own logging went to output.log
