"""A pytest plugin for the mutation run: collect only the tests of logic that needs no TensorFlow.

`[tool.mutmut]` in pyproject.toml loads it with `-p tests.mutation_selection`; each mutant then
costs a second or two. Judges' and verdicts' tests join by their names, so a new judge's tests
are in the selection without anyone listing them.
"""
from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

PURE_TESTS = (
    "tests/engine/test_training_policy.py",
    "tests/engine/test_registry.py",
    "tests/engine/test_registry_values.py",
    "tests/engine/test_refusals.py",
    "tests/engine/test_events_runs.py",
    "tests/engine/test_events_values.py",
    "tests/engine/test_run_store_values.py",
    "tests/engine/test_run_store_rows.py",
    "tests/engine/test_run_ids_contained.py",
    "tests/engine/test_data.py",
    "tests/engine/test_data_values.py",
    "tests/engine/test_distributed.py",
    "tests/engine/test_distributed_values.py",
    "tests/engine/test_verdicts*.py",
    "tests/engine/test_judge_*.py",
    "tests/engine/test_judges_*.py",
    "tests/tui/test_run_state*.py",
    "tests/tui/test_questions_progress.py",
    "tests/tui/test_progress_values.py",
)


def selected(relative: str) -> bool:
    """Whether a test file (path from the repository root, with /) is in the mutation run's selection."""
    return any(fnmatch(relative, pattern) for pattern in PURE_TESTS)


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    """Skip every test module outside the selection; folders and other files are left to pytest."""
    if collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    relative = collection_path.resolve().relative_to(Path(config.rootpath).resolve()).as_posix()
    return True if not selected(relative) else None
