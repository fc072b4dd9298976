"""A DataTable filled from a `table` event (comparison tables, per-layer statistics, sparsity)."""
from __future__ import annotations

from typing import Any, Mapping

from textual.widgets import DataTable


class EventTable(DataTable):
    """Shows one `table` event; a later event with the same name replaces the rows."""

    DEFAULT_CSS = """
    EventTable {
        height: auto;
        max-height: 20;
        border: round $primary 40%;
    }
    """

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(zebra_stripes=True, cursor_type="row", **kwargs)
        self.table_name = name
        self.row_count_shown = 0

    def show(self, event: Mapping[str, Any]) -> None:
        """Replace the columns and rows with the event's."""
        self.border_title = str(event.get("title") or self.table_name)
        self.clear(columns=True)
        columns = [str(c) for c in event.get("columns") or []]
        self.add_columns(*columns)
        rows = [list(row) for row in event.get("rows") or [] if isinstance(row, (list, tuple))]
        for row in rows:
            cells = [format_cell(v) for v in row[: len(columns)]]
            self.add_row(*(cells + [""] * (len(columns) - len(cells))))
        self.row_count_shown = len(rows)


def format_cell(value: Any) -> str:
    """A cell as short text: floats to four significant digits, missing values as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
