"""At 80×24, the size an SSH session opens, a real demo's verdict reads whole in the Results tab."""
from __future__ import annotations

import json
import subprocess
import sys

from fixtures.host import HostApp, settle, wait_until

from engine.runs import RESULT, RunStore
from tui.screens.run_view import RunViewScreen
from tui.widgets.event_table import EventTable


def cell_texts(table: EventTable, column: int) -> list[str]:
    """Each row's text in one column as drawn on screen, its wrapped lines joined by spaces."""
    left = sum(c.get_render_width(table) for c in table.ordered_columns[:column])
    right = left + table.ordered_columns[column].get_render_width(table)
    texts, y = [], table.header_height
    for row in table.ordered_rows:
        lines = [table.render_line(y + i).text[left:right].strip() for i in range(row.height)]
        texts.append(" ".join(line for line in lines if line))
        y += row.height
    return texts


async def test_the_verdict_of_a_real_quick_demo_is_whole_at_80x24(tutor_home):
    done = subprocess.run([sys.executable, "-m", "engine", "--home", str(tutor_home), "run", "demo-symmetry",
                           "--quick"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    (summary,) = RunStore(tutor_home).list()
    claims = [claim["text"] for claim in json.loads((summary.path / RESULT).read_text())["verdict"]["claims"]]
    assert max(len(text) for text in claims) > 80  # the sentences are longer than the screen is wide
    app = HostApp(lambda: RunViewScreen(summary.run_id), tutor_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await wait_until(pilot, lambda: bool(app.screen.query("#table-verdict")))
        table = app.screen.query_one("#table-verdict", EventTable)
        table.scroll_visible(animate=False)
        await settle(pilot)
        assert table.region.right <= 80 and table.virtual_size.width <= table.scrollable_content_region.width
        assert cell_texts(table, 1) == claims
        assert cell_texts(table, 0) == ["yes"] * len(claims)


def test_header_items_break_between_a_name_and_the_next_never_inside_one():
    from tui.screens.run_view import pack

    items = ["epoch 1/1 [He normal]", "acc 0.1719", "loss 2.2377", "val acc 0.2000", "val loss 2.0064"]
    lines = pack(items, 80).splitlines()
    assert lines == ["epoch 1/1 [He normal] · acc 0.1719 · loss 2.2377 · val acc 0.2000", "val loss 2.0064"]
