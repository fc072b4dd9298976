"""MNIST for the exercises: find the file, check it, and cut the splits the chapter needs.

Sources, in order: an explicit path (flag, or $CH11_TUTOR_DATA), the Keras cache
~/.keras/datasets/mnist.npz, then the copy bundled in the package (checked by sha256).
NumPy only: loading data never imports TensorFlow.
"""
from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from engine.errors import DataError

DATA_ENV = "CH11_TUTOR_DATA"
BUNDLED_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
BUNDLED_PATH = Path(__file__).with_name("data") / "mnist.npz"
KERAS_CACHE = Path("~/.keras/datasets/mnist.npz")
SHAPES = {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}
VALIDATION_SEED = 1234  # one fixed validation split, so runs with different seeds stay comparable


@dataclass(frozen=True)
class DataSource:
    """Which MNIST file a run uses and why."""

    kind: str  # "flag", "env", "keras-cache" or "bundled"
    path: Path

    def describe(self) -> dict[str, str]:
        """A plain dict for events."""
        return {"kind": self.kind, "path": str(self.path)}


@dataclass(frozen=True)
class Mnist:
    """The four MNIST arrays plus where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: DataSource
    sha256: str


@dataclass(frozen=True)
class Split:
    """Train / validation / test arrays for one task, labels already 0-based."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def sizes(self) -> dict[str, int]:
        """Image counts, for events and results."""
        return {"train": len(self.y_train), "val": len(self.y_val), "test": len(self.y_test)}


def locate(explicit: str | os.PathLike | None = None) -> DataSource:
    """Pick the MNIST file: explicit path, then $CH11_TUTOR_DATA, the Keras cache, the bundled copy."""
    if explicit:
        return _must_exist(DataSource("flag", Path(explicit).expanduser()), "--data")
    env = os.environ.get(DATA_ENV)
    if env:
        return _must_exist(DataSource("env", Path(env).expanduser()), f"${DATA_ENV}")
    cache = KERAS_CACHE.expanduser()
    if cache.is_file():
        return DataSource("keras-cache", cache)
    return DataSource("bundled", BUNDLED_PATH)


def _must_exist(source: DataSource, via: str) -> DataSource:
    if not source.path.is_file():
        raise DataError(f"MNIST file {source.path} (from {via}) does not exist; "
                        f"give the path of an existing mnist.npz, or leave {via} unset to use the bundled copy.")
    return source


def load(explicit: str | os.PathLike | None = None) -> Mnist:
    """Load and check MNIST from the first available source."""
    source = locate(explicit)
    stat = source.path.stat()
    return _load_checked(source, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=2)
def _load_checked(source: DataSource, size: int, mtime_ns: int) -> Mnist:
    path = source.path
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(f"MNIST file {path} cannot be read ({error.strerror}); check its permissions.") from None
    digest = hashlib.sha256(raw).hexdigest()
    if source.kind == "bundled" and digest != BUNDLED_SHA256:
        raise DataError(f"The bundled MNIST file {path} is damaged (sha256 {digest[:12]}… does not match); "
                        "reinstall ch11-tutor.")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in SHAPES if name in archive.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise DataError(f"MNIST file {path} is not a readable .npz archive ({_short(error)}); "
                        "it may be truncated — replace it or remove it to use the bundled copy.") from None
    not_arrays = [name for name, value in arrays.items() if not isinstance(value, np.ndarray)]
    if not_arrays:  # np.load hands back a member without a .npy header as raw bytes
        raise DataError(f"MNIST file {path} is not a readable .npz archive ('{not_arrays[0]}' is not an array); "
                        "it may be truncated — replace it or remove it to use the bundled copy.")
    for name in SHAPES:
        _check_array(path, name, arrays.get(name))
    for name in ("y_train", "y_test"):
        _check_labels(path, name, arrays[name])
    return Mnist(arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"], source, digest)


def precheck(explicit: str | os.PathLike | None = None) -> DataSource:
    """Check the MNIST file's arrays before a run folder exists: names, shapes, dtypes, label range.

    Only the images' headers and the small label arrays are read, so the check costs milliseconds
    and never the decompression of 55 MB of pixels; `load` checks the whole file again in the run.
    """
    source = locate(explicit)
    path = source.path
    try:
        with zipfile.ZipFile(path) as archive:
            members = {name.removesuffix(".npy"): name for name in archive.namelist()}
            for name in SHAPES:
                if name not in members:
                    _check_array(path, name, None)
                with archive.open(members[name]) as handle:
                    if name.startswith("y_"):
                        labels = np.lib.format.read_array(handle, allow_pickle=False)
                        _check_array(path, name, labels)
                        _check_labels(path, name, labels)
                    else:
                        _check_array(path, name, _Header.read(handle))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as error:
        if isinstance(error, PermissionError):
            raise DataError(f"MNIST file {path} cannot be read ({error.strerror}); check its permissions.") from None
        raise DataError(f"MNIST file {path} is not a readable .npz archive ({_short(error)}); "
                        "it may be truncated — replace it or remove it to use the bundled copy.") from None
    return source


@dataclass(frozen=True)
class _Header:
    """An array's shape and dtype as its .npy header gives them, without its data."""

    shape: tuple[int, ...]
    dtype: np.dtype

    @classmethod
    def read(cls, handle: Any) -> "_Header":
        """Read the header at the start of an open .npy stream."""
        version = np.lib.format.read_magic(handle)
        reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = reader(handle)
        return cls(tuple(shape), dtype)


def _check_array(path: Path, name: str, array: Any) -> None:
    """Refuse an array (or header) that is missing, or not of MNIST's shape and dtype."""
    if array is None:
        raise DataError(f"MNIST file {path} has no '{name}' array; it must hold x_train, y_train, x_test, y_test.")
    if tuple(array.shape) != SHAPES[name]:
        raise DataError(f"MNIST file {path}: '{name}' has shape {tuple(array.shape)}, expected {SHAPES[name]}.")
    if array.dtype != np.uint8:
        raise DataError(f"MNIST file {path}: '{name}' has dtype {array.dtype}, expected uint8.")


def _check_labels(path: Path, name: str, labels: np.ndarray) -> None:
    if labels.max() > 9:
        raise DataError(f"MNIST file {path}: '{name}' holds labels above 9; it is not MNIST.")


def _short(error: Exception) -> str:
    lines = str(error).splitlines()  # an error may have no message at all: name its type instead
    return lines[0][:80] if lines and lines[0] else type(error).__name__


def digits_split(mnist: Mnist, digits: range, val_fraction: float = 1 / 6, subset: int = 0,
                 seed: int = VALIDATION_SEED) -> Split:
    """Images of the given digits, labels shifted to start at 0 (5–9 become 0–4).

    Validation is a fixed seeded sample of the training images (disjoint from the rest).
    `subset` > 0 keeps at most that many training images per digit (and a fifth as many for
    validation and test), for quick runs and tests.
    """
    low = digits.start
    train_pos = np.flatnonzero(np.isin(mnist.y_train, list(digits)))
    test_pos = np.flatnonzero(np.isin(mnist.y_test, list(digits)))
    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(train_pos)
    n_val = int(round(len(shuffled) * val_fraction))
    val_pos, train_pos = np.sort(shuffled[:n_val]), np.sort(shuffled[n_val:])
    if subset:
        small = max(subset // 5, 10)
        train_pos = _first_per_class(mnist.y_train, train_pos, subset)
        val_pos = _first_per_class(mnist.y_train, val_pos, small)
        test_pos = _first_per_class(mnist.y_test, test_pos, small)
    return Split(mnist.x_train[train_pos], (mnist.y_train[train_pos] - low).astype(np.int32),
                 mnist.x_train[val_pos], (mnist.y_train[val_pos] - low).astype(np.int32),
                 mnist.x_test[test_pos], (mnist.y_test[test_pos] - low).astype(np.int32))


def _first_per_class(labels: np.ndarray, positions: np.ndarray, per_class: int) -> np.ndarray:
    keep = [positions[labels[positions] == c][:per_class] for c in np.unique(labels[positions])]
    return np.sort(np.concatenate(keep))


def sample_per_class(labels: np.ndarray, n_train: int, n_val: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of n_train training and n_val validation images per class, disjoint, seeded.

    Positions index into `labels` (never label values), so the result can index the image array
    that `labels` belongs to.
    """
    rng = np.random.default_rng(seed)
    train, val = [], []
    for label in np.unique(labels):
        positions = np.flatnonzero(labels == label)
        if len(positions) < n_train + n_val:
            raise DataError(f"Only {len(positions)} images of class {label} are available; "
                            f"{n_train} training + {n_val} validation were asked for.")
        chosen = rng.permutation(positions)
        train.append(chosen[:n_train])
        val.append(chosen[n_train:n_train + n_val])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))
