"""Printed parts that don't add up to their printed total: a rounding note says so.

A table of rounded figures can be right and still not add up on paper: three row percentages of
79,47%, 15,37% and 5,16% print 79,5% + 15,4% + 5,2% = 100,1% beside a Totaal of 100,0%. A reader
who adds them up must not think the table is wrong, so every total whose printed parts add up
to another figure than it prints gets a footnote marker, and the table one footnote that says
why. Only what is printed is added: a sum with a part or a total hidden (a privacy mark) or
without data is not judged, so the note never tells a reader more than the figures do.

Also here: one number of decimals per column (:func:`column_decimals`), the most any printed
figure in it needs, so a column never mixes ``74,1%``, ``13,9%`` and ``12%``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import NamedTuple

from jaarverslag.core.model import Cell, Table
from jaarverslag.core.numbers import (
    MAX_DECIMALS,
    decimals_of,
    exact,
    footnote_markers,
    round_half_up,
)

#: The footnote under a table with a total its printed parts don't add up to.
NOTE = "Door afronding is dit totaal niet precies de som van de getoonde delen."

Place = tuple[int, int]  #: (row, column) of a cell in ``Table.rows``


class Sum(NamedTuple):
    """A printed total and the printed cells it is the sum of."""

    total: Place
    parts: tuple[Place, ...]


def row_sums(total: int, parts: Iterable[int], columns: Iterable[int]) -> list[Sum]:
    """Rows ``parts`` add up to row ``total`` in each of ``columns``."""
    rows = tuple(parts)
    return [Sum((total, c), tuple((r, c) for r in rows)) for c in columns]


def printed(cell: Cell) -> Decimal | None:
    """The figure a cell prints, as a number; None when it prints none (no data, a mark, a
    text)."""
    value = cell.value
    if cell.suppressed is not None or value is None or isinstance(value, str):
        return None
    decimals = cell.decimals
    if decimals is None:
        decimals = min(decimals_of(value), MAX_DECIMALS)
    return round_half_up(exact(value), decimals)


def off_totals(table: Table, sums: Iterable[Sum]) -> list[Place]:
    """The totals whose printed parts add up to another figure than they print."""
    off = []
    for total, parts in sums:
        shown = printed(table.rows[total[0]].cells[total[1]])
        figures = [printed(table.rows[r].cells[c]) for r, c in parts]
        if shown is None or not figures or any(f is None for f in figures):
            continue
        if sum(f for f in figures if f is not None) != shown:
            off.append(total)
    return off


def with_rounding_note(table: Table, sums: Iterable[Sum], note: str = NOTE) -> Table:
    """``table`` with a marker at every total its printed parts don't add up to and one
    footnote saying why; unchanged when everything adds up.

    The footnotes that mark cells or labels are lettered again in reading order with the new
    one last (``*`` alone, else ``a``, ``b``, …); a footnote that marks nothing (the privacy
    legend, whose mark is the cell itself) keeps its own marker.
    """
    off = set(off_totals(table, sums))
    if not off:
        return table
    used = {m for r in table.rows for m in (*r.markers, *(m for c in r.cells for m in c.markers))}
    lettered = [(m, t) for m, t in table.footnotes if m in used]
    own = [(m, t) for m, t in table.footnotes if m not in used]
    texts = [t for _, t in lettered] + [note]
    markers = dict(zip(texts, footnote_markers(len(texts)), strict=True))
    renamed = {m: markers[t] for m, t in lettered}
    mark = markers[note]

    def cell(c: Cell, place: Place) -> Cell:
        new = tuple(renamed.get(m, m) for m in c.markers)
        return replace(c, markers=(*new, mark) if place in off else new)

    rows = tuple(
        replace(
            row,
            markers=tuple(renamed.get(m, m) for m in row.markers),
            cells=tuple(cell(c, (r, i)) for i, c in enumerate(row.cells)),
        )
        for r, row in enumerate(table.rows)
    )
    footnotes = (*own, *((markers[t], t) for t in texts))
    return replace(table, rows=rows, footnotes=footnotes)


def column_decimals(cells: Sequence[Cell]) -> int | None:
    """The decimals of one column's figures of one unit: the most any of them prints with
    (None when none prints a figure)."""
    needed = [
        cell.decimals if cell.decimals is not None else min(decimals_of(cell.value), MAX_DECIMALS)
        for cell in cells
        if cell.suppressed is None and isinstance(cell.value, int | float)
    ]
    return max(needed, default=None)
