"""The base network on the engine's compiled loop: a whole epoch is one XLA program (one graph call with dropout).

Keras `fit`, even with many steps per call, pays TensorFlow's graph executor a fixed cost for
every op of every step; for a 5×100 network at batch 32 that cost, not the arithmetic, is most
of an epoch. Compiled by XLA, the epoch runs several times faster. What `fit`'s callbacks did
for the Keras path is done here between epochs: events, the atomic best checkpoint, halving the
rate on a plateau, and TensorBoard scalars. A stop request ends training at the next epoch.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import keras
import tensorflow as tf

from engine.atomic import save_model_atomic
from engine.context import RunContext
from engine.data import Split
from engine.events_contract import EpochEnd
from engine.training.loop import EpochLoop, LoopResult
from engine.training.policy import BestEpoch, PlateauSchedule


class EpochHooks:
    """Runs after every epoch of the loop: events, checkpoint, plateau schedule, TensorBoard."""

    def __init__(self, ctx: RunContext, model: keras.Model, p: dict[str, Any], model_path: Path,
                 tags: dict[str, Any] | None) -> None:
        self.ctx, self.model, self.p, self.model_path, self.tags = ctx, model, p, model_path, dict(tags or {})
        self.best = BestEpoch()
        self.plateau = PlateauSchedule() if p.get("lr_schedule") == "plateau" else None
        self.tick = time.perf_counter()
        folder = ctx.run_dir / "tensorboard"
        self.writers = {"train": tf.summary.create_file_writer(str(folder / "train")),
                        "validation": tf.summary.create_file_writer(str(folder / "validation"))}

    def __call__(self, epoch: int, metrics: dict[str, float]) -> None:
        now = time.perf_counter()
        rate = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
        self.ctx.events.emit(EpochEnd(epoch=epoch, epochs=self.p["epochs"], seconds=round(now - self.tick, 4),
                                      metrics=metrics, learning_rate=rate, **self.tags))
        self.tick = now
        self._tensorboard(epoch, metrics)
        val_loss = metrics.get("val_loss")
        if val_loss is None:
            return
        if self.best.offer(epoch, val_loss):
            save_model_atomic(self.model, self.model_path)
        new_rate = self.plateau.update(val_loss, rate) if self.plateau is not None else None
        if new_rate is not None:
            self.model.optimizer.learning_rate = new_rate

    def _tensorboard(self, epoch: int, metrics: dict[str, float]) -> None:
        for name, value in metrics.items():
            side = "validation" if name.startswith("val_") else "train"
            with self.writers[side].as_default():
                tf.summary.scalar(f"epoch_{name.removeprefix('val_')}", value, step=epoch)

    def close(self) -> None:
        """Flush the TensorBoard files."""
        for writer in self.writers.values():
            writer.close()


def fit_compiled(ctx: RunContext, model: keras.Model, split: Split, p: dict[str, Any],
                 tags: dict[str, Any] | None, model_path: Path) -> tuple[LoopResult, dict[str, list[float]]]:
    """Train with early stopping (best weights restored) on the XLA-compiled epoch loop."""
    loop = EpochLoop(model, model.optimizer, split.x_train, split.y_train, p["batch_size"], p["seed"], xla=True)
    hooks = EpochHooks(ctx, model, p, model_path, tags)
    try:
        result = loop.fit(p["epochs"], split.x_val, split.y_val, patience=p["patience"], stop=ctx.stop,
                          on_epoch=hooks, progress=ctx.events)
    finally:
        hooks.close()
    return result, result.history
