"""A malformed --data file is refused in the command, before a run folder exists, without TensorFlow."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from engine import data
from engine.cli import main
from engine.errors import DataError
from engine.runs import RunStore


@pytest.fixture(scope="module")
def mnist_arrays():
    with np.load(data.BUNDLED_PATH) as archive:
        return {name: archive[name] for name in data.SHAPES}


def variant(folder, arrays, **changes):
    """An .npz like MNIST with some arrays replaced (None: left out)."""
    chosen = {**arrays, **changes}
    path = folder / "variant.npz"
    np.savez_compressed(path, **{k: v for k, v in chosen.items() if v is not None})
    return path


CASES = {
    "float images": (lambda a: {"x_test": a["x_test"].astype(np.float32)}, "'x_test' has dtype float32"),
    "int64 labels": (lambda a: {"y_train": a["y_train"].astype(np.int64)}, "'y_train' has dtype int64"),
    "labels above 9": (lambda a: {"y_test": np.where(a["y_test"] == 3, 12, a["y_test"]).astype(np.uint8)},
                       "'y_test' holds labels above 9"),
    "an array missing": (lambda a: {"y_test": None}, "has no 'y_test' array"),
    "the wrong shape": (lambda a: {"x_train": a["x_train"][:, :27, :]}, "'x_train' has shape (60000, 27, 28)"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_malformed_file_is_refused_before_any_run_folder(case, mnist_arrays, tmp_path, tutor_home, capsys):
    change, message = CASES[case]
    bad = variant(tmp_path, mnist_arrays, **change(mnist_arrays))
    with pytest.raises(DataError) as refused:
        data.precheck(bad)
    assert message in str(refused.value)
    assert main(["run", "base", "--quick", "--data", str(bad)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not RunStore().root.exists()


@pytest.mark.parametrize("content", [b"not an archive", None])
def test_garbage_and_truncated_files_are_refused_in_the_command(content, tmp_path, tutor_home):
    bad = tmp_path / "broken.npz"
    bad.write_bytes(content if content is not None else data.BUNDLED_PATH.read_bytes()[:1_000_000])
    with pytest.raises(DataError, match="is not a readable .npz archive"):
        data.precheck(bad)
    assert not RunStore().root.exists()


def test_the_check_uses_numpy_only(mnist_arrays, tmp_path):
    bad = variant(tmp_path, mnist_arrays, y_train=mnist_arrays["y_train"].astype(np.int64))
    code = ("import sys\nfrom engine import data\nfrom engine.errors import DataError\n"
            f"try:\n    data.precheck({str(bad)!r})\nexcept DataError:\n    pass\nelse:\n    sys.exit(3)\n"
            "sys.exit(1 if 'tensorflow' in sys.modules or 'keras' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0


def test_the_real_files_pass(mnist_arrays, tmp_path):
    assert data.precheck().kind == "bundled"
    good = variant(tmp_path, mnist_arrays)  # compressed, as np.savez_compressed writes it
    assert data.precheck(good).path == good
