"""Priorities of real processes: every thread and the session are lowered; raising back takes what is permitted."""
from __future__ import annotations

import ctypes
import json
import os
import resource
import subprocess
import sys

import pytest

from engine import priority

pytestmark = pytest.mark.skipif(priority.autogroup_niceness() is None, reason="this kernel has no autogroup")

NOBODY = 65534
PR_SET_DUMPABLE = 4
# A child in its own session (so its autogroup is its own) with a second thread, waiting on stdin.
THREADED_CHILD = ("import sys, threading\nthreading.Thread(target=sys.stdin.readline, daemon=True).start()\n"
                  "print('up', flush=True)\nsys.stdin.readline()\n")


def test_lowering_a_process_reaches_every_thread_and_its_session():
    child = subprocess.Popen([sys.executable, "-c", THREADED_CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, start_new_session=True)
    try:
        assert child.stdout.readline() == "up\n"  # its second thread exists now
        assert len(priority.threads(child.pid)) == 2
        assert priority.set_niceness(7, child.pid)
        assert priority.thread_niceness(child.pid) == [7, 7]
        assert priority.autogroup_niceness(child.pid) == 7
        assert priority.autogroup_niceness() != 7  # this process's own session was left alone
    finally:
        child.communicate("\n")


def _as_unprivileged_in_own_session() -> dict:
    """What an ordinary user's spare can do: go down to 19, then back up to 10 (forked, own session)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: only os calls, then _exit
        try:
            os.close(read)
            os.setsid()
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                # a process that changed its user without exec is not dumpable, and its /proc files stay
                # root's; an ordinary user's own process is dumpable, so make this one like it
                ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
            report = {"raise_permitted": resource.getrlimit(resource.RLIMIT_NICE)[0] >= 20 - 10,
                      "down": priority.set_niceness(19, attempts=priority.AUTOGROUP_ATTEMPTS),
                      "down_threads": priority.thread_niceness()}
            report["up"] = priority.set_niceness(10, attempts=priority.AUTOGROUP_ATTEMPTS)
            report["up_threads"], report["up_session"] = priority.thread_niceness(), priority.autogroup_niceness()
            # a second change at once: without privileges the kernel refuses it for 100 ms, and it is retried
            report["again"] = priority.set_autogroup_niceness(12, attempts=priority.AUTOGROUP_ATTEMPTS)
            report["again_session"] = priority.autogroup_niceness()
            os.write(write, json.dumps(report).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        text = pipe.read()  # ends when the child exits
    os.waitpid(pid, 0)
    return json.loads(text)


def test_an_unprivileged_process_lowers_itself_and_gets_its_session_back_but_not_its_threads():
    report = _as_unprivileged_in_own_session()
    if report["raise_permitted"]:
        pytest.skip("this user may raise priorities (RLIMIT_NICE), so nothing is refused")
    assert report["down"] is True and set(report["down_threads"]) == {19}
    assert report["up"] is False  # the threads refused, quietly ...
    assert set(report["up_threads"]) == {19}
    assert report["up_session"] == 10  # ... but the session, which is what the scheduler weighs first, came back
    assert report["again"] is True and report["again_session"] == 12


def test_run_niceness_is_this_process_nice_plus_ten_and_never_past_19():
    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert priority.run_niceness() == min(19, own + priority.RUN_NICENESS)
