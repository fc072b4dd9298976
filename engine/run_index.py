"""An index of run summaries in SQLite, so a listing opens only the folders that changed.

The folders stay the source of truth. A row remembers the size and mtime of the files a summary is
read from (its signature); a listing re-reads a folder only when that signature moved (a live run, a
new run, a folder changed by hand), drops rows whose folder is gone, and adds folders copied in.
A missing index is made; a damaged one is moved aside and rebuilt, with one notice. WAL mode lets
the app and the command line read while a finishing run writes its row.
"""
from __future__ import annotations

import functools
import json
import os
import sqlite3
import time
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, Callable, Iterable

INDEX_FILE = "index.sqlite"
SCHEMA = 1
WATCHED = ("spec.json", "result.json", "events.jsonl", "process.json")  # what a summary is read from
FINAL = frozenset({"finished", "cancelled", "failed", "died", "broken"})  # statuses that cannot change by themselves

Notice = Callable[[str], None]


def signature(folder: Path) -> str:
    """Size and mtime (ns) of each watched file, '-' for an absent one: changes when a summary would."""
    parts = []
    base = os.path.join(folder, "")  # plain strings: a Path per file costs more than the stat at thousands of runs
    for name in WATCHED:
        try:
            st = os.stat(base + name)
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def folder_size(folder: Path) -> int:
    """Bytes used by every file below a folder (links not followed)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


class RunIndex:
    """Summary rows keyed by run id, each with the signature it was read at and the folder's size."""

    def __init__(self, home: Path, notice: Notice | None = None) -> None:
        self.path = Path(home) / INDEX_FILE
        self.notice = notice
        self._db: sqlite3.Connection | None = None
        self.usable = True  # False once the index cannot be opened at all (a read-only home): list without it

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None or not self.usable:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._open()
            except sqlite3.DatabaseError as error:
                self._set_aside(error)
                self._db = self._open()
        except (OSError, sqlite3.Error):
            self.usable = False
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA):
                raise sqlite3.DatabaseError(f"index schema {version}, expected {SCHEMA}")
            db.execute("CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, signature TEXT NOT NULL, "
                       "size INTEGER NOT NULL, row TEXT NOT NULL)")
            db.execute(f"PRAGMA user_version={SCHEMA}")
            db.execute("SELECT count(*) FROM runs").fetchone()  # a damaged file fails here, not later
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _set_aside(self, error: Exception) -> None:
        """Move a damaged index out of the way (kept for a look, never read again) and say so once."""
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                os.replace(source, Path(f"{self.path}{suffix}.damaged"))
        if self.notice:
            self.notice(f"The run index {self.path} was unreadable ({error}); it is being rebuilt from the run "
                        "folders.")

    def rows(self) -> dict[str, tuple[str, int, dict[str, Any]]]:
        """Every stored row: run id -> (signature, size, summary fields)."""
        db = self._connect()
        if db is None:
            return {}
        try:
            found = db.execute("SELECT run_id, signature, size, row FROM runs").fetchall()
        except sqlite3.DatabaseError as error:
            self.close()
            try:
                self._set_aside(error)
            except OSError:
                self.usable = False
            return {}
        out = {}
        for run_id, sig, size, row in found:
            try:
                out[run_id] = (sig, int(size), json.loads(row))
            except ValueError:
                continue  # an unreadable row is simply read again from its folder
        return out

    def put(self, run_id: str, sig: str, size: int, row: dict[str, Any]) -> None:
        """Store one ended run's summary (replacing any older row)."""
        db = self._connect()
        if db is None:
            return
        try:
            db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?)", (run_id, sig, size, json.dumps(row, default=str)))
        except sqlite3.Error:
            pass  # the index is a cache: a failed write costs a re-read next time, nothing more

    def forget(self, run_ids: Iterable[str]) -> None:
        """Drop the rows of folders that are gone."""
        ids = [(r,) for r in run_ids]
        db = self._connect() if ids else None
        if db is None:
            return
        try:
            db.executemany("DELETE FROM runs WHERE run_id = ?", ids)
        except sqlite3.Error:
            pass

    def close(self) -> None:
        """Close the connection (a later call opens it again)."""
        if self._db is not None:
            self._db.close()
            self._db = None


def encode(summary: Any) -> dict[str, Any]:
    """A RunSummary as JSON-ready fields (its path is not stored: the folder may move with the store)."""
    data = asdict(summary)
    data.pop("path", None)
    return data


def decode(cls: type, data: dict[str, Any], path: Path) -> Any:
    """A RunSummary from stored fields, ignoring any the class no longer has."""
    known = _field_names(cls)
    return cls(path=path, **{k: v for k, v in data.items() if k in known and k != "path"})


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def parse_age(text: str) -> float:
    """'30d', '12h', '2w', '45m' as seconds; a ValueError naming the forms otherwise."""
    units = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
    text = text.strip().lower()
    if len(text) < 2 or text[-1] not in units:
        raise ValueError(f"'{text}' is not an age; use a number and a unit such as 30d, 12h, 2w or 45m")
    try:
        amount = float(text[:-1])
    except ValueError:
        raise ValueError(f"'{text}' is not an age; use a number and a unit such as 30d, 12h, 2w or 45m") from None
    if amount < 0 or amount != amount:
        raise ValueError(f"'{text}' is not an age; it must be a positive number")
    return amount * units[text[-1]]


def human_size(size: int | None) -> str:
    """Bytes as a short size: 512 B, 3.4 KB, 12.0 MB, 1.6 GB."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


def now() -> float:
    """The wall clock (one place, so pruning by age reads the same clock everywhere)."""
    return time.time()
