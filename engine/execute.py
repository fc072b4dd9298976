"""Runs one spec in this process: run folder, events, signals, result.json. The child side of a run."""
from __future__ import annotations

import importlib
import os
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Iterable

from engine import xla_cache
from engine.atomic import write_json_atomic
from engine.context import RunContext, StopFlag
from engine.disk_faults import disk_errno, disk_sentence, keep_room, release_room, remove_partial_files
from engine.errors import RunError, StopRequested, TutorError
from engine.events import EventWriter, Listener, clean
from engine.events_contract import Devices, Phase, RunStarted
from engine.registry import RunSpec, get_experiment
from engine.runs import EVENTS, RESULT, STOP, RunStore
from engine.training.epoch_scalars import EpochScalars

EXIT_CODES = {"finished": 0, "failed": 1, "cancelled": 130}


def quiet_tensorflow() -> None:
    """Set TensorFlow's logging and GPU memory behaviour before it is imported."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")  # two runs can share one card
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def load_runner(spec: RunSpec) -> Callable[[RunContext], dict[str, Any]]:
    """Import the experiment's runner function (this is where TensorFlow gets imported)."""
    module_name, function = get_experiment(spec.experiment).runner.split(":")
    return getattr(importlib.import_module(module_name), function)


def execute(spec: RunSpec, home: str | os.PathLike | None = None, run_id: str | None = None,
            listeners: Iterable[Listener] = (), argv: list[str] | None = None,
            on_created: Callable[[Path], None] | None = None, start: str = "cold") -> tuple[str, Path]:
    """Run a spec to its end and return (status, run folder). Never raises for a failed run.

    `start` says whether this process imported TensorFlow for the run ("cold") or was a spare
    that had it loaded already ("warm"); it is recorded in result.json.
    """
    quiet_tensorflow()
    cache = xla_cache.configure(home)  # before TensorFlow is imported, or it never reads the flag
    cached_before = xla_cache.entries(cache)
    store = RunStore(home)
    path = store.create(spec, run_id)
    try:
        store.mark_process(path, argv)
        if on_created:
            on_created(path)
        events = EventWriter(path / EVENTS, listeners)
    except OSError as failure:  # a disk that fills or turns read-only before training: refused, folder gone
        shutil.rmtree(path, ignore_errors=True)
        code = disk_errno(failure)
        raise RunError(disk_sentence(code, path.parent) if code else
                       f"Cannot start the run in {path} ({failure}); check that the runs folder is writable.") from None
    keep_room(path)
    scalars = None if get_experiment(spec.experiment).own_tensorboard else EpochScalars(path)
    if scalars is not None:
        events.listeners.append(scalars)
    stop = StopFlag(path / STOP)
    ctx = RunContext(spec, path, events, stop, Path(home) if home else None)
    restore = _install_signal_handlers(stop, events)
    started = time.time()
    events.emit(RunStarted(run_id=path.name, experiment=spec.experiment, preset=spec.preset,
                           params=dict(spec.params), quick=spec.quick, pid=os.getpid()))
    result: dict[str, Any] = {}
    error = ""
    programs = xla_cache.programs_noted()  # a spare's rehearsal has asked for some already
    try:
        ctx.phase("starting TensorFlow")
        runner = load_runner(spec)
        events.emit(Devices(devices=_devices()))  # the runner's import has loaded TensorFlow by now
        ctx.check_stop()
        xla_cache.align_program_names()  # a warm and a cold run then name their programs alike
        result = runner(ctx) or {}
        status = "cancelled" if stop.requested else "finished"
    except (StopRequested, KeyboardInterrupt):
        status = "cancelled"
    except TutorError as failure:
        status, error = "failed", str(failure)
    except Exception as failure:  # the run fails, the process reports it: never a bare traceback
        status = "failed"
        full = disk_errno(failure)
        if full:
            release_room(path)  # first: the room to write why
            remove_partial_files(path)
            error = disk_sentence(full, path)
        else:
            error = f"{type(failure).__name__}: {failure}"
            traceback.print_exc(file=sys.__stderr__)  # fd 2, i.e. output.log: never a live display
    finally:
        restore()
        if scalars is not None:
            scalars.close()
        release_room(path)
    document = {"run_id": path.name, "status": status, "experiment": spec.experiment, "preset": spec.preset,
                "params": dict(spec.params), "quick": spec.quick, "started": started, "finished": time.time(),
                "seconds": round(time.time() - started, 3), "devices": _devices(), "start": start,
                "compile_cache": xla_cache.compile_report(cached_before, xla_cache.entries(cache),
                                                          compiled=xla_cache.programs_noted() > programs)}
    if error:
        document["error"] = error
    document.update(result)
    document.setdefault("summary", {})
    try:
        write_json_atomic(path / RESULT, clean(document))
    except OSError as failure:  # the disk filled at the very end: the run is not recorded, so it failed
        remove_partial_files(path)
        code = disk_errno(failure)
        status, error = "failed", disk_sentence(code, path) if code else f"result.json could not be written ({failure})"
    terminal = {"finished": "run_finished", "failed": "run_failed", "cancelled": "run_cancelled"}[status]
    fields = {"summary": document["summary"], "seconds": document["seconds"], **({"error": error} if error else {})}
    try:
        events.emit(terminal, **fields)
        events.close()
    except OSError:  # still the terminal hears how the run ended, in one sentence, never a traceback
        _tell_listeners(events, terminal, fields)
    store.index_ended(path)
    return status, path


def _tell_listeners(events: EventWriter, terminal: str, fields: dict[str, Any]) -> None:
    """The last event for the listeners (the terminal) when the events file takes nothing more."""
    for listener in events.listeners:
        try:
            listener({"type": terminal, "time": round(time.time(), 3), **clean(fields)})
        except OSError:
            pass
    try:
        events.close()
    except OSError:
        pass


def _devices() -> list[str]:
    """The devices TensorFlow could use, if this run imported it."""
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return []
    try:
        gpus = tf.config.list_physical_devices("GPU")
        names = []
        for gpu in gpus:
            details = tf.config.experimental.get_device_details(gpu)
            names.append(f"GPU: {details.get('device_name', gpu.name)}")
        return names or ["CPU"]
    except Exception:  # device queries are best effort; a run must not fail over them
        return ["CPU"]


def _install_signal_handlers(stop: StopFlag, events: EventWriter) -> Callable[[], None]:
    """First Ctrl-C/SIGTERM: stop at the next step boundary. A second Ctrl-C: stop now.

    Signals are counted here, not read off the stop flag: a stop request writes the STOP file
    and then sends SIGINT, and that one signal must not count as the second.
    """
    received = []

    def first(signum: int, frame: Any) -> None:
        received.append(signum)
        if signum == signal.SIGINT and received.count(signal.SIGINT) > 1:
            raise KeyboardInterrupt
        stop.set()
        events.emit(Phase(name="stopping", detail="stop requested; finishing the current step"))

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for sig in previous:
            signal.signal(sig, first)
    except ValueError:  # not the main thread (a test may run a spec in a thread): no handlers
        return lambda: None

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return restore
