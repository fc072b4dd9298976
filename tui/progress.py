"""The learner's progress through the questions, saved atomically to <tutor home>/progress.json.

Per question: hints shown, whether the answer was revealed, the self-rating against the key
points and the demo runs launched from it; plus the question that was open last and the theme.
A file that cannot be read is set aside (never deleted) and a fresh record starts, with a notice.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from engine.atomic import write_json_atomic
from engine.paths import tutor_home

FILE_NAME = "progress.json"
VERSION = 1
STATES = ("new", "hinted", "revealed", "rated")


@dataclass
class QuestionProgress:
    """What the learner has done with one question."""

    hints_shown: int = 0
    revealed: bool = False
    rating: list[int] | None = None  # indices of the key points the learner says they had; None = not rated
    demo_runs: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        """new, hinted, revealed or rated: the furthest step taken."""
        if self.rating is not None:
            return "rated"
        if self.revealed:
            return "revealed"
        return "hinted" if self.hints_shown else "new"

    def to_json(self) -> dict[str, Any]:
        """A plain dict for progress.json."""
        return {"hints_shown": self.hints_shown, "revealed": self.revealed,
                "rating": self.rating, "demo_runs": list(self.demo_runs)}

    @classmethod
    def from_json(cls, data: Any) -> "QuestionProgress":
        """Read one question's record; raises ValueError when it is not shaped as written."""
        if not isinstance(data, dict):
            raise ValueError("a question's record is not an object")
        hints = data.get("hints_shown", 0)
        rating = data.get("rating")
        runs = data.get("demo_runs", [])
        if type(hints) is not int or hints < 0:
            raise ValueError("hints_shown is not a whole number")
        if rating is not None and not (isinstance(rating, list) and all(type(i) is int for i in rating)):
            raise ValueError("rating is not a list of key point numbers")
        if not (isinstance(runs, list) and all(isinstance(r, str) for r in runs)):
            raise ValueError("demo_runs is not a list of run ids")
        return cls(hints, bool(data.get("revealed", False)), rating, list(runs))


@dataclass
class Progress:
    """Every question's progress plus where the learner left off; `save()` writes it atomically."""

    path: Path
    questions: dict[str, QuestionProgress] = field(default_factory=dict)
    last_question: str | None = None
    theme: str | None = None
    notice: str | None = None  # set when a broken file was set aside while loading
    # Told (once per failure streak) when progress.json cannot be written, e.g. a read-only home.
    on_save_error: Callable[[str], None] | None = field(default=None, repr=False, compare=False)
    _failing: bool = field(default=False, repr=False, compare=False)

    def get(self, question_id: str) -> QuestionProgress:
        """The record of one question, created empty on first use."""
        return self.questions.setdefault(question_id, QuestionProgress())

    def show_hint(self, question_id: str, hint_count: int) -> int:
        """Show one more hint (up to `hint_count`) and save; returns how many are shown now."""
        record = self.get(question_id)
        record.hints_shown = min(record.hints_shown + 1, hint_count)
        self.save()
        return record.hints_shown

    def reveal(self, question_id: str) -> None:
        """Mark the answer as revealed and save."""
        self.get(question_id).revealed = True
        self.save()

    def rate(self, question_id: str, had: list[int]) -> None:
        """Record which key points the learner had (a rating implies the answer was revealed)."""
        record = self.get(question_id)
        record.rating = sorted(set(had))
        record.revealed = True
        self.save()

    def record_demo(self, question_id: str, run_id: str) -> None:
        """Remember a demo run launched from a question."""
        self.get(question_id).demo_runs.append(run_id)
        self.save()

    def open_question(self, question_id: str) -> None:
        """Remember the question on screen so the app reopens there."""
        if self.last_question != question_id:
            self.last_question = question_id
            self.save()

    def set_theme(self, theme: str) -> None:
        """Remember the chosen theme."""
        if self.theme != theme:
            self.theme = theme
            self.save()

    def to_json(self) -> dict[str, Any]:
        """The whole record as written to progress.json."""
        return {"version": VERSION, "last_question": self.last_question, "theme": self.theme,
                "questions": {qid: record.to_json() for qid, record in sorted(self.questions.items())}}

    def save(self) -> None:
        """Write progress.json atomically: a crash leaves the old file or the new one, never half.

        A failed write keeps the progress in memory and says so once, rather than ending the app.
        """
        try:
            write_json_atomic(self.path, self.to_json())
        except OSError as error:
            if not self._failing and self.on_save_error is not None:
                self.on_save_error(f"Progress could not be saved to {self.path} "
                                   f"({error.strerror or type(error).__name__}); it is kept until you quit.")
            self._failing = True
        else:
            self._failing = False

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "Progress":
        """Read progress.json (default: in the tutor home); a broken file is set aside, not fatal."""
        path = Path(path) if path is not None else tutor_home() / FILE_NAME
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError) as error:
            return cls._set_aside(path, f"it could not be read ({type(error).__name__})")
        try:
            return cls._parse(path, json.loads(text))
        except ValueError as error:  # json.JSONDecodeError is a ValueError too
            return cls._set_aside(path, str(error).split(":")[0])

    @classmethod
    def _parse(cls, path: Path, data: Any) -> "Progress":
        if not isinstance(data, dict) or not isinstance(data.get("questions", {}), dict):
            raise ValueError("it is not a progress record")
        last, theme = data.get("last_question"), data.get("theme")
        if not isinstance(last, (str, type(None))) or not isinstance(theme, (str, type(None))):
            raise ValueError("last_question or theme is not text")
        questions = {str(qid): QuestionProgress.from_json(record)
                     for qid, record in data.get("questions", {}).items()}
        return cls(path, questions, last, theme)

    @classmethod
    def _set_aside(cls, path: Path, why: str) -> "Progress":
        """Rename a broken file out of the way (keeping it for the learner) and start afresh."""
        aside = _free_name(path.with_name(path.name + ".broken"))
        try:
            os.replace(path, aside)
            where = f"it was kept as {aside.name}"
        except OSError:
            where = "it was left where it is"
        notice = f"Saved progress in {path} was unreadable ({why}); {where} and a fresh record was started."
        return cls(path, notice=notice)


def _free_name(path: Path) -> Path:
    """`path`, or `path.1`, `path.2`… whichever does not exist yet."""
    candidate, n = path, 0
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{n}")
    return candidate
