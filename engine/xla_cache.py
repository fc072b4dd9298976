"""TensorFlow's persistent XLA compile cache, kept in the tutor's home so a rerun skips the compile.

The flag must be in TF_XLA_FLAGS before TensorFlow is imported; every run (CLI, app, spare) calls
`configure` first. The folder is bounded by size (oldest entries go first) and can be cleared.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from engine.paths import tutor_home

FOLDER = "xla-cache"
FLAG = "--tf_xla_persistent_cache_directory"
MAX_BYTES_ENV = "CH11_TUTOR_XLA_CACHE_MB"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024  # a few hundred runs' programs; a small MLP's entries are ~100 KB
# TensorFlow's process-wide name counter is brought to a multiple of this before a run trains; a spare's
# rehearsal uses about 2,000 numbers, a cold process's imports none
NAME_BLOCK = 1 << 14


def cache_dir(home: str | os.PathLike | None = None) -> Path:
    """The compile cache's folder under the tutor's home."""
    return tutor_home(home) / FOLDER


def max_bytes() -> int:
    """The size bound: $CH11_TUTOR_XLA_CACHE_MB megabytes, else the default."""
    text = os.environ.get(MAX_BYTES_ENV, "")
    try:
        return max(0, int(float(text) * 1024 * 1024)) if text else DEFAULT_MAX_BYTES
    except ValueError:
        return DEFAULT_MAX_BYTES


def with_cache_flag(flags: str, directory: Path) -> str:
    """TF_XLA_FLAGS with the cache folder set, keeping any other flag the user gave."""
    kept = [f for f in flags.split() if not f.startswith(FLAG + "=") and f != FLAG]
    return " ".join([*kept, f"{FLAG}={directory}"])


def configure(home: str | os.PathLike | None = None) -> Path | None:
    """Point TensorFlow at the cache (before it is imported) and prune it; None if it cannot be made."""
    directory = cache_dir(home)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home: runs still work, they just compile every time
        return None
    os.environ["TF_XLA_FLAGS"] = with_cache_flag(os.environ.get("TF_XLA_FLAGS", ""), directory)
    prune(directory, max_bytes())
    return directory


def entries(directory: Path | None) -> dict[str, int]:
    """Cache file name -> size: compared before and after a run to tell a hit from a compile."""
    if directory is None or not directory.is_dir():
        return {}
    found = {}
    for path in directory.rglob("*"):
        try:
            if path.is_file():
                found[str(path.relative_to(directory))] = path.stat().st_size
        except OSError:  # removed by a concurrent prune
            continue
    return found


def prune(directory: Path, limit: int) -> int:
    """Delete the oldest files until the folder holds at most `limit` bytes; returns bytes freed."""
    files = []
    for path in directory.rglob("*"):
        try:
            if path.is_file():
                stat = path.stat()
                files.append((stat.st_mtime, stat.st_size, path))
        except OSError:
            continue
    total = sum(size for _, size, _ in files)
    freed = 0
    for _, size, path in sorted(files):
        if total - freed <= limit:
            break
        try:
            path.unlink()
            freed += size
        except OSError:
            continue
    return freed


def clear(home: str | os.PathLike | None = None) -> tuple[int, int]:
    """Remove every cached program; returns (files, bytes) removed."""
    directory = cache_dir(home)
    found = entries(directory)
    shutil.rmtree(directory, ignore_errors=True)
    return len(found), sum(found.values())


def compile_report(before: dict[str, int], after: dict[str, int], compiled: bool = True) -> dict[str, object]:
    """Whether a run's compiles came from the cache: a hit wrote nothing new into a non-empty cache.

    A run that asked for no XLA program (`compiled` False: a Keras-fit demo on a CPU) and wrote none
    has no hit to report (None), whatever other runs left in the cache.
    """
    written = sorted(set(after) - set(before))
    hit = False if written else (bool(before) if compiled else None)
    return {"hit": hit, "entries_before": len(before), "entries_written": len(written), "bytes": sum(after.values())}


_programs = 0  # XLA programs this process has asked for, counted by the engine's compiled loop


def note_program() -> None:
    """Count one XLA program this process is about to trace (the compiled epoch loop calls this)."""
    global _programs
    _programs += 1


def programs_noted() -> int:
    """How many XLA programs this process has asked for so far."""
    return _programs


def align_program_names(block: int = NAME_BLOCK) -> int | None:
    """Bring TensorFlow's name counter to the next multiple of `block`; returns the next number it gives.

    TensorFlow names every traced function `…_<n>` from one counter per process, and the names are
    part of an XLA program's cache key. A spare that rehearsed a fit before its run has counted
    further than a fresh process, so its run's programs would never match a cold run's. From a
    common mark, a warm and a cold run trace the same names and share the cache. Without
    TensorFlow loaded there is nothing to align (None).
    """
    tf_ops = sys.modules.get("tensorflow.python.framework.ops")
    if tf_ops is None:
        return None
    target = (tf_ops.uid() // block + 1) * block
    while tf_ops.uid() < target - 1:  # no way to set the counter: count up (16k calls, a few milliseconds)
        pass
    return target
