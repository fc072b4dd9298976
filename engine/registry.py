"""The one registry of experiments: ids, titles, questions, parameters with bounds, presets.

The CLI, the TUI forms and the content links all read it. Entries live in the modules of
`engine.catalog` (one per experiment family) so that adding an experiment is one entry there
plus one runner function; nothing here imports TensorFlow.
"""
from __future__ import annotations

import importlib
import math
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

from engine.errors import ParamError
from engine.run_id import run_id_problem

KINDS = ("int", "float", "bool", "choice", "str")
_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n"}


@dataclass(frozen=True)
class Param:
    """One parameter of an experiment: its type, default and the values it accepts."""

    name: str
    kind: str
    default: Any
    help: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    log: bool = False  # a hint to forms and searches that the scale is logarithmic
    run_id: bool = False  # a str that names a run (empty: none); held to the run-id rule

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown parameter kind {self.kind!r}")
        self.check(self.default)  # a registry entry with a bad default is a programming error

    def allowed(self) -> str:
        """Describe the accepted values, for error messages and forms."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "bool":
            return "true or false"
        if self.kind == "str":
            return "text"
        what = "a whole number" if self.kind == "int" else "a number"
        if self.low is not None and self.high is not None:
            return f"{what} from {_fmt(self.low)} to {_fmt(self.high)}"
        return what

    def parse(self, text: str) -> Any:
        """Turn command-line or form text into a checked value."""
        text = str(text).strip()
        if self.kind == "bool":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise self._refuse(text)
        if self.kind == "int":
            try:
                value: Any = int(text)
            except ValueError:
                try:
                    as_float = float(text)
                except ValueError:
                    raise self._refuse(text) from None
                if not as_float.is_integer():
                    raise self._refuse(text) from None
                value = int(as_float)
            return self.check(value)
        if self.kind == "float":
            try:
                value = float(text)
            except ValueError:
                raise self._refuse(text) from None
            return self.check(value)
        return self.check(text)

    def check(self, value: Any) -> Any:
        """Validate an already-typed value (from JSON or Python) and return it normalised."""
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise self._refuse(value)
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self._refuse(value)
            if isinstance(value, float) and not value.is_integer():
                raise self._refuse(value)
            value = int(value)
        elif self.kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise self._refuse(value)
            value = float(value)
        elif self.kind == "choice":
            if value not in self.choices:
                raise self._refuse(value)
            return value
        else:
            if not isinstance(value, str):
                raise self._refuse(value)
            if self.run_id and value.strip() and run_id_problem(value.strip()):
                raise ParamError(f"Parameter '{self.name}' must name a run: {run_id_problem(value.strip())}; "
                                 "`ch11-tutor runs` lists the runs.")
            return value
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise self._refuse(value)
        return value

    def _refuse(self, value: Any) -> ParamError:
        return ParamError(f"Parameter '{self.name}' must be {self.allowed()} (got {value!r}).")


@dataclass(frozen=True)
class Experiment:
    """A registered experiment: what it is, which question it answers, and how to run it."""

    id: str
    title: str
    question: int
    summary: str
    runner: str  # "module:function", imported only inside the run's own process
    params: tuple[Param, ...]
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: {"default": {}})
    quick: Mapping[str, Any] = field(default_factory=dict)  # overrides for tiny, fast runs
    preset_help: Mapping[str, str] = field(default_factory=dict)
    # True when its training writes tensorboard/ itself; every other run gets its epoch_end events
    # written there as scalars by engine.training.epoch_scalars, so every run that trains has them
    own_tensorboard: bool = False

    def __post_init__(self) -> None:
        for overrides in (*self.presets.values(), self.quick):
            for name, value in overrides.items():
                self.param(name).check(value)  # raises on a typo in a catalog entry

    @property
    def default_preset(self) -> str:
        """The first preset listed is the default one."""
        return next(iter(self.presets))

    def param(self, name: str) -> Param:
        """Look a parameter up by name (dashes and underscores are the same)."""
        key = name.replace("-", "_")
        for param in self.params:
            if param.name == key:
                return param
        known = ", ".join(p.name for p in self.params)
        raise ParamError(f"Experiment '{self.id}' has no parameter '{name}'; its parameters are: {known}.")

    def defaults(self) -> dict[str, Any]:
        """Every parameter at its default value."""
        return {p.name: p.default for p in self.params}


@dataclass(frozen=True)
class RunSpec:
    """What to run: an experiment id, a preset and every parameter's validated value."""

    experiment: str
    preset: str
    params: Mapping[str, Any]
    quick: bool = False
    data: str | None = None  # an explicit MNIST file, or None for the usual search order

    def to_json(self) -> dict[str, Any]:
        """A plain dict for spec.json."""
        return {"experiment": self.experiment, "preset": self.preset, "params": dict(self.params),
                "quick": self.quick, "data": self.data}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "RunSpec":
        """Rebuild (and re-validate) a spec read from spec.json."""
        spec = resolve_spec(data["experiment"], data.get("preset"), dict(data.get("params", {})),
                            quick=False, data=data.get("data"))
        return RunSpec(spec.experiment, spec.preset, spec.params, bool(data.get("quick", False)), spec.data)


@lru_cache(maxsize=1)
def _catalog() -> dict[str, Experiment]:
    import engine.catalog

    found: dict[str, Experiment] = {}
    for info in pkgutil.iter_modules(engine.catalog.__path__):
        module = importlib.import_module(f"engine.catalog.{info.name}")
        for experiment in getattr(module, "EXPERIMENTS", ()):
            if experiment.id in found:
                raise ValueError(f"experiment id {experiment.id!r} is registered twice")
            found[experiment.id] = experiment
    return dict(sorted(found.items(), key=lambda item: (item[1].question, item[0])))


def experiments() -> list[Experiment]:
    """Every registered experiment, ordered by question then id."""
    return list(_catalog().values())


def experiment_ids() -> list[str]:
    """Every registered experiment id."""
    return list(_catalog())


def get_experiment(exp_id: str) -> Experiment:
    """One experiment by id, or a ParamError that lists the known ids."""
    try:
        return _catalog()[exp_id]
    except KeyError:
        raise ParamError(f"Unknown experiment '{exp_id}'; known experiments: {', '.join(_catalog())}.") from None


def resolve_spec(exp_id: str, preset: str | None = None, overrides: Mapping[str, Any] | None = None,
                 quick: bool = False, data: str | None = None) -> RunSpec:
    """Build a validated spec: defaults, then the preset, then --quick, then the user's values.

    Override values may be strings (from the CLI or a form: parsed) or typed values (checked).
    """
    experiment = get_experiment(exp_id)
    preset = preset or experiment.default_preset
    if preset not in experiment.presets:
        raise ParamError(f"Experiment '{exp_id}' has no preset '{preset}'; "
                         f"its presets are: {', '.join(experiment.presets)}.")
    values = experiment.defaults()
    values.update(experiment.presets[preset])
    if quick:
        values.update(experiment.quick)
    for name, raw in (overrides or {}).items():
        param = experiment.param(name)
        values[param.name] = param.parse(raw) if isinstance(raw, str) and param.kind != "str" else param.check(raw)
    return RunSpec(experiment.id, preset, values, quick, data)


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() and abs(number) >= 1 else f"{number:g}"
