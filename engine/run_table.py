"""The runs table's columns by terminal width, and short run ids that `show` accepts (CLI and Runs screen)."""
from __future__ import annotations

from bisect import bisect_left
from typing import Iterable

# What a learner needs to tell runs apart and compare them; it fits 80 columns.
CORE_COLUMNS = ("run", "experiment", "preset", "status", "best val", "test acc")
# Shown from WIDE_FROM columns on (and always when the table goes to a file or a pipe).
WIDE_COLUMNS = ("epochs", "time", "s/epoch", "size")
WIDE_FROM = 100


def columns_for(width: int | None) -> tuple[str, ...]:
    """The columns that fit a terminal `width`; every column when there is no width (a pipe or file)."""
    if width is None or width >= WIDE_FROM:
        return CORE_COLUMNS + WIDE_COLUMNS
    return CORE_COLUMNS


def matches(name: str, query: str) -> bool:
    """Whether `query` picks the run folder `name` the way `RunStore.path_of` does (prefix or suffix)."""
    return name == query or name.startswith(query) or name.endswith(query)


def short_ids(run_ids: Iterable[str]) -> dict[str, str]:
    """For each run id, its shortest tail of whole `-` parts that picks it alone among `run_ids`.

    `RunStore.path_of` accepts a unique prefix or suffix, so each short id names exactly one of the
    listed runs; an id no tail can single out (one that is the tail of another) stays whole.
    A tail picks its id alone when no other id ends with it and none starts with it; both are counted
    by bisecting the ids sorted forwards and backwards, so thousands of runs cost milliseconds,
    not a comparison of every id with every other.
    """
    ids = list(dict.fromkeys(run_ids))
    forwards, backwards = sorted(ids), sorted(run_id[::-1] for run_id in ids)
    shown: dict[str, str] = {}
    for run_id in ids:
        parts = run_id.split("-")
        tails = [tail for count in range(1, len(parts) + 1) if (tail := "-".join(parts[-count:]))]  # never empty
        shown[run_id] = next((tail for tail in tails if _starting(backwards, tail[::-1]) == 1
                              and _starting(forwards, tail) == run_id.startswith(tail)), run_id)
    return shown


def _starting(ordered: list[str], head: str) -> int:
    """How many of the sorted strings start with `head`: 0, 1, or 2 for two or more (all a caller needs)."""
    first = bisect_left(ordered, head)  # those that start with it come together from here
    return sum(text.startswith(head) for text in ordered[first:first + 2])
