"""Where exercise 9's training time goes: Keras `fit` against the engine's loop, cached against frozen.

On the 500-image transfer set (100 per digit 5–9), with the same optimizer (Adam 1e-3), batch size (32)
and epochs, in this one process, alternating rounds:

1. frozen-5 trained with plain Keras `fit` on the array against the engine's compiled epoch loop;
2. cached-5 against frozen-5, both on the engine's loop (with XLA, the experiment's default, and in
   TensorFlow's graph mode), and both with plain `fit` for comparison;

and prints the median seconds per epoch of each (first epoch left out: it traces or compiles, and is
printed separately, as each way's start-up cost), their ratios, the caching cost, and the arithmetic
ratio of the two models' FLOPs.

    .venv/bin/python benchmarks/bench_transfer.py [--source RUN_ID] [--epochs 30] [--rounds 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from engine import data  # noqa: E402
from engine.experiments.transfer import models  # noqa: E402
from engine.experiments.transfer.data import transfer_data  # noqa: E402
from engine.models import build_mlp  # noqa: E402
from engine.runs import RunStore  # noqa: E402
from engine.training.loop import EpochLoop  # noqa: E402


class EpochTimes(keras.callbacks.Callback):
    """Seconds of each epoch of a `fit`."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)


def load_source(run_id: str | None) -> tuple[keras.Model, str]:
    """A finished base/tune run's model, or an untrained base network (speed does not depend on weights)."""
    store = RunStore()
    rows = [r for r in store.list() if r.experiment in ("base", "tune") and r.status == "finished"
            and (r.path / "model.keras").is_file() and (not run_id or r.run_id.startswith(run_id))]
    if rows:
        row = max(rows, key=lambda r: r.started or 0)
        return keras.models.load_model(row.path / "model.keras", compile=False), f"run {row.run_id}"
    return build_mlp(seed=1), "an untrained base network (no base run found)"


def frozen_model(source: keras.Model) -> tuple[keras.Model, keras.Sequential]:
    body = models.build_body(source, 5)
    models.freeze(body)
    return models.assemble(body, models.build_head(1)), body


def fit_way(model: keras.Model, x: np.ndarray, y: np.ndarray, epochs: int) -> list[float]:
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    timer = EpochTimes()
    model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, callbacks=[timer])
    return timer.seconds


def loop_way(model: keras.Model, x: np.ndarray, y: np.ndarray, epochs: int, xla: bool = False) -> list[float]:
    loop = EpochLoop(model, keras.optimizers.Adam(1e-3), x, y, 32, seed=1, xla=xla)
    return loop.fit(epochs).epoch_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", help="run id (or prefix) of the base or tune run to reuse")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-xla", action="store_true", help="skip the XLA rows (each compiles for seconds)")
    args = parser.parse_args()
    source, described = load_source(args.source)
    split = transfer_data(data.load(), 100, 30, seed=42).split
    x, y = split.x_train.astype(np.float32), split.y_train
    _, body = frozen_model(source)
    started = time.perf_counter()
    features = keras.ops.convert_to_numpy(body(x, training=False))
    cache_seconds = time.perf_counter() - started

    ways = {
        "frozen-5, Keras fit": lambda: fit_way(frozen_model(source)[0], x, y, args.epochs),
        "cached-5, Keras fit": lambda: fit_way(models.head_model(models.build_head(1), 100), features, y, args.epochs),
        "frozen-5, engine loop": lambda: loop_way(frozen_model(source)[0], x, y, args.epochs),
        "cached-5, engine loop": lambda: loop_way(models.head_model(models.build_head(1), 100), features, y,
                                                  args.epochs),
    }
    if not args.no_xla:
        ways["frozen-5, engine loop + XLA"] = lambda: loop_way(frozen_model(source)[0], x, y, args.epochs, True)
        ways["cached-5, engine loop + XLA"] = lambda: loop_way(models.head_model(models.build_head(1), 100),
                                                               features, y, args.epochs, True)
    steady: dict[str, list[float]] = {name: [] for name in ways}
    first: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(args.rounds):
        for name, way in ways.items():  # alternating, so load from other work falls on every way alike
            seconds = way()
            first[name].append(seconds[0])
            steady[name].extend(seconds[1:])
    per_epoch = {name: statistics.median(values) for name, values in steady.items()}

    print(f"source: {described}; {len(y)} training images, batch 32, Adam 1e-3, {args.epochs} epochs "
          f"× {args.rounds} rounds per way")
    print(f"{'way':32} {'ms/epoch':>9} {'first epoch s':>14}")
    for name in ways:
        print(f"{name:32} {per_epoch[name] * 1000:9.2f} {statistics.median(first[name]):14.2f}")
    print(f"caching the frozen layers' outputs once: {cache_seconds * 1000:.1f} ms")
    ratio = lambda a, b: per_epoch[a] / per_epoch[b]  # noqa: E731
    print(f"frozen-5, Keras fit / engine loop:              {ratio('frozen-5, Keras fit', 'frozen-5, engine loop'):6.1f}×")
    print(f"cached-5 vs frozen-5, engine loop:              {ratio('frozen-5, engine loop', 'cached-5, engine loop'):6.1f}×")
    if not args.no_xla:
        print(f"frozen-5, Keras fit / engine loop + XLA:        "
              f"{ratio('frozen-5, Keras fit', 'frozen-5, engine loop + XLA'):6.1f}×")
        print(f"cached-5 vs frozen-5, engine loop + XLA:        "
              f"{ratio('frozen-5, engine loop + XLA', 'cached-5, engine loop + XLA'):6.1f}×")
    print(f"cached-5 vs frozen-5, Keras fit:                {ratio('frozen-5, Keras fit', 'cached-5, Keras fit'):6.1f}×")
    print(f"arithmetic ratio (frozen forward + head, against head alone): "
          f"{models.arithmetic_ratio(body, models.width_of(body)):.0f}×")


if __name__ == "__main__":
    main()
