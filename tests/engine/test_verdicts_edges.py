"""Shares at their edges: no images at all is refused in one sentence, and a difference keeps its count."""
from __future__ import annotations

import pytest

from engine.verdicts import proportion_ci, proportion_diff_ci


def test_a_share_of_nothing_is_refused():
    with pytest.raises(ValueError) as caught:
        proportion_ci(0, 0)
    assert str(caught.value) == "a share needs 0 <= successes <= n and n > 0"


def test_a_difference_of_shares_counts_the_smaller_sample():
    assert proportion_diff_ci(3, 10, 5, 40).n == 10 and proportion_diff_ci(3, 40, 5, 10).n == 10
