"""The indicator table: which (jaar, soort) columns a jaarverslag and a begroting show."""

from __future__ import annotations

import pandas as pd

from jaarverslag.compute.indicatoren import indicator_columns, indicator_table
from jaarverslag.numbers import format_cell


def frame(rows):
    data = pd.DataFrame(rows, columns=["id", "indicator", "jaar", "soort", "waarde", "voetnoot"])
    return data.assign(eenheid="aantal", richting="hoger")


ROWS = [
    ("a", "A", year, soort, 1.0, None)
    for year in range(2014, 2023)
    for soort in ("realisatie", "begroting", "beoogd")
]


def test_jaarverslag_columns():
    assert indicator_columns(frame(ROWS), "jaarverslag", 2017) == [
        (2016, "realisatie"),
        (2017, "begroting"),
        (2017, "beoogd"),
        (2017, "realisatie"),
    ]


def test_begroting_columns():
    assert indicator_columns(frame(ROWS), "begroting", 2020) == [
        (2018, "realisatie"),
        (2019, "begroting"),
        (2019, "beoogd"),
        (2019, "realisatie"),
        (2020, "begroting"),
        (2020, "beoogd"),
        (2021, "begroting"),
        (2021, "beoogd"),
        (2022, "begroting"),
        (2022, "beoogd"),
    ]


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
        ["-", "-*"],
        ["455", "1.425"],
    ]
    assert table.footnotes == (("*", "niet sturen"),)
