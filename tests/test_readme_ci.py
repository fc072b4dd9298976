"""CI must install, check and test exactly as README.md tells a new user to."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_install_and_test_commands():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    test_line = next(line for line in readme.splitlines() if "pip install -e '.[test]'" in line)
    for step in (s.strip() for s in test_line.split("&&")):
        assert step in ci, f"CI does not run the README step: {step}"
    check_line = next(line for line in readme.splitlines() if line.startswith(".venv/bin/ruff check"))
    checks = [s.strip() for s in check_line.split("&&")]
    assert {"ruff", "lint-imports", "mypy"} <= {c.split()[0].rsplit("/", 1)[-1] for c in checks}
    for step in checks:
        assert step in ci.splitlines(), f"CI does not run the README static check: {step}"
    assert ci.index(checks[-1]) < ci.index(".venv/bin/pytest"), "CI runs the static checks before the tests"
    app_line = next(line for line in readme.splitlines() if re.search(r"&& \.venv/bin/ch11-tutor$", line))
    assert app_line.startswith("python3 -m venv .venv && .venv/bin/pip install -e .")


def test_ci_scores_mutants_with_the_readme_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    score_line = next(line for line in readme.splitlines() if "mutation_score.py" in line)
    command = score_line.split("#", 1)[0].strip()
    assert command in ci.splitlines(), f"CI does not score the mutants as README says: {command}"
    assert (ROOT / command.split()[-1]).is_file(), f"README's mutation score script is missing: {command}"
    sample = re.search(r'mutmut run ((?:"[^"]+" ?)+)', ci)
    assert sample, "CI runs no mutmut sample"
    assert f"mutmut run {sample.group(1).strip()}" in readme, "README does not give CI's mutation sample"
