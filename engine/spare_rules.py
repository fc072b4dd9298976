"""What a warm spare serves, and the one check a hand-over must pass (pure: no TensorFlow, no I/O)."""
from __future__ import annotations

import hashlib
import os
import sys
from typing import Any, Mapping

SPARE_ENV = "CH11_TUTOR_SPARE"
# Variables that change what a run does or which TensorFlow it gets: a spare started under other
# values would not be the run a cold start gives, so it refuses.
FINGERPRINT_PREFIXES = ("TF_", "CUDA_", "XLA_", "KERAS_", "CH11_TUTOR_", "PYTHON", "OMP_", "LD_LIBRARY_PATH",
                        "VIRTUAL_ENV")
FINGERPRINT_IGNORED = ("TF_CPP_MIN_LOG_LEVEL", "PYTHONUNBUFFERED", SPARE_ENV)


def spares_enabled(environ: Mapping[str, str] | None = None, option: bool | None = None) -> bool:
    """An explicit option wins; else $CH11_TUTOR_SPARE ("0", "no", "off", "false" turn spares off)."""
    if option is not None:
        return option
    value = (os.environ if environ is None else environ).get(SPARE_ENV, "1").strip().lower()
    return value not in ("0", "no", "off", "false")


def environment_fingerprint(environ: Mapping[str, str]) -> str:
    """A short digest of the interpreter and the variables that shape a run."""
    items = sorted((k, v) for k, v in environ.items()
                   if k.startswith(FINGERPRINT_PREFIXES) and k not in FINGERPRINT_IGNORED)
    digest = hashlib.sha256(repr((sys.executable, items)).encode()).hexdigest()
    return digest[:16]


def identity(home: str, data: str | None, environ: Mapping[str, str]) -> dict[str, Any]:
    """What one spare serves: one resolved home, one data source, one environment."""
    return {"home": str(home), "data": data or None, "env": environment_fingerprint(environ)}


def refusal(served: Mapping[str, Any], request: Mapping[str, Any]) -> str | None:
    """None when a spare may take the request, else one sentence saying why it will not."""
    if not isinstance(request, Mapping) or not isinstance(request.get("argv"), list):
        return "The hand-over is not a run request; the app must start this run cold."
    if request.get("home") != served["home"]:
        return (f"This spare serves the home {served['home']}, not {request.get('home')}; "
                "start the run cold or start a spare for that home.")
    if (request.get("data") or None) != served["data"]:
        return (f"This spare loaded the data {served['data'] or 'found by the usual search'}, not "
                f"{request.get('data') or 'the usual search'}; start the run cold.")
    if request.get("env") != served["env"]:
        return "This spare was started under other environment settings; start the run cold."
    argv = request["argv"]
    if "--home" in argv and argv[argv.index("--home") + 1:argv.index("--home") + 2] != [served["home"]]:
        return f"The run's own --home is not {served['home']}; start it cold."
    return None
