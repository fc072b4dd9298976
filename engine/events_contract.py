"""The event contract: every event type a run writes to events.jsonl, declared once.

Each type is a dataclass: fields without a default are required, the rest optional. On the wire an
event is one JSON object a line with `type` (the class's TYPE), `time` (Unix seconds, added by the
writer) and its fields; optional fields left at None are not written. Types marked OPEN (phase,
distributed) also carry extra plain fields that describe them. The writer refuses an event that
does not match (engine.events.EventWriter.emit); readers check each line with `problem()` and count
the ones that do not match instead of failing. Imports nothing heavy: the UI reads through it.
"""
from __future__ import annotations

import types
import typing
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar, Union

SCHEMA_VERSION = 1  # written in run_started; raise it when a field changes meaning or a required one is added
WIRE_FIELDS = ("type", "time")  # on every line, outside the dataclass fields


class EventContractError(ValueError):
    """An event that the contract refuses (unknown type, missing or mistyped field)."""


@dataclass
class Event:
    """Base of every event type; TYPE is the `type` written on the line."""

    TYPE: ClassVar[str] = ""
    OPEN: ClassVar[bool] = False  # whether extra plain fields are allowed (kept in `extra`)

    def to_fields(self) -> dict[str, Any]:
        """The event's fields as they go on the line (None optionals dropped, extras flattened)."""
        out: dict[str, Any] = {}
        for spec in fields(self):
            if spec.name == "extra":
                continue
            value = getattr(self, spec.name)
            if value is None and not _required(spec):
                continue
            out[spec.name] = value
        extra = getattr(self, "extra", None) or {}
        out.update({k: v for k, v in extra.items() if k not in out})
        return out


# --- the run's life ---------------------------------------------------------------------------
@dataclass
class RunStarted(Event):
    """First line of every run: what runs, with which parameters, in which process."""

    TYPE: ClassVar[str] = "run_started"
    run_id: str
    experiment: str
    preset: str
    params: dict
    quick: bool
    pid: int
    schema: int = SCHEMA_VERSION


@dataclass
class Phase(Event):
    """What the run is doing now ("data ready", "training", "verdict", …), with plain details."""

    TYPE: ClassVar[str] = "phase"
    OPEN: ClassVar[bool] = True
    name: str
    detail: Union[str, None] = None
    extra: dict = field(default_factory=dict)


@dataclass
class DataSource(Event):
    """Where the MNIST arrays came from and their checksum."""

    TYPE: ClassVar[str] = "data_source"
    kind: str
    path: str
    sha256: str


@dataclass
class Devices(Event):
    """The devices TensorFlow sees ("CPU", "GPU: name")."""

    TYPE: ClassVar[str] = "devices"
    devices: list


@dataclass
class RunFinished(Event):
    """Last line of a run that ended normally; summary is result.json's summary."""

    TYPE: ClassVar[str] = "run_finished"
    summary: dict
    seconds: float
    error: Union[str, None] = None


@dataclass
class RunFailed(RunFinished):
    """Last line of a run that raised; error says why in one sentence."""

    TYPE: ClassVar[str] = "run_failed"


@dataclass
class RunCancelled(RunFinished):
    """Last line of a run stopped on request."""

    TYPE: ClassVar[str] = "run_cancelled"


# --- training ---------------------------------------------------------------------------------
@dataclass
class BatchProgress(Event):
    """Progress inside an epoch (throttled to a few a second); epochs and steps are totals."""

    TYPE: ClassVar[str] = "batch_progress"
    epoch: int
    step: int
    steps: int
    epochs: int
    metrics: dict = field(default_factory=dict)
    series: Union[str, None] = None
    trial: Union[str, None] = None
    worker: Union[str, None] = None


@dataclass
class EpochEnd(Event):
    """One finished epoch: absolute 1-based epoch, its wall time and metrics (None when not finite)."""

    TYPE: ClassVar[str] = "epoch_end"
    epoch: int
    epochs: int
    seconds: float
    metrics: dict
    learning_rate: Union[float, None] = None
    series: Union[str, None] = None
    trial: Union[str, None] = None
    worker: Union[str, None] = None


# --- searches ---------------------------------------------------------------------------------
@dataclass
class TrialStarted(Event):
    """A search trial began: its hyperparameters and the absolute epochs it trains."""

    TYPE: ClassVar[str] = "trial_started"
    trial: str
    hyperparameters: dict
    index: Union[int, None] = None  # 1-based count of trials so far
    epochs: Union[int, None] = None
    initial_epoch: Union[int, None] = None
    resumes: Union[str, None] = None  # the trial whose weights this one continues (Hyperband)
    worker: Union[str, None] = None


@dataclass
class TrialEnd(Event):
    """A search trial ended: score (best val accuracy), status and any error line."""

    TYPE: ClassVar[str] = "trial_end"
    trial: str
    status: str
    hyperparameters: dict = field(default_factory=dict)
    epochs: Union[int, None] = None
    initial_epoch: Union[int, None] = None
    score: Union[float, None] = None
    best_epoch: Union[int, None] = None
    message: Union[str, None] = None
    worker: Union[str, None] = None


@dataclass
class Distributed(Event):
    """This process's part in a distributed search (what distributed.json says)."""

    TYPE: ClassVar[str] = "distributed"
    OPEN: ClassVar[bool] = True
    search_id: str
    role: str
    oracle: str
    tuner_id: Union[str, None] = None
    worker_id: Union[int, str, None] = None
    chief_run: Union[str, None] = None
    extra: dict = field(default_factory=dict)


# --- results ----------------------------------------------------------------------------------
@dataclass
class Table(Event):
    """A results table; a later table with the same name replaces it."""

    TYPE: ClassVar[str] = "table"
    name: str
    title: str
    columns: list
    rows: list


@dataclass
class Curve(Event):
    """A chart that is not per epoch: series label -> {"x": [...], "y": [...]}."""

    TYPE: ClassVar[str] = "curve"
    name: str
    title: str
    x_label: str
    y_label: str
    series: dict
    x_scale: Union[str, None] = None  # "log" when asked for; absent means linear
    y_scale: Union[str, None] = None


EVENT_TYPES: dict[str, type[Event]] = {cls.TYPE: cls for cls in (
    RunStarted, Phase, DataSource, Devices, BatchProgress, EpochEnd, TrialStarted, TrialEnd,
    Distributed, Table, Curve, RunFinished, RunFailed, RunCancelled)}
TERMINAL_TYPES = (RunFinished.TYPE, RunFailed.TYPE, RunCancelled.TYPE)


def build(type_: str, values: dict[str, Any]) -> Event:
    """The typed event for a type name and its fields; raises EventContractError when they do not match."""
    cls = EVENT_TYPES.get(type_)
    if cls is None:
        raise EventContractError(f"unknown event type {type_!r}; known: {', '.join(EVENT_TYPES)}")
    declared = {spec.name: spec for spec in fields(cls) if spec.name != "extra"}
    missing = [name for name, spec in declared.items() if _required(spec) and name not in values]
    if missing:
        raise EventContractError(f"{type_} event is missing required field(s): {', '.join(missing)}")
    unknown = {k: v for k, v in values.items() if k not in declared and k not in WIRE_FIELDS}
    if unknown and not cls.OPEN:
        raise EventContractError(f"{type_} event has undeclared field(s): {', '.join(unknown)}")
    hints = _hints(cls)
    for name, value in values.items():
        if name in declared and not _matches(value, hints[name]):
            raise EventContractError(f"{type_} field {name!r} should be {_describe(hints[name])}, "
                                     f"got {type(value).__name__}")
    kwargs = {k: v for k, v in values.items() if k in declared}
    if cls.OPEN:
        kwargs["extra"] = unknown
    return cls(**kwargs)


def check(event: Event) -> None:
    """Raise EventContractError when a typed event's values do not match its declared field types."""
    build(event.TYPE, event.to_fields())


def problem(line: dict[str, Any]) -> str:
    """Why one parsed line does not match the contract, or "" when it does."""
    if not isinstance(line.get("type"), str):
        return "a line without a type"
    try:
        build(line["type"], line)
    except EventContractError as error:
        return str(error)
    return ""


def describe_contract() -> list[str]:
    """One line per event type: its required and optional fields (for docs and `--help`-like output)."""
    out = []
    for type_, cls in EVENT_TYPES.items():
        specs = [s for s in fields(cls) if s.name != "extra"]
        required = [s.name for s in specs if _required(s)]
        optional = [s.name for s in specs if not _required(s)]
        extra = " + extra fields" if cls.OPEN else ""
        out.append(f"{type_}: {', '.join(required) or '-'}"
                   + (f" [optional: {', '.join(optional)}]" if optional else "") + extra)
    return out


def _required(spec: Any) -> bool:
    return spec.default is MISSING and spec.default_factory is MISSING


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _options(hint: Any) -> tuple[Any, ...]:
    if typing.get_origin(hint) in (Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _matches(value: Any, hint: Any) -> bool:
    for option in _options(hint):
        if option is Any or (option is type(None) and value is None):
            return True
        if option is bool and isinstance(value, bool):
            return True
        if option is int and isinstance(value, int) and not isinstance(value, bool):
            return True
        if option is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if option in (str, dict, list) and isinstance(value, option):
            return True
    return False


def _describe(hint: Any) -> str:
    names = {type(None): "null", bool: "a boolean", int: "an integer", float: "a number", str: "a string",
             dict: "an object", list: "a list"}
    return " or ".join(names.get(option, str(option)) for option in _options(hint))
