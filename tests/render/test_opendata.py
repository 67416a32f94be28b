"""Open data says its unit, keeps a withheld row, and carries an indicator's status and source
(issue 26, detail 11 and item 4).

The rule (docs, *Open data*): a column of figures of one unit ends its name with it
(``_aantal``, ``_procent``, ``_euro``, ``_duizend_euro``, ``_euro_per_inwoner``) unless its name
says it already; a table whose rows differ in unit has a column ``eenheid`` instead.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from support.helpers import DATA, MINIMAL_YAML, write_rapport

from jaarverslag.build.pipeline import build_one
from jaarverslag.core.model import Cell, Column, Row, Table
from jaarverslag.render.opendata import table_csv


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_a_column_of_one_unit_says_it_in_its_name() -> None:
    table = Table(
        "kosten",
        "K",
        "Post",
        (
            Column("2024", "begroting_2024"),
            Column("Verschil", "verschil"),
            Column("V/N", "vn", False),
        ),
        (Row("A", (Cell(9, "euro"), Cell(-1, "euro"), Cell("N", "tekst"))),),
        note="(x € 1.000)",
    )
    header, row = rows(table_csv(table))
    assert header[3:] == ["begroting_2024_duizend_euro", "verschil_duizend_euro", "vn"]
    assert row[3:] == ["9", "-1", "N"]  # the open data keeps a plain minus


def test_names_that_say_their_unit_stay_and_a_column_unit_overrides() -> None:
    table = Table(
        "t",
        "T",
        "",
        (
            Column("Aantal", "aantal"),
            Column("Percentage", "percentage"),
            Column("% stijgers", "pct_stijgers"),
            Column("Inwoners", "aantal_inwoners"),
            Column("Per inwoner", "lasten", unit="euro_per_inwoner"),
        ),
        (
            Row(
                "A",
                (
                    Cell(1),
                    Cell(5.0, "percentage"),
                    Cell(2.5, "percentage"),
                    Cell(10),
                    Cell(3.25, "euro"),
                ),
            ),
        ),
    )
    header = rows(table_csv(table))[0]
    assert header[3:] == [
        "aantal",
        "percentage",
        "pct_stijgers",
        "aantal_inwoners",
        "lasten_euro_per_inwoner",
    ]


def test_an_indicator_table_says_each_row_s_unit_whatever_its_rows() -> None:
    """So every gemeente of a reeks (and every year) gets the same columns."""
    table = Table(
        "indicatoren",
        "I",
        "",
        (Column("2017", "realisatie_2017"),),
        (Row("A", (Cell(559),)),),
        unit_per_row=True,
    )
    header, row = rows(table_csv(table))
    assert header[3:] == ["eenheid", "realisatie_2017"] and row[3:] == ["aantal", "559"]


def test_rows_of_different_units_each_say_theirs() -> None:
    table = Table(
        "indicatoren",
        "I",
        "",
        (Column("2017", "realisatie_2017"),),
        (
            Row("A", (Cell(559),)),
            Row("B", (Cell(13.1, "percentage"),)),
            Row("C", (Cell(100.4, "euro"),)),
        ),
    )
    header, *body = rows(table_csv(table))
    assert header == ["omschrijving", "regelsoort", "groep", "eenheid", "realisatie_2017"]
    assert [r[3] for r in body] == ["aantal", "procent", "euro"]


def test_what_a_cell_says_beside_its_value_is_a_column_after_it() -> None:
    table = Table(
        "indicatoren",
        "I",
        "",
        (Column("2016", "realisatie_2016"), Column("2017", "realisatie_2017")),
        (
            Row("A", (Cell(1), Cell(None, nnb=True, extra=(("status", "voorlopig"),)))),
            Row("B", (Cell(2, extra=(("bron", "=CBS"),)), Cell(3))),
        ),
    )
    header, a, b = rows(table_csv(table))
    assert header[3:] == [
        "realisatie_2016_aantal",
        "realisatie_2016_bron",
        "realisatie_2017_aantal",
        "realisatie_2017_status",
    ]
    assert a[3:] == ["1", "", "", "voorlopig"]  # n.n.b.: no value, its status says why
    assert b[3:] == ["2", "'=CBS", "3", ""]  # a text that reads as a formula is neutralised


def test_every_table_of_every_example_says_its_unit(tmp_path: Path) -> None:
    """Each figure column of every open-data table of the examples ends with a unit word or
    says it; the indicators say it per row."""
    units = ("aantal", "procent", "percentage", "pct_", "euro", "_bron", "_status", "_peildatum")
    for example in ("jaarverslag-2017", "beleidsplan-wassenaar-2024", "participatie-2017"):
        outcome = build_one(DATA / example, tmp_path, ["html"], use_cache=False)
        assert outcome.ok, outcome.problems
        for path in sorted((tmp_path / example / "tabellen").glob("*.csv")):
            header, *body = rows(path.read_text(encoding="utf-8"))
            figures = [
                name
                for i, name in enumerate(header[3:], start=3)
                if name != "eenheid"
                and any(r[i].replace(".", "").lstrip("-").isdigit() for r in body)
            ]
            per_row = "eenheid" in header
            assert per_row or all(any(u in f for u in units) for f in figures), (path, figures)


def test_a_withheld_row_stays_with_every_cell_x(tmp_path: Path) -> None:
    """The participatie example leaves 'Leeftijd onbekend' out for privacy: it stays in its
    CSV (and its table) with an x in every cell, so the totals that count it can be read."""
    outcome = build_one(DATA / "participatie-2017", tmp_path, ["html"], use_cache=False)
    assert outcome.ok, outcome.problems
    path = tmp_path / "participatie-2017" / "tabellen" / "ladder_leeftijd.csv"
    table = {r[0]: r for r in rows(path.read_text(encoding="utf-8"))}
    assert table["Leeftijd onbekend"][1:] == ["post", "", "x", "x", "x", "x"]
    page = (tmp_path / "participatie-2017" / "participatie-2017.html").read_text("utf-8")
    assert "de cijfers van de rij ‘Leeftijd onbekend’ (elke cel x)" in page


def test_categorie_onbekend_is_in_no_unit(tmp_path: Path) -> None:
    outcome = build_one(DATA / "participatie-2017", tmp_path, ["html"], use_cache=False)
    assert outcome.ok, outcome.problems
    path = tmp_path / "participatie-2017" / "tabellen" / "ladder_categorie.csv"
    table = {r[0]: r for r in rows(path.read_text(encoding="utf-8"))}
    assert table["Categorie onbekend"][2] == "Zonder unit"
    assert table["Subtotaal Participatie"][2] == "Unit Participatie"


def test_a_minimal_rapport_s_indicators_carry_their_source(tmp_path: Path) -> None:
    csv_text = (
        "id;indicator;jaar;soort;waarde;bron;peildatum;status\n"
        "a;A;2017;realisatie;1;CBS;31-12-2017;voorlopig\n"
    )
    folder = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": csv_text}
    )
    outcome = build_one(folder, tmp_path / "out", ["html"], use_cache=False)
    assert outcome.ok, outcome.problems
    header, row = rows((tmp_path / "out" / "r" / "tabellen" / "indicatoren.csv").read_text())
    assert dict(zip(header, row, strict=True)) == {
        "omschrijving": "A",
        "regelsoort": "post",
        "groep": "",
        "eenheid": "aantal",
        "realisatie_2017": "1",
        "realisatie_2017_status": "voorlopig",
        "realisatie_2017_bron": "CBS",
        "realisatie_2017_peildatum": "2017-12-31",
    }
