"""The mutation run's test selection: every pure judge's and verdict's tests are in it, and none imports TensorFlow."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.mutation_selection import PURE_TESTS, selected

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import sys, pytest
class Report:
    def pytest_collection_finish(self, session):
        files = sorted({item.nodeid.split("::")[0] for item in session.items})
        print("FILES", ",".join(files))
        print("TENSORFLOW", "tensorflow" in sys.modules or "keras" in sys.modules)
sys.exit(pytest.main(["-q", "--collect-only", "-p", "tests.mutation_selection", "-p", "no:cacheprovider", "tests"],
                     plugins=[Report()]))
"""


def test_each_named_test_file_exists():
    exact = [pattern for pattern in PURE_TESTS if "*" not in pattern]
    assert [p for p in exact if not (ROOT / p).is_file()] == []
    assert selected("tests/engine/test_judges_new_one.py") and selected("tests/engine/test_verdicts_values.py")
    assert not selected("tests/engine/test_base_training.py") and not selected("tests/tui/test_lab.py")


def test_the_selection_collects_the_pure_tests_without_tensorflow():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120).stdout
    lines = dict(line.split(" ", 1) for line in out.splitlines() if line.startswith(("FILES ", "TENSORFLOW ")))
    files = set(lines["FILES"].split(","))
    judges = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests" / "engine").glob("test_judge*.py")}
    assert judges and judges <= files and "tests/engine/test_training_policy.py" in files
    assert "tests/engine/test_base_training.py" not in files
    assert lines["TENSORFLOW"] == "False", "a test in the mutation selection imports TensorFlow: it must not"
