"""A warm spare: a process that has imported TensorFlow, loaded MNIST and rehearsed a fit, waiting to become one run.

Started by the app (`python -m engine.spare --home DIR`), it talks on two pipes: it writes
`ready` to stdout once warm, reads one JSON request from stdin, answers `accepted` or
`refused <why>`, then points stdout/stderr at the run's output.log and runs the same command a
cold child would (`engine.cli`), with "start": "warm" in result.json. End of file on stdin before
a request means the app is gone: the spare exits at once, at any stage, so it is never an orphan.

A spare lowers its own priority before anything else (SPARE_NICENESS, its session's autogroup
too), so starting one beside a run just handed over takes little from that run; on becoming a run
it takes the request's `niceness`, a cold run's priority, as far as it is permitted to.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import queue
import sys
import threading
from typing import Any

from engine import priority
from engine.paths import tutor_home
from engine.spare_rules import identity, refusal


def main(argv: list[str] | None = None) -> int:
    """Warm up, wait for one run request, run it, exit."""
    parser = argparse.ArgumentParser(prog="python -m engine.spare")
    parser.add_argument("--home", required=True)
    parser.add_argument("--data")
    args = parser.parse_args(argv)
    served = identity(str(tutor_home(args.home)), args.data, os.environ)  # before anything below changes it
    # first, while this is the only thread: threads started later (TensorFlow's) copy its nice value
    priority.set_niceness(priority.SPARE_NICENESS, attempts=priority.AUTOGROUP_ATTEMPTS)
    reply = os.fdopen(os.dup(1), "w", buffering=1)
    requests: queue.Queue[dict[str, Any]] = queue.Queue()
    threading.Thread(target=_watch_app, args=(served, requests, reply), daemon=True, name="spare-watch").start()
    _warm_up(served["home"], args.data)
    reply.write(f"ready {os.getpid()}\n")
    request = requests.get()
    return _become_run(request, reply)


def _watch_app(served: dict[str, Any], requests: "queue.Queue[dict[str, Any]]", reply: Any) -> None:
    """Wait for the app's one request; the app's end closing without one means it is gone."""
    line = sys.stdin.buffer.readline()
    if not line:
        os._exit(0)  # the app exited or was killed: nothing was handed over, nothing to clean up
    try:
        request = json.loads(line)
    except ValueError:
        request = None
    why = refusal(served, request)
    if why:
        reply.write(f"refused {why}\n")
        reply.flush()
        os._exit(2)
    requests.put(request)


def _warm_up(home: str, data: str | None) -> None:
    """What every cold run pays first: TensorFlow, Keras, the runner modules, the MNIST arrays, a first fit."""
    from engine import data as mnist_data
    from engine import xla_cache
    from engine.execute import quiet_tensorflow
    from engine.registry import experiments

    quiet_tensorflow()
    xla_cache.configure(home)
    import keras  # noqa: F401  (the import is the point)
    import tensorflow  # noqa: F401

    for experiment in experiments():
        try:
            importlib.import_module(experiment.runner.split(":")[0])
        except Exception:  # an optional dependency missing: that run imports (and reports) it itself
            continue
    try:
        mnist_data.load(data)  # cached in-process: the run's own load returns these arrays
    except Exception:  # a bad data file: the run's own check says so in one sentence
        pass
    from engine.spare_rehearsal import rehearse

    try:
        rehearse()  # the first fit's tracing and setup, paid here; it resets Keras and the seeds after itself
    except Exception:  # a rehearsal that fails costs only its head start: the run pays that setup itself
        pass


def _become_run(request: dict[str, Any], reply: Any) -> int:
    """Send output where a cold child's goes, then run the request's command line in this process."""
    from engine.cli import main as cli_main
    from engine.runs import LOG, RunStore

    argv = [str(a) for a in request["argv"]]
    log_path = RunStore(request["home"]).inside(str(request["run_id"])) / LOG
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    niceness = request.get("niceness")
    if isinstance(niceness, int) and not isinstance(niceness, bool):
        # a run now, no longer a spare: a cold run's priority (threads only where permitted, the session
        # always), set before the app hears `accepted` and starts the next spare, whose own change would
        # otherwise be the one the kernel's rate limit refuses
        priority.set_niceness(max(0, min(19, niceness)), attempts=3)
    reply.write("accepted\n")
    reply.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # like a cold child: nothing to read, and the app's pipe is let go
    os.close(null)
    sys.argv = ["ch11-tutor", *argv]
    return cli_main(argv, start="warm")


if __name__ == "__main__":
    sys.exit(main())
