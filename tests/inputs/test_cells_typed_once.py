"""The same cells are typed once: what typing gave is kept by every cell, its line, the header,
the notation and how problems name the file; a copy is handed out; the memory is bounded."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd
import pytest

from jaarverslag.core.errors import Problem
from jaarverslag.inputs.tables import kept
from jaarverslag.inputs.tables.raw import LINE, RawTable
from jaarverslag.inputs.tables.schemas import SPECS, validate


def raw(rows: list[tuple[str, str, str, str, str]], first_line: int = 2) -> RawTable:
    header = ("id", "indicator", "jaar", "soort", "waarde")
    frame = pd.DataFrame(rows, columns=list(header))
    frame[LINE] = range(first_line, first_line + len(rows))
    return RawTable(frame, header, "nl")


ROWS = [("p", "P-banen", "2017", "realisatie", "1.234,5"), ("p", "P-banen", "2016", "doel", "x")]


@pytest.fixture(autouse=True)
def nothing_kept() -> Iterator[None]:
    kept.forget()
    yield
    kept.forget()


def counting() -> tuple[list[int], Callable[..., tuple[pd.DataFrame, list[Problem]]]]:
    calls: list[int] = []

    def typing(table: RawTable, spec: object, display: str) -> tuple[pd.DataFrame, list[Problem]]:
        calls.append(1)
        return validate(table, SPECS["indicatoren"], display)

    return calls, typing


def test_the_same_cells_are_typed_once_and_handed_out_as_copies() -> None:
    calls, typing = counting()
    spec = SPECS["indicatoren"]
    first = kept.typed(raw(ROWS), spec, "r/indicatoren.csv", typing)
    again = kept.typed(raw(ROWS), spec, "r/indicatoren.csv", typing)  # other objects, same cells
    assert len(calls) == 1
    assert again[1] == first[1] and any("x" in p.message for p in again[1])
    assert again[0].equals(first[0]) and again[0] is not first[0]
    fresh = validate(raw(ROWS), spec, "r/indicatoren.csv")
    assert again[0].equals(fresh[0]) and again[1] == fresh[1]


@pytest.mark.parametrize(
    "other",
    [
        lambda: (raw([ROWS[0], ("p", "P-banen", "2016", "doel", "y")]), "r/indicatoren.csv"),
        lambda: (raw(ROWS, first_line=3), "r/indicatoren.csv"),  # the same rows, a line lower
        lambda: (raw(ROWS), "s/indicatoren.csv"),  # another file
        lambda: (RawTable(raw(ROWS).frame, raw(ROWS).header, "point"), "r/indicatoren.csv"),
    ],
)
def test_anything_else_is_typed_again(other: Callable[[], tuple[RawTable, str]]) -> None:
    calls, typing = counting()
    spec = SPECS["indicatoren"]
    kept.typed(raw(ROWS), spec, "r/indicatoren.csv", typing)
    table, display = other()
    found = kept.typed(table, spec, display, typing)
    assert len(calls) == 2
    expected = validate(table, spec, display)
    assert found[1] == expected[1] and found[0].equals(expected[0])


def test_what_is_kept_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    calls, typing = counting()
    spec = SPECS["indicatoren"]
    monkeypatch.setattr(kept, "MAX_CELLS", 8 * 12)  # a table of 2 rows has 12 cells: 8 kept

    def year(n: int) -> RawTable:
        return raw([("p", "P-banen", str(2000 + n), "realisatie", "1"), ROWS[1]])

    for n in range(20):
        kept.typed(year(n), spec, "r/indicatoren.csv", typing)
    assert len(calls) == 20
    kept.typed(year(19), spec, "r/indicatoren.csv", typing)  # among the last eight: kept
    assert len(calls) == 20
    kept.typed(year(0), spec, "r/indicatoren.csv", typing)  # long gone: typed again
    assert len(calls) == 21
    big = raw(ROWS * 5)  # 60 cells: more than an eighth of what may be kept, never kept
    kept.typed(big, spec, "r/indicatoren.csv", typing)
    kept.typed(big, spec, "r/indicatoren.csv", typing)
    assert len(calls) == 23
