"""Two copies of the app on one home: every save merges under a lock, so neither undoes the other."""
from __future__ import annotations

import fcntl
import json
import multiprocessing
import time

from textual.widgets import Static

from tui.app import TutorApp
from tui.progress import FILE_NAME, Progress


def test_a_reveal_in_one_copy_survives_a_hint_in_the_other(tutor_home):
    first, second = Progress.load(tutor_home / FILE_NAME), Progress.load(tutor_home / FILE_NAME)
    first.reveal("q1")
    second.show_hint("q2", hint_count=3)
    on_disk = Progress.load(tutor_home / FILE_NAME)
    assert on_disk.get("q1").revealed and on_disk.get("q2").hints_shown == 1
    assert second.get("q1").revealed  # the saving copy took the other's change in too


def test_the_merge_only_goes_forward(tutor_home):
    path = tutor_home / FILE_NAME
    first, second = Progress.load(path), Progress.load(path)
    first.show_hint("q1", 3)
    first.show_hint("q1", 3)
    first.record_demo("q1", "run-a")
    second.show_hint("q1", 3)  # second had seen none: it takes first's two, then adds its own
    second.record_demo("q1", "run-b")
    first.rate("q1", [0])
    second.rate("q1", [0, 1, 2])  # the newer rating wins
    first.refresh()
    record = first.get("q1")
    assert record.hints_shown == 3 and record.revealed
    assert record.rating == [0, 1, 2]
    assert record.demo_runs == ["run-a", "run-b"]
    assert Progress.load(path).get("q1") == record


def test_an_older_rating_never_replaces_a_newer_one(tutor_home):
    path = tutor_home / FILE_NAME
    first, second = Progress.load(path), Progress.load(path)
    second.rate("q1", [1])
    first.get("q1").rating, first.get("q1").rated_at = [0], 1.0  # from long ago, not yet saved
    first.save()
    assert Progress.load(path).get("q1").rating == [1]


def test_theme_and_last_question_follow_the_copy_that_changed_them(tutor_home):
    path = tutor_home / FILE_NAME
    first, second = Progress.load(path), Progress.load(path)
    first.set_theme("textual-light")
    second.open_question("q3")  # second never touched the theme: first's stays
    data = json.loads(path.read_text())
    assert data["theme"] == "textual-light" and data["last_question"] == "q3"


def _save_under_contention(path: str, question: str, count: int) -> None:
    progress = Progress.load(path)
    for n in range(count):
        progress.record_demo(question, f"{question}-run-{n}")


def test_two_processes_saving_at_once_lose_nothing(tutor_home):
    path = tutor_home / FILE_NAME
    tutor_home.mkdir(parents=True)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_save_under_contention, args=(str(path), q, 100)) for q in ("q1", "q2")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    final = Progress.load(path)
    assert len(final.get("q1").demo_runs) == 100 and len(final.get("q2").demo_runs) == 100


def _waiting_for_a_lock(pid: int) -> bool:
    """Whether the kernel lists `pid` as blocked on a file lock (`->` in /proc/locks)."""
    with open("/proc/locks") as locks:
        return any("->" in line and line.split()[5] == str(pid) for line in locks)


def test_a_save_waits_while_the_other_copy_holds_the_lock(tutor_home):
    path = tutor_home / FILE_NAME
    progress = Progress.load(path)
    progress.reveal("q1")
    lock = open(path.with_name(FILE_NAME + ".lock"), "a")
    fcntl.flock(lock, fcntl.LOCK_EX)
    other = multiprocessing.get_context("spawn").Process(target=_save_under_contention, args=(str(path), "q9", 1))
    try:
        other.start()
        deadline = time.monotonic() + 120  # a bound against hanging, not a measurement
        while not _waiting_for_a_lock(other.pid) and other.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting_for_a_lock(other.pid)  # blocked by the kernel, not finished
        assert "q9" not in json.loads(path.read_text())["questions"]
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
        other.join(60)
    assert Progress.load(path).get("q9").demo_runs == ["q9-run-0"]
    assert Progress.load(path).get("q1").revealed


async def test_two_apps_on_one_home_keep_each_others_progress(tutor_home):
    first, second = TutorApp(home=tutor_home), TutorApp(home=tutor_home)
    async with first.run_test(size=(100, 30)) as one, second.run_test(size=(100, 30)) as two:
        await one.pause()
        await two.pause()
        q1 = first.screen.current_id
        await one.press("a")  # reveal the first question in the first app
        await one.pause()
        await two.press("down")  # the second app moves to the next question and takes a hint
        await two.pause()
        q2 = second.screen.current_id
        assert q2 != q1
        await two.press("h")
        await two.pause()
        await two.press("up")  # back on the first question: the second app shows the first's reveal
        await two.pause()
        status = str(second.screen.query_one("#question-status", Static).render())
        assert "revealed" in status.lower()
    saved = Progress.load(tutor_home / FILE_NAME)
    assert saved.get(q1).revealed and saved.get(q2).hints_shown == 1
