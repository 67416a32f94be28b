"""A table with more columns than fit the page is printed in parts: each column exactly once,
in order, as few parts as fit, as even as they can be, V/N never apart from its Verschil."""

from __future__ import annotations

from math import ceil

from hypothesis import given
from hypothesis import strategies as st

from jaarverslag.core.model import Column, Table
from jaarverslag.render.html import PART_WIDTH, column_parts


def table(count: int, vn_after: frozenset[int] = frozenset()) -> Table:
    columns: list[Column] = []
    for i in range(count):
        columns.append(Column(f"Realisatie {2000 + i}", f"r{i}"))
        if i in vn_after:
            columns.append(Column("V/N", f"vn{i}", numeric=False))
    return Table("t", "T", "Indicator", tuple(columns), ())


@given(count=st.integers(0, 60), budget=st.integers(1, 12))
def test_figures_only_parts_are_few_full_and_even(count: int, budget: int) -> None:
    parts = column_parts(table(count), budget)
    assert [i for part in parts for i in part] == list(range(count))
    assert all(len(part) <= budget for part in parts)
    assert len(parts) == max(1, ceil(count / budget))  # no more parts than needed
    sizes = [len(p) for p in parts]
    assert max(sizes) - min(sizes) <= 1


@given(count=st.integers(1, 30), data=st.data())
def test_a_text_column_stays_with_the_figure_before_it(count: int, data: st.DataObject) -> None:
    vn_after = frozenset(data.draw(st.sets(st.integers(0, count - 1))))
    t = table(count, vn_after)
    parts = column_parts(t)
    assert [i for part in parts for i in part] == list(range(len(t.columns)))
    assert all(t.columns[part[0]].numeric for part in parts)
    figures = [sum(t.columns[i].numeric for i in part) for part in parts]
    assert all(n <= PART_WIDTH for n in figures)


def test_a_table_that_fits_is_one_part() -> None:
    assert column_parts(table(7)) == [list(range(7))]
    # a begroting's kosten: three stands, Verschil, V/N and three years of meerjarenraming
    begroting = table(7, frozenset({3}))
    assert column_parts(begroting) == [list(range(8))]
    assert column_parts(table(8)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
