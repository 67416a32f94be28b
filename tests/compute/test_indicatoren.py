"""The indicator table: which (jaar, soort) columns a jaarverslag and a begroting show."""

from __future__ import annotations

import pandas as pd

from jaarverslag.compute.conclusies import conclusion, indicators
from jaarverslag.compute.indicatoren import (
    indicator_columns,
    indicator_table,
    jaren_problems,
    left_out,
)
from jaarverslag.core.numbers import format_cell
from jaarverslag.inputs.tables.schemas import read_and_validate


def frame(rows):
    data = pd.DataFrame(rows, columns=["id", "indicator", "jaar", "soort", "waarde", "voetnoot"])
    return data.assign(eenheid="aantal", richting="hoger")


ROWS = [
    ("a", "A", year, soort, 1.0, None)
    for year in range(2014, 2023)
    for soort in ("realisatie", "begroting", "beoogd")
]


def test_every_year_of_the_data_is_shown():
    """Issue 12: realisaties 2015–2018 showed only 2017 and 2018; now every pair with data."""
    rows = [("a", "A", y, "realisatie", 1.0, None) for y in (2015, 2016, 2017, 2018)]
    rows += [("a", "A", 2017, "begroting", 2.0, None)]
    assert indicator_columns(frame(rows), "jaarverslag", 2017) == [
        (2015, "realisatie"),
        (2016, "realisatie"),
        (2017, "begroting"),
        (2017, "realisatie"),
        (2018, "realisatie"),
    ]
    assert len(indicator_columns(frame(ROWS), "begroting", 2020)) == len(ROWS)


def test_jaren_limits_how_far_back_and_says_what_is_left_out():
    data = frame(ROWS)
    pairs = indicator_columns(data, "begroting", 2020, jaren=3)
    assert sorted({y for y, _ in pairs}) == [2018, 2019, 2020, 2021, 2022]  # later: always
    assert left_out(data, 2020, 3) == [2014, 2015, 2016, 2017]
    (problem,) = jaren_problems(data, jaar=2020, jaren=3, file="r/indicatoren.csv")
    assert problem.severity == "warning"
    assert str(problem) == (
        "r/indicatoren.csv: jaar: waarschuwing: 2014, 2015, 2016 en 2017 staan niet in de "
        "tabel (12 regels): rapport.yaml zegt jaren: 3"
    )
    assert jaren_problems(data, jaar=2020, jaren=None, file="x") == []
    assert jaren_problems(data, jaar=2020, jaren=7, file="x") == []


def test_dash_and_footnote_marker():
    table = indicator_table(
        frame(
            [
                ("p", "P-banen", 2019, "beoogd", None, None),
                ("p", "P-banen", 2020, "beoogd", None, "niet sturen"),
                ("b", "Beschut", 2019, "beoogd", 455.0, None),
                ("b", "Beschut", 2020, "beoogd", 1425.0, None),
            ]
        ),
        soort="begroting",
        jaar=2020,
    )
    assert [c.label for c in table.columns] == ["Beoogd 2019", "Beoogd 2020"]
    assert [[format_cell(c) for c in r.cells] for r in table.rows] == [
        ["-", "-"],
        ["455", "1.425"],
    ]
    assert [[c.markers for c in r.cells] for r in table.rows] == [[(), ("*",)], [(), ()]]
    assert table.footnotes == (("*", "niet sturen"),)
    assert table.marked_columns == {1}


def test_many_footnotes_get_letters_in_reading_order():
    """Markers were digits from the fourth footnote on: 150 with note 4 read 1504."""
    rows = [
        ("d", "D", 2017, "realisatie", 150.0, "noot 1"),  # file order is not reading order
        ("a", "A", 2017, "realisatie", 1.0, "noot 3"),
        ("a", "A", 2016, "realisatie", 2.0, "noot 2"),
        ("b", "B", 2017, "realisatie", 20.0, "noot 4"),
        ("c", "C", 2017, "realisatie", 3.0, "noot 3"),  # the same text: the same marker
    ]
    table = indicator_table(frame(rows), soort="jaarverslag", jaar=2017)
    assert [r.label for r in table.rows] == ["D", "A", "B", "C"]
    assert [[c.markers for c in r.cells] for r in table.rows] == [
        [(), ("a",)],
        [("b",), ("c",)],
        [(), ("d",)],
        [(), ("c",)],
    ]
    assert table.footnotes == (("a", "noot 1"), ("b", "noot 2"), ("c", "noot 3"), ("d", "noot 4"))
    assert [format_cell(c) for c in table.rows[0].cells] == ["-", "150"]


def test_euro_indicator_keeps_its_cents_throughout_its_row():
    rows = [
        ("k", "Kosten per traject", 2016, "realisatie", 100.0, None),
        ("k", "Kosten per traject", 2017, "realisatie", 100.4, None),
        ("w", "Hele euro's", 2016, "realisatie", 5000.0, None),
        ("w", "Hele euro's", 2017, "realisatie", 5250.0, None),
    ]
    data = frame(rows).assign(eenheid="euro")
    table = indicator_table(data, soort="jaarverslag", jaar=2017)
    assert [[format_cell(c) for c in r.cells] for r in table.rows] == [
        ["€ 100,00", "€ 100,40"],
        ["€ 5.000", "€ 5.250"],
    ]


# -- issue 26: values as typed, and indicators as reported -----------------------------------


def typed(tmp_path, text: str) -> pd.DataFrame:
    """``indicatoren.csv`` read as the build reads it (typed decimals and all)."""
    path = tmp_path / "indicatoren.csv"
    path.write_text(text, encoding="utf-8")
    data, problems = read_and_validate(path, "indicatoren", folder=tmp_path)
    assert not problems, problems
    return data


def printed(table) -> dict[str, list[str]]:
    return {r.label: [format_cell(c) for c in r.cells] for r in table.rows}


def test_a_value_keeps_the_decimals_it_was_typed_with(tmp_path):
    """``49,0`` printed ``49%``; one indicator, one number of decimals (``49,0%`` / ``51,5%``)."""
    data = typed(
        tmp_path,
        "id;indicator;jaar;soort;waarde;eenheid\n"
        "u;Uitstroom;2016;realisatie;49,0;percentage\n"
        "u;Uitstroom;2017;realisatie;51,5;percentage\n"
        "n;Aantal;2016;realisatie;12;aantal\n"
        "n;Aantal;2017;realisatie;13,50;aantal\n"
        "e;Kosten;2016;realisatie;100,405;euro\n"
        "e;Kosten;2017;realisatie;99;euro\n",
    )
    table = indicator_table(data, soort="jaarverslag", jaar=2017)
    assert printed(table) == {
        "Uitstroom": ["49,0%", "51,5%"],
        "Aantal": ["12,00", "13,50"],
        "Kosten": ["€ 100,41", "€ 99,00"],  # money: cents, never more
    }


def test_one_source_is_a_line_under_the_table(tmp_path):
    data = typed(
        tmp_path,
        "id;indicator;jaar;soort;waarde;bron;peildatum\n"
        "a;A;2016;realisatie;1;CBS;01-01-2017\n"
        "a;A;2017;realisatie;2;CBS;01-01-2017\n"
        "b;B;2017;realisatie;3;CBS;2017-01-01\n",
    )
    table = indicator_table(data, soort="jaarverslag", jaar=2017)
    assert table.sources == ("Bron: CBS; peildatum 1 januari 2017.",)
    assert table.footnotes == () and all(not r.markers for r in table.rows)


def test_sources_that_differ_are_footnotes_at_their_indicator_or_figure(tmp_path):
    data = typed(
        tmp_path,
        "id;indicator;jaar;soort;waarde;bron;peildatum;voetnoot\n"
        "a;A;2016;realisatie;1;CBS;;\n"
        "a;A;2017;realisatie;2;CBS;;\n"
        "b;B;2016;realisatie;3;Eigen registratie;;\n"
        "b;B;2017;realisatie;4;UWV;31-12-2017;geschat\n",
    )
    table = indicator_table(data, soort="jaarverslag", jaar=2017)
    assert table.sources == ()
    assert table.footnotes == (
        ("a", "Bron: CBS."),
        ("b", "Bron: Eigen registratie."),
        ("c", "geschat"),
        ("d", "Bron: UWV; peildatum 31 december 2017."),
    )
    a, b = table.rows
    assert a.markers == ("a",) and [c.markers for c in a.cells] == [(), ()]
    assert b.markers == () and [c.markers for c in b.cells] == [("b",), ("c", "d")]


def test_voorlopig_is_marked_and_without_a_value_it_is_nnb(tmp_path):
    data = typed(
        tmp_path,
        "id;indicator;jaar;soort;waarde;status\n"
        "a;A;2016;realisatie;10;definitief\n"
        "a;A;2017;begroting;12;\n"
        "a;A;2017;realisatie;11;voorlopig\n"
        "b;B;2016;realisatie;5;\n"
        "b;B;2017;begroting;6;\n"
        "b;B;2017;realisatie;;voorlopig\n"
        "c;C;2017;realisatie;;definitief\n",
    )
    table = indicator_table(data, soort="jaarverslag", jaar=2017)
    assert printed(table) == {
        "A": ["10", "12", "11"],
        "B": ["5", "6", "n.n.b."],  # voorlopig without a value: not yet known
        "C": ["-", "-", "-"],  # definitief without a value: no data
    }
    assert table.footnotes == (("*", "Voorlopig cijfer: kan nog veranderen."),)
    assert table.rows[0].cells[2].markers == ("*",) and table.rows[1].cells[2].markers == ()
    # the open data carries the status beside each value
    assert dict(table.rows[1].cells[2].extra) == {"status": "voorlopig"}
    facts = indicators(data)
    text = conclusion(facts["b"], "jaarverslag", 2017)
    assert "voor 2017 is de realisatie nog niet bekend (n.n.b.)" in text
    assert "nog niet te beoordelen" in text
    assert "De realisatie van 2017 is voorlopig." in conclusion(facts["a"], "jaarverslag", 2017)
