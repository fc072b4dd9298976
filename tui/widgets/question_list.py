"""The list of questions, each with the learner's state (new, hinted, revealed, rated)."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from content import Question
from tui.progress import QuestionProgress

# A mark per state, so the state reads at a glance even without colour (NO_COLOR).
MARKS = {"new": "·", "hinted": "?", "revealed": "○", "rated": "●"}


def describe(question: Question, record: QuestionProgress) -> str:
    """The state line under a question's title, e.g. 'rated 4/5 · demo ran'."""
    words = [record.state]
    if record.state == "hinted":
        words[0] = f"hinted {record.hints_shown}/{len(question.hints)}"
    elif record.state == "rated" and record.rating is not None:
        words[0] = f"rated {len(record.rating)}/{len(question.key_points)}"
    if record.demo_runs:
        words.append("demo ran")
    return " · ".join(words)


def prompt(question: Question, record: QuestionProgress) -> Text:
    """A two-line entry: number, mark and title, then the state."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{question.number} {MARKS[record.state]} ", style="bold")
    text.append(question.title)
    text.append("\n    " + describe(question, record), style="dim")
    return text


class QuestionList(OptionList):
    """The nine questions; option ids are question ids."""

    def show(self, questions: list[Question], records: dict[str, QuestionProgress]) -> None:
        """Fill the list once."""
        self.set_options(Option(prompt(q, records[q.id]), id=q.id) for q in questions)

    def refresh_entry(self, question: Question, record: QuestionProgress) -> None:
        """Repaint one question's entry after its state changed."""
        self.replace_option_prompt(question.id, prompt(question, record))
