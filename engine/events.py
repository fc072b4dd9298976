"""Run events: plain JSON objects, one a line in events.jsonl, flushed as they are written.

Every type and its fields are declared once in engine.events_contract; the writer refuses an event
that does not match, so a run folder only ever holds declared events. Readers skip and count lines
they cannot parse.
"""
from __future__ import annotations

import json
import math
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from engine.events_contract import BatchProgress, Event, build

BATCH_PROGRESS_INTERVAL = 0.25  # seconds: a few updates a second is plenty, even over SSH

Listener = Callable[[dict[str, Any]], None]


def clean(value: Any) -> Any:
    """Make a value JSON-safe: numpy scalars become floats, NaN/inf become None."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            value = value.tolist() if hasattr(value, "tolist") else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class EventWriter:
    """Appends events to a file and hands each one to in-process listeners (the CLI display).

    It deep-copies to itself: Keras and keras-tuner copy callbacks, and every copy must still
    write to the one file.
    """

    def __init__(self, path: str | os.PathLike, listeners: Iterable[Listener] = ()) -> None:
        self.path = Path(path)
        self.listeners = list(listeners)
        self._handle = open(self.path, "a", encoding="utf-8")
        # re-entrant: the Ctrl-C handler emits too, and it may interrupt this thread inside emit()
        self._lock = threading.RLock()
        self._last_progress = 0.0

    def emit(self, event: Event | str, **fields: Any) -> dict[str, Any]:
        """Write one event (with its type and wall-clock time) and notify listeners.

        Takes a typed event (engine.events_contract) or a type name and its fields; either way the
        contract checks it first and raises EventContractError, writing nothing, when it does not match.
        """
        if isinstance(event, Event):
            type_, values = event.TYPE, {**event.to_fields(), **fields}
        else:
            type_, values = event, fields
        values = clean(values)
        typed = build(type_, values)
        return self._write({"type": type_, "time": round(time.time(), 3), **typed.to_fields()})

    def _write(self, event: dict[str, Any]) -> dict[str, Any]:
        line = json.dumps(event, separators=(",", ":"))
        with self._lock:
            self._handle.write(line + "\n")
            self._handle.flush()
        for listener in self.listeners:
            listener(event)
        return event

    def progress(self, event: BatchProgress | None = None, force: bool = False, **fields: Any) -> None:
        """Emit batch_progress at most a few times a second (force: now, e.g. between compiled calls)."""
        now = time.monotonic()
        if force or now - self._last_progress >= BATCH_PROGRESS_INTERVAL:
            self._last_progress = now
            self.emit(event if event is not None else "batch_progress", **fields)

    def close(self) -> None:
        """Close the file; later emits are an error."""
        self._handle.close()

    def __deepcopy__(self, memo: dict) -> "EventWriter":
        return self


def parse_line(line: str) -> dict[str, Any] | None:
    """One event from one line, or None when the line is not a JSON object with a type."""
    try:
        event = json.loads(line)
    except ValueError:
        return None
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return None
    return event


class EventTail:
    """Reads an events file incrementally: each call returns the complete lines added since."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.offset = 0
        self.bad_lines = 0
        self.last: dict[str, Any] | None = None  # the latest event read: a follower's status needs no re-read
        self._partial = b""

    def read_new(self) -> list[dict[str, Any]]:
        """New events since the last call; a half-written last line waits for the next call."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                chunk = handle.read()
        except FileNotFoundError:
            return []
        self.offset += len(chunk)
        data = self._partial + chunk
        lines = data.split(b"\n")
        self._partial = lines.pop()
        events = []
        for raw in lines:
            if not raw.strip():
                continue
            event = parse_line(raw.decode("utf-8", errors="replace"))
            if event is None:
                self.bad_lines += 1
            else:
                events.append(event)
        if events:
            self.last = events[-1]
        return events

    def caught_up(self) -> bool:
        """Whether every complete line of the file has been read (so `last` is the file's last event)."""
        try:
            return os.path.getsize(self.path) == self.offset and not self._partial.strip()
        except OSError:
            return False


def read_events(path: str | os.PathLike) -> tuple[list[dict[str, Any]], int]:
    """All events in a file and the number of unparseable lines skipped."""
    tail = EventTail(path)
    events = tail.read_new()
    if tail._partial.strip():  # a final line without a newline: a writer that died mid-line
        event = parse_line(tail._partial.decode("utf-8", errors="replace"))
        if event is None:
            tail.bad_lines += 1
        else:
            events.append(event)
    return events, tail.bad_lines


def history_from_events(events: Iterable[dict[str, Any]]) -> dict[str, dict[str, list]]:
    """Per-series learning curves: {series: {"epoch": [...], metric: [...]}} from epoch_end events.

    A series is the event's `series` (or `trial`) tag; untagged epochs form the series "".
    Epochs are absolute, so a resumed Hyperband trial plots where it belongs.
    """
    curves: dict[str, dict[str, list]] = {}
    for event in events:
        if event.get("type") == "epoch_end":
            add_epoch(curves, str(event.get("series") or event.get("trial") or ""), event.get("epoch"),
                      event.get("metrics") or {})
    return curves


def add_epoch(curves: dict[str, dict[str, list]], series: str, epoch: Any, metrics: dict[str, Any]) -> None:
    """Append one epoch to a series' curves; a metric missing on either side is None, so columns stay aligned."""
    curve = curves.setdefault(series, {"epoch": []})
    curve["epoch"].append(epoch)
    for name in set(metrics) | (set(curve) - {"epoch"}):
        column = curve.setdefault(name, [None] * (len(curve["epoch"]) - 1))
        column.append(metrics.get(name))
