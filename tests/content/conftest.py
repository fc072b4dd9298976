"""Fixtures for the content tests: the bundled questions, and scratch copies to break."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

# pytest puts tests/ on sys.path (for tests/conftest.py), where tests/content/ looks like a
# namespace package called `content`. The editable install's finder runs after the path
# finder, so that stand-in would win; the project root on sys.path makes the real package win.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if getattr(sys.modules.get("content"), "__file__", "") is None:
    del sys.modules["content"]  # a namespace stand-in imported before this file ran

import content  # noqa: E402
from content.loader import QUESTIONS_DIR  # noqa: E402


@pytest.fixture(scope="session")
def questions() -> list[content.Question]:
    """The bundled questions, loaded once."""
    return content.load_questions()


@pytest.fixture
def question_copies(tmp_path: Path) -> Path:
    """A folder holding copies of every bundled question file, safe to edit."""
    folder = tmp_path / "questions"
    folder.mkdir()
    for path in QUESTIONS_DIR.glob("*.md"):
        shutil.copy(path, folder / path.name)
    return folder
