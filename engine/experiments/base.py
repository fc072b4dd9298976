"""Exercise 8: train the base network on digits 0–4 with early stopping, checkpoints and TensorBoard."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import keras
import numpy as np

from engine import strategy
from engine.context import RunContext
from engine.data import Split, digits_split
from engine.models import build_mlp
from engine.runs import MODEL_FILE
from engine.training import pipeline
from engine.training.callbacks import AtomicBestCheckpoint, EarlyStoppingCallback, EventsCallback, PlateauCallback
from engine.training.evaluate import classification_report


def run(ctx: RunContext) -> dict[str, Any]:
    """Train, evaluate on the 0–4 test digits, and return the summary and history."""
    p = ctx.params
    split = digits_split(ctx.mnist(), range(0, 5), subset=p["subset"])
    ctx.phase("data ready", sizes=split.sizes())
    ctx.check_stop()
    model = build_from_params(p)
    trained = train(ctx, model, split, p)
    used = strategy.describe(p.get("strategy", "default"), p["batch_size"], p["learning_rate"])
    return {**trained, "model": MODEL_FILE, "strategy": used}


def build_from_params(p: dict[str, Any]) -> keras.Model:
    """The base network from a parameter dict, compiled with Adam and sparse cross-entropy.

    Built and compiled inside the run's tf.distribute strategy, so `fit` trains it there.
    """
    keras.utils.set_random_seed(p["seed"])
    with strategy.scope(p.get("strategy", "default")):
        model = build_mlp(p["hidden_layers"], p["units"], p["activation"], p["initializer"], p["batch_norm"],
                          p["dropout"], n_classes=5, seed=p["seed"])
        model.compile(optimizer=keras.optimizers.Adam(p["learning_rate"]),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      steps_per_execution=p["steps_per_execution"] if _way(p) == "keras" else 1)
    return model


def train(ctx: RunContext, model: keras.Model, split: Split, p: dict[str, Any],
          tags: dict[str, Any] | None = None, model_path: Path | None = None) -> dict[str, Any]:
    """Fit with early stopping, an atomic best checkpoint and TensorBoard; evaluate on test."""
    ctx.phase("training", **(tags or {}))
    model_path = model_path or ctx.run_dir / MODEL_FILE
    if _way(p) == "compiled":
        return _evaluated(ctx, model, split, *_fit_compiled(ctx, model, split, p, tags, model_path))
    checkpoint = AtomicBestCheckpoint(model_path)
    callbacks = [
        EventsCallback(ctx.events, ctx.stop, p["epochs"],
                       pipeline.steps_per_epoch(len(split.y_train), p["batch_size"]), tags=tags),
        EarlyStoppingCallback(p["patience"]),
        checkpoint,
        *([PlateauCallback()] if p.get("lr_schedule") == "plateau" else []),
        keras.callbacks.TensorBoard(log_dir=str(ctx.run_dir / "tensorboard"), write_graph=False,
                                    profile_batch=0),
    ]
    started = time.perf_counter()
    if _way(p) == "keras":
        history = model.fit(pipeline.train_dataset(split.x_train, split.y_train, p["batch_size"], p["seed"]),
                            validation_data=pipeline.eval_dataset(split.x_val, split.y_val),
                            epochs=p["epochs"], callbacks=callbacks, verbose=0, shuffle=False)
    else:
        history = model.fit(split.x_train, split.y_train, validation_data=(split.x_val, split.y_val),
                            batch_size=p["batch_size"], epochs=p["epochs"], callbacks=callbacks, verbose=0)
    seconds = time.perf_counter() - started
    hist = {k: [float(v) for v in values] for k, values in history.history.items()}
    epochs = len(hist.get("loss", []))
    timing = {"best_val_loss": checkpoint.best, "best_epoch": checkpoint.best_epoch,
              "train_seconds": round(seconds, 3), "seconds_per_epoch": round(seconds / epochs, 4) if epochs else None}
    return _evaluated(ctx, model, split, timing, hist)


def _way(p: dict[str, Any]) -> str:
    """How training runs: the compiled loop, Keras fit on the prepared stream, or plain Keras fit.

    The compiled loop runs on one device; under a tf.distribute strategy `fast` means Keras fit.
    """
    chosen = p.get("pipeline", "fast")
    if chosen == "fast":
        return "compiled" if p.get("strategy", "default") == "default" else "keras"
    return chosen


def _fit_compiled(ctx: RunContext, model: keras.Model, split: Split, p: dict[str, Any],
                  tags: dict[str, Any] | None, model_path: Path) -> tuple[dict[str, Any], dict[str, list[float]]]:
    from engine.experiments.base_compiled import fit_compiled

    result, hist = fit_compiled(ctx, model, split, p, tags, model_path)
    timing = {"best_val_loss": result.best_val_loss, "best_epoch": result.best_epoch,
              "train_seconds": round(result.seconds, 3),
              "seconds_per_epoch": round(result.seconds_per_epoch, 4) if result.seconds_per_epoch else None}
    return timing, hist


def _evaluated(ctx: RunContext, model: keras.Model, split: Split, timing: dict[str, Any],
               hist: dict[str, list[float]]) -> dict[str, Any]:
    """Evaluate on the test digits and assemble the result, whichever way training ran."""
    ctx.phase("evaluating on the test digits")
    probabilities = model.predict(pipeline.as_float(split.x_test), batch_size=1024, verbose=0)
    report = classification_report(split.y_test, probabilities.argmax(axis=1),
                                   labels=[str(d) for d in range(5)])
    epochs = len(hist.get("loss", []))
    val_acc = hist.get("val_accuracy", [])
    return {
        "summary": {
            "test_accuracy": report["accuracy"],
            "best_val_accuracy": max(val_acc) if val_acc else None,
            **timing,
            "epochs": epochs,
        },
        "test": report,
        "history": hist,
        "data": split.sizes(),
        "train_accuracy_at_end": float(np.asarray(hist.get("accuracy", [np.nan]))[-1]),
    }
