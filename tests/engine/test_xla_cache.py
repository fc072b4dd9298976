"""The persistent XLA compile cache: the flag, the size bound, clearing it, and telling a hit (no TensorFlow)."""
from __future__ import annotations

import os

from engine import xla_cache
from engine.cli import main


def test_the_cache_flag_is_added_once_and_keeps_the_users_other_flags(tmp_path):
    flags = xla_cache.with_cache_flag("--tf_xla_auto_jit=2 --tf_xla_persistent_cache_directory=/old", tmp_path)
    assert flags == f"--tf_xla_auto_jit=2 --tf_xla_persistent_cache_directory={tmp_path}"
    assert xla_cache.with_cache_flag("", tmp_path) == f"--tf_xla_persistent_cache_directory={tmp_path}"


def test_configure_points_tensorflow_at_the_homes_cache(tutor_home, monkeypatch):
    monkeypatch.delenv("TF_XLA_FLAGS", raising=False)
    directory = xla_cache.configure(tutor_home)
    assert directory == tutor_home / "xla-cache" and directory.is_dir()
    assert os.environ["TF_XLA_FLAGS"] == f"--tf_xla_persistent_cache_directory={directory}"


def _file(path, size, mtime):
    path.write_bytes(b"x" * size)
    os.utime(path, (mtime, mtime))


def test_prune_removes_the_oldest_entries_down_to_the_bound_and_no_more(tmp_path):
    for i in range(4):
        _file(tmp_path / f"e{i}", 100, 1000 + i)
    assert xla_cache.prune(tmp_path, 400) == 0  # at the bound: nothing goes
    assert xla_cache.prune(tmp_path, 399) == 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e1", "e2", "e3"]
    assert xla_cache.prune(tmp_path, 150) == 200
    assert [p.name for p in tmp_path.iterdir()] == ["e3"]


def test_the_bound_comes_from_the_environment_and_a_bad_value_keeps_the_default(monkeypatch):
    monkeypatch.setenv(xla_cache.MAX_BYTES_ENV, "2")
    assert xla_cache.max_bytes() == 2 * 1024 * 1024
    monkeypatch.setenv(xla_cache.MAX_BYTES_ENV, "lots")
    assert xla_cache.max_bytes() == xla_cache.DEFAULT_MAX_BYTES


def test_a_hit_is_a_run_that_found_entries_and_wrote_none():
    assert xla_cache.compile_report({"a": 5}, {"a": 5})["hit"] is True
    assert xla_cache.compile_report({"a": 5}, {"a": 5, "b": 7}) == {
        "hit": False, "entries_before": 1, "entries_written": 1, "bytes": 12}
    assert xla_cache.compile_report({}, {})["hit"] is False  # an empty cache is never a hit
    # a run that asked for no XLA program has no hit to report, whatever the cache holds
    assert xla_cache.compile_report({"a": 5}, {"a": 5}, compiled=False)["hit"] is None
    assert xla_cache.compile_report({"a": 5}, {"a": 5, "b": 7}, compiled=False)["hit"] is False


def test_cache_clear_empties_the_folder_and_says_how_much_it_freed(tutor_home, capsys):
    directory = xla_cache.cache_dir(tutor_home)
    directory.mkdir(parents=True)
    _file(directory / "program", 2_000_000, 1000)
    assert main(["cache"]) == 0 and "1 files, 2.0 MB" in capsys.readouterr().out
    assert main(["cache", "clear"]) == 0 and "1 files, 2.0 MB" in capsys.readouterr().out
    assert xla_cache.entries(directory) == {}
    assert main(["cache"]) == 0 and "0 files" in capsys.readouterr().out
