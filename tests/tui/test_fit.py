"""Column widths that fit the screen: long text columns narrow and wrap, short ones stay whole."""
from __future__ import annotations

from tui.fit import MIN_WIDTH, fit_widths


def test_columns_that_fit_keep_their_natural_widths():
    assert fit_widths([3, 10, 40], available=59) == [3, 10, 40]  # 53 + 3 columns of padding 2


def test_only_the_widest_column_narrows_when_one_column_too_many():
    assert fit_widths([3, 10, 40], available=58) == [3, 10, 39]


def test_the_widest_columns_share_one_cap():
    assert fit_widths([30, 30, 5], available=47) == [18, 18, 5]


def test_kept_columns_never_narrow_while_others_can():
    assert fit_widths([12, 12, 60], available=50, keep=[0, 1]) == [12, 12, 20]


def test_kept_columns_give_way_when_nothing_else_can():
    widths = fit_widths([12, 12, 12, 12], available=30, keep=[0, 1, 2, 3])
    assert widths == [MIN_WIDTH] * 4  # below the floor nothing narrows further: the table scrolls


def test_a_floor_keeps_a_header_word_whole_while_the_others_give_way():
    # without floors the two wide columns share one cap; a floor of 24 holds while the other gives way
    assert fit_widths([30, 30, 5], available=47) == [18, 18, 5]
    assert fit_widths([30, 30, 5], available=47, floors=[24, 0, 0]) == [24, 12, 5]


def test_floors_that_cannot_all_fit_are_dropped():
    assert fit_widths([30, 30, 5], available=47, floors=[30, 30, 0]) == [18, 18, 5]


def test_a_narrow_column_does_not_count_as_min_width_when_floors_are_weighed():
    # room 20 after padding: floors 10 + 8 and the 2-wide column fit exactly; counting it as 8 would drop them
    assert fit_widths([20, 20, 2], available=26, floors=[10, 8, 0]) == [10, 8, 2]
