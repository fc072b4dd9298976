"""A DataTable filled from a `table` event (comparison tables, per-layer statistics, sparsity)."""
from __future__ import annotations

from typing import Any, Mapping

from rich.cells import cell_len
from rich.text import Text
from textual.events import Resize
from textual.widgets import DataTable

from tui.fit import fit_widths

SHORT_CELL = 12  # columns of short cells (numbers, names) keep their width; long text columns wrap
# Rows that quote published figures (e.g. the book's own results beside measured ones) are set
# apart in italics, so that measured and quoted numbers are never confused.
REFERENCE_PREFIXES = ("book:", "reference", "published")


class EventTable(DataTable):
    """Shows one `table` event; a later event with the same name replaces the rows."""

    DEFAULT_CSS = """
    EventTable {
        width: 1fr;
        height: auto;
        max-height: 20;
        border: round $primary 40%;
    }
    """

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(zebra_stripes=True, cursor_type="row", **kwargs)
        self.table_name = name
        self._event: Mapping[str, Any] = {}
        self._keys: list[str] | None = None
        self._laid_out_for = -1  # the width the columns were last fitted to

    def show(self, event: Mapping[str, Any], keys: list[str] | None = None) -> None:
        """Replace the columns and rows with the event's, fitted to the width (long text wraps).

        `keys` name the rows (one per row), so that a caller can find a row again by its key.
        """
        self.border_title = str(event.get("title") or self.table_name)
        self._event, self._keys = event, keys
        self._lay_out(self._width())

    def on_resize(self, event: Resize) -> None:
        if self._event and self._width() != self._laid_out_for:
            self._lay_out(self._width())

    def _width(self) -> int:
        """The width the cells may use: inside the border and beside a scrollbar."""
        inner = self.scrollable_content_region.width
        return inner if inner > 0 else max(20, self.app.size.width - 6)

    def _lay_out(self, width: int) -> None:
        event = self._event
        self._laid_out_for = width
        columns = [str(c) for c in event.get("columns") or []]
        rows = [list(row) for row in event.get("rows") or [] if isinstance(row, (list, tuple))]
        texts = [[format_cell(v) for v in row[: len(columns)]] + [""] * (len(columns) - len(row)) for row in rows]
        natural = [max([cell_len(c)] + [cell_len(r[i]) for r in texts]) for i, c in enumerate(columns)]
        keep = [i for i, w in enumerate(natural) if w <= SHORT_CELL]
        floors = [max(cell_len(word) for word in c.split() or [""]) for c in columns]  # header words stay whole
        widths = fit_widths(natural, width, padding=2 * self.cell_padding, keep=keep, floors=floors)
        self.clear(columns=True)
        for column, column_width in zip(columns, widths):
            self.add_column(column, width=column_width)
        # a header narrower than its label wraps onto more header lines instead of being cut
        self.header_height = max([1] + [len(Text(c).wrap(self.app.console, w)) for c, w in zip(columns, widths)])
        keys = self._keys if self._keys is not None and len(self._keys) == len(rows) else [None] * len(rows)
        for row, cells, key in zip(rows, texts, keys):
            shown: list[str | Text] = list(cells)
            if is_reference(row):
                shown = [Text(cell, style="italic dim") for cell in cells]
            tall = any(cell_len(cell) > w for cell, w in zip(cells, widths))
            self.add_row(*shown, key=key, height=None if tall else 1)  # a row grows to hold its wrapped text


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
