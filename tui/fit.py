"""Column widths that fit a table into the screen's width: the widest columns give way and wrap."""
from __future__ import annotations

from typing import Sequence

MIN_WIDTH = 8  # a column squeezed narrower than this wraps into too many lines to read


def fit_widths(natural: Sequence[int], available: int, padding: int = 2, keep: Sequence[int] = (),
               floors: Sequence[int] = ()) -> list[int]:
    """Widths no wider than each column needs whose sum (with `padding` a column) fits `available`.

    Only the widest columns are narrowed, all to one cap, so that a long sentence wraps while short
    numbers and names stay on one line; the columns listed in `keep` never narrow. When even the
    widest kept columns do not fit, every column narrows, none below MIN_WIDTH. `floors` (one per
    column, e.g. the longest word of its header) are widths a column keeps while they fit, so that
    a header wraps between words rather than inside one.
    """
    widths = [max(1, int(w)) for w in natural]
    room = available - padding * len(widths)
    if sum(widths) <= room:
        return widths
    flexible = [i for i in range(len(widths)) if i not in keep]
    fixed = sum(w for i, w in enumerate(widths) if i in keep)
    if not flexible or fixed + sum(min(widths[i], MIN_WIDTH) for i in flexible) > room:
        flexible, fixed = list(range(len(widths))), 0  # the kept columns must give way too
    lows = [min(widths[i], floors[i]) if i < len(floors) else 0 for i in flexible]
    # the narrowest the cap can make them, as _cap measures it: a column already under MIN_WIDTH stays so
    if sum(max(min(widths[i], MIN_WIDTH), low) for i, low in zip(flexible, lows)) > room - fixed:
        lows = [0] * len(flexible)  # the floors do not fit together: words must break
    cap = _cap([widths[i] for i in flexible], lows, room - fixed)
    narrowed = {i: max(min(widths[i], cap), low) for i, low in zip(flexible, lows)}
    return [narrowed.get(i, w) for i, w in enumerate(widths)]


def _cap(widths: list[int], lows: list[int], room: int) -> int:
    """The largest cap such that the widths, each cut to the cap but not below its low, fit `room`."""
    for candidate in range(max(widths), MIN_WIDTH - 1, -1):
        if sum(max(min(w, candidate), low) for w, low in zip(widths, lows)) <= room:
            return candidate
    return MIN_WIDTH
