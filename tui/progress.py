"""The learner's progress through the questions, saved atomically to <tutor home>/progress.json.

Per question: hints shown, whether the answer was revealed, the self-rating against the key
points and the demo runs launched from it; plus the question that was open last and the theme.
A file that cannot be read is set aside (never deleted) and a fresh record starts, with a notice.

Two copies of the app may share one home (two SSH sessions, two tmux panes). Every change is
made under an exclusive `flock` on progress.json.lock: the copy re-reads the file, merges it
into its own record (only ever forward: the most hints, revealed if either revealed, the newer
rating, every demo run) and writes the result atomically, so neither copy undoes the other.
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

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
    rated_at: float | None = None  # when the rating was given: of two copies' ratings the newer wins

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
                "rating": self.rating, "demo_runs": list(self.demo_runs), "rated_at": self.rated_at}

    def absorb(self, other: "QuestionProgress") -> None:
        """Merge another copy's record into this one, only ever forward."""
        self.hints_shown = max(self.hints_shown, other.hints_shown)
        self.revealed = self.revealed or other.revealed
        if other.rating is not None and (self.rating is None or (other.rated_at or 0) > (self.rated_at or 0)):
            self.rating, self.rated_at = list(other.rating), other.rated_at
        self.demo_runs += [run for run in other.demo_runs if run not in self.demo_runs]

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
        rated_at = data.get("rated_at")
        if rated_at is not None and (isinstance(rated_at, bool) or not isinstance(rated_at, (int, float))):
            raise ValueError("rated_at is not a time")
        return cls(hints, bool(data.get("revealed", False)), rating, list(runs), rated_at)


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
    # last_question and theme as last read or written: a value that differs is this copy's own change
    _synced: tuple[str | None, str | None] = field(default=(None, None), repr=False, compare=False)

    def get(self, question_id: str) -> QuestionProgress:
        """The record of one question, created empty on first use."""
        return self.questions.setdefault(question_id, QuestionProgress())

    def show_hint(self, question_id: str, hint_count: int) -> int:
        """Show one more hint (up to `hint_count`) and save; returns how many are shown now."""
        def more() -> None:
            record = self.get(question_id)
            record.hints_shown = min(record.hints_shown + 1, hint_count)
        self._change(more)
        return self.get(question_id).hints_shown

    def reveal(self, question_id: str) -> None:
        """Mark the answer as revealed and save."""
        self._change(lambda: setattr(self.get(question_id), "revealed", True))

    def rate(self, question_id: str, had: list[int]) -> None:
        """Record which key points the learner had (a rating implies the answer was revealed)."""
        def rated() -> None:
            record = self.get(question_id)
            record.rating, record.rated_at = sorted(set(had)), time.time()
            record.revealed = True
        self._change(rated)

    def record_demo(self, question_id: str, run_id: str) -> None:
        """Remember a demo run launched from a question."""
        self._change(lambda: self.get(question_id).demo_runs.append(run_id))

    def open_question(self, question_id: str) -> None:
        """Remember the question on screen so the app reopens there."""
        if self.last_question != question_id:
            self._change(lambda: setattr(self, "last_question", question_id))

    def set_theme(self, theme: str) -> None:
        """Remember the chosen theme."""
        if self.theme != theme:
            self._change(lambda: setattr(self, "theme", theme))

    def to_json(self) -> dict[str, Any]:
        """The whole record as written to progress.json."""
        return {"version": VERSION, "last_question": self.last_question, "theme": self.theme,
                "questions": {qid: record.to_json() for qid, record in sorted(self.questions.items())}}

    def save(self) -> None:
        """Merge with the file under the lock, then write atomically: never half a file, never a lost change.

        A failed write keeps the progress in memory and says so once, rather than ending the app.
        """
        self._change(lambda: None)

    def refresh(self) -> None:
        """Take in what another copy of the app saved since (called before a question is shown)."""
        try:
            with self._locked(fcntl.LOCK_SH):
                self._absorb(self._read_current())
        except OSError:
            pass  # an unreadable home: this copy's record is all there is; a save will say so

    def _change(self, mutate: Callable[[], None]) -> None:
        """Under the lock: take in the file, apply one change, write the merged record."""
        applied = False
        try:
            with self._locked(fcntl.LOCK_EX):
                self._absorb(self._read_current())
                mutate()
                applied = True
                write_json_atomic(self.path, self.to_json())
                self._synced = (self.last_question, self.theme)
        except OSError as error:
            if not applied:
                mutate()
            if not self._failing and self.on_save_error is not None:
                self.on_save_error(f"Progress could not be saved to {self.path} "
                                   f"({error.strerror or type(error).__name__}); it is kept until you quit.")
            self._failing = True
        else:
            self._failing = False

    @contextmanager
    def _locked(self, how: int) -> Iterator[None]:
        """Hold a flock on progress.json.lock (beside the file, which every save replaces)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, how)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read_current(self) -> "Progress | None":
        """What the file holds now, or None when nothing readable is there (a broken file is set aside)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError:
            self._set_aside(self.path, "it could not be read")
            return None
        try:
            return self._parse(self.path, json.loads(text))
        except ValueError:
            self._set_aside(self.path, "it is not a progress record")
            return None

    def _absorb(self, other: "Progress | None") -> None:
        """Merge another copy's record into this one; last_question and theme follow it unless changed here."""
        if other is None:
            return
        for qid, record in other.questions.items():
            self.get(qid).absorb(record)
        if self.last_question == self._synced[0]:
            self.last_question = other.last_question
        if self.theme == self._synced[1]:
            self.theme = other.theme
        self._synced = (other.last_question, other.theme)

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
        progress = cls(path, questions, last, theme)
        progress._synced = (last, theme)
        return progress

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
