"""A table with more columns than fit the page is printed in parts: each column exactly once,
in order, no part wider than allowed, the parts as even as they can be."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jaarverslag.model import Column, Table
from jaarverslag.render.html import PART_COLUMNS, column_parts


def table(count: int) -> Table:
    columns = tuple(Column(f"Realisatie {2000 + i}", f"r{i}") for i in range(count))
    return Table("t", "T", "Indicator", columns, ())


@given(count=st.integers(0, 60), at_most=st.integers(1, 12))
def test_parts_hold_every_column_once_in_order_and_evenly(count: int, at_most: int) -> None:
    parts = column_parts(table(count), at_most)
    assert [i for part in parts for i in part] == list(range(count))
    assert all(len(part) <= at_most for part in parts)
    sizes = [len(p) for p in parts]
    assert max(sizes) - min(sizes) <= 1
    assert len(parts) == max(1, -(-count // at_most))  # no more parts than needed


def test_a_table_that_fits_is_one_part() -> None:
    assert column_parts(table(PART_COLUMNS)) == [list(range(PART_COLUMNS))]
    assert column_parts(table(PART_COLUMNS + 1)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
