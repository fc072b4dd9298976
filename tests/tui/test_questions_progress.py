"""The learner's saved progress: states, round trips through progress.json, broken files set aside."""
from __future__ import annotations

import json

from tui.progress import FILE_NAME, Progress, QuestionProgress


def test_state_follows_the_furthest_step_taken():
    record = QuestionProgress()
    assert record.state == "new"
    record.hints_shown = 1
    assert record.state == "hinted"
    record.revealed = True
    assert record.state == "revealed"
    record.rating = []  # rated with no key point ticked is still rated
    assert record.state == "rated"


def test_everything_recorded_survives_a_reload(tutor_home):
    progress = Progress.load()
    assert progress.path == tutor_home / FILE_NAME
    progress.show_hint("q1-a", hint_count=3)
    progress.show_hint("q1-a", hint_count=3)
    progress.reveal("q2-b")
    progress.rate("q3-c", [2, 0, 2])
    progress.record_demo("q1-a", "run-1")
    progress.open_question("q3-c")
    progress.set_theme("textual-light")

    again = Progress.load()
    assert again.notice is None
    assert again.get("q1-a").hints_shown == 2 and again.get("q1-a").demo_runs == ["run-1"]
    assert again.get("q2-b").state == "revealed"
    assert again.get("q3-c").rating == [0, 2] and again.get("q3-c").revealed
    assert (again.last_question, again.theme) == ("q3-c", "textual-light")


def test_hints_stop_at_the_number_the_question_has(tutor_home):
    progress = Progress.load()
    shown = [progress.show_hint("q1-a", hint_count=2) for _ in range(4)]
    assert shown == [1, 2, 2, 2]


def test_saving_leaves_only_the_progress_file_and_its_lock(tutor_home):
    progress = Progress.load()
    for n in range(5):
        progress.record_demo("q1-a", f"run-{n}")
    assert sorted(p.name for p in tutor_home.iterdir()) == [FILE_NAME, FILE_NAME + ".lock"]  # no temporary files
    assert json.loads((tutor_home / FILE_NAME).read_text())["questions"]["q1-a"]["demo_runs"][-1] == "run-4"


def test_a_file_that_is_not_json_is_set_aside_with_a_notice(tutor_home):
    tutor_home.mkdir(parents=True)
    (tutor_home / FILE_NAME).write_text('{"questions": {"q1-a": {"hints_sh')
    progress = Progress.load()
    assert progress.questions == {} and progress.last_question is None
    assert progress.notice and "progress.json.broken" in progress.notice
    assert (tutor_home / "progress.json.broken").read_text().startswith('{"questions"')
    assert not (tutor_home / FILE_NAME).exists()
    progress.reveal("q1-a")  # the fresh record saves normally
    assert Progress.load().get("q1-a").revealed


def test_a_file_of_the_wrong_shape_is_set_aside_without_overwriting_an_earlier_one(tutor_home):
    tutor_home.mkdir(parents=True)
    (tutor_home / "progress.json.broken").write_text("older")
    (tutor_home / FILE_NAME).write_text(json.dumps({"questions": {"q1-a": {"hints_shown": "two"}}}))
    progress = Progress.load()
    assert progress.notice and "hints_shown" in progress.notice
    assert (tutor_home / "progress.json.broken").read_text() == "older"
    assert "two" in (tutor_home / "progress.json.broken.1").read_text()


def test_a_failed_save_keeps_progress_and_says_so_once(tutor_home):
    tutor_home.mkdir(parents=True)
    said: list[str] = []
    progress = Progress.load(tutor_home / "not-a-folder" / FILE_NAME)
    (tutor_home / "not-a-folder").write_text("a file where the folder should be")
    progress.on_save_error = said.append
    progress.reveal("q1-a")
    progress.show_hint("q1-a", hint_count=3)
    assert progress.get("q1-a").state == "revealed" and progress.get("q1-a").hints_shown == 1
    assert len(said) == 1 and "could not be saved" in said[0]
