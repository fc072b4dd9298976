"""First-epoch time of a 50-layer dense stack, as the demos train it against Keras's defaults, in one run.

Demos train several deep or small networks for a few epochs each, so their time goes into tracing the
training step, not into arithmetic. Two things make that tracing cheaper: building the optimizer's slot
variables eagerly before `fit` (otherwise Keras creates one or two variables per weight inside the first
traced step, which is slow), and full batches only (a short last batch makes Keras trace the step again for
the new shape). Each way trains the same model, seed and data in this one process, in alternating order,
and the script prints the median first-epoch seconds of each way and their ratio to Keras's default.

    .venv/bin/python benchmarks/bench_demos.py [--depth 50] [--rounds 2] [--optimizer adam]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from engine import data  # noqa: E402
from engine.experiments.demos import common  # noqa: E402
from engine.training import pipeline  # noqa: E402

WAYS = {  # name: (optimizer built before fit, full batches only)
    "Keras default": (False, False),
    "optimizer built first": (True, False),
    "built first + full batches": (True, True),
}


def first_epoch(way: str, split: data.Split, depth: int, optimizer: str, seed: int) -> float:
    """Seconds of the first epoch (tracing included) for one way."""
    prebuild, full = WAYS[way]
    keras.utils.set_random_seed(seed)
    model = common.dense_stack(depth, 100, "selu", common.seeded("lecun_normal", seed),
                               inputs=common.standardizer(split.x_train), seed=seed)
    chosen = keras.optimizers.get(optimizer)
    if prebuild:
        chosen.build(model.trainable_variables)
    model.compile(chosen, "sparse_categorical_crossentropy", metrics=["accuracy"], steps_per_execution=1)
    batches = (common.train_batches if full else pipeline.train_dataset)(split.x_train, split.y_train, 32, seed)
    started = time.perf_counter()
    model.fit(batches, epochs=1, verbose=0)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--optimizer", default="adam")
    args = parser.parse_args()
    split = data.digits_split(data.load(), range(10), subset=200)  # 2,000 images: 62 full batches and 16 left
    seconds: dict[str, list[float]] = {way: [] for way in WAYS}
    for round_ in range(args.rounds):
        order = list(WAYS) if round_ % 2 == 0 else list(WAYS)[::-1]  # alternate so machine load hits all alike
        for way in order:
            seconds[way].append(first_epoch(way, split, args.depth, args.optimizer, seed=round_))
    base = statistics.median(seconds["Keras default"])
    print(f"first epoch of a {args.depth}-layer stack with {args.optimizer} (median of {args.rounds}):")
    for way, values in seconds.items():
        print(f"  {way:>27}: {statistics.median(values):6.2f} s   Keras default / this: "
              f"{base / statistics.median(values):.2f}×")


if __name__ == "__main__":
    main()
