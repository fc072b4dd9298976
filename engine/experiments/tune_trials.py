"""Trains Hyperband trials on the engine's compiled loop, tracing once per architecture, not once per trial."""
from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from engine.context import RunContext
from engine.data import Split
from engine.experiments.tune_space import chosen
from engine.training.loop import EpochLoop, as_tensor

# Hyperparameters that change only numbers inside the compiled graph, not the graph itself.
NOT_ARCHITECTURE = ("learning_rate",)


class TrialTrainer:
    """Keeps one compiled loop per architecture; each trial restarts it with its own weights and rate.

    A trial's model comes from the tuner (freshly built, or holding its Hyperband parent's
    checkpoint); its weights are copied into the loop's model, trained, and the best epoch's
    weights (by validation accuracy, the search's objective) copied back for the checkpoint.
    """

    def __init__(self, ctx: RunContext, split: Split, p: dict[str, Any]) -> None:
        self.ctx, self.split, self.p = ctx, split, p
        # converted to tensors once for every trial (80 MB of images: a copy per trial costs ~0.1 s)
        self.x_train, self.y_train = as_tensor(split.x_train, tf.float32), as_tensor(split.y_train, tf.int32)
        self.x_val, self.y_val = as_tensor(split.x_val, tf.float32), as_tensor(split.y_val, tf.int32)
        self.loops: dict[str, EpochLoop] = {}

    def train(self, trial_id: str, values: dict[str, Any], model: keras.Model) -> keras.callbacks.History:
        """Train `model`'s weights for the trial's epochs; leave the best epoch's weights in `model`."""
        hp = chosen(values)
        initial, epochs = int(values.get("tuner/initial_epoch", 0)), int(values.get("tuner/epochs", 1))
        loop = self._loop(hp, model)
        loop.restart(model.get_weights(), float(hp.get("learning_rate", self.p["learning_rate"])), self.p["seed"])
        best: dict[str, Any] = {"score": -1.0, "weights": None}

        def keep_best(epoch: int, metrics: dict[str, float]) -> None:
            if metrics["val_accuracy"] > best["score"]:
                best.update(score=metrics["val_accuracy"], weights=[w.numpy() for w in loop.model.weights])

        trained = loop.fit(epochs - initial, self.x_val, self.y_val, events=self.ctx.events,
                           stop=self.ctx.stop, tags={"trial": trial_id}, epoch_offset=initial,
                           total_epochs=epochs, on_epoch=keep_best)
        if best["weights"] is not None:
            model.set_weights(best["weights"])
        history = keras.callbacks.History()
        history.history = trained.history
        history.epoch = list(range(initial, initial + trained.epochs))
        return history

    def _loop(self, hp: dict[str, Any], model: keras.Model) -> EpochLoop:
        key = repr(sorted((k, v) for k, v in hp.items() if k not in NOT_ARCHITECTURE))
        if key not in self.loops:
            # The first trial's own model becomes the loop's (later trials' weights come with each restart;
            # its checkpoint is written before the next trial begins): a clone would cost a build.
            optimizer = keras.optimizers.Adam(float(hp.get("learning_rate", self.p["learning_rate"])))
            batch_size = int(hp.get("batch_size", self.p["batch_size"]))
            self.loops[key] = EpochLoop(model, optimizer, self.x_train, self.y_train, batch_size, self.p["seed"],
                                        xla=bool(self.p["xla"]))
        return self.loops[key]

