"""progress.json value by value: what is written, what is refused on reading and why, how two records merge."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tui.progress import FILE_NAME, VERSION, Progress, QuestionProgress


def notice_for(tutor_home, text: str | bytes) -> str:
    """The notice a load gives for a progress.json holding `text` (the file is set aside)."""
    tutor_home.mkdir(parents=True, exist_ok=True)
    path = tutor_home / FILE_NAME
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    progress = Progress.load(path)
    assert progress.questions == {} and (progress.last_question, progress.theme) == (None, None)
    assert not path.exists()
    return progress.notice or ""


def sentence(path, why: str, kept: str = "progress.json.broken") -> str:
    return f"Saved progress in {path} was unreadable ({why}); it was kept as {kept} and a fresh record was started."


def test_the_file_written_holds_every_field(tutor_home):
    progress = Progress.load()
    progress.show_hint("q2", hint_count=2)
    progress.record_demo("q2", "run-1")
    progress.reveal("q1")
    progress.open_question("q1")
    progress.set_theme("nord")
    assert json.loads((tutor_home / FILE_NAME).read_text()) == {
        "version": VERSION, "last_question": "q1", "theme": "nord",
        "questions": {"q1": {"hints_shown": 0, "revealed": True, "rating": None, "demo_runs": [], "rated_at": None},
                      "q2": {"hints_shown": 1, "revealed": False, "rating": None, "demo_runs": ["run-1"],
                             "rated_at": None}}}
    assert VERSION == 1
    assert list(progress.to_json()["questions"]) == ["q1", "q2"]  # sorted, whatever order they came in


def test_a_rating_is_sorted_without_repeats_timed_and_reveals(tutor_home):
    progress = Progress.load()
    progress.rate("q1", [3, 1, 3])
    record = Progress.load().get("q1")
    assert record.rating == [1, 3] and record.revealed and isinstance(record.rated_at, float)
    assert record.state == "rated"


def test_a_records_own_lists_are_copied_into_the_json():
    record = QuestionProgress(2, True, [0], ["a"], 5.0)
    data = record.to_json()
    assert data == {"hints_shown": 2, "revealed": True, "rating": [0], "demo_runs": ["a"], "rated_at": 5.0}
    data["demo_runs"].append("b")
    assert record.demo_runs == ["a"]


def test_a_question_record_read_back_with_its_defaults():
    assert QuestionProgress.from_json({}) == QuestionProgress(0, False, None, [], None)
    assert QuestionProgress.from_json({"hints_shown": 3, "revealed": 1, "rating": [2, 0], "demo_runs": ["r"],
                                       "rated_at": 7}) == QuestionProgress(3, True, [2, 0], ["r"], 7)
    assert QuestionProgress.from_json({"rated_at": 1.5, "rating": []}).rated_at == 1.5


@pytest.mark.parametrize(("record", "why"), [
    ([], "a question's record is not an object"),
    ({"hints_shown": -1}, "hints_shown is not a whole number"),
    ({"hints_shown": 1.0}, "hints_shown is not a whole number"),
    ({"hints_shown": True}, "hints_shown is not a whole number"),
    ({"rating": "0,1"}, "rating is not a list of key point numbers"),
    ({"rating": [0, "1"]}, "rating is not a list of key point numbers"),
    ({"rating": [True]}, "rating is not a list of key point numbers"),
    ({"demo_runs": "run-1"}, "demo_runs is not a list of run ids"),
    ({"demo_runs": ["run-1", 2]}, "demo_runs is not a list of run ids"),
    ({"rated_at": "today"}, "rated_at is not a time"),
    ({"rated_at": True}, "rated_at is not a time")])
def test_each_wrong_field_is_named_in_the_notice(tutor_home, record, why):
    with pytest.raises(ValueError) as caught:
        QuestionProgress.from_json(record)
    assert str(caught.value) == why
    path = tutor_home / FILE_NAME
    assert notice_for(tutor_home, json.dumps({"questions": {"q1": record}})) == sentence(path, why)


@pytest.mark.parametrize(("text", "why"), [
    ("[]", "it is not a progress record"),
    ('{"questions": []}', "it is not a progress record"),
    ('{"last_question": 3}', "last_question or theme is not text"),
    ('{"theme": ["dark"]}', "last_question or theme is not text"),
    ('{"questions": ', "Expecting value"),
])
def test_a_file_of_the_wrong_shape_is_named_in_the_notice(tutor_home, text, why):
    assert notice_for(tutor_home, text) == sentence(tutor_home / FILE_NAME, why)
    assert (tutor_home / "progress.json.broken").read_text() == text


def test_a_file_that_is_not_text_is_set_aside(tutor_home):
    assert notice_for(tutor_home, b"\xff\xfe{") == sentence(tutor_home / FILE_NAME,
                                                             "it could not be read (UnicodeDecodeError)")


def test_a_folder_where_the_file_should_be_is_set_aside_too(tutor_home):
    path = tutor_home / FILE_NAME
    path.mkdir(parents=True)
    (path / "x").write_text("kept")
    (tutor_home / "progress.json.broken").write_text("older")
    progress = Progress.load(path)
    assert progress.notice == sentence(path, "it could not be read (IsADirectoryError)", "progress.json.broken.1")
    assert (tutor_home / "progress.json.broken.1" / "x").read_text() == "kept"


def test_set_aside_files_are_numbered_past_those_already_there(tutor_home):
    tutor_home.mkdir(parents=True)
    for name in ("progress.json.broken", "progress.json.broken.1", "progress.json.broken.2"):
        (tutor_home / name).write_text("older")
    assert notice_for(tutor_home, "{") == sentence(tutor_home / FILE_NAME, "Expecting property name enclosed in "
                                                   "double quotes", "progress.json.broken.3")
    assert (tutor_home / "progress.json.broken.3").read_text() == "{"


def test_a_file_broken_by_another_copy_is_set_aside_when_this_one_saves(tutor_home):
    path = tutor_home / FILE_NAME
    progress = Progress.load(path)
    progress.reveal("q1")
    path.write_text("not json")
    progress.show_hint("q2", hint_count=1)
    assert (tutor_home / "progress.json.broken").read_text() == "not json"
    saved = Progress.load(path)
    assert saved.notice is None and saved.get("q1").revealed and saved.get("q2").hints_shown == 1
    path.write_bytes(b"\xff\xfe")
    progress.refresh()
    assert (tutor_home / "progress.json.broken.1").read_bytes() == b"\xff\xfe"
    assert progress.get("q1").revealed  # nothing readable to take in: this copy's record stands


def test_a_merge_takes_the_most_of_each_and_the_newer_rating():
    mine = QuestionProgress(2, False, [0], ["a", "b"], 10.0)
    mine.absorb(QuestionProgress(1, True, [1, 2], ["b", "c"], 20.0))
    assert mine == QuestionProgress(2, True, [1, 2], ["a", "b", "c"], 20.0)
    mine.absorb(QuestionProgress(5, False, [0], [], 15.0))  # an older rating does not replace the newer
    assert mine == QuestionProgress(5, True, [1, 2], ["a", "b", "c"], 20.0)
    unrated = QuestionProgress()
    unrated.absorb(QuestionProgress(rating=[3], rated_at=None))  # any rating beats none, timed or not
    assert (unrated.rating, unrated.rated_at) == ([3], None)
    timed = QuestionProgress(rating=[1], rated_at=None)
    timed.absorb(QuestionProgress(rating=[2], rated_at=0.5))  # an untimed rating counts as the oldest
    assert timed.rating == [2]
    same = QuestionProgress(rating=[1], rated_at=3.0)
    same.absorb(QuestionProgress(rating=[2], rated_at=3.0))
    assert same.rating == [1]  # a tie keeps this copy's
    kept = QuestionProgress(rating=[1], rated_at=3.0)
    kept.absorb(QuestionProgress())
    assert kept.rating == [1]
    theirs = [4]
    copied = QuestionProgress()
    copied.absorb(QuestionProgress(rating=theirs, rated_at=1.0))
    theirs.append(5)
    assert copied.rating == [4]


def test_refresh_takes_in_the_other_copys_place_and_theme(tutor_home):
    path = tutor_home / FILE_NAME
    first, second = Progress.load(path), Progress.load(path)
    second.open_question("q4")
    second.set_theme("gruvbox")
    second.show_hint("q4", hint_count=2)
    first.refresh()
    assert (first.last_question, first.theme, first.get("q4").hints_shown) == ("q4", "gruvbox", 1)
    first.open_question("q5")  # changed here: the other copy's later save of its own place does not undo it
    second.set_theme("nord")
    first.refresh()
    assert (first.last_question, first.theme) == ("q5", "nord")
    first.save()
    assert (json.loads(path.read_text())["last_question"], json.loads(path.read_text())["theme"]) == ("q5", "nord")


def test_refresh_on_a_home_that_cannot_be_made_keeps_the_record(tutor_home):
    tutor_home.mkdir(parents=True)
    (tutor_home / "file").write_text("")
    progress = Progress(tutor_home / "file" / FILE_NAME)
    progress.get("q1").hints_shown = 2
    progress.refresh()
    assert progress.get("q1").hints_shown == 2 and progress.notice is None


def test_a_failed_save_applies_the_change_once_and_speaks_again_after_a_success(tutor_home):
    tutor_home.mkdir(parents=True)
    blocker = tutor_home / "blocked"
    blocker.write_text("a file where the folder should be")
    said: list[str] = []
    progress = Progress(blocker / FILE_NAME, on_save_error=said.append)
    progress.record_demo("q1", "run-1")
    progress.record_demo("q1", "run-2")
    assert progress.get("q1").demo_runs == ["run-1", "run-2"]  # each change applied once, kept in memory
    assert said == [f"Progress could not be saved to {blocker / FILE_NAME} (File exists); it is kept until "
                    "you quit."]
    blocker.unlink()
    progress.save()
    assert Progress.load(blocker / FILE_NAME).get("q1").demo_runs == ["run-1", "run-2"]
    shutil.rmtree(blocker)
    blocker.write_text("blocked again")
    progress.reveal("q1")
    assert len(said) == 2  # a new failure after a success is told again
    Progress(blocker / FILE_NAME).save()  # no listener: a failure is kept silent, never raised


def test_opening_the_same_question_or_theme_again_writes_nothing(tutor_home):
    path = tutor_home / FILE_NAME
    progress = Progress.load(path)
    progress.open_question("q1")
    progress.set_theme("nord")
    path.unlink()
    progress.open_question("q1")
    progress.set_theme("nord")
    assert not path.exists()
    progress.open_question("q2")
    assert json.loads(path.read_text())["last_question"] == "q2"


def test_a_write_that_fails_after_the_change_keeps_it_once(tutor_home):
    tutor_home.mkdir(parents=True)
    path = tutor_home / ("p" * 240 + ".json")  # the lock's name fits, the atomic writer's temporary name does not
    said: list[str] = []
    progress = Progress(path, on_save_error=said.append)
    progress.record_demo("q1", "run-1")
    assert progress.get("q1").demo_runs == ["run-1"]  # applied before the write failed, and not applied again
    assert said == [f"Progress could not be saved to {path} (File name too long); it is kept until you quit."]
    assert not path.exists()


def test_a_file_read_back_keeps_its_path_and_can_be_changed(tutor_home):
    tutor_home.mkdir(parents=True)
    path = tutor_home / FILE_NAME
    path.write_text('{"theme": "nord"}')  # no questions yet: an empty record, not a broken one
    loaded = Progress.load(path)
    assert (loaded.path, loaded.theme, loaded.questions, loaded.notice) == (path, "nord", {}, None)
    loaded.reveal("q9")
    assert Progress.load(path).get("q9").revealed and Progress.load(path).theme == "nord"


def test_two_untimed_ratings_keep_this_copys():
    mine = QuestionProgress(rating=[1])
    mine.absorb(QuestionProgress(rating=[2]))
    assert mine.rating == [1]


def test_the_place_follows_the_other_copy_while_this_one_has_not_moved(tutor_home):
    path = tutor_home / FILE_NAME
    first, second = Progress.load(path), Progress.load(path)
    first.open_question("q1")
    first.set_theme("nord")
    second.refresh()
    second.open_question("q2")  # the other copy moves on; this one stayed where it was
    first.refresh()
    assert (first.last_question, first.theme) == ("q2", "nord")


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder holding a broken progress.json on a filesystem then made read-only, where this process may mount."""
    mount = tmp_path / "read-only"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a filesystem here")
    try:
        (mount / FILE_NAME).write_text("not json")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True, capture_output=True)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_broken_file_that_cannot_be_moved_is_left_where_it_is(read_only_folder):
    path = read_only_folder / FILE_NAME
    progress = Progress.load(path)
    assert progress.notice == (f"Saved progress in {path} was unreadable (Expecting value); it was left where it is "
                               "and a fresh record was started.")
    assert path.read_text() == "not json"
