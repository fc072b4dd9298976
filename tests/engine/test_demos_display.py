"""A piped demo run prints its result tables once, the latest of each name, before the closing line."""
from __future__ import annotations

import io

from engine.cli_display import PlainDisplay


def test_latest_table_of_each_name_is_printed_once_before_the_closing_line():
    out = io.StringIO()
    show = PlainDisplay("r1", out=out)
    show({"type": "table", "name": "sparsity", "title": "Sparsity", "columns": ["method", "zeros"],
          "rows": [["plain", 0.0]]})
    show({"type": "table", "name": "sparsity", "title": "Sparsity", "columns": ["method", "zeros"],
          "rows": [["plain", 0.0], ["FTRL", 0.428571]]})
    show({"type": "run_finished", "summary": {"epochs": 3}, "seconds": 1.5})
    lines = out.getvalue().splitlines()
    assert lines.count("Sparsity") == 1
    assert lines[1].split() == ["method", "zeros"] and lines[3].split() == ["FTRL", "0.4286"]
    assert lines[-1].startswith("Run r1 finished")
