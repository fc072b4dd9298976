"""The runs table's columns by terminal width, and short run ids that `show` accepts (CLI and Runs screen)."""
from __future__ import annotations

from collections import Counter
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
    A tail picks its id alone when no other id ends with it and none starts with it; both are
    counted once for all ids (every id's prefixes and suffixes), so thousands of runs cost
    milliseconds, not a comparison of every id with every other.
    """
    ids = list(dict.fromkeys(run_ids))
    tails = {run_id: [tail for count in range(1, run_id.count("-") + 2)
                      if (tail := "-".join(run_id.split("-")[-count:]))] for run_id in ids}  # never an empty tail
    wanted = {tail for candidates in tails.values() for tail in candidates}
    starting: Counter[str] = Counter()
    ending: Counter[str] = Counter()
    lengths = sorted({len(tail) for tail in wanted})
    for run_id in ids:
        for length in lengths:
            if length > len(run_id):
                break
            if (head := run_id[:length]) in wanted:
                starting[head] += 1
            if (tail := run_id[-length:]) in wanted:
                ending[tail] += 1
    shown: dict[str, str] = {}
    for run_id in ids:
        shown[run_id] = next((tail for tail in tails[run_id] if ending[tail] == 1
                              and starting[tail] == run_id.startswith(tail)), run_id)
    return shown
