"""The mutation run's test selection stays whole: every pure judge's and verdict's tests are in it."""
from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def selection() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    return config["pytest_add_cli_args_test_selection"]


def test_every_selected_test_file_exists():
    missing = [name for name in selection() if not (ROOT / name).is_file()]
    assert not missing, f"pyproject's [tool.mutmut] selection names files that are gone: {missing}"


def test_every_judge_and_verdict_test_file_is_selected():
    wanted = {str(p.relative_to(ROOT)) for pattern in ("test_judge_*.py", "test_judges_*.py", "test_verdicts*.py")
              for p in (ROOT / "tests" / "engine").glob(pattern)}
    wanted -= {"tests/engine/test_judges_import_no_tensorflow.py", "tests/engine/test_judges_pure.py"}  # import checks
    missing = sorted(wanted - set(selection()))
    assert not missing, f"add these to [tool.mutmut] pytest_add_cli_args_test_selection in pyproject.toml: {missing}"
