"""Per-epoch time of the base network, the engine's way against plain Keras `fit`, in one run.

Plain: `fit` on the raw uint8 array (the model's Rescaling layer scales each batch), default
settings (one step per call). Engine: a float32 array prepared once, a cached, prefetched
tf.data stream and many steps per compiled call. Same model, seed, batch size and epochs; the
script prints the per-epoch medians (first epoch, which traces, left out), their ratio, the test
accuracy of each, and how far the engine's epoch is from the arithmetic floor.

    .venv/bin/python benchmarks/bench_base_epoch.py [--epochs 8] [--batch-size 32]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from engine import data  # noqa: E402
from engine.experiments.base import build_from_params  # noqa: E402
from engine.registry import resolve_spec  # noqa: E402
from engine.training import pipeline  # noqa: E402


class EpochTimer(keras.callbacks.Callback):
    """Wall seconds of each epoch (training plus validation)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)


def train(way: str, split: data.Split, epochs: int, batch_size: int) -> tuple[list[float], float]:
    """Train one way; return per-epoch seconds and test accuracy of the best-validation weights."""
    params = dict(resolve_spec("base", "plain", {"pipeline": way, "batch_size": batch_size}).params)
    model = build_from_params(params)
    timer = EpochTimer()
    restore = keras.callbacks.EarlyStopping(monitor="val_loss", patience=epochs, restore_best_weights=True)
    if way == "plain":
        model.fit(split.x_train, split.y_train, validation_data=(split.x_val, split.y_val), batch_size=batch_size,
                  epochs=epochs, callbacks=[timer, restore], verbose=0)
    else:
        model.fit(pipeline.train_dataset(split.x_train, split.y_train, batch_size, params["seed"]),
                  validation_data=pipeline.eval_dataset(split.x_val, split.y_val), epochs=epochs,
                  callbacks=[timer, restore], verbose=0)
    predicted = model.predict(pipeline.as_float(split.x_test), batch_size=1024, verbose=0).argmax(axis=1)
    return timer.seconds, float((predicted == split.y_test).mean())


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
    for way in ("plain", "fast"):
        seconds, accuracy = train(way, split, args.epochs, args.batch_size)
        results[way] = (statistics.median(seconds[1:]), accuracy)
        print(f"{way:6} per-epoch median {results[way][0]:.3f}s  (all: {', '.join(f'{s:.2f}' for s in seconds)})  "
              f"test accuracy {accuracy:.4%}")
    ratio = results["plain"][0] / results["fast"][0]
    print(f"speed-up per epoch: {ratio:.2f}x; accuracy difference "
          f"{100 * (results['fast'][1] - results['plain'][1]):+.2f} points")
    flops = training_flops(build_from_params(dict(resolve_spec("base").params)), len(split.y_train))
    big = matmul_gflops(1024, 1024, 1024)
    small = matmul_gflops(args.batch_size, 784, 100)
    print(f"arithmetic: {flops / 1e9:.1f} GFLOP per training epoch; matmul rate {big:.1f} GFLOP/s (1024³), "
          f"{small:.1f} GFLOP/s ({args.batch_size}×784·784×100)")
    print(f"floor per epoch: {flops / big / 1e9:.3f}s at the large-matmul rate, {flops / small / 1e9:.3f}s at the "
          f"batch-sized rate; the engine's epoch is {results['fast'][0] / (flops / big / 1e9):.1f}x and "
          f"{results['fast'][0] / (flops / small / 1e9):.1f}x those floors")


if __name__ == "__main__":
    main()
