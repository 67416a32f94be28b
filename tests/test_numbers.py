"""Dutch number formatting: the SPEC's examples, exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaarverslag.model import Cell
from jaarverslag.numbers import (
    decimals_of,
    format_cell,
    format_euro,
    format_number,
    format_percentage,
    format_value,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (95000, "95.000"),
        (-97306, "-97.306"),
        (0, "0"),
        (None, "-"),
        (float("nan"), "-"),
        (1234.5, "1.234,5"),
        (400, "400"),
        (1234567, "1.234.567"),
    ],
)
def test_format_number(value, expected):
    assert format_number(value) == expected


def test_euro_and_percentage():
    assert format_euro(95000) == "€ 95.000"
    assert format_euro(-97306) == "€ -97.306"
    assert format_euro(None) == "-"
    assert format_percentage(99.6) == "99,6%"
    assert format_percentage(15.25, 1) == "15,3%"  # half away from zero, not half-even
    assert format_percentage(100) == "100%"


def test_rounding_is_half_away_from_zero():
    assert format_number(2.5, 0) == "3"
    assert format_number(-2.5, 0) == "-3"
    assert format_number(0.125, 2) == "0,13"
    assert format_number(-0.4, 0) == "0"  # never -0


def test_cells_print_markers_and_privacy_marks():
    assert format_cell(Cell(None, markers=("*",))) == "-*"
    assert format_cell(Cell(3, suppressed="<5")) == "<5"
    assert format_cell(Cell("tekst", "tekst")) == "tekst"
    assert format_value(2017, "jaar") == "2017"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integers_round_trip_through_dutch_notation(n):
    text = format_number(n)
    assert int(text.replace(".", "")) == n
    assert decimals_of(n) == 0
