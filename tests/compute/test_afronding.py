"""Rounding notes and one number of decimals per column (issue 26, details 3 and 4).

- Worked by hand: 79,47% + 15,37% + 5,16% print 79,5% + 15,4% + 5,2% = 100,1% beside a Totaal of
  100,0%: the total gets a marker and the table one footnote; a sum with a hidden part or a part
  without data is never judged (a note must not tell more than the figures).
- Hypothesis: a total is marked exactly when the sum of its printed parts differs from it.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jaarverslag.compute.afronding import (
    NOTE,
    Sum,
    column_decimals,
    off_totals,
    printed,
    row_sums,
    with_rounding_note,
)
from jaarverslag.core.model import Cell, Column, Row, Table


def table(parts: list[Cell], total: Cell, footnotes: tuple[tuple[str, str], ...] = ()) -> Table:
    rows = tuple(Row(f"r{i}", (c,)) for i, c in enumerate(parts))
    return Table(
        "t",
        "T",
        "",
        (Column("%", "pct"),),
        (*rows, Row("Totaal", (total,), "totaal")),
        footnotes,
    )


def pct(value: float, decimals: int = 1, **kw: object) -> Cell:
    return Cell(value, "percentage", decimals, **kw)  # type: ignore[arg-type]


def test_a_total_its_printed_parts_do_not_add_up_to_gets_a_note() -> None:
    t = table([pct(79.47), pct(15.37), pct(5.16)], pct(100.0))
    noted = with_rounding_note(t, row_sums(3, range(3), [0]))
    assert noted.rows[3].cells[0].markers == ("*",)
    assert noted.footnotes == (("*", NOTE),)
    assert all(not r.cells[0].markers for r in noted.rows[:3])


def test_parts_that_add_up_leave_the_table_as_it_is() -> None:
    t = table([pct(79.5), pct(15.4), pct(5.1)], pct(100.0))
    assert with_rounding_note(t, row_sums(3, range(3), [0])) is t


def test_a_hidden_part_or_a_part_without_data_is_never_judged() -> None:
    hidden = table([pct(79.47), pct(15.37, suppressed="x"), pct(5.16)], pct(100.0))
    assert off_totals(hidden, row_sums(3, range(3), [0])) == []
    missing = table([pct(79.47), pct(None), pct(5.16)], pct(100.0))  # type: ignore[arg-type]
    assert off_totals(missing, row_sums(3, range(3), [0])) == []
    total_hidden = table([pct(79.47), pct(15.37), pct(5.16)], pct(100.0, suppressed="x"))
    assert off_totals(total_hidden, row_sums(3, range(3), [0])) == []


def test_existing_footnotes_are_lettered_again_and_the_privacy_legend_keeps_its_mark() -> None:
    parts = [pct(79.47, markers=("*",)), pct(15.37), pct(5.16, suppressed=None)]
    t = table(parts, pct(100.0), (("x", "privacy"), ("*", "eigen voetnoot")))
    noted = with_rounding_note(t, [Sum((3, 0), ((0, 0), (1, 0), (2, 0)))])
    assert noted.footnotes == (("x", "privacy"), ("a", "eigen voetnoot"), ("b", NOTE))
    assert noted.rows[0].cells[0].markers == ("a",)
    assert noted.rows[3].cells[0].markers == ("b",)


def test_one_number_of_decimals_per_column() -> None:
    cells = [Cell(74.1, "percentage"), Cell(13.9, "percentage"), Cell(12, "percentage")]
    assert column_decimals(cells) == 1  # 12,0% beside 74,1%, never 12%
    assert column_decimals([Cell(5, suppressed="x")]) is None
    assert printed(Cell(94.95, "percentage", 2)) == Decimal("94.95")
    assert printed(Cell(0.125, "euro", 2)) == Decimal("0.13")  # half away from zero


@given(
    st.lists(st.integers(0, 10**5), min_size=1, max_size=8),
    st.integers(0, 3),
)
def test_a_total_is_marked_exactly_when_its_printed_parts_differ(
    counts: list[int], decimals: int
) -> None:
    whole = sum(counts) or 1
    parts = [pct(c * 100 / whole, decimals) for c in counts]
    total = pct(100.0 if sum(counts) else 0.0, decimals)
    t = table(parts, total)
    shown = sum(printed(c) or 0 for c in parts)
    off = off_totals(t, row_sums(len(parts), range(len(parts)), [0]))
    assert (off != []) == (shown != printed(total))
