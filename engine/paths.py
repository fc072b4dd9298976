"""Where runs and the learner's progress live: a flag, then $CH11_TUTOR_HOME, then the XDG data dir."""
from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "CH11_TUTOR_HOME"


def tutor_home(override: str | os.PathLike | None = None) -> Path:
    """The tutor's home folder (runs/ and progress.json live under it)."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir("ch11-tutor", appauthor=False))


def runs_dir(home: str | os.PathLike | None = None) -> Path:
    """The folder that holds one sub-folder per run."""
    return tutor_home(home) / "runs"
