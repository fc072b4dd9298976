"""Wall time of the seed-space search: the plain keras-tuner way against the `tune` experiment.

The plain way is plain keras-tuner Hyperband with default fit settings: Hyperband(objective="val_accuracy",
max_epochs=10) over the base network, searched on the 0–4 training images as a NumPy array with
validation_split=0.2 and early stopping. The `tune` experiment runs the same space, schedule, network and
batch size, its trials on the engine's compiled loop. Both run in this one process, one after the
other; the script prints each search's wall time and best validation accuracy, and the ratio.

    .venv/bin/python benchmarks/bench_tune.py [--subset 0]
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import keras_tuner as kt  # noqa: E402
import numpy as np  # noqa: E402

from engine import data  # noqa: E402
from engine.execute import execute  # noqa: E402
from engine.experiments.base import build_from_params  # noqa: E402
from engine.registry import resolve_spec  # noqa: E402


def plain_search(subset: int, folder: str) -> tuple[float, float]:
    """Plain keras-tuner Hyperband with default fit settings; returns (wall seconds, best validation accuracy)."""
    mnist = data.load()
    keep = np.flatnonzero(mnist.y_train <= 4)
    if subset:
        keep = np.concatenate([keep[mnist.y_train[keep] == d][:subset] for d in range(5)])
    x, y = mnist.x_train[keep], mnist.y_train[keep]
    params = {**resolve_spec("base").params, "pipeline": "plain"}

    def build(hp: kt.HyperParameters) -> keras.Model:
        return build_from_params({**params, "learning_rate": hp.Choice("learning_rate", [1e-2, 1e-3, 1e-4])})

    tuner = kt.Hyperband(build, objective="val_accuracy", max_epochs=10, seed=42, directory=folder,
                         project_name="plain", overwrite=True)
    started = time.perf_counter()
    tuner.search(x, y, epochs=100, validation_split=0.2, verbose=0,
                 callbacks=[keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)])
    seconds = time.perf_counter() - started
    return seconds, float(tuner.oracle.get_best_trials(1)[0].score)


def engine_search(subset: int, home: str) -> tuple[float, float, float]:
    """The `tune` experiment; returns (search seconds, best validation accuracy, whole run seconds)."""
    status, path = execute(resolve_spec("tune", "seed-space", overrides={"subset": subset}), home=home)
    result = json.loads((path / "result.json").read_text())
    assert status == "finished", result.get("error")
    return result["search_seconds"], result["summary"]["search_best_val_accuracy"], result["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", type=int, default=0, help="training images per digit (0: all)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plain_seconds, plain_best = plain_search(args.subset, folder)
        ours_seconds, ours_best, ours_total = engine_search(args.subset, folder)
    print(f"plain keras-tuner search: {plain_seconds:7.1f} s, best val accuracy {plain_best:.4f}")
    print(f"tune experiment search:   {ours_seconds:7.1f} s, best val accuracy {ours_best:.4f} "
          f"(whole run with the retraining: {ours_total:.1f} s)")
    print(f"speed-up of the search: {plain_seconds / ours_seconds:.2f}×; "
          f"best val accuracy difference: {(ours_best - plain_best) * 100:+.2f} points")


if __name__ == "__main__":
    main()
