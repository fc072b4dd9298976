"""The Questions screen: the questions with hints, reveal-able answers, self-rating and demos."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList, Static

from content import ExperimentLink, Question
from tui.host import TutorHost, tutor_host
from tui.progress import Progress, QuestionProgress
from tui.widgets.dialogs import LinkPicker
from tui.widgets.question_list import QuestionList, describe
from tui.widgets.rating import RatingScreen

DEMO_PREFIX = "demo-"


def demo_link(question: Question) -> ExperimentLink | None:
    """The question's demo: its first linked `demo-*` experiment, if it has one."""
    return next((link for link in question.experiments if link.id.startswith(DEMO_PREFIX)), None)


def question_markdown(question: Question, record: QuestionProgress) -> str:
    """The question as the learner may see it now: hints so far, the answer once revealed."""
    parts = [f"# {question.number}. {question.title}", f"*{question.kind} question*", question.question_md]
    for number, hint in enumerate(question.hints[: record.hints_shown], start=1):
        parts.append(f"> **Hint {number}.** {hint}")
    if record.revealed:
        parts += ["## Answer", question.answer_md, "## Key points"]
        ticked = set(record.rating or ())
        for i, point in enumerate(question.key_points):
            mark = ("✓ " if i in ticked else "✗ ") if record.rating is not None else ""
            parts.append(f"- {mark}{point}")
        if record.rating is not None:
            parts.append(f"Your rating: **{len(ticked)} of {len(question.key_points)}** key points.")
        else:
            parts.append("Press **s** to rate your own answer against these points.")
    else:
        left = len(question.hints) - record.hints_shown
        hint = f"**h** for a hint ({left} left), " if left else ""
        parts.append(f"*Think it through first. Press {hint}**a** to reveal the answer.*")
    parts.append(_experiments_markdown(question, record))
    if record.revealed and question.references:
        parts += ["## References", *(f"- {ref}" for ref in question.references)]
    return "\n\n".join(parts)


def _experiments_markdown(question: Question, record: QuestionProgress) -> str:
    if not question.experiments:
        return ""
    demo = demo_link(question)
    lines = ["## Experiments"]
    for link in question.experiments:
        preset = f" with preset `{link.preset}`" if link.preset else ""
        lines.append(f"- `{link.id}`{preset}")
    if demo is not None:
        ran = f" (run {len(record.demo_runs)}× so far)" if record.demo_runs else ""
        lines.append(f"\nPress **e** to run `{demo.id}` now{ran}, or **o** to open it in the lab first.")
    else:
        lines.append("\nPress **o** (or **e**) to pick one and open it in the lab.")
    return "\n".join(lines)


class QuestionsScreen(Screen):
    """A list of questions on the left and the open one on the right; progress saved as it changes."""

    BINDINGS = [
        Binding("h", "hint", "Hint", tooltip="show the next hint"),
        Binding("a", "reveal", "Answer", tooltip="reveal the answer and its key points"),
        Binding("s", "rate", "Rate", tooltip="tick the key points your own answer had"),
        Binding("e", "run_demo", "Demo", tooltip="run the question's demo now (your progress records it)"),
        Binding("o", "open_lab", "Open", tooltip="open a linked experiment in the lab, its preset chosen"),
    ]

    def __init__(self, questions: list[Question], progress: Progress) -> None:
        super().__init__()
        self.questions = {q.id: q for q in questions}
        self.progress = progress
        start = progress.last_question if progress.last_question in self.questions else questions[0].id
        self.current_id = start

    @property
    def tutor(self) -> TutorHost:
        """The app, typed: it launches runs and opens the lab for this screen."""
        return tutor_host(self.app)

    @property
    def current(self) -> Question:
        """The question on screen."""
        return self.questions[self.current_id]

    def compose(self) -> ComposeResult:
        with Horizontal(id="questions-main"):
            yield QuestionList(id="question-list")
            with VerticalScroll(id="question-scroll"):
                yield Markdown(id="question-md", open_links=False)
        yield Static(id="question-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        listing = self.query_one(QuestionList)
        listing.border_title = "Questions"
        listing.show(list(self.questions.values()), {qid: self.progress.get(qid) for qid in self.questions})
        listing.highlighted = listing.index_of(self.current_id)
        listing.focus()
        self.render_question()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id in self.questions and event.option.id != self.current_id:
            self.current_id = event.option.id
            self.progress.open_question(self.current_id)
            self.render_question()
            self.query_one("#question-scroll", VerticalScroll).scroll_home(animate=False)

    def render_question(self) -> AwaitComplete:
        """Repaint the open question, its list entry and the status line from the progress record."""
        self.progress.refresh()  # another copy of the app on this home may have saved since
        question, record = self.current, self.progress.get(self.current_id)
        listing = self.query_one(QuestionList)
        listing.refresh_entry(question, record)
        rated = sum(self.progress.get(qid).state == "rated" for qid in self.questions)
        listing.border_subtitle = f"{rated} of {len(self.questions)} rated"
        self.query_one("#question-status", Static).update(
            f"Question {question.number} of {len(self.questions)} · {describe(question, record)}")
        return self.query_one(Markdown).update(question_markdown(question, record))

    def action_hint(self) -> None:
        """Show the next hint."""
        record = self.progress.get(self.current_id)
        if record.hints_shown >= len(self.current.hints):
            self.notify("No more hints for this question; press a to reveal the answer.")
            return
        self.progress.show_hint(self.current_id, len(self.current.hints))
        self.render_question()

    async def action_reveal(self) -> None:
        """Reveal the answer and its key points, and scroll to the answer."""
        if not self.progress.get(self.current_id).revealed:
            self.progress.reveal(self.current_id)
            await self.render_question()
        self.query_one(Markdown).goto_anchor("answer")

    def action_rate(self) -> None:
        """Tick the key points your own answer had."""
        question, record = self.current, self.progress.get(self.current_id)

        def keep(ticked: list[int] | None) -> None:
            if ticked is not None:
                self.progress.rate(question.id, ticked)
                if self.current_id == question.id:
                    self.render_question()

        self.app.push_screen(RatingScreen(question.title, question.key_points, record.rating), keep)

    def action_run_demo(self) -> None:
        """Launch the question's demo now and remember that the learner ran it."""
        question, link = self.current, demo_link(self.current)
        if link is None:
            self.action_open_lab()
            return
        record = self.progress.get(question.id)
        live = set(self.tutor.live_runs())
        running = [run_id for run_id in record.demo_runs if run_id in live]
        if running:  # a second key press should not start a second copy of the same demo
            self.notify("This demo is still running; here it is.")
            self.tutor.show_run(running[-1])
            return
        run_id = self.tutor.launch_experiment(link.id, link.preset)
        if run_id is not None:
            self.progress.record_demo(question.id, run_id)
            self.render_question()
            self.tutor.show_run(run_id)

    def action_open_lab(self) -> None:
        """Open a linked experiment in the lab with its preset chosen (asking which, if several)."""
        links = self.current.experiments
        if not links:
            self.notify("This question has no linked experiment.")
        elif len(links) == 1:
            self.tutor.open_lab(links[0].id, links[0].preset)
        else:
            def chosen(link: ExperimentLink | None) -> None:
                if link is not None:
                    self.tutor.open_lab(link.id, link.preset)

            self.app.push_screen(LinkPicker(links), chosen)
