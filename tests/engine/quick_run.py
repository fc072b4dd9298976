"""Running an experiment in quick mode in the test's own process, as every quick-mode test does."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.events import read_events
from engine.execute import execute
from engine.registry import resolve_spec
from engine.runs import EVENTS, RESULT


def run_quick(exp_id: str, home: Path, **overrides: Any) -> tuple[dict, list[dict]]:
    """Run it to the end; return its result.json and events, having checked the run and its verdict are whole."""
    status, path = execute(resolve_spec(exp_id, overrides=overrides, quick=True), home=home)
    result = json.loads((path / RESULT).read_text())
    assert status == "finished", result.get("error")
    events, bad = read_events(path / EVENTS)
    assert bad == 0
    verdict = result["verdict"]
    assert isinstance(verdict["holds"], bool) and verdict["text"] and verdict["numbers"]
    assert [c["name"] for c in verdict["claims"]]
    assert any(e["type"] == "phase" and e.get("name") == "verdict" and e.get("detail") == verdict["text"]
               for e in events)
    return result, events


def claims(result: dict) -> dict[str, bool]:
    """Each claim's name and whether it held."""
    return {c["name"]: c["holds"] for c in result["verdict"]["claims"]}
