"""What an experiment's runner receives: its spec, run folder, event writer and stop flag."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import data as mnist_data
from engine.errors import StopRequested
from engine.events import EventWriter
from engine.events_contract import DataSource, Phase
from engine.registry import RunSpec


class StopFlag:
    """Set by a signal handler or by a STOP file in the run folder; polled at batch boundaries.

    It deep-copies to itself so that callbacks copied by Keras or keras-tuner still see it.
    """

    def __init__(self, stop_file: Path | None = None) -> None:
        self.stop_file = stop_file
        self._set = False

    def set(self) -> None:
        """Ask the run to stop at the next batch boundary."""
        self._set = True

    @property
    def requested(self) -> bool:
        """Whether a stop was asked for, by signal or by stop file."""
        if not self._set and self.stop_file is not None and self.stop_file.exists():
            self._set = True
        return self._set

    def __deepcopy__(self, memo: dict) -> "StopFlag":
        return self


@dataclass
class RunContext:
    """Everything a runner needs; runners return a result dict with a `summary` inside."""

    spec: RunSpec
    run_dir: Path
    events: EventWriter
    stop: StopFlag
    home: Path | None = None
    _mnist: Any = field(default=None, repr=False)

    @property
    def params(self) -> dict[str, Any]:
        """The run's validated parameters."""
        return dict(self.spec.params)

    def phase(self, name: str, **detail: Any) -> None:
        """Tell watchers what the run is doing now (shown in the run view)."""
        self.events.emit(Phase(name=name, detail=detail.pop("detail", None), extra=detail))

    def check_stop(self) -> None:
        """Raise StopRequested if a stop was asked for (use between phases)."""
        if self.stop.requested:
            raise StopRequested()

    def mnist(self) -> mnist_data.Mnist:
        """Load MNIST once per run and report which file was used."""
        if self._mnist is None:
            self.phase("loading data")
            self._mnist = mnist_data.load(self.spec.data)
            self.events.emit(DataSource(**self._mnist.source.describe(), sha256=self._mnist.sha256))
        return self._mnist
