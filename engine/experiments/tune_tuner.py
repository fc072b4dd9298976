"""A Hyperband tuner that reports every trial as run events and stops cleanly when asked."""
from __future__ import annotations

from typing import Any

import keras
import keras_tuner as kt

from engine.atomic import save_weights_atomic, write_json_atomic
from engine.context import RunContext
from engine.data import Split
from engine.distributed.role import SearchRole
from engine.events_contract import TrialEnd, TrialStarted
from engine.experiments.tune_hparams import write_trial_hparams
from engine.experiments.tune_report import SearchStopped, trial_row
from engine.experiments.tune_space import builder, chosen
from engine.experiments.tune_trials import TrialTrainer
from engine.keras_tuner_internals import build_config_path, build_hypermodel, checkpoint_path
from engine.training import pipeline
from engine.training.callbacks import EventsCallback

TUNER_FOLDER = "tuner"


class ObservedHyperband(kt.Hyperband):
    """Hyperband whose trials emit trial_started, epoch_end (tagged with the trial) and trial_end.

    Observation happens here, in the tuner's hooks, because keras-tuner deep-copies every
    callback for each trial (the events callback survives that: its writer and stop flag copy
    to themselves).
    """

    def __init__(self, ctx: RunContext, split: Split, p: dict[str, Any], role: SearchRole, resume: bool = False) -> None:
        self.ctx, self.split, self.p = ctx, split, p
        self.trainer = TrialTrainer(ctx, split, p)
        # a distributed worker shares the chief's tuner folder (Hyperband resumes other workers' checkpoints)
        directory, project, overwrite = role.tuner_location(TUNER_FOLDER, resume)
        super().__init__(hypermodel=builder(p), objective="val_accuracy", max_epochs=p["max_epochs"],
                         factor=p["factor"], hyperband_iterations=p["hyperband_iterations"], seed=p["seed"],
                         directory=directory, project_name=project, overwrite=overwrite)
        role.attach(self)

    def pre_create_trial(self) -> None:
        if self.ctx.stop.requested:
            raise SearchStopped()

    def on_trial_begin(self, trial: kt.engine.trial.Trial) -> None:
        super().on_trial_begin(trial)
        values = trial.hyperparameters.values
        self.ctx.events.emit(TrialStarted(trial=trial.trial_id, hyperparameters=chosen(values),
                                          index=len(self.oracle.trials), epochs=values.get("tuner/epochs"),
                                          initial_epoch=values.get("tuner/initial_epoch", 0),
                                          resumes=values.get("tuner/trial_id")))

    def run_trial(self, trial: kt.engine.trial.Trial, *args: Any, **kwargs: Any) -> Any:
        # the compiled loop runs on one device; --strategy mirrored trains through Keras fit, which splits batches
        if self.p["pipeline"] == "fast" and self.p.get("strategy", "default") == "default":
            return self._run_on_engine_loop(trial)
        return self._run_with_fit(trial, *args, **kwargs)

    def _run_on_engine_loop(self, trial: kt.engine.trial.Trial) -> keras.callbacks.History:
        """Train with the compiled loop; leave the checkpoint files keras-tuner's Hyperband reads.

        Hyperband's model builder (`build_hypermodel`) loads a continuing trial's parent checkpoint, and its file
        names are the ones Hyperband looks for when a later round continues this trial. It is called
        directly, not through `_try_build`: that one first clears Keras's session and runs Python's
        garbage collector, about 0.3 s a trial here, to free graphs that `fit` would leave behind; the
        compiled loops are kept on purpose (one per architecture), and a trial's model is small.
        """
        model = build_hypermodel(self, trial.hyperparameters)
        history = self.trainer.train(trial.trial_id, trial.hyperparameters.values, model)
        save_weights_atomic(model, checkpoint_path(self, trial.trial_id))
        write_json_atomic(build_config_path(self, trial.trial_id), model.get_build_config())
        return history

    def _run_with_fit(self, trial: kt.engine.trial.Trial, *args: Any, **kwargs: Any) -> Any:
        """Keras `fit`, on the prepared pipeline or (plain) on the raw arrays as keras-tuner does by default."""
        values = trial.hyperparameters.values
        batch_size = int(values.get("batch_size", self.p["batch_size"]))
        epochs = int(values.get("tuner/epochs", self.p["max_epochs"]))
        events = EventsCallback(self.ctx.events, self.ctx.stop, epochs,
                                pipeline.steps_per_epoch(len(self.split.y_train), batch_size),
                                tags={"trial": trial.trial_id})
        # Hyperband passes initial_epoch for a trial that continues a parent's checkpoint; Keras then
        # numbers epochs from there, so the events already carry the absolute epoch.
        kwargs.update(self._data(batch_size), callbacks=[events], verbose=0)
        return super().run_trial(trial, *args, **kwargs)

    def _data(self, batch_size: int) -> dict[str, Any]:
        s, p = self.split, self.p
        if p["pipeline"] == "fast":
            return {"x": pipeline.train_dataset(s.x_train, s.y_train, batch_size, p["seed"]),
                    "validation_data": pipeline.eval_dataset(s.x_val, s.y_val)}
        return {"x": s.x_train, "y": s.y_train, "batch_size": batch_size, "validation_data": (s.x_val, s.y_val)}

    def on_trial_end(self, trial: kt.engine.trial.Trial) -> None:
        super().on_trial_end(trial)
        write_trial_hparams(self.ctx.run_dir, trial)
        self.ctx.events.emit(TrialEnd(**trial_row(trial)))

