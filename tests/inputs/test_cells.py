"""Values as typed (issue 26, detail 4) and the indicator's bron, peildatum and status (item 4).

A value typed ``49,0`` was a float 49.0 and printed ``49%``: the decimals it was typed with are
now carried from the text of a CSV, and from a workbook's number format, through the schema.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from jaarverslag.inputs.tables.cells import format_decimals, typed_decimals
from jaarverslag.inputs.tables.raw import decimals_column
from jaarverslag.inputs.tables.schemas import read_and_validate


@pytest.mark.parametrize(
    ("notation", "texts", "expected"),
    [
        ("nl", ["49,0", "1.234,56", "49", "€ 3,10", "12,5%", "", "-", "abc"], [1, 2, 0, 2, 1]),
        ("point", ["49.0", "1.5e2", "1.25e1", "49", "1e-3", ""], [1, 0, 1, 0, 3]),
    ],
)
def test_decimals_as_typed(notation: str, texts: list[str], expected: list[int]) -> None:
    found = typed_decimals(pd.Series(texts), notation)
    assert found.tolist()[: len(expected)] == expected
    assert found.iloc[len(expected) :].isna().all()  # no number, no decimals


@pytest.mark.parametrize(
    ("code", "decimals"),
    [
        ("General", None),
        ("@", None),
        ("0", 0),
        ("0.0", 1),
        ("#,##0.00", 2),
        ("0.0%", 1),
        ("0.##", 0),  # at least none: then as many as the value has
        ('"€ "#,##0.000;[Red]-#,##0.000', 3),
    ],
)
def test_decimals_a_number_format_shows(code: str, decimals: int | None) -> None:
    assert format_decimals(code) == decimals


def test_a_worksheet_number_keeps_the_decimals_its_format_shows(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "indicator", "jaar", "soort", "waarde", "eenheid"])
    rows = [
        ("a", "A", 2016, "realisatie", 49, "percentage", "0.0"),  # shows 49,0
        ("a", "A", 2017, "realisatie", 0.515, "percentage", "0.0%"),  # shows 51,5%
        ("b", "B", 2016, "realisatie", 12.25, "aantal", "0"),  # shows 12, holds 12,25
        ("b", "B", 2017, "realisatie", 7, "aantal", "General"),
    ]
    for *values, code in rows:
        sheet.append(values)
        sheet.cell(sheet.max_row, 5).number_format = code
    book.save(tmp_path / "indicatoren.xlsx")
    data, problems = read_and_validate(
        tmp_path / "indicatoren.xlsx", "indicatoren", folder=tmp_path
    )
    assert problems == []
    assert data["waarde"].tolist() == [49, 51.5, 12.25, 7]
    # the format's decimals, or the value's own where it has more (never a figure lost)
    assert data[decimals_column("waarde")].tolist() == [1, 1, 2, 0]


def test_bron_peildatum_and_status_are_optional_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "indicatoren.csv"
    path.write_text(
        "id;indicator;jaar;soort;waarde;bron;peildatum;status\n"
        "a;A;2017;realisatie;1;CBS;31-12-2017;voorlopig\n"
        "a;A;2016;realisatie;1;;-;\n"
        "b;B;2017;realisatie;2;CBS;31-02-2017;Voorlopig\n"
        "c;C;2017;realisatie;2;CBS;gisteren;bijna\n",
        encoding="utf-8",
    )
    _, problems = read_and_validate(path, "indicatoren", folder=tmp_path)
    assert [str(p) for p in problems] == [
        "indicatoren.csv:4: peildatum: '31-02-2017' bestaat niet als datum",
        "indicatoren.csv:5: peildatum: 'gisteren' is geen datum (JJJJ-MM-DD of DD-MM-JJJJ)",
        "indicatoren.csv:5: status: 'bijna' is geen toegestane waarde (voorlopig, definitief)",
    ]
    path.write_text(
        "id;indicator;jaar;soort;waarde;peildatum;status\n"
        "a;A;2017;realisatie;1;2017-12-31;Voorlopig\n"
        "a;A;2016;realisatie;1;-;\n",
        encoding="utf-8",
    )
    data, problems = read_and_validate(path, "indicatoren", folder=tmp_path)
    assert problems == []
    assert data["status"].tolist() == ["voorlopig", None]
    assert data["peildatum"].iloc[0] == pd.Timestamp(dt.date(2017, 12, 31))
    assert pd.isna(data["peildatum"].iloc[1])
