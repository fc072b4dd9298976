"""The Questions screen driven with the pilot: hints, reveal, self-rating, reopening, lab and demo links."""
from __future__ import annotations

import json
from dataclasses import replace

from textual.widgets import Markdown, SelectionList

from content import ExperimentLink, load_questions
from engine.registry import RunSpec
from engine.runs import EVENTS, RunStore
from tui.app import TutorApp
from tui.progress import Progress
from tui.run_manager import RunManager
from tui.screens.lab import LabScreen
from tui.screens.questions import QuestionsScreen
from tui.screens.run_view import RunViewScreen
from tui.widgets.dialogs import LinkPicker
from tui.widgets.question_list import QuestionList
from tui.widgets.rating import RatingScreen

QUESTIONS = load_questions()
Q1, Q8 = (next(q for q in QUESTIONS if q.number == n) for n in (1, 8))


class RecordedRunManager(RunManager):
    """Launches by making a real run folder that holds a recorded event file instead of training."""

    finished = True  # False: the recorded run stops after its first epoch, as if still training

    def launch(self, spec: RunSpec) -> str:
        path = RunStore(self.home).create(spec)
        events = [{"type": "run_started", "time": 1.0, "experiment": spec.experiment},
                  {"type": "epoch_end", "time": 2.0, "epoch": 1, "epochs": 1, "seconds": 1.0,
                   "metrics": {"loss": 0.5, "accuracy": 0.8, "val_loss": 0.6, "val_accuracy": 0.75}},
                  {"type": "run_finished", "time": 3.0, "summary": {"test_accuracy": 0.7}, "seconds": 2.0}]
        events = events if self.finished else events[:-1]
        (path / EVENTS).write_text("".join(json.dumps(e) + "\n" for e in events))
        self.follow(path.name)
        return path.name


def shown_markdown(app: TutorApp) -> str:
    return app.screen.query_one("#question-md", Markdown).source


async def test_hints_come_one_at_a_time_and_are_saved():
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert Q1.hints[0] not in shown_markdown(app)
        await pilot.press("h")
        await pilot.pause()
        assert Q1.hints[0] in shown_markdown(app) and Q1.hints[1] not in shown_markdown(app)
        for _ in range(len(Q1.hints) + 2):  # asking past the last hint shows no more
            await pilot.press("h")
        await pilot.pause()
        assert all(hint in shown_markdown(app) for hint in Q1.hints)
        assert Q1.answer_md not in shown_markdown(app)
        entry = app.screen.query_one(QuestionList).get_option(Q1.id).prompt
        assert f"hinted {len(Q1.hints)}/{len(Q1.hints)}" in str(entry)
    assert Progress.load().get(Q1.id).hints_shown == len(Q1.hints)


async def test_revealing_shows_the_answer_and_key_points():
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        text = shown_markdown(app)
        assert Q1.answer_md in text
        assert all(point in text for point in Q1.key_points)
        assert "revealed" in str(app.screen.query_one("#question-status").render())
    assert Progress.load().get(Q1.id).state == "revealed"


async def test_rating_ticks_key_points_and_marks_the_question_rated():
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, RatingScreen)
        await pilot.press("space", "down", "down", "space")  # tick the first and the third point
        assert app.screen.query_one(SelectionList).selected == [0, 2]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
        text = shown_markdown(app)
        assert f"✓ {Q1.key_points[0]}" in text and f"✗ {Q1.key_points[1]}" in text
        assert f"2 of {len(Q1.key_points)}" in text
        assert app.screen.query_one(QuestionList).border_subtitle == f"1 of {len(QUESTIONS)} rated"
    record = Progress.load().get(Q1.id)
    assert (record.state, record.rating) == ("rated", [0, 2])


async def test_cancelling_a_rating_keeps_the_question_unrated():
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("s", "space", "escape")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
    assert Progress.load().get(Q1.id).state == "new"


async def test_the_app_reopens_at_the_question_left_open():
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("down", "down")
        await pilot.pause()
        assert app.screen.current_id == QUESTIONS[2].id
    again = TutorApp()
    async with again.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert again.screen.current_id == QUESTIONS[2].id
        listing = again.screen.query_one(QuestionList)
        assert listing.highlighted == listing.index_of(QUESTIONS[2].id)
        assert f"# 3. {QUESTIONS[2].title}" in shown_markdown(again)


async def test_one_key_launches_the_demo_and_the_question_records_it():
    app = TutorApp()
    app.run_manager = RecordedRunManager(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, RunViewScreen)
        run_id = app.screen.run_id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
        assert "demo ran" in str(app.screen.query_one(QuestionList).get_option(Q1.id).prompt)
        assert "run 1× so far" in shown_markdown(app)
    assert Progress.load().get(Q1.id).demo_runs == [run_id]
    [row] = RunStore().list()
    assert (row.run_id, row.experiment, row.status) == (run_id, "demo-symmetry", "finished")


async def test_asking_again_for_a_demo_still_running_shows_it_instead_of_starting_another():
    app = TutorApp()
    app.run_manager = RecordedRunManager(app)
    app.run_manager.finished = False
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        first = app.screen.run_id
        await pilot.press("escape", "e")
        await pilot.pause()
        assert isinstance(app.screen, RunViewScreen) and app.screen.run_id == first
    assert Progress.load().get(Q1.id).demo_runs == [first]
    assert [row.run_id for row in RunStore().list()] == [first]


async def test_opening_the_lab_chooses_the_linked_experiment():
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert app.current_mode == "lab" and isinstance(app.screen, LabScreen)
        assert app.screen.experiment_id == Q1.experiments[0].id


async def test_a_question_with_several_links_asks_which_one_to_open():
    app = TutorApp()
    batchnorm = ExperimentLink("base", "batchnorm")
    position = Q8.experiments.index(batchnorm)
    async with app.run_test(size=(120, 36)) as pilot:
        listing = app.screen.query_one(QuestionList)
        listing.highlighted = listing.index_of(Q8.id)
        await pilot.pause()
        await pilot.press("e")  # no demo here: the same as opening in the lab
        await pilot.pause()
        assert isinstance(app.screen, LinkPicker)
        await pilot.press(*["down"] * position, "enter")
        await pilot.pause()
        assert isinstance(app.screen, LabScreen)
        assert (app.screen.experiment_id, app.screen.preset) == ("base", "batchnorm")
        await pilot.press("q")  # back to the questions, and the lab keeps its choice
        await pilot.pause()
        assert app.screen.current_id == Q8.id
        await pilot.press("o", "escape")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
    assert Progress.load().get(Q8.id).demo_runs == []


async def test_a_demo_that_cannot_start_is_explained_and_not_recorded():
    broken = replace(Q1, experiments=(ExperimentLink("demo-not-registered"),))
    app = TutorApp(questions=[broken, *QUESTIONS[1:]])
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.press("e")
        await pilot.pause()
        await pilot.pause()  # the toast rack is filled on the next round of the loop
        assert isinstance(app.screen, QuestionsScreen)
        toasts = " ".join(str(t.render()) for t in app.screen.query("Toast"))
        assert "Unknown experiment 'demo-not-registered'" in toasts
    assert Progress.load().get(Q1.id).demo_runs == []
    assert RunStore().list() == []


async def test_a_progress_file_from_before_the_chapter_topics_keeps_working(tutor_home):
    # written when there were nine questions and no sections: every record and the open question survive
    tutor_home.mkdir(parents=True, exist_ok=True)
    old = {"version": 1, "last_question": "q9-transfer-learning", "theme": None,
           "questions": {"q1-identical-weights": {"hints_shown": 2, "revealed": True, "rating": [0, 1],
                                                  "demo_runs": ["run-a"]},
                         "q9-transfer-learning": {"hints_shown": 1, "revealed": False, "rating": None,
                                                  "demo_runs": []}}}
    (tutor_home / "progress.json").write_text(json.dumps(old), encoding="utf-8")
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.screen.current_id == "q9-transfer-learning"
        listing = app.screen.query_one(QuestionList)
        assert listing.highlighted == listing.index_of("q9-transfer-learning")
        assert "rated 2/" in str(listing.get_option("q1-identical-weights").prompt)
        assert "new" in str(listing.get_option("q10-faster-optimizers").prompt)
        await pilot.press("h")  # a hint on an old question is saved beside the old records
        await pilot.pause()
    again = Progress.load()
    assert again.get("q1-identical-weights").rating == [0, 1] and again.get("q9-transfer-learning").hints_shown == 2


async def test_the_list_shows_each_section_once_before_its_questions():
    app = TutorApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one(QuestionList)
        options = [listing.get_option_at_index(i) for i in range(listing.option_count)]
        headings = [str(o.prompt) for o in options if o.disabled]
        assert headings == list(dict.fromkeys(q.section for q in QUESTIONS))
        assert [o.id for o in options if not o.disabled] == [q.id for q in QUESTIONS]
        last = max(i for i, q in enumerate(QUESTIONS) if q.section == QUESTIONS[0].section)
        listing.highlighted = listing.index_of(QUESTIONS[last].id)
        await pilot.press("down")  # the cursor skips the next section's heading
        await pilot.pause()
        assert app.screen.current_id == QUESTIONS[last + 1].id
