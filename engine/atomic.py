"""Atomic file writes: write a temporary file beside the target, then rename it over the target."""
from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

PARTIAL_PREFIX = ".partial-"  # every temporary file starts so: a full disk's clean-up finds them by it


def replace_atomic(path: str | os.PathLike, write: Callable[[str], None]) -> None:
    """Let `write` fill a temporary file beside `path`, then rename it over `path`; readers never see half.

    The temporary name ends as `path` does (Keras insists on `.keras` and `.weights.h5`); on any
    failure, a full disk included, it is removed and the old file is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{PARTIAL_PREFIX}{os.getpid()}-{secrets.token_hex(3)}-{path.name}")
    try:
        write(str(tmp))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write text atomically, synced to disk before the rename (see replace_atomic)."""
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    replace_atomic(path, write)


def write_json_atomic(path: str | os.PathLike, data: Any) -> None:
    """Write JSON atomically (see write_text_atomic)."""
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=False, default=_jsonable) + "\n")


def save_model_atomic(model: Any, path: str | os.PathLike) -> None:
    """Save a Keras model (.keras) atomically (see replace_atomic)."""
    replace_atomic(path, model.save)


def save_weights_atomic(model: Any, path: str | os.PathLike) -> None:
    """Save a Keras model's weights (.weights.h5) atomically: a resumed search never reads half a file."""
    replace_atomic(path, model.save_weights)


def _jsonable(value: Any) -> Any:
    """Turn numpy scalars and arrays into plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
