"""One way to write a share, at and past its edges."""
from __future__ import annotations

from engine.text_format import percent


def test_a_share_is_a_percentage_with_two_decimals():
    assert percent(0.93125) == "93.12%" and percent(1) == "100.00%" and percent(0.0) == "0.00%"


def test_no_number_is_the_missing_text():
    assert percent(None) == "" and percent(None, "–") == "–" and percent("0.5", "–") == "–"
    assert percent(True) == ""  # a flag is not a share
