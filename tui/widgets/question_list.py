"""The list of questions grouped under the chapter's sections, each with the learner's state."""
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


SECTION_PREFIX = "section:"  # option ids of section headings; every other option id is a question id


def heading(section: str) -> Text:
    """A section's heading line (not selectable)."""
    return Text(section, style="bold underline", no_wrap=True, overflow="ellipsis")


class QuestionList(OptionList):
    """The questions in chapter order, a heading before each section; question options' ids are question ids."""

    def show(self, questions: list[Question], records: dict[str, QuestionProgress]) -> None:
        """Fill the list once: each section's heading (disabled, so the cursor skips it), then its questions."""
        options: list[Option] = []
        section = None
        for question in questions:
            if question.section != section:
                section = question.section
                options.append(Option(heading(section), id=f"{SECTION_PREFIX}{len(options)}", disabled=True))
            options.append(Option(prompt(question, records[question.id]), id=question.id))
        self.set_options(options)

    def index_of(self, question_id: str) -> int:
        """The option index of a question (headings take places in the list too)."""
        return self.get_option_index(question_id)

    def refresh_entry(self, question: Question, record: QuestionProgress) -> None:
        """Repaint one question's entry after its state changed."""
        self.replace_option_prompt(question.id, prompt(question, record))
