"""What the UI knows about one run, folded from its events (plain data: no widgets, no TensorFlow).

The run manager feeds events in as they arrive; screens read the state and redraw only the parts
whose version counters moved, so a burst of progress events costs one cheap repaint.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from engine.events import add_epoch
from engine.events_contract import TERMINAL_TYPES, problem
from engine.run_status import is_ended


@dataclass
class RunState:
    """The fold of a run's events: status, phase, progress, curves, tables, charts and trials."""

    run_id: str
    experiment: str = ""
    preset: str = ""
    status: str = "starting"
    phase: str = ""
    phase_detail: str = ""
    metrics: dict[str, float] = field(default_factory=dict)  # latest, from epoch_end or progress
    epoch: int = 0  # the epoch in progress, or the one just ended (absolute, 1-based)
    epoch_ended: bool = False  # whether `epoch` has ended (its epoch_end came, no progress since)
    epochs: int = 0
    step: int = 0
    steps: int = 0
    series: str = ""  # the series or trial the latest epoch belongs to
    epoch_started: float | None = None  # event time when the epoch clock started
    clock_step: int = 0  # the step count at that time (the epoch clock may start mid-epoch)
    last_time: float | None = None
    epoch_seconds: list[float] = field(default_factory=list)
    history: dict[str, dict[str, list]] = field(default_factory=dict)  # series -> epoch + metrics
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> table event
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> curve event
    trials: dict[str, dict[str, Any]] = field(default_factory=dict)  # trial id -> row
    summary: dict[str, Any] = field(default_factory=dict)
    devices: list[str] = field(default_factory=list)  # "CPU" or "GPU: name", once TensorFlow has loaded
    error: str = ""
    events_seen: int = 0
    unreadable_lines: int = 0  # lines that are not JSON objects (counted by the file's reader)
    bad_events: int = 0  # JSON lines the event contract does not accept
    bad_line: str = ""  # why the latest bad event did not match the contract
    # Version counters: a view redraws a part only when its counter moved.
    curves_version: int = 0
    tables_version: int = 0
    trials_version: int = 0

    @property
    def bad_lines(self) -> int:
        """Lines skipped: unreadable ones plus events that do not match the contract."""
        return self.unreadable_lines + self.bad_events

    @property
    def finished(self) -> bool:
        """Whether the run has ended (finished, failed, cancelled, died, or a broken folder)."""
        return is_ended(self.status)

    def feed(self, events: Iterable[dict[str, Any]]) -> None:
        """Fold new events into the state; one the event contract refuses is counted, not folded."""
        for event in events:
            wrong = problem(event)
            if wrong:  # counted and shown, never folded: a handler may trust the declared fields
                self.events_seen += 1
                self.bad_events += 1
                self.bad_line = wrong
                continue
            self.fold(event)

    def fold(self, event: dict[str, Any]) -> None:
        """Fold one event already checked against the contract (each handler still tolerates odd values)."""
        self.events_seen += 1
        kind = event.get("type")
        when = event.get("time")
        if isinstance(when, (int, float)):
            self.last_time = float(when)
        handler = getattr(self, f"_on_{kind}", None)
        if handler is not None:
            handler(event)
        elif kind in TERMINAL_TYPES:
            self._on_terminal(event)

    def _on_run_started(self, event: dict[str, Any]) -> None:
        self.experiment = str(event.get("experiment", self.experiment))
        self.preset = str(event.get("preset", self.preset))
        self.status = "running"
        self.epoch_started = self.last_time

    def _on_phase(self, event: dict[str, Any]) -> None:
        self.epoch_started = None  # the epoch clock starts at the next progress, not during data loading
        self.phase = str(event.get("name", ""))
        detail = event.get("detail")
        if detail is None:
            extras = {k: v for k, v in event.items() if k not in ("type", "time", "name")}
            detail = ", ".join(f"{k} {v}" for k, v in extras.items() if not isinstance(v, (dict, list)))
        self.phase_detail = str(detail)

    def _on_batch_progress(self, event: dict[str, Any]) -> None:
        epoch, step = _int(event.get("epoch"), self.epoch), _int(event.get("step"), self.step)
        if self.epoch_started is None:
            self.epoch_started, self.clock_step = self.last_time, step
        self.epoch, self.epoch_ended = epoch, False
        self.epochs = _int(event.get("epochs"), self.epochs)
        self.step = _int(event.get("step"), self.step)
        self.steps = _int(event.get("steps"), self.steps)
        self.series = str(event.get("series") or event.get("trial") or self.series)
        self.metrics.update(_numbers(event.get("metrics")))

    def _on_epoch_end(self, event: dict[str, Any]) -> None:
        self.epoch, self.epoch_ended = _int(event.get("epoch"), self.epoch), True
        self.epochs = _int(event.get("epochs"), self.epochs)
        self.step = self.steps
        self.series = str(event.get("series") or event.get("trial") or "")
        metrics = _numbers(event.get("metrics"))
        self.metrics = dict(metrics)
        seconds = event.get("seconds")
        if isinstance(seconds, (int, float)):
            self.epoch_seconds.append(float(seconds))
        self.epoch_started, self.clock_step = self.last_time, 0
        add_epoch(self.history, self.series, self.epoch, metrics)
        self.curves_version += 1

    def _on_table(self, event: dict[str, Any]) -> None:
        self.tables[str(event.get("name", "table"))] = event  # a later table with the name replaces it
        self.tables_version += 1

    def _on_curve(self, event: dict[str, Any]) -> None:
        self.charts[str(event.get("name", "curve"))] = event
        self.tables_version += 1

    def _on_devices(self, event: dict[str, Any]) -> None:
        self.devices = [str(d) for d in event.get("devices") or []]

    def _on_trial_started(self, event: dict[str, Any]) -> None:
        trial = str(event.get("trial", len(self.trials)))
        self.trials[trial] = {"trial": trial, "worker": str(event.get("worker") or ""),
                              "hyperparameters": dict(event.get("hyperparameters") or {}),
                              "index": event.get("index"), "epochs": event.get("epochs"),
                              "status": "running", "score": None, "best_epoch": None, "message": ""}
        # the bars follow the new trial: a Hyperband trial resumes with its first epochs done
        self.epoch, self.step = _int(event.get("initial_epoch"), 0), 0
        self.epoch_ended = self.epoch > 0
        self.epochs = _int(event.get("epochs"), self.epochs)
        index = event.get("index")  # a search's trial count is not known ahead (Hyperband decides as it goes)
        self.phase = f"trial {index} ({trial})" if index else f"trial {trial}"
        self.phase_detail = ", ".join(f"{k}={v}" for k, v in self.trials[trial]["hyperparameters"].items())
        self.trials_version += 1

    def _on_trial_end(self, event: dict[str, Any]) -> None:
        trial = str(event.get("trial", ""))
        row = self.trials.setdefault(trial, {"trial": trial, "hyperparameters": {}, "index": None,
                                             "epochs": None})
        if event.get("worker"):
            row["worker"] = str(event["worker"])
        row.update(status=str(event.get("status", "done")), score=event.get("score"),
                   best_epoch=event.get("best_epoch"), message=str(event.get("message") or ""))
        self.trials_version += 1

    def _on_terminal(self, event: dict[str, Any]) -> None:
        self.status = str(event["type"]).removeprefix("run_")
        self.summary = dict(event.get("summary") or {})
        self.error = str(event.get("error") or "")
        self.phase = self.status
        self.phase_detail = self.error or _describe_summary(self.summary)

    @property
    def reports_steps(self) -> bool:
        """Whether the run reports steps within its epochs (batch_progress with a step count).

        The compiled loop runs an epoch of up to a few hundred steps as one call and says nothing
        until it ends: such a run's progress can only be shown in whole epochs.
        """
        return self.steps > 0

    def epoch_eta(self) -> float | None:
        """Seconds left in the current epoch, from the pace of its steps so far."""
        if not (self.steps and self.step and self.epoch_started is not None and self.last_time is not None):
            return None
        if self.step >= self.steps:
            return 0.0
        elapsed, done = self.last_time - self.epoch_started, self.step - self.clock_step
        if elapsed <= 0 or done <= 0:
            return None
        return elapsed / done * (self.steps - self.step)

    def run_eta(self) -> float | None:
        """Seconds left in the run at the mean epoch time so far (early stopping may end it sooner)."""
        if not self.epoch_seconds or not self.epochs or self.finished:
            return None
        mean = sum(self.epoch_seconds) / len(self.epoch_seconds)
        return max(0, self.epochs - self.epoch) * mean + (self.epoch_eta() or 0.0)

    def epoch_fraction(self) -> float:
        """How much of the current epoch is done, 0 to 1 (an ended epoch is done, step counts or not)."""
        if self.finished or self.epoch_ended:
            return 1.0
        if self.steps:
            return min(1.0, self.step / self.steps)
        return 1.0 if self.epoch and self.step else 0.0

    def run_fraction(self) -> float:
        """How much of the run's epochs are done, 0 to 1 (1 once the run ended)."""
        if self.finished:
            return 1.0
        if not self.epochs:
            return 0.0
        done = max(0, self.epoch - 1) + self.epoch_fraction()
        return min(1.0, done / self.epochs)


def _describe_summary(summary: dict[str, Any]) -> str:
    parts = [f"{label} {summary[key]:.2%}" for key, label in (("test_accuracy", "test accuracy"),
                                                                 ("best_val_accuracy", "best val accuracy"))
             if isinstance(summary.get(key), (int, float))]
    if isinstance(summary.get("epochs"), int):
        parts.append(f"{summary['epochs']} epochs")
    return ", ".join(parts)


def _int(value: Any, fallback: int) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else fallback


def _numbers(metrics: Any) -> dict[str, float]:
    if not isinstance(metrics, dict):
        return {}
    return {str(k): float(v) for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
