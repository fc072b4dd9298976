"""What can be refused before a run folder exists, in one sentence, with numpy and JSON only.

The command line and the app's lab both call `check_before_run`, so a malformed data file or a
source run that cannot serve is refused (exit code 2 on the command line) instead of becoming a
failed run. Nothing here imports TensorFlow: a refusal costs milliseconds.
"""
from __future__ import annotations

import os

from engine import data as mnist_data
from engine.registry import RunSpec, get_experiment
from engine.runs import RunStore
from engine.source_model import check_named_source


def check_before_run(spec: RunSpec, home: str | os.PathLike | None = None) -> None:
    """Raise a TutorError for anything in `spec` that would make its run fail before training."""
    mnist_data.precheck(spec.data)
    store = RunStore(home)
    for param in get_experiment(spec.experiment).params:
        named = str(spec.params.get(param.name, "")).strip() if param.run_id else ""
        if not named:
            continue
        if spec.experiment == "transfer" and param.name == "source":
            check_named_source(store, named, spec.params.get("reuse_layers"))
        else:
            store.path_of(named)  # the run must exist; the experiment checks what else it needs
