"""Per-epoch time of the base network three ways, in one run, each as a real `base` run.

plain: Keras `fit` on the raw uint8 array (the model's Rescaling layer scales each batch), default
settings (one step per call). keras: Keras `fit` on a float32 array prepared once, as a cached,
prefetched tf.data stream, 64 steps per call. fast (the default): the engine's epoch loop compiled
by XLA. Same model, seed, batch size and epochs, early stopping off; the script prints per-epoch
medians (the first epoch, which traces and compiles, left out), their ratios, each way's test
accuracy, and how far the fastest epoch is from the arithmetic floor.

    .venv/bin/python benchmarks/bench_base_epoch.py [--epochs 8] [--batch-size 32]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from engine import data  # noqa: E402
from engine.events import read_events  # noqa: E402
from engine.execute import execute  # noqa: E402
from engine.experiments.base import build_from_params  # noqa: E402
from engine.registry import resolve_spec  # noqa: E402

WAYS = ("plain", "keras", "fast")


def train(way: str, epochs: int, batch_size: int, home: str) -> tuple[list[float], float]:
    """Run `base` one way; return its per-epoch seconds and its test accuracy."""
    spec = resolve_spec("base", "plain", {"pipeline": way, "batch_size": batch_size, "epochs": epochs,
                                          "patience": epochs})
    status, path = execute(spec, home=home)
    assert status == "finished", f"the {way} run ended {status}"
    seconds = [e["seconds"] for e in read_events(path / "events.jsonl")[0] if e["type"] == "epoch_end"]
    return seconds, json.loads((path / "result.json").read_text())["summary"]["test_accuracy"]


def matmul_gflops(m: int, k: int, n: int, seconds: float = 2.0) -> float:
    """Measured float32 matrix-multiply rate for an m×k by k×n product, in GFLOP/s."""
    a, b = tf.random.normal((m, k)), tf.random.normal((k, n))

    @tf.function
    def many(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
        total = tf.zeros((m, n))
        for _ in tf.range(50):
            total += tf.matmul(a, b)
        return total

    many(a, b).numpy()
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        many(a, b).numpy()
        runs += 1
    return 2 * m * k * n * 50 * runs / (time.perf_counter() - start) / 1e9


def training_flops(model: keras.Model, n_examples: int) -> float:
    """Multiply-add FLOPs of one training epoch: 2 per weight per example, ×3 for forward and backward."""
    dense = sum(int(np.prod(layer.kernel.shape)) for layer in model.layers if hasattr(layer, "kernel"))
    return 6.0 * dense * n_examples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    split = data.digits_split(data.load(), range(5))
    print(f"data: {split.sizes()}, batch size {args.batch_size}, {args.epochs} epochs each, "
          f"{os.cpu_count()} CPUs, TensorFlow {tf.__version__}")
    results = {}
    with tempfile.TemporaryDirectory() as home:
        for way in WAYS:
            seconds, accuracy = train(way, args.epochs, args.batch_size, home)
            results[way] = (statistics.median(seconds[1:]), accuracy)
            print(f"{way:6} per-epoch median {results[way][0]:.3f}s  (all: {', '.join(f'{s:.2f}' for s in seconds)})"
                  f"  test accuracy {accuracy:.4%}")
    for way in ("keras", "fast"):
        print(f"{way} against plain: {results['plain'][0] / results[way][0]:.2f}x faster per epoch, accuracy "
              f"{100 * (results[way][1] - results['plain'][1]):+.2f} points")
    flops = training_flops(build_from_params(dict(resolve_spec("base").params)), len(split.y_train))
    big = matmul_gflops(1024, 1024, 1024)
    small = matmul_gflops(args.batch_size, 784, 100)
    print(f"arithmetic: {flops / 1e9:.1f} GFLOP per training epoch; matmul rate {big:.1f} GFLOP/s (1024³), "
          f"{small:.1f} GFLOP/s ({args.batch_size}×784·784×100)")
    fast = results["fast"][0]
    print(f"floor per epoch: {flops / big / 1e9:.3f}s at the large-matmul rate, {flops / small / 1e9:.3f}s at the "
          f"batch-sized rate; the fast epoch (validation and checkpoint included) is "
          f"{fast / (flops / big / 1e9):.1f}x and {fast / (flops / small / 1e9):.1f}x those floors")


if __name__ == "__main__":
    main()
