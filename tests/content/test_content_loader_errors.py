"""A broken question file gives a ContentError naming the file and, where it applies, the field."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from content import ContentError, load_questions
from content.loader import load_question

TARGET = "q03-selu.md"


def _edit(folder: Path, pattern: str, replacement: str, name: str = TARGET) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE | re.DOTALL)
    assert count == 1, f"pattern {pattern!r} not found in {name}"
    path.write_text(new, encoding="utf-8")


def _error(folder: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_questions(folder)
    return str(caught.value)


def test_copies_load_cleanly(question_copies):
    assert len(load_questions(question_copies)) == len(list(question_copies.glob("*.md")))


@pytest.mark.parametrize("field, pattern", [
    ("title", r"^title = .*?\n"),
    ("hints", r"^hints = \[.*?^\]\n"),
    ("key_points", r"^key_points = \[.*?^\]\n"),
    ("experiments", r"^experiments = .*?\n"),
    ("references", r"^references = \[.*?^\]\n"),
    ("kind", r"^kind = .*?\n"),
    ("section", r"^section = .*?\n"),
])
def test_missing_field(question_copies, field, pattern):
    _edit(question_copies, pattern, "")
    message = _error(question_copies)
    assert TARGET in message and f"'{field}'" in message and "missing" in message


@pytest.mark.parametrize("field, pattern, replacement", [
    ("number", r"^number = 3$", 'number = "three"'),
    ("number", r"^number = 3$", "number = 120"),
    ("section", r'^section = .*?$', 'section = "Chapter 99"'),
    ("kind", r'^kind = "concept"$', 'kind = "quiz"'),
    ("hints", r"^hints = \[.*?^\]$", 'hints = "just one string"'),
    ("hints", r"^hints = \[.*?^\]$", "hints = []"),
    ("key_points", r"^key_points = \[.*?^\]$", 'key_points = ["fine", 3]'),
    ("title", r"^title = .*?$", "title = 42"),
    ("experiments", r"^experiments = .*?$", 'experiments = ["Demo SELU!"]'),
    ("id", r'^id = "q3-selu"$', 'id = "q4-selu"'),
])
def test_wrong_type_or_value(question_copies, field, pattern, replacement):
    _edit(question_copies, pattern, replacement)
    message = _error(question_copies)
    assert TARGET in message and f"'{field}'" in message


@pytest.mark.parametrize("pattern, replacement, expected", [
    (r"\A\+\+\+\n", "", "front matter"),                          # no opening line
    (r"^\+\+\+\n\n## Question", "\n## Question", "closing '+++'"),  # never closed
    (r'^title = "(.*?)"$', r'title = "\1', "not valid TOML"),        # unterminated string
    (r"^number = 3$", "number = 3\nnumber = 4", "not valid TOML"),   # duplicate key
    (r"^number = 3$", "number = 3\nhint = 'typo'", "unknown field"),
])
def test_broken_front_matter(question_copies, pattern, replacement, expected):
    _edit(question_copies, pattern, replacement)
    message = _error(question_copies)
    assert TARGET in message and expected in message


@pytest.mark.parametrize("pattern, replacement", [
    (r"^## Answer$", "## Answers"),
    (r"^## Question$", "## Q"),
    (r"^## Answer\n.*", "## Answer\n\n"),
    (r"^## Answer$", "## Extra\n\nsomething\n\n## Answer"),
])
def test_broken_body_sections(question_copies, pattern, replacement):
    _edit(question_copies, pattern, replacement)
    message = _error(question_copies)
    assert TARGET in message and ("Answer" in message or "Question" in message)


def test_heading_inside_code_fence_is_not_a_section(tmp_path, question_copies):
    _edit(question_copies, r"^## Answer\n", "## Answer\n\n```python\n## a comment\n```\n")
    q = load_question(question_copies / TARGET)
    assert "## a comment" in q.answer_md


def test_duplicate_number_names_both_files(question_copies):
    shutil.copy(question_copies / TARGET, question_copies / "q03-again.md")
    message = _error(question_copies)
    assert "q03-again.md" in message and TARGET in message and "'number'" in message


def test_file_name_must_match_number(question_copies):
    (question_copies / TARGET).rename(question_copies / "q05-selu.md")
    message = _error(question_copies)
    assert "q05-selu.md" in message and "'number'" in message


def test_empty_or_missing_folder(tmp_path):
    with pytest.raises(ContentError, match="no question files"):
        load_questions(tmp_path)
    with pytest.raises(ContentError, match="not found"):
        load_questions(tmp_path / "nowhere")


def test_questions_are_frozen(question_copies):
    q = load_questions(question_copies)[0]
    with pytest.raises(AttributeError):
        q.title = "changed"  # type: ignore[misc]
    assert isinstance(q.hints, tuple) and isinstance(q.experiments, tuple)
