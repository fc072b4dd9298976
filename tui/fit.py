"""Column widths that fit a table into the screen's width: the widest columns give way and wrap."""
from __future__ import annotations

from typing import Sequence

MIN_WIDTH = 8  # a column squeezed narrower than this wraps into too many lines to read


def fit_widths(natural: Sequence[int], available: int, padding: int = 2, keep: Sequence[int] = ()) -> list[int]:
    """Widths no wider than each column needs whose sum (with `padding` a column) fits `available`.

    Only the widest columns are narrowed, all to one cap, so that a long sentence wraps while short
    numbers and names stay on one line; the columns listed in `keep` never narrow. When even the
    widest kept columns do not fit, every column narrows, none below MIN_WIDTH.
    """
    widths = [max(1, int(w)) for w in natural]
    room = available - padding * len(widths)
    if sum(widths) <= room:
        return widths
    flexible = [i for i in range(len(widths)) if i not in keep]
    fixed = sum(w for i, w in enumerate(widths) if i in keep)
    if not flexible or fixed + sum(min(widths[i], MIN_WIDTH) for i in flexible) > room:
        flexible, fixed = list(range(len(widths))), 0  # the kept columns must give way too
    cap = _cap([widths[i] for i in flexible], room - fixed)
    return [min(w, cap) if i in flexible else w for i, w in enumerate(widths)]


def _cap(widths: list[int], room: int) -> int:
    """The largest cap such that the widths, each cut to the cap, fit `room` (at least MIN_WIDTH)."""
    for candidate in range(max(widths), MIN_WIDTH - 1, -1):
        if sum(min(w, candidate) for w in widths) <= room:
            return candidate
    return MIN_WIDTH
