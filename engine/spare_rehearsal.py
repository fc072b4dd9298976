"""A throwaway tiny training that a spare runs before it says ready, so the run it becomes starts warm.

Importing TensorFlow is not all a first run pays: its first `fit` also converts Keras's train and
test steps with AutoGraph, loads tf.data, optimizer and op-kernel code, and its first XLA program
sets up the compiler. Each runner path is rehearsed on a few blank images: Keras `fit` traced with
many steps per call and eager (the demos, long and short), the engine's XLA-compiled epoch loop
(base and its kin), inference, a TensorBoard scalar and a saved model. Keras's global state and every global random generator
are then reset, so the run is the same run a fresh process would give.
"""
from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from engine.atomic import save_model_atomic
from engine.experiments.demos import common
from engine.models import build_mlp
from engine.training import pipeline
from engine.training.loop import EpochLoop

IMAGES = 64  # two full batches of 32: enough for every traced path, a few milliseconds of arithmetic
BATCH = 32


def rehearse() -> None:
    """Train, evaluate, predict and save two tiny models the ways runs do, then forget them."""
    x = np.zeros((IMAGES, 28, 28), dtype=np.uint8)
    x[:, 14, 14] = np.arange(IMAGES, dtype=np.uint8)
    y = np.arange(IMAGES, dtype=np.int64) % 5
    scratch = Path(tempfile.mkdtemp(prefix="ch11-spare-rehearsal-"))
    try:
        _keras_fit(x, y)
        _compiled_loop(x, y, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        forget()


def forget() -> None:
    """Reset what a rehearsal leaves behind: Keras's global state and the global random generators."""
    keras.backend.clear_session()  # layer-name counters, Keras's seed generator, the eager kernel cache
    random.seed()  # fresh entropy, as a new process starts with
    np.random.seed()
    tf.random.set_seed(None)


def _keras_fit(x: np.ndarray, y: np.ndarray) -> None:
    """The demos' way: a dense stack, Keras `fit` on a tf.data stream with validation, a probe, predict."""
    model = common.dense_stack(1, 4, "relu", common.seeded("he_normal", 0), seed=0, n_classes=5)
    probe = keras.Model(model.inputs[0], [layer.output for layer in common.hidden_layers(model)])
    probe(pipeline.as_float(x), training=False)
    optimizer = keras.optimizers.Adam(1e-3)
    optimizer.build(model.trainable_variables)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=32)
    model.fit(common.train_batches(x, y, BATCH, 0), validation_data=pipeline.eval_dataset(x, y),
              epochs=1, verbose=0)
    model.predict(pipeline.as_float(x), batch_size=1024, verbose=0)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  run_eagerly=True)  # a quick demo's few steps run eagerly: their first op calls, paid here
    model.fit(common.train_batches(x, y, BATCH, 0), validation_data=pipeline.eval_dataset(x, y),
              epochs=1, verbose=0)


def _compiled_loop(x: np.ndarray, y: np.ndarray, scratch: Path) -> None:
    """The base network's way: the XLA-compiled epoch loop, a TensorBoard scalar, a saved model, predict."""
    model = build_mlp(1, 4, n_classes=5, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    loop = EpochLoop(model, model.optimizer, x, y, BATCH, 0, xla=True)
    loop.fit(1, x, y, patience=1)
    writer = tf.summary.create_file_writer(str(scratch / "tensorboard"))
    with writer.as_default():
        tf.summary.scalar("epoch_loss", 0.0, step=1)
    writer.close()
    save_model_atomic(model, scratch / "model.keras")
    model.predict(pipeline.as_float(x), batch_size=1024, verbose=0)
