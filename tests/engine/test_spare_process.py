"""A real spare process: it refuses a run for another home, and it leaves when its app is killed."""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys

from engine.launcher import child_environment, start_spare
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
