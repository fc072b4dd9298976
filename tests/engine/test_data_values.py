"""The MNIST checks made before a run folder exists, sentence for sentence the same as the full load's; the splits' sizes."""
from __future__ import annotations

import io
import os
import zipfile

import numpy as np
import pytest

from engine import data
from engine.errors import DataError

SHAPES = {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}


def archive(path, **overrides):
    """An MNIST-shaped archive of zeros, some arrays replaced or (None) left out."""
    arrays = {name: np.zeros(shape, np.uint8) for name, shape in SHAPES.items()}
    arrays.update(overrides)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
    return path


def quick_refusal(path) -> str:
    """The sentence the quick check refuses a file with (tests/engine/test_refusals.py holds the full load's)."""
    with pytest.raises(DataError) as caught:
        data.precheck(path)
    return str(caught.value)


def refusals(path) -> tuple[str, str]:
    """The sentences of the quick check and of the full load for one file."""
    sentences = []
    for check in (data.precheck, data.load):
        with pytest.raises(DataError) as caught:
            check(path)
        sentences.append(str(caught.value))
    return sentences[0], sentences[1]


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_missing_array_is_named_by_the_quick_check(tmp_path, name):
    path = archive(tmp_path / "part.npz", **{name: None})
    expected = f"MNIST file {path} has no '{name}' array; it must hold x_train, y_train, x_test, y_test."
    assert refusals(path) == (expected, expected)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_wrong_shape_or_dtype_is_named_by_the_quick_check(tmp_path, name):
    shape = (SHAPES[name][0] + 1, *SHAPES[name][1:])
    path = archive(tmp_path / "shape.npz", **{name: np.zeros(shape, np.uint8)})
    assert quick_refusal(path) == f"MNIST file {path}: '{name}' has shape {shape}, expected {SHAPES[name]}."
    path = archive(tmp_path / "dtype.npz", **{name: np.zeros(SHAPES[name], np.float32)})
    assert quick_refusal(path) == f"MNIST file {path}: '{name}' has dtype float32, expected uint8."


@pytest.mark.parametrize("name", ["y_train", "y_test"])
def test_labels_above_9_are_refused_by_the_quick_check_and_9_passes(tmp_path, name):
    labels = np.zeros(SHAPES[name], np.uint8)
    labels[0] = 10
    path = archive(tmp_path / "labels.npz", **{name: labels})
    assert quick_refusal(path) == f"MNIST file {path}: '{name}' holds labels above 9; it is not MNIST."
    labels[0] = 9
    good = archive(tmp_path / "nine.npz", **{name: labels})
    assert data.precheck(good) == data.DataSource("flag", good)


def test_a_file_that_is_no_archive_gets_the_same_sentence_from_both(tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_text("not an archive")
    quick, full = refusals(junk)
    assert quick == (f"MNIST file {junk} is not a readable .npz archive (File is not a zip file); it may be "
                     "truncated — replace it or remove it to use the bundled copy.")
    assert full.startswith(f"MNIST file {junk} is not a readable .npz archive (")  # NumPy's own reason
    assert full.endswith("); it may be truncated — replace it or remove it to use the bundled copy.")


def test_a_member_that_is_not_an_array(tmp_path):
    path = tmp_path / "odd.npz"
    with zipfile.ZipFile(path, "w") as out:
        for name in SHAPES:
            out.writestr(f"{name}.npy", b"")  # the names are right, the contents are not
    quick, full = refusals(path)  # the full load once ended in a traceback here: NumPy returns such a member as bytes
    assert quick == (f"MNIST file {path} is not a readable .npz archive (EOF: reading magic string, expected 8 "
                     "bytes got 0); it may be truncated — replace it or remove it to use the bundled copy.")
    assert full == (f"MNIST file {path} is not a readable .npz archive ('x_train' is not an array); it may be "
                    "truncated — replace it or remove it to use the bundled copy.")


def test_headers_of_either_npy_version_are_read(tmp_path):
    path = tmp_path / "v2.npz"
    with zipfile.ZipFile(path, "w") as out:
        for name, shape in SHAPES.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.zeros(shape, np.uint8), version=(2, 0))
            out.writestr(f"{name}.npy", buffer.getvalue())
    assert data.precheck(path) == data.DataSource("flag", path)
    assert data.precheck() == data.DataSource("bundled", data.BUNDLED_PATH)


def test_the_chapters_splits_have_fixed_sizes_and_a_fixed_validation_sample():
    mnist = data.load()
    low, high = data.digits_split(mnist, range(0, 5)), data.digits_split(mnist, range(5, 10))
    assert low.sizes() == {"train": 25497, "val": 5099, "test": 5139}  # a sixth of 30,596 for validation
    assert high.sizes() == {"train": 24503, "val": 4901, "test": 4861}
    assert high.y_val[:8].tolist() == [4, 2, 0, 2, 0, 3, 0, 4]  # 5-9 as 0-4, in the seeded sample's order
    assert high.y_train[:8].tolist() == [0, 4, 0, 1, 2, 3, 1, 4]
    assert high.y_test[:8].tolist() == [2, 4, 0, 4, 1, 4, 0, 4]
    assert {low.y_train.dtype, low.y_val.dtype, low.y_test.dtype} == {np.dtype(np.int32)}
    assert low.x_train.shape[1:] == (28, 28) and len(low.x_val) == 5099 and high.x_test.shape == (4861, 28, 28)
    again = data.digits_split(mnist, range(5, 10), seed=data.VALIDATION_SEED)
    other = data.digits_split(mnist, range(5, 10), seed=1)
    assert np.array_equal(again.y_val, high.y_val) and not np.array_equal(other.y_val, high.y_val)
    assert data.VALIDATION_SEED == 1234
    none_held = data.digits_split(mnist, range(5, 10), val_fraction=0)
    assert none_held.sizes() == {"train": 29404, "val": 0, "test": 4861}


def test_a_subset_keeps_a_fifth_as_many_for_validation_and_test_but_at_least_ten():
    mnist = data.load()
    split = data.digits_split(mnist, range(5, 10), subset=100)
    assert split.sizes() == {"train": 500, "val": 100, "test": 100}
    assert np.bincount(split.y_val).tolist() == [20] * 5 and np.bincount(split.y_test).tolist() == [20] * 5
    assert data.digits_split(mnist, range(0, 5), subset=40).sizes() == {"train": 200, "val": 50, "test": 50}
    assert data.digits_split(mnist, range(0, 5), subset=55).sizes() == {"train": 275, "val": 55, "test": 55}


def test_a_source_describes_itself_for_the_events(tmp_path):
    assert data.DataSource("env", tmp_path).describe() == {"kind": "env", "path": str(tmp_path)}


def test_a_file_rewritten_in_place_is_read_again(tmp_path):
    path = archive(tmp_path / "mnist.npz")
    assert int(data.load(path).y_test.max()) == 0
    labels = np.zeros(SHAPES["y_test"], np.uint8)
    labels[0] = 7
    before = path.stat()
    archive(path, y_test=labels)  # the same size: only the modification time tells
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert int(data.load(path).y_test.max()) == 7
    stamp = path.stat()
    archive(path, y_test=labels, extra=np.zeros(3, np.uint8))  # another size, the same modification time
    labels[0] = 3
    archive(path, y_test=labels, extra=np.zeros(3, np.uint8))
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert int(data.load(path).y_test.max()) == 3


def test_the_keras_cache_is_found_in_the_home(tmp_path, monkeypatch):
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    cache = tmp_path / ".keras" / "datasets" / "mnist.npz"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"")
    assert data.locate() == data.DataSource("keras-cache", cache)


def test_pickled_labels_are_refused_by_the_quick_check(tmp_path):
    path = archive(tmp_path / "pickled.npz", y_train=np.zeros(SHAPES["y_train"], object))
    assert quick_refusal(path) == (
        f"MNIST file {path} is not a readable .npz archive (Object arrays cannot be loaded when allow_pickle=False); "
        "it may be truncated — replace it or remove it to use the bundled copy.")
