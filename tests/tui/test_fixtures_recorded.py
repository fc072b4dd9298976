"""Every UI fixture is a real run folder: its spec passes the registry and every event line the contract."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.events_contract import problem
from engine.registry import RunSpec

FIXTURES = Path(__file__).parent / "fixtures"
FOLDERS = sorted(p for kind in ("runs", "more-runs") for p in (FIXTURES / kind).iterdir() if p.is_dir())


def test_the_fixtures_cover_every_kind_of_run():
    names = {p.name for p in FOLDERS}
    assert len(FOLDERS) >= 18
    for part in ("base-plain", "base-batchnorm", "base-dropout", "tune-", "transfer-suite", "demo-symmetry",
                 "demo-dropout", "optimizers", "auxiliary-task"):
        assert any(part in name for name in names), part
    statuses = {json.loads((p / "result.json").read_text())["status"] for p in FOLDERS if (p / "result.json").exists()}
    assert {"finished", "cancelled"} <= statuses
    assert any(not (p / "result.json").exists() for p in FOLDERS)  # the died run


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_each_fixture_spec_and_event_matches_what_the_engine_writes(folder):
    RunSpec.from_json(json.loads((folder / "spec.json").read_text()))
    lines = (folder / "events.jsonl").read_text().splitlines()
    assert lines and json.loads(lines[0])["type"] == "run_started"
    for number, line in enumerate(lines, 1):
        event = json.loads(line)
        assert problem(event) == "", f"line {number}: {problem(event)}"
