"""MNIST loading: the source order, every bad-file case, and the splits the exercises need."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from engine import data
from engine.errors import DataError


def test_bundled_file_is_canonical_mnist():
    mnist = data.load()
    assert mnist.source.kind == "bundled"
    assert mnist.sha256 == data.BUNDLED_SHA256
    assert mnist.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


def test_source_order_flag_then_env_then_keras_cache(tmp_path, monkeypatch):
    cache = tmp_path / "user" / ".keras" / "datasets" / "mnist.npz"
    cache.parent.mkdir(parents=True)
    shutil.copy(data.BUNDLED_PATH, cache)
    assert data.locate().kind == "keras-cache"
    env_copy = tmp_path / "env.npz"
    shutil.copy(data.BUNDLED_PATH, env_copy)
    monkeypatch.setenv(data.DATA_ENV, str(env_copy))
    assert data.locate() == data.DataSource("env", env_copy)
    assert data.locate(str(cache)).kind == "flag"


def test_missing_file_names_the_file_and_the_way_out(tmp_path):
    with pytest.raises(DataError, match=r"nothere\.npz.*does not exist.*bundled copy"):
        data.load(tmp_path / "nothere.npz")


def test_truncated_file_is_refused_with_one_sentence(tmp_path):
    broken = tmp_path / "truncated.npz"
    broken.write_bytes(data.BUNDLED_PATH.read_bytes()[: 1_000_000])
    with pytest.raises(DataError, match=r"truncated\.npz is not a readable \.npz archive"):
        data.load(broken)


def test_garbage_file_is_refused(tmp_path):
    broken = tmp_path / "garbage.npz"
    broken.write_text("not an archive")
    with pytest.raises(DataError, match="garbage.npz"):
        data.load(broken)


def _save(path, **overrides):
    arrays = {"x_train": np.zeros((60000, 28, 28), np.uint8), "y_train": np.zeros(60000, np.uint8),
              "x_test": np.zeros((10000, 28, 28), np.uint8), "y_test": np.zeros(10000, np.uint8)}
    arrays.update(overrides)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})


def test_wrong_shape_wrong_dtype_and_missing_array_are_named(tmp_path):
    _save(tmp_path / "shape.npz", x_test=np.zeros((10000, 32, 32), np.uint8))
    with pytest.raises(DataError, match=r"'x_test' has shape \(10000, 32, 32\), expected \(10000, 28, 28\)"):
        data.load(tmp_path / "shape.npz")
    _save(tmp_path / "dtype.npz", x_train=np.zeros((60000, 28, 28), np.float32))
    with pytest.raises(DataError, match="'x_train' has dtype float32"):
        data.load(tmp_path / "dtype.npz")
    _save(tmp_path / "missing.npz", y_test=None)
    with pytest.raises(DataError, match="has no 'y_test' array"):
        data.load(tmp_path / "missing.npz")


def test_damaged_bundled_copy_is_detected(tmp_path, monkeypatch):
    fake = tmp_path / "mnist.npz"
    _save(fake)
    monkeypatch.setattr(data, "BUNDLED_PATH", fake)
    with pytest.raises(DataError, match="bundled MNIST file .* is damaged"):
        data.load()


def test_digit_splits_remap_labels_and_keep_validation_apart():
    mnist = data.load()
    low = data.digits_split(mnist, range(0, 5))
    high = data.digits_split(mnist, range(5, 10))
    for split in (low, high):
        assert set(np.unique(split.y_train)) == {0, 1, 2, 3, 4}
        assert set(np.unique(split.y_test)) == {0, 1, 2, 3, 4}
    assert len(low.y_test) == int(np.isin(mnist.y_test, range(5)).sum())
    # validation images are never training images: compare the raw bytes of every image
    train_rows = {row.tobytes() for row in low.x_train}
    assert not any(row.tobytes() in train_rows for row in low.x_val[:500])


def test_subset_keeps_that_many_training_images_per_digit():
    split = data.digits_split(data.load(), range(5, 10), subset=40)
    assert np.bincount(split.y_train).tolist() == [40] * 5


def test_sample_per_class_picks_positions_disjoint_and_seeded():
    labels = np.array([7, 5, 9, 5, 6, 8, 7, 9, 6, 8] * 20)
    train, val = data.sample_per_class(labels, 10, 5, seed=3)
    assert np.bincount(labels[train], minlength=10)[5:].tolist() == [10] * 5
    assert np.bincount(labels[val], minlength=10)[5:].tolist() == [5] * 5
    assert not set(train) & set(val)
    assert train.max() >= 50  # positions across the whole array, not label values (which stop at 9)
    again, _ = data.sample_per_class(labels, 10, 5, seed=3)
    other, _ = data.sample_per_class(labels, 10, 5, seed=4)
    assert np.array_equal(train, again) and not np.array_equal(train, other)


def test_sample_per_class_refuses_more_than_exists():
    with pytest.raises(DataError, match="Only 2 images of class 1"):
        data.sample_per_class(np.array([0, 0, 0, 1, 1]), 2, 1, seed=0)
