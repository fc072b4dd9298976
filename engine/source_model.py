"""Whether a run can give transfer its source network, read from the run folder without TensorFlow.

A `.keras` file is a zip holding config.json (the architecture) and model.weights.h5. Reading
the architecture from the zip answers "is this a Keras file, and one transfer can reuse?" in
milliseconds, before any run folder is made and before TensorFlow is imported.
"""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import RunError
from engine.runs import MODEL_FILE, RunStore

SOURCE_EXPERIMENTS = ("base", "tune")
INPUT_SHAPE = (28, 28)
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


@dataclass(frozen=True)
class Architecture:
    """What transfer needs to know of a saved network: its input and its dense hidden layers."""

    input_shape: tuple[int, ...] | None
    hidden_layers: int


def read_architecture(path: Path) -> Architecture:
    """The architecture in a .keras file; ValueError (with a few words why) when it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "config.json" not in names or "model.weights.h5" not in names:
                raise ValueError("it lacks the config.json and model.weights.h5 a Keras file holds")
            with archive.open("model.weights.h5") as weights:
                if weights.read(len(HDF5_SIGNATURE)) != HDF5_SIGNATURE:
                    raise ValueError("its weights are not an HDF5 file")
            config = json.loads(archive.read("config.json"))
    except (zipfile.BadZipFile, OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"it is not a readable Keras zip ({type(error).__name__})") from None
    layers = _layers(config)
    hidden = sum(1 for layer in layers if layer.get("class_name") == "Dense"
                 and str(_config(layer).get("name", "")).startswith("hidden"))
    return Architecture(_input_shape(config, layers), hidden)


def model_problem(path: Path, reuse_layers: int | None = None) -> str:
    """Why the model file cannot be a transfer source ('' when it can)."""
    if not path.is_file():
        return f"it has no {MODEL_FILE}"
    try:
        architecture = read_architecture(path)
    except ValueError as error:
        return f"its {MODEL_FILE} is damaged or not a Keras file ({error})"
    if architecture.input_shape != INPUT_SHAPE:
        shape = "×".join(map(str, architecture.input_shape or ())) or "unknown"
        return f"its network takes {shape} inputs, not 28×28 images"
    if architecture.hidden_layers == 0:
        return "its network has no dense hidden layers to reuse"
    if reuse_layers is not None and reuse_layers > architecture.hidden_layers:
        return (f"its network has {architecture.hidden_layers} hidden layers, so reuse_layers must be at most "
                f"{architecture.hidden_layers}")
    return ""


def source_problem(store: RunStore, path: Path, reuse_layers: int | None = None) -> str:
    """Why a run folder cannot give a source model ('' when it can)."""
    row = store.summary(path)
    if row.experiment not in SOURCE_EXPERIMENTS:
        return f"it is a '{row.experiment}' run, and only base or tune runs train a 0–4 network"
    if row.status != "finished":
        return f"it is {row.status}, not finished"
    return model_problem(path / MODEL_FILE, reuse_layers)


def check_named_source(store: RunStore, wanted: str, reuse_layers: int | None = None) -> Path:
    """The folder of the run named as the source, or a RunError saying why it cannot be one."""
    path = store.path_of(wanted)
    problem = source_problem(store, path, reuse_layers)
    if problem:
        raise RunError(f"Run {path.name} cannot be a transfer source: {problem}; choose another with --source.")
    return path


def _config(layer: Any) -> dict[str, Any]:
    config = layer.get("config") if isinstance(layer, dict) else None
    return config if isinstance(config, dict) else {}


def _layers(config: Any) -> list[dict[str, Any]]:
    layers = _config(config).get("layers") if isinstance(config, dict) else None
    return [layer for layer in layers if isinstance(layer, dict)] if isinstance(layers, list) else []


def _input_shape(config: Any, layers: list[dict[str, Any]]) -> tuple[int, ...] | None:
    """The per-example input shape, from the InputLayer or else the model's build config."""
    shape: Any = None
    for layer in layers:
        if layer.get("class_name") == "InputLayer":
            shape = _config(layer).get("batch_shape") or _config(layer).get("batch_input_shape")
            break
    if shape is None and isinstance(config, dict):
        shape = (config.get("build_config") or {}).get("input_shape")
    if not isinstance(shape, list) or not shape:
        return None
    rest = shape[1:]
    return tuple(rest) if all(isinstance(n, int) for n in rest) else None
