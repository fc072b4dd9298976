"""A run's status, decided in one place from result.json, the last event and the process.

The store, a launched run's handle and the app all ask `decide_status`; none keeps its own rules.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from engine.events_contract import TERMINAL_TYPES

STATUSES = ("running", "finished", "cancelled", "failed", "died", "broken")
ENDED = ("finished", "cancelled", "failed", "died", "broken")
TAIL_BYTES = 64 * 1024  # the terminal event is the file's last line; its summary is far smaller than this
NEVER_STARTED = "the run never started a process"
DIED = "its process ended without finishing; see output.log in the run folder"


def decide_status(result: dict[str, Any] | None, last_event: dict[str, Any] | None,
                  process_alive: bool | None, starting: bool = False) -> tuple[str, str]:
    """(status, problem) for a run.

    result: result.json (or None); last_event: the events file's last event (or None);
    process_alive: whether the run's process lives (None when no process was ever recorded);
    starting: the folder was made moments ago, so a missing process may still be on its way.
    """
    if result and result.get("status") in STATUSES:
        return str(result["status"]), str(result.get("error", ""))
    if last_event and last_event.get("type") in TERMINAL_TYPES:
        return str(last_event["type"]).removeprefix("run_"), str(last_event.get("error", ""))
    if process_alive:
        return "running", ""
    if process_alive is None:
        return ("running", "") if starting else ("died", NEVER_STARTED)
    return "died", DIED


def is_ended(status: str) -> bool:
    """Whether a status is final (nothing more will happen to the run)."""
    return status in ENDED


def last_event(path: str | os.PathLike) -> dict[str, Any] | None:
    """The last complete event of an events file, read from its end (never the whole file)."""
    try:
        with open(Path(path), "rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - TAIL_BYTES))
            chunk = handle.read()
    except OSError:
        return None
    for raw in reversed(chunk.split(b"\n")):
        if not raw.strip():
            continue
        try:
            event = json.loads(raw.decode("utf-8", errors="replace"))
        except ValueError:
            return None  # a half-written last line: the writer has not finished (or died mid-line)
        return event if isinstance(event, dict) else None
    return None
