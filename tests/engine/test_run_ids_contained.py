"""A run id names a folder directly inside the run store: every way an id comes in holds to it."""
from __future__ import annotations

import json
import os

import pytest

from engine.cli import main
from engine.errors import ParamError, RunError
from engine.registry import resolve_spec
from engine.run_id import check_run_id
from engine.runs import PROCESS, STOP, RunStore

ESCAPES = ["", " ", ".", "..", "/", "/tmp", "../..", "a/b", "..\\x", ".hidden", "x\0y"]


def finished_run(store: RunStore, name: str = "20260101-000000-base-plain-abcd"):
    """A run folder that ended: spec, and a result saying it finished."""
    path = store.create(resolve_spec("base", quick=True), name)
    (path / "result.json").write_text(json.dumps({"status": "finished", "summary": {}}))
    return path


@pytest.mark.parametrize("bad", ESCAPES)
def test_the_one_rule_refuses_every_escape(bad):
    with pytest.raises(RunError) as refused:
        check_run_id(bad)
    sentence = str(refused.value)
    assert sentence.count(". ") == 0 and sentence.endswith("lists the runs.")


@pytest.mark.parametrize("bad", ESCAPES)
def test_the_store_never_hands_out_a_folder_outside_itself(bad, tutor_home):
    store = RunStore()
    finished_run(store)
    with pytest.raises(RunError):
        store.path_of(bad)


def test_a_link_inside_the_store_that_leads_out_is_refused(tutor_home, tmp_path):
    store = RunStore()
    finished_run(store)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, store.root / "20260101-999999-base-link")
    with pytest.raises(RunError, match="leads outside"):
        store.path_of("20260101-999999-base-link")
    with pytest.raises(RunError, match="leads outside"):
        store.path_of("999999-base-link")  # matched by prefix, still refused


@pytest.mark.parametrize("command", ["show", "stop"])
@pytest.mark.parametrize("bad", ["", ".", "..", "/", "/tmp", "../runs"])
def test_show_and_stop_refuse_escapes_with_exit_2_and_write_nothing(command, bad, tutor_home, tmp_path, capsys):
    store = RunStore()
    finished_run(store)
    target = tmp_path / "victim"
    target.mkdir()
    (target / PROCESS).write_text(json.dumps({"pid": os.getpid()}))  # a live pid: a stop would signal us
    argv = [command, str(target) if bad == "/tmp" else bad]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("ch11-tutor: ") and err.count("\n") == 1
    assert not (target / STOP).exists()
    assert not (store.root / STOP).exists() and not (tutor_home / STOP).exists()


@pytest.mark.parametrize("bad", ["..", "/tmp", "", "a/b"])
def test_run_refuses_a_hidden_run_id_outside_the_store(bad, tutor_home, capsys):
    assert main(["run", "base", "--quick", "--run-id", bad]) == 2
    assert "run id" in capsys.readouterr().err
    assert not RunStore().root.exists() or not any(RunStore().root.iterdir())


@pytest.mark.parametrize("param", [("transfer", "source"), ("tune", "resume")])
@pytest.mark.parametrize("bad", ["..", "/", "/tmp", "../runs", "."])
def test_parameters_that_name_runs_are_refused_before_any_folder(param, bad, tutor_home, capsys):
    experiment, name = param
    with pytest.raises(ParamError, match="must name a run"):
        resolve_spec(experiment, overrides={name: bad})
    assert main(["run", experiment, "--quick", f"--{name}", bad]) == 2
    assert "must name a run" in capsys.readouterr().err
    assert not RunStore().root.exists()


def test_an_ordinary_id_and_its_prefix_still_find_the_run(tutor_home):
    store = RunStore()
    path = finished_run(store)
    assert store.path_of(path.name) == path
    assert store.path_of(path.name[-4:]) == path


def test_stop_on_a_finished_run_says_so_and_writes_nothing(tutor_home, capsys):
    store = RunStore()
    path = finished_run(store)
    before = sorted(p.name for p in path.iterdir())
    assert main(["stop", path.name]) == 0
    out = capsys.readouterr().out
    assert "already ended (finished)" in out and "stop file" not in out
    assert sorted(p.name for p in path.iterdir()) == before
    assert store.request_stop(path) is False
    assert not (path / STOP).exists()
