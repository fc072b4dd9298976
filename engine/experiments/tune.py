"""Exercise 8's search: Hyperband over the base network, then the best model retrained, tested and saved."""
from __future__ import annotations

import contextlib
import io
import json
import shutil
import time
from pathlib import Path
from typing import Any

import keras_tuner as kt

from engine.atomic import save_model_atomic
from engine.context import RunContext
from engine.data import digits_split
from engine.distributed.role import SearchRole, role_for
from engine.errors import RunError, TutorError
from engine.events_contract import Table
from engine.experiments.base import build_from_params, train
from engine.experiments.tune_report import SearchStopped, trial_row, trial_rows, trials_table
from engine.experiments.tune_space import chosen, space_size
from engine.experiments.tune_tuner import TUNER_FOLDER, ObservedHyperband
from engine.runs import MODEL_FILE, RunStore


def run(ctx: RunContext) -> dict[str, Any]:
    """Search, report every trial, retrain the best hyperparameters with early stopping, test, save."""
    p = ctx.params
    resumed_from = prepare_resume(ctx) if p["resume"].strip() else None
    split = digits_split(ctx.mnist(), range(0, 5), subset=p["subset"])
    ctx.phase("data ready", sizes=split.sizes())
    ctx.check_stop()
    role = role_for(ctx)  # this run's part: a search by itself, the chief, or a worker
    tuner = make_tuner(ctx, split, p, role, resumed_from)
    size = space_size(tuner.oracle.hyperparameters)
    ctx.phase("searching", space=p["space"], combinations=size, max_epochs=p["max_epochs"], factor=p["factor"],
              **({"resumed_from": resumed_from, "trials_done": len(tuner.oracle.trials)} if resumed_from else {}))
    started = time.perf_counter()
    stopped = False
    try:
        role.search(tuner)  # tuner.search, or serve the oracle (chief), or train its trials (worker)
    except SearchStopped:
        stopped = True
    except RuntimeError as error:  # keras-tuner gives up after several failed trials in a row
        raise TutorError(f"The search stopped because trials kept failing: {_last_failure(tuner) or error}") from None
    search_seconds = time.perf_counter() - started
    if role.is_worker:
        return role.worker_result(tuner, search_seconds)  # the chief reports the search
    trials = role.label_trials(trial_rows(tuner.oracle))
    ctx.events.emit(Table(**trials_table(trials)))
    found = _best(tuner)
    result: dict[str, Any] = {"trials": trials, "search_seconds": round(search_seconds, 3),
                              "space": p["space"], "space_combinations": size,
                              "space_note": exhausted_note(trials, size, p), "resumed_from": resumed_from,
                              **role.report()}
    if found is None:
        if stopped:
            return {**result, "summary": {"trials": len(trials)}}
        raise TutorError("No trial of the search completed, so there is no best model; "
                         "see the trials' messages in the events or output.log.")
    best_values, best_trial = found
    result.update(best_hyperparameters=best_values, best_trial=best_trial.trial_id)
    search_summary = {"trials": len(trials), "search_seconds": round(search_seconds, 3),
                      "search_best_val_accuracy": best_trial.score, "best_hyperparameters": best_values}
    if stopped:
        # keep the best model found so far, as it was trained in its trial
        save_model_atomic(tuner.load_model(best_trial), ctx.run_dir / MODEL_FILE)
        return {**result, "model": MODEL_FILE, "summary": {**search_summary, "best_val_accuracy": best_trial.score}}
    ctx.phase("retraining the best hyperparameters", hyperparameters=best_values)
    best_params = {**p, **best_values}
    trained = train(ctx, build_from_params(best_params), split, best_params, tags={"series": "best"})
    trained["summary"].update(search_summary)
    return {**result, **trained, "model": MODEL_FILE}


def make_tuner(ctx: RunContext, split: Any, p: dict[str, Any], role: SearchRole,
               resumed_from: str | None) -> ObservedHyperband:
    """A fresh tuner in this run's folder, or one reloaded from a copied, checked tuner folder."""
    if not resumed_from:
        return ObservedHyperband(ctx, split, p, role)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # keras-tuner prints "Reloading Tuner from …"
            return ObservedHyperband(ctx, split, p, role, resume=True)
    except Exception as error:  # a damaged oracle or trial file: refuse with one sentence, not a traceback
        raise RunError(f"The search of run {resumed_from} could not be reloaded ({type(error).__name__}: "
                       f"{_first_line(error)}); start a new search without --resume.") from None


def prepare_resume(ctx: RunContext) -> str:
    """Check the interrupted run's tuner folder and copy it into this run's folder; return its run id."""
    store = RunStore(ctx.home)
    old = store.path_of(ctx.params["resume"].strip())
    spec = store.spec(old)
    if spec.experiment != "tune":
        raise RunError(f"Run {old.name} is a '{spec.experiment}' run, not a tune run; only a search can be resumed.")
    if spec.params.get("space") != ctx.params["space"]:
        raise RunError(f"Run {old.name} searched the '{spec.params.get('space')}' space, not "
                       f"'{ctx.params['space']}'; resume it with --space {spec.params.get('space')}.")
    check_tuner_folder(old / TUNER_FOLDER, old.name)
    shutil.copytree(old / TUNER_FOLDER, ctx.run_dir / TUNER_FOLDER)
    return old.name


def check_tuner_folder(folder: Path, run_id: str) -> None:
    """Refuse, in one sentence, a tuner folder that is missing or whose oracle file is unreadable."""
    oracle = folder / "oracle.json"
    if not oracle.is_file():
        raise RunError(f"Run {run_id} has no search to resume: {oracle} is missing; start a new search "
                       "without --resume.")
    try:
        state = json.loads(oracle.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RunError(f"Run {run_id}'s search cannot be resumed: {oracle} is corrupt "
                       f"({type(error).__name__}); start a new search without --resume.") from None
    if not isinstance(state, dict) or "ongoing_trials" not in state and "hyperparameters" not in state:
        raise RunError(f"Run {run_id}'s search cannot be resumed: {oracle} is not a keras-tuner oracle file; "
                       "start a new search without --resume.")


def exhausted_note(trials: list[dict[str, Any]], size: int | None, p: dict[str, Any]) -> str:
    """Say plainly when a small space ran out before Hyperband's schedule did."""
    distinct = {json.dumps(t["hyperparameters"], sort_keys=True) for t in trials}
    if size is None or len(distinct) < size:
        return ""
    longest = max((t["epochs"] or 0 for t in trials), default=0)
    if longest >= p["max_epochs"]:
        return f"Every one of the space's {size} combinations was tried."
    return (f"The space holds only {size} combination{'s' if size != 1 else ''}: keras-tuner ran out of new ones "
            f"after {len(trials)} trials of at most {longest} epochs and stopped, so Hyperband never reached "
            f"its longer rounds (up to {p['max_epochs']} epochs). This compared {size} short trainings; "
            "it did not really tune anything.")


def _best(tuner: kt.Tuner) -> tuple[dict[str, Any], Any] | None:
    completed = [t for t in tuner.oracle.trials.values() if t.score is not None and str(t.status) == "COMPLETED"]
    if not completed:
        return None
    best = max(completed, key=lambda t: t.score)
    return chosen(best.hyperparameters.values), best


def _last_failure(tuner: kt.Tuner) -> str:
    failed = [t for t in tuner.oracle.trials.values() if t.message]
    return trial_row(failed[-1]).get("message", "") if failed else ""


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [""])[0][:160]
