"""A DataTable filled from a `table` event (comparison tables, per-layer statistics, sparsity)."""
from __future__ import annotations

from typing import Any, Mapping

from rich.text import Text
from textual.widgets import DataTable

# Rows that quote published figures (e.g. the book's own results beside measured ones) are set
# apart in italics, so that measured and quoted numbers are never confused.
REFERENCE_PREFIXES = ("book:", "reference", "published")


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
            cells: list[str | Text] = [format_cell(v) for v in row[: len(columns)]]
            cells += [""] * (len(columns) - len(cells))
            if is_reference(row):
                cells = [Text(str(cell), style="italic dim") for cell in cells]
            self.add_row(*cells)
        self.row_count_shown = len(rows)


def is_reference(row: list[Any]) -> bool:
    """Whether a row quotes published figures rather than this run's measurements."""
    return bool(row) and str(row[0]).lower().startswith(REFERENCE_PREFIXES)


def format_cell(value: Any) -> str:
    """A cell as short text: floats to four significant digits, missing values as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
