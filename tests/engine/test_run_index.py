"""The run index: rows read once per ended run, folders stay the truth, rm and prune delete only what they say."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.cli import main
from engine.errors import RunError
from engine.events import EventWriter
from engine.registry import resolve_spec
from engine.run_cleanup import PruneRule, best_kept, choose
from engine.run_index import INDEX_FILE, RunIndex, human_size, parse_age, signature
from engine.runs import EVENTS, PROCESS, RESULT, RunStore, RunSummary


def ended_run(store: RunStore, status: str = "finished", test: float | None = 0.9, experiment: str = "base",
              started: float | None = None) -> Path:
    """A run folder as execute() leaves it: spec, events with a terminal event, result.json."""
    spec = resolve_spec(experiment, quick=True)
    path = store.create(spec)
    writer = EventWriter(path / EVENTS)
    writer.emit("run_started", run_id=path.name, experiment=spec.experiment, preset=spec.preset,
                params=dict(spec.params), quick=True, pid=os.getpid())
    summary = {"test_accuracy": test, "best_val_accuracy": test, "epochs": 2}
    writer.emit(f"run_{status}", summary=summary, seconds=1.0)
    writer.close()
    (path / RESULT).write_text(json.dumps({"status": status, "summary": summary, "seconds": 1.0}))
    if started is not None:
        lines = (path / EVENTS).read_text().splitlines()
        first = json.loads(lines[0])
        first["time"] = started
        (path / EVENTS).write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    return path


def running_run(store: RunStore) -> tuple[Path, subprocess.Popen]:
    path = store.create(resolve_spec("base", quick=True))
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    (path / PROCESS).write_text(json.dumps({"pid": child.pid}))
    return path, child


def test_an_ended_run_is_read_from_the_index_until_its_folder_changes(tutor_home, monkeypatch):
    store = RunStore()
    path = ended_run(store)
    first = store.list()
    assert [r.status for r in first] == ["finished"] and first[0].size_bytes > 0
    assert RunIndex(tutor_home).rows()[path.name][2]["status"] == "finished"
    reads = []
    original = RunStore.summary
    monkeypatch.setattr(RunStore, "summary", lambda self, p: reads.append(p.name) or original(self, p))
    assert store.list()[0].test_accuracy == 0.9 and reads == []  # nothing opened: the row was current
    result = json.loads((path / RESULT).read_text())
    result["summary"]["test_accuracy"] = 0.5
    (path / RESULT).write_text(json.dumps(result) + " ")  # changed by hand: another size
    assert store.list()[0].test_accuracy == 0.5 and reads == [path.name]


def test_a_running_run_is_read_every_time_and_indexed_once_it_ends(tutor_home):
    store = RunStore()
    path, child = running_run(store)
    try:
        assert store.list()[0].status == "running"
        assert path.name not in RunIndex(tutor_home).rows()
    finally:
        child.kill()
        child.wait()
    assert store.list()[0].status == "died"
    assert RunIndex(tutor_home).rows()[path.name][2]["status"] == "died"


def test_folders_copied_in_appear_and_folders_deleted_by_hand_disappear(tutor_home):
    store = RunStore()
    kept, gone = ended_run(store), ended_run(store, test=0.8)
    store.list()
    shutil.rmtree(gone)
    shutil.copytree(kept, store.root / "copied-by-hand")
    ids = [r.run_id for r in store.list()]
    assert gone.name not in ids and {"copied-by-hand", kept.name} <= set(ids)
    assert gone.name not in RunIndex(tutor_home).rows()


@pytest.mark.parametrize("damage", [b"this is not a database at all" * 100, b""])
def test_a_damaged_index_is_rebuilt_with_one_notice(tutor_home, damage):
    store = RunStore()
    path = ended_run(store)
    store.list()
    (tutor_home / INDEX_FILE).write_bytes(damage)
    notices = []
    rows = store.list(notice=notices.append)
    assert [r.run_id for r in rows] == [path.name] and rows[0].status == "finished"
    if damage:
        assert len(notices) == 1 and "rebuilt" in notices[0]
        assert (tutor_home / f"{INDEX_FILE}.damaged").exists()
    assert path.name in RunIndex(tutor_home).rows()
    assert store.list(notice=notices.append) and len(notices) <= 1  # once, not on every listing


def test_a_deleted_index_is_rebuilt(tutor_home):
    store = RunStore()
    path = ended_run(store)
    store.list()
    os.remove(tutor_home / INDEX_FILE)
    assert [r.run_id for r in store.list()] == [path.name]


def test_an_unwritable_index_does_not_stop_the_listing(tutor_home):
    store = RunStore()
    ended_run(store)
    (tutor_home / INDEX_FILE).mkdir()  # a folder where the file should be: sqlite cannot open it
    assert [r.status for r in store.list()] == ["finished"]


def test_signature_moves_with_each_watched_file(tmp_path):
    before = signature(tmp_path)
    (tmp_path / "result.json").write_text("{}")
    assert signature(tmp_path) != before
    (tmp_path / "model.keras").write_text("x")  # not read by a summary
    assert signature(tmp_path) == signature(tmp_path)


def test_rm_deletes_only_the_named_run(tutor_home, capsys):
    store = RunStore()
    doomed, kept = ended_run(store), ended_run(store)
    assert main(["rm", doomed.name]) == 0
    assert "Deleted 1 run, freeing" in capsys.readouterr().out
    assert not doomed.exists() and kept.exists()
    assert [r.run_id for r in store.list()] == [kept.name]
    assert doomed.name not in RunIndex(tutor_home).rows()


@pytest.mark.parametrize("bad", ["..", "/", "", "../runs", "/tmp"])
def test_rm_refuses_an_id_outside_the_store(tutor_home, capsys, bad):
    store = RunStore()
    kept = ended_run(store)
    assert main(["rm", bad]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ch11-tutor: ") and err.count("\n") == 1
    assert kept.exists() and (tutor_home / "runs").exists()


def test_rm_refuses_a_running_run_and_deletes_nothing(tutor_home, capsys):
    store = RunStore()
    other = ended_run(store)
    path, child = running_run(store)
    try:
        assert main(["rm", other.name, path.name]) == 2
        assert "still running; stop it first" in capsys.readouterr().err
        assert path.exists() and other.exists()
    finally:
        child.kill()
        child.wait()


def test_prune_without_yes_deletes_nothing(tutor_home, capsys):
    store = RunStore()
    failed = ended_run(store, status="failed", test=None)
    assert main(["prune", "--status", "failed"]) == 0
    out = capsys.readouterr().out
    assert failed.name in out and "Dry run: nothing was deleted" in out and failed.exists()
    assert main(["prune", "--status", "failed", "--yes"]) == 0
    assert not failed.exists()


def test_prune_refuses_bad_filters(tutor_home, capsys):
    ended_run(RunStore())
    for argv in (["prune"], ["prune", "--older-than", "soon"], ["prune", "--status", "great"],
                 ["prune", "--keep-best", "-1"]):
        assert main(argv) == 2
        assert capsys.readouterr().err.startswith("ch11-tutor: ")


def row(run_id: str, status: str = "finished", test: float | None = 0.9, experiment: str = "base",
        started: float | None = 1000.0) -> RunSummary:
    return RunSummary(run_id=run_id, path=Path(run_id), experiment=experiment, status=status,
                      test_accuracy=test, started=started)


def test_prune_rules_combine_and_never_take_a_running_run():
    rows = [row("a", test=0.99), row("b", test=0.95), row("c", test=0.90), row("d", "failed", None),
            row("e", "running", None), row("f", test=0.97, experiment="tune"), row("g", test=0.96, experiment="tune")]
    assert best_kept(rows, 1) == {"a", "f"}
    ids = lambda chosen: [r.run_id for r in chosen]  # noqa: E731
    assert ids(choose(rows, PruneRule(keep_best=2), now=2000.0)) == ["c", "d"]
    assert ids(choose(rows, PruneRule(statuses=frozenset({"failed", "running"})), now=2000.0)) == ["d"]
    assert ids(choose(rows, PruneRule(older_than=1000.0), now=2000.0)) == []  # exactly that old is not older
    assert ids(choose(rows, PruneRule(older_than=999.0, keep_best=0), now=2000.0)) == ["a", "b", "c", "d", "f", "g"]
    with pytest.raises(RunError):
        choose(rows, PruneRule(), now=2000.0)


def test_prune_by_age_counts_from_the_run_start(tutor_home, capsys):
    store = RunStore()
    old = ended_run(store, started=time.time() - 40 * 86400)
    new = ended_run(store)
    assert main(["prune", "--older-than", "30d", "--yes"]) == 0
    assert not old.exists() and new.exists()


def test_ages_and_sizes_read_and_print():
    assert parse_age("30d") == 30 * 86400 and parse_age("12h") == 43200 and parse_age("2w") == 14 * 86400
    assert parse_age("45m") == 2700 and parse_age("1.5d") == 1.5 * 86400
    for bad in ("30", "d", "-3d", "xd", "nand"):
        with pytest.raises(ValueError):
            parse_age(bad)
    assert [human_size(n) for n in (None, 512, 2048, 5 * 1024**2, 3 * 1024**3)] == \
        ["", "512 B", "2.0 KB", "5.0 MB", "3.0 GB"]


def test_runs_json_and_table_show_sizes_and_version(tutor_home, capsys):
    ended_run(RunStore())
    assert main(["runs", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["size_bytes"] > 0
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.startswith("ch11-tutor ")
