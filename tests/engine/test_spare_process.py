"""A real spare process: it refuses a run for another home, leaves when its app is killed, and runs as cold runs do."""
from __future__ import annotations

import json
import os
import resource
import select
import signal
import subprocess
import sys

import pytest

from engine import priority
from engine.events import read_events
from engine.launcher import Spare, child_environment, start_run, start_spare
from engine.registry import resolve_spec
from engine.spare_rules import identity

EXIT_BOUND = 120.0  # seconds: a spare on a loaded machine still notices end of file well within this


def _wait_gone(pid: int) -> bool:
    """Wait on the process itself (a pidfd turns readable when it exits), up to a generous bound."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([fd], [], [], EXIT_BOUND)
        return bool(readable)
    finally:
        os.close(fd)


def test_a_spare_started_for_one_home_refuses_a_run_for_another(tmp_path):
    home_a, home_b = tmp_path / "a", tmp_path / "b"
    spare = start_spare(home_a)
    request = {**identity(str(home_b.resolve()), None, child_environment()), "run_id": "r1",
               "argv": ["--home", str(home_b), "run", "base", "--quick", "--run-id", "r1"]}
    answer = spare._send(request)
    assert answer.startswith("refused ") and str(home_a.resolve()) in answer
    assert spare.process.wait(EXIT_BOUND) == 2
    assert not (home_b / "runs").exists()  # nothing was written in the home it does not serve


def test_a_spare_exits_on_its_own_when_its_app_is_killed(tmp_path):
    app = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom engine.launcher import start_spare\n"
         "spare = start_spare(sys.argv[1])\nprint(spare.pid, flush=True)\ntime.sleep(600)\n", str(tmp_path)],
        stdout=subprocess.PIPE, text=True)
    try:
        spare_pid = int(app.stdout.readline())
        os.kill(spare_pid, 0)  # the spare is up, in its own session
        assert os.getsid(spare_pid) == spare_pid
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait()
    assert _wait_gone(spare_pid), "the spare outlived its app"


def _wait_ready(spare: Spare) -> None:
    """Block on the spare's own pipe until it says ready (or dies): its line, not a clock, ends the wait."""
    while not spare.ready():
        assert spare.alive(), "the spare died while warming up"
        select.select([spare.process.stdout], [], [], EXIT_BOUND)


def _epoch_metrics(path) -> list[dict]:
    events, bad = read_events(path / "events.jsonl")
    assert bad == 0
    return [{k: e.get(k) for k in ("series", "epoch", "metrics")} for e in events if e["type"] == "epoch_end"]


@pytest.mark.skipif(priority.autogroup_niceness() is None, reason="this kernel has no autogroup")
def test_a_run_on_a_spare_gives_the_cold_run_s_numbers_at_a_cold_run_s_priority(tmp_path):
    # The spare rehearses a fit, then must forget it: same seed, same numbers to the last bit, and
    # it waits at the lowest priority, then runs at the priority it is handed (threads as far as permitted).
    home = tmp_path / "home"
    spec = resolve_spec("demo-symmetry", quick=True)
    spare = start_spare(home)
    cold = start_run(spec, home)  # meanwhile: the spare yields to it
    assert cold.wait(EXIT_BOUND) == 0
    _wait_ready(spare)
    assert priority.autogroup_niceness(spare.pid) == priority.SPARE_NICENESS
    assert set(priority.thread_niceness(spare.pid)) == {priority.SPARE_NICENESS}
    warm = spare.hand_over(spec, niceness=priority.RUN_NICENESS)
    # the spare answered `accepted` only once its priority was set
    may_raise = os.geteuid() == 0 or resource.getrlimit(resource.RLIMIT_NICE)[0] >= 20 - priority.RUN_NICENESS
    assert priority.autogroup_niceness(warm.process.pid) == priority.RUN_NICENESS
    assert set(priority.thread_niceness(warm.process.pid)) == {priority.RUN_NICENESS if may_raise
                                                                else priority.SPARE_NICENESS}
    assert warm.wait(EXIT_BOUND) == 0
    results = [json.loads((h.path / "result.json").read_text()) for h in (cold, warm)]
    assert [r["start"] for r in results] == ["cold", "warm"]
    assert _epoch_metrics(warm.path) == _epoch_metrics(cold.path) != []
    for part in ("summary", "configurations", "tables", "verdict"):
        assert results[1][part] == results[0][part], part
    # Keras fit on a CPU compiles no XLA program: no hit to report, though the rehearsal left one in the cache
    assert [r["compile_cache"]["hit"] for r in results] == [None, None]
    assert results[1]["compile_cache"]["entries_before"] >= 1
