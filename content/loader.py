"""Load and validate the question files (TOML front matter between +++ lines, Markdown body)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

QUESTIONS_DIR = Path(__file__).with_name("questions")
KINDS = ("concept", "hands-on")
NUMBERS = range(1, 100)
FIELDS = ("id", "number", "title", "kind", "section", "hints", "key_points", "experiments", "references")
# The chapter's sections in the book's order: the questions list groups questions under them.
SECTIONS = (
    "The Vanishing/Exploding Gradients Problems",
    "Reusing Pretrained Layers",
    "Faster Optimizers",
    "Learning Rate Scheduling",
    "Avoiding Overfitting Through Regularization",
    "Summary and Practical Guidelines",
)

_FENCE = re.compile(r"^\s*(```|~~~)")
_H2 = re.compile(r"^##\s+(.*?)\s*#*\s*$")
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_LINK = re.compile(rf"^({_SLUG})(?::({_SLUG}))?$")
_ID = re.compile(rf"^q(\d+)-{_SLUG}$")


class ContentError(Exception):
    """A question file is missing, malformed or inconsistent; the message names the file."""


@dataclass(frozen=True)
class ExperimentLink:
    """A link from a question to a registered experiment, optionally with a preset."""

    id: str
    preset: str | None = None

    def __str__(self) -> str:
        return self.id if self.preset is None else f"{self.id}:{self.preset}"


@dataclass(frozen=True)
class Question:
    """One exercise question with its hints, key points, answer and experiment links."""

    id: str
    number: int
    title: str
    kind: str
    section: str
    hints: tuple[str, ...]
    key_points: tuple[str, ...]
    experiments: tuple[ExperimentLink, ...]
    references: tuple[str, ...]
    question_md: str
    answer_md: str
    path: Path


def load_questions(folder: str | Path | None = None) -> list[Question]:
    """Load every `*.md` question file in `folder` (the bundled questions by default), in chapter order.

    Questions come section by section (the order of SECTIONS), and by number within a section.
    """
    folder = QUESTIONS_DIR if folder is None else Path(folder)
    if not folder.is_dir():
        raise ContentError(f"{folder}: question folder not found")
    questions = [load_question(path) for path in sorted(folder.glob("*.md"))]
    if not questions:
        raise ContentError(f"{folder}: no question files (*.md) found")
    _check_unique(questions, "number")
    _check_unique(questions, "id")
    return sorted(questions, key=lambda q: (SECTIONS.index(q.section), q.number))


def load_question(path: str | Path) -> Question:
    """Load and validate one question file."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{name}: cannot be read ({exc})") from exc
    meta, body = _split_front_matter(name, text)
    unknown = sorted(set(meta) - set(FIELDS))
    if unknown:
        raise ContentError(f"{name}: unknown field(s) {', '.join(map(repr, unknown))}")
    for field in FIELDS:
        if field not in meta:
            raise ContentError(f"{name}: field {field!r} is missing")

    number = meta["number"]
    if type(number) is not int or number not in NUMBERS:
        raise ContentError(f"{name}: field 'number' must be an integer from {NUMBERS.start} to {NUMBERS.stop - 1}")
    qid = _string(name, meta, "id")
    match = _ID.match(qid)
    if match is None or int(match.group(1)) != number:
        raise ContentError(
            f"{name}: field 'id' must look like 'q{number}-some-words' (lowercase, hyphens)"
        )
    if not name.startswith(f"q{number:02d}-"):
        raise ContentError(f"{name}: file name must start with 'q{number:02d}-' to match field 'number'")
    kind = _string(name, meta, "kind")
    if kind not in KINDS:
        raise ContentError(f"{name}: field 'kind' must be one of {', '.join(map(repr, KINDS))}")

    section = _string(name, meta, "section")
    if section not in SECTIONS:
        raise ContentError(f"{name}: field 'section' must be one of the chapter's sections: "
                           + "; ".join(map(repr, SECTIONS)))

    question_md, answer_md = _split_body(name, body)
    return Question(
        id=qid,
        number=number,
        title=_string(name, meta, "title"),
        kind=kind,
        section=section,
        hints=_strings(name, meta, "hints", allow_empty=False),
        key_points=_strings(name, meta, "key_points", allow_empty=False),
        experiments=tuple(_link(name, s) for s in _strings(name, meta, "experiments", True)),
        references=_strings(name, meta, "references", allow_empty=True),
        question_md=question_md,
        answer_md=answer_md,
        path=path,
    )


def _split_front_matter(name: str, text: str) -> tuple[dict, str]:
    """Return the parsed TOML front matter and the Markdown body that follows it."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "+++":
        raise ContentError(f"{name}: front matter must open with a '+++' line on line 1")
    for i, line in enumerate(lines[1:], start=1):  # noqa: B007 (i is the closing line, used below)
        if line.strip() == "+++":
            break
    else:
        raise ContentError(f"{name}: front matter has no closing '+++' line")
    try:
        # A blank first line stands in for the opening '+++', so TOML errors give file line numbers.
        meta = tomllib.loads("\n" + "".join(lines[1:i]))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{name}: front matter is not valid TOML ({exc})") from exc
    return meta, "".join(lines[i + 1 :])


def _split_body(name: str, body: str) -> tuple[str, str]:
    """Split the body into the text under '## Question' and everything under '## Answer'."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    in_fence = False
    for line in body.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _H2.match(line)
        if heading:
            sections.append((heading.group(1), []))
        else:
            sections[-1][1].append(line)
    if "".join(sections[0][1]).strip():
        raise ContentError(f"{name}: body must start with a '## Question' section")
    titles = [title for title, _ in sections[1:]]
    if titles != ["Question", "Answer"]:
        raise ContentError(
            f"{name}: body must have exactly a '## Question' then a '## Answer' section"
            f" (found: {', '.join(titles) or 'none'}); use '###' for subsections"
        )
    question, answer = ("\n".join(lines).strip() for _, lines in sections[1:])
    for title, text in (("Question", question), ("Answer", answer)):
        if not text:
            raise ContentError(f"{name}: section '## {title}' is empty")
    return question, answer


def _string(name: str, meta: dict, field: str) -> str:
    value = meta[field]
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{name}: field {field!r} must be a non-empty string")
    return value.strip()


def _strings(name: str, meta: dict, field: str, allow_empty: bool) -> tuple[str, ...]:
    value = meta[field]
    ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if not ok or (not value and not allow_empty):
        what = "a list" if allow_empty else "a non-empty list"
        raise ContentError(f"{name}: field {field!r} must be {what} of non-empty strings")
    return tuple(v.strip() for v in value)


def _link(name: str, text: str) -> ExperimentLink:
    match = _LINK.match(text)
    if match is None:
        raise ContentError(
            f"{name}: field 'experiments' has {text!r}; write 'ID' or 'ID:PRESET'"
            " (lowercase letters, digits, hyphens)"
        )
    return ExperimentLink(match.group(1), match.group(2))


def _check_unique(questions: list[Question], field: str) -> None:
    seen: dict[object, str] = {}
    for q in questions:
        value = getattr(q, field)
        if value in seen:
            raise ContentError(
                f"{q.path.name}: field {field!r} value {value!r} is also used by {seen[value]}"
            )
        seen[value] = q.path.name
