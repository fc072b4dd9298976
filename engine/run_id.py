"""What a run id may be: the name of one folder directly inside the run store, nothing else."""
from __future__ import annotations

import os

from engine.errors import RunError

_SEPARATORS = tuple({"/", "\\", "\0", os.sep, os.altsep or "/"})


def run_id_problem(run_id: object) -> str:
    """Why `run_id` cannot name a run folder, in a few words; '' when it can.

    Joined onto the store's root, an empty id names the store itself, `.`/`..` name it or its
    parent, and an absolute path or one with separators names a folder anywhere at all.
    """
    if not isinstance(run_id, str) or not run_id.strip():
        return "a run id cannot be empty"
    if run_id.startswith("."):
        return f"'{run_id}' is not a run id (run ids never start with a dot)"
    if any(sep in run_id for sep in _SEPARATORS):
        return f"'{run_id}' is not a run id (a run id is one folder name, without path separators)"
    return ""


def check_run_id(run_id: str) -> str:
    """The id itself when it can name a run folder, else a RunError in one sentence."""
    problem = run_id_problem(run_id)
    if problem:
        raise RunError(f"{problem[0].upper()}{problem[1:]}; `ch11-tutor runs` lists the runs.")
    return run_id
