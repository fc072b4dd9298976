"""A full or read-only disk under a run: said in one sentence, partial files removed, room kept to say it.

Keras's BackupAndRestore keeps the last good checkpoint and drops the half-written one; the same
here. A run keeps a small reserve file in its folder from the start, and gives it back the
moment the disk fills, so that result.json and the last event can still be written and the run
ends `failed` with the reason, not `died` with a traceback cut short by the full disk.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path

RESERVE = ".reserve"
RESERVE_BYTES = 64 * 1024  # result.json and a terminal event take a few KB
PARTIAL_PATTERNS = (".*.partial.keras", ".*.tmp", ".partial-*")  # the engine's own half-written files
FULL = {errno.ENOSPC, errno.EDQUOT}
_MESSAGES = ("No space left on device", "Disk quota exceeded", "Read-only file system")


def disk_errno(error: BaseException | None) -> int | None:
    """ENOSPC, EDQUOT or EROFS if the error (or one it was raised from) is a disk that cannot take writes."""
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, OSError) and error.errno in FULL | {errno.EROFS}:
            return error.errno
        text = str(error)
        for code, message in zip((errno.ENOSPC, errno.EDQUOT, errno.EROFS), _MESSAGES):
            if message in text:  # h5py and TensorFlow wrap the OSError in errors of their own
                return code
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


def disk_sentence(code: int, folder: Path) -> str:
    """What to tell the learner about a disk that refused a write under `folder`."""
    if code == errno.EROFS:
        return (f"The disk holding {folder} is read-only, so nothing can be written there; choose a writable "
                "home with --home or $CH11_TUTOR_HOME.")
    what = "quota on the disk" if code == errno.EDQUOT else "disk"
    return (f"The {what} holding {folder} is full; free some space there (or choose another home with --home), "
            "then run again.")


def keep_room(folder: Path) -> None:
    """Set aside a little space in the run folder to record the run's end if the disk fills."""
    try:
        with open(folder / RESERVE, "wb") as handle:
            handle.write(b"\0" * RESERVE_BYTES)  # real bytes: a sparse file would reserve nothing
    except OSError:
        release_room(folder)  # no room even for this; the run will find out soon enough


def release_room(folder: Path) -> None:
    """Give the reserve back (at the end of every run, first thing when the disk is full, and once a run is found dead)."""
    try:
        os.unlink(folder / RESERVE)
    except OSError:
        pass


def remove_partial_files(folder: Path) -> list[Path]:
    """Delete the half-written temporary files under a run folder; finished files are never touched."""
    removed = []
    for pattern in PARTIAL_PATTERNS:
        for path in folder.rglob(pattern):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed
