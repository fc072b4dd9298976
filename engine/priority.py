"""How much CPU a run or a spare may take from the app: the nice value of every thread and of the session.

Each run and each spare leads its own session, and Linux's autogroup scheduler shares the CPU
between sessions before it looks at a thread's nice value, so a session's autogroup nice is what
decides between a run, a spare and the app; the threads' nice values count where autogroup is off.
Anyone may lower a priority; raising a nice value back down needs privileges (CAP_SYS_NICE or
RLIMIT_NICE) for threads, but not for an autogroup at 0 or above. Nothing here raises: a priority
that cannot be set is left as it is. (No TensorFlow here: the app uses this too.)
"""
from __future__ import annotations

import errno
import os
import time
from typing import Callable

RUN_NICENESS = 10  # training yields the CPU to key presses; on an idle machine it loses nothing
SPARE_NICENESS = 19  # a spare warming up yields even to the run it follows
# Without CAP_SYS_ADMIN the kernel takes one autogroup change per 100 ms, machine-wide, and answers
# EAGAIN to the next: a spare starting just after another process's change tries again.
AUTOGROUP_ATTEMPTS = 20
AUTOGROUP_RETRY_SECONDS = 0.1


def run_niceness() -> int:
    """The nice value this process gives the runs it starts: its own plus RUN_NICENESS, at most 19."""
    try:
        return min(19, os.getpriority(os.PRIO_PROCESS, 0) + RUN_NICENESS)
    except (OSError, AttributeError):
        return RUN_NICENESS


def threads(pid: int | None = None) -> list[int]:
    """Thread ids of a process (default: this one); just the process itself where /proc cannot say."""
    pid = pid or os.getpid()
    try:
        return sorted(int(name) for name in os.listdir(f"/proc/{pid}/task"))
    except (OSError, ValueError):
        return [pid]


def set_thread_niceness(niceness: int, pid: int | None = None) -> bool:
    """Give every thread of a process `niceness`; False if any refused (raising a priority needs privileges)."""
    done = True
    for tid in threads(pid):  # Linux keeps a nice value per thread, and new threads copy their creator's
        try:
            os.setpriority(os.PRIO_PROCESS, tid, niceness)
        except ProcessLookupError:  # the thread ended meanwhile
            continue
        except (OSError, AttributeError):
            done = False
    return done


def set_autogroup_niceness(niceness: int, pid: int | None = None, attempts: int = 1,
                           wait: Callable[[float], None] = time.sleep) -> bool:
    """Set the nice value of a process's session (its autogroup); False where there is none or it is refused."""
    path = f"/proc/{pid or 'self'}/autogroup"
    for attempt in range(attempts):
        try:
            with open(path, "w") as autogroup:  # `with`: the kernel's answer comes on close, not on write
                autogroup.write(str(niceness))
            return True
        except OSError as error:
            if error.errno != errno.EAGAIN or attempt + 1 >= attempts:
                return False
            wait(AUTOGROUP_RETRY_SECONDS)
    return False


def set_niceness(niceness: int, pid: int | None = None, attempts: int = 1) -> bool:
    """Both: every thread and the session; True only when both took the value."""
    threads_done = set_thread_niceness(niceness, pid)
    return set_autogroup_niceness(niceness, pid, attempts) and threads_done


def autogroup_niceness(pid: int | None = None) -> int | None:
    """A process's session nice value, or None where the kernel has no autogroup."""
    try:
        with open(f"/proc/{pid or 'self'}/autogroup", encoding="ascii") as autogroup:
            return int(autogroup.read().split("nice")[1])
    except (OSError, ValueError, IndexError):
        return None


def thread_niceness(pid: int | None = None) -> list[int]:
    """The nice value of each thread of a process, in thread-id order."""
    values = []
    for tid in threads(pid):
        try:
            values.append(os.getpriority(os.PRIO_PROCESS, tid))
        except OSError:
            continue
    return values
