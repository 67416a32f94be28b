"""Dutch number formatting: the SPEC's examples, exactly."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaarverslag.core.model import Cell
from jaarverslag.core.numbers import (
    decimals_apart,
    decimals_of,
    display_cell,
    footnote_markers,
    format_cell,
    format_change,
    format_euro,
    format_number,
    format_percentage,
    format_share,
    format_signed,
    format_value,
    money_decimals,
    typographic,
    unbreakable,
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


def test_cells_print_values_and_privacy_marks_not_markers():
    # A marker is set apart from its figure by the template (space + superscript), never glued.
    assert format_cell(Cell(150, markers=("d",))) == "150"
    assert format_cell(Cell(None, markers=("*",))) == "-"
    assert format_cell(Cell(3, suppressed="<5")) == "<5"
    assert format_cell(Cell("tekst", "tekst")) == "tekst"
    assert format_value(2017, "jaar") == "2017"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integers_round_trip_through_dutch_notation(n):
    text = format_number(n)
    assert int(text.replace(".", "")) == n
    assert decimals_of(n) == 0


def test_footnote_markers_are_never_digits():
    assert footnote_markers(1) == ["*"]  # seed 001's single footnote
    assert footnote_markers(4) == ["a", "b", "c", "d"]
    many = footnote_markers(30)
    assert many[25:] == ["z", "aa", "ab", "ac", "ad"]
    assert len(set(many)) == 30 and not any(ch.isdigit() for m in many for ch in m)


def test_money_keeps_its_cents_and_never_more():
    assert format_euro(100.4) == "€ 100,40"
    assert format_euro(100) == "€ 100"
    assert format_value(100.4, "euro") == "€ 100,40"
    # Issue 26: never more than cents (was € 0,125, € 207,541); half away from zero.
    assert format_euro(0.125) == "€ 0,13"
    assert format_euro(207.541) == "€ 207,54"
    assert format_euro(0.0004) == "€ 0,00"
    # One column, one number of decimals: whole euros beside cents print ,00.
    assert money_decimals([1234.5, 1130.25, 1000]) == 2
    assert money_decimals([1000, 2000, None]) == 0
    assert money_decimals([1.234567]) == 2
    # In thousands: whole thousands, never decimals (was: as many as the data has).
    assert money_decimals([1234.5], bedragen_in=1000) == 0
    assert money_decimals([1234], bedragen_in=1000) == 0
    assert format_euro(1234.5, money_decimals([1234.5, 1130.25])) == "€ 1.234,50"


def test_a_printed_figure_never_breaks_inside():
    """Issue 26: ``€ -1.715.000`` broke as ``€ -`` / ``1.715.000`` in Word. A document prints a
    no-break space after € and a minus sign (U+2212) that no line breaker separates from its
    digits; a text cell and a privacy mark stay as they are; the open data keeps ``-``."""
    assert typographic("€ -1.715.000") == "€\u00a0\u22121.715.000"
    assert typographic("-5 procentpunt") == "\u22125\u00a0procentpunt"
    assert typographic("€ +0,40") == "€\u00a0+0,40"
    assert typographic("-") == "-"  # no data
    assert typographic("-14,96%") == "\u221214,96%"
    assert display_cell(Cell(-1715000, "euro")) == "€\u00a0\u22121.715.000"
    assert display_cell(Cell(-9)) == "\u22129"
    assert display_cell(Cell("2016-2017", "tekst")) == "2016-2017"
    assert display_cell(Cell(None)) == "-"
    assert display_cell(Cell(3, suppressed="x")) == "x"
    assert display_cell(Cell(None, "percentage", nnb=True)) == "n.n.b."
    # running text: an amount keeps its sign and unit, a label's hyphen is left alone
    assert unbreakable("saldo € -40 in 2016-2017") == "saldo €\u00a0\u221240 in 2016-2017"


def test_signed_differences_and_procentpunt():
    assert format_signed(159) == "+159"
    assert format_signed(-9) == "-9"
    assert format_signed(0) == "0"
    assert format_signed(5, "percentage") == "+5 procentpunt"
    assert format_signed(-2.5, "percentage", sign=False) == "2,5 procentpunt"
    assert format_signed(0.4, "euro") == "€ +0,40"
    assert format_signed(-40000, "euro") == "€ -40.000"


def test_figures_beside_words_stay_on_their_side_of_the_norm():
    assert format_share(Fraction(1999, 2000) * 100) == "99,95%"  # not 100,0%
    assert format_share(Fraction(559, 500) * 100) == "111,8%"
    assert format_share(100) == "100,0%"
    assert format_share(Fraction(99999999, 100000000) * 100) == "99,999999%"
    assert format_change(Fraction(1, 1000)) == "+0,001%"  # not +0,0%
    assert format_change(Fraction(-1496, 100), [5, 15]) == "-14,96%"  # not -15,0% (fors)
    assert format_change(Fraction(3975, 100), [5, 15]) == "+39,8%"
    assert decimals_apart(Fraction(95549, 1000), [Fraction(9555, 100)]) == 1  # 95,5 < 95,55
    assert decimals_apart(Fraction(9556, 100), [Fraction(9557, 100)]) == 2  # 95,6 would cross


@given(
    st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=10**7),
    st.lists(st.integers(-(10**5), 10**5).map(lambda n: Fraction(n, 100)), max_size=4),
)
def test_printed_figures_never_reach_or_cross_a_norm(value, norms):
    printed = Fraction(format_change(value, []).replace(".", "").replace(",", ".")[:-1])
    assert (printed > 0) == (value > 0) and (printed < 0) == (value < 0)
    decimals = decimals_apart(value, norms)
    shown = Fraction(format_number(value, decimals).replace(".", "").replace(",", "."))
    for norm in norms:
        assert (shown > norm) == (value > norm) and (shown == norm) == (value == norm)
