"""The kosten table: columns per document kind, totals, saldo, verschil and V/N, total lines.

Every expected figure is worked out by hand in the comments, not copied from the output.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from support.kosten_cases import kosten_frame

from jaarverslag.compute.bedragen import ROUNDING_HINT
from jaarverslag.compute.kosten import kosten_table, total_kind
from jaarverslag.core.errors import Problem
from jaarverslag.core.model import Table
from jaarverslag.core.numbers import format_cell

NAN = math.nan
P1, P2 = "6.4 Begeleide participatie", "6.5 Arbeidsparticipatie"


def kosten(*rows: tuple[str, str, int, str, float]) -> pd.DataFrame:
    return kosten_frame(rows)


def group(table: Table, name: str) -> dict[str, dict[str, object]]:
    """The rows of one group (Lasten, Baten, Saldo) as label → column key → value."""
    keys = [c.key for c in table.columns]
    result: dict[str, dict[str, object]] = {}
    current = None
    for row in table.rows:
        if row.kind == "groep":
            current = row.label
        elif current == name:
            result[row.label] = {k: c.value for k, c in zip(keys, row.cells, strict=True)}
    return result


# -- begroting --------------------------------------------------------------------------------

BEGROTING_2020 = kosten(
    (P1, "lasten", 2018, "realisatie", 1000),
    (P1, "lasten", 2019, "begroting", 1200),
    (P1, "lasten", 2019, "begroting_na_wijziging", 1300),
    (P1, "lasten", 2020, "begroting", 1250),
    (P1, "lasten", 2021, "begroting", 1250),
    (P1, "lasten", 2022, "begroting", 1240),
    (P1, "lasten", 2023, "begroting", 1230),
    (P2, "lasten", 2018, "realisatie", 500),
    (P2, "lasten", 2019, "begroting", 600),  # no wijziging: the reference is this begroting
    (P2, "lasten", 2020, "begroting", 700),
    (P1, "baten", 2018, "realisatie", 200),
    (P1, "baten", 2019, "begroting", 300),
    (P1, "baten", 2019, "begroting_na_wijziging", 250),
    (P1, "baten", 2020, "begroting", 280),
    (P2, "baten", 2019, "begroting", 100),
    (P2, "baten", 2020, "begroting", 80),
)


def test_begroting_columns_follow_the_document_kind() -> None:
    table, problems = kosten_table(BEGROTING_2020, soort="begroting", jaar=2020, file="k.csv")
    # the primitieve 2019 of the posts with a na wijziging is not printed, and check says so
    assert [str(p) for p in problems] == [
        "k.csv: stand: waarschuwing: de primitieve begroting 2019 staat niet in de kostentabel "
        "waar een post een begroting 2019 na wijziging heeft (2 regels): een begroting zet de "
        "begroting 2020 naast de laatste stand van 2019"
    ]
    assert table.name == "kosten"
    assert [c.key for c in table.columns] == [
        "realisatie_2018",
        "begroting_na_wijziging_2019",
        "begroting_2020",
        "verschil",
        "vn",
        "begroting_2021",
        "begroting_2022",
        "begroting_2023",
    ]
    assert [c.label for c in table.columns][:3] == [
        "Realisatie 2018",
        "Begroting 2019 na wijziging",
        "Begroting 2020",
    ]
    assert [r.label for r in table.rows if r.kind == "groep"] == ["Lasten", "Baten", "Saldo"]
    assert [r.label for r in table.rows if r.kind == "totaal"] == [
        "Totaal lasten",
        "Totaal baten",
        "Saldo van baten en lasten",
    ]


def test_begroting_lasten_verschil_is_reference_minus_begroting() -> None:
    table, _ = kosten_table(BEGROTING_2020, soort="begroting", jaar=2020, file="k.csv")
    lasten = group(table, "Lasten")
    # P1: reference = 2019 na wijziging 1300 (not the primitive 1200); 1300 - 1250 = 50 V.
    assert lasten[P1]["begroting_na_wijziging_2019"] == 1300
    assert (lasten[P1]["verschil"], lasten[P1]["vn"]) == (50, "V")
    # P2: no wijziging, so the reference is the begroting 600; 600 - 700 = -100 N.
    assert lasten[P2]["begroting_na_wijziging_2019"] == 600
    assert (lasten[P2]["verschil"], lasten[P2]["vn"]) == (-100, "N")
    # Totals: 1300 + 600 = 1900 against 1250 + 700 = 1950: -50 N.
    total = lasten["Totaal lasten"]
    assert (total["begroting_na_wijziging_2019"], total["begroting_2020"]) == (1900, 1950)
    assert (total["verschil"], total["vn"]) == (-50, "N")
    # Realisatie 2018: 1000 + 500.
    assert total["realisatie_2018"] == 1500
    # Meerjarenraming: only P1 has figures; P2 stays "no data", the total is what is present.
    assert lasten[P2]["begroting_2021"] is None
    assert total["begroting_2021"] == 1250


def test_begroting_baten_and_saldo_verschil_is_begroting_minus_reference() -> None:
    table, _ = kosten_table(BEGROTING_2020, soort="begroting", jaar=2020, file="k.csv")
    baten, saldo = group(table, "Baten"), group(table, "Saldo")
    # Baten P1: 280 - 250 = 30 V; P2: 80 - 100 = -20 N; total 360 - 350 = 10 V.
    assert (baten[P1]["verschil"], baten[P1]["vn"]) == (30, "V")
    assert (baten[P2]["verschil"], baten[P2]["vn"]) == (-20, "N")
    assert (baten["Totaal baten"]["verschil"], baten["Totaal baten"]["vn"]) == (10, "V")
    # No baten in the meerjarenraming at all: no data, never 0.
    assert baten["Totaal baten"]["begroting_2021"] is None
    # Saldo P1: reference 250 - 1300 = -1050, begroting 280 - 1250 = -970; -970 + 1050 = 80 V.
    assert saldo[P1]["begroting_na_wijziging_2019"] == -1050
    assert saldo[P1]["begroting_2020"] == -970
    assert (saldo[P1]["verschil"], saldo[P1]["vn"]) == (80, "V")
    # Saldo P2: 100 - 600 = -500 and 80 - 700 = -620; -620 + 500 = -120 N.
    assert (saldo[P2]["verschil"], saldo[P2]["vn"]) == (-120, "N")
    # Saldo total: 350 - 1900 = -1550 and 360 - 1950 = -1590; -40 N (= 10 V + -50 N).
    total = saldo["Saldo van baten en lasten"]
    assert (total["begroting_na_wijziging_2019"], total["begroting_2020"]) == (-1550, -1590)
    assert (total["verschil"], total["vn"]) == (-40, "N")
    # Realisatie 2018: P1 200 - 1000 = -800; P2 has lasten only: -500; total -1300.
    assert saldo[P1]["realisatie_2018"] == -800
    assert saldo[P2]["realisatie_2018"] == -500
    assert total["realisatie_2018"] == -1300


def test_begroting_without_wijziging_uses_the_begroting_column() -> None:
    frame = kosten(
        (P1, "lasten", 2019, "begroting", 100),
        (P1, "lasten", 2020, "begroting", 90),
    )
    table, _ = kosten_table(frame, soort="begroting", jaar=2020, file="k.csv")
    # Columns without any data (realisatie 2018, meerjarenraming) are left out.
    assert [c.key for c in table.columns] == ["begroting_2019", "begroting_2020", "verschil", "vn"]
    assert table.columns[0].label == "Begroting 2019"
    lasten = group(table, "Lasten")
    assert (lasten[P1]["verschil"], lasten[P1]["vn"]) == (10, "V")  # 100 - 90


def test_no_reference_means_no_verschil_column() -> None:
    frame = kosten((P1, "lasten", 2020, "begroting", 90), (P1, "lasten", 2018, "realisatie", 80))
    table, _ = kosten_table(frame, soort="begroting", jaar=2020, file="k.csv")
    assert [c.key for c in table.columns] == ["realisatie_2018", "begroting_2020"]


# -- jaarverslag ------------------------------------------------------------------------------

JAARVERSLAG_2019 = kosten(
    (P1, "lasten", 2019, "begroting", 1000),
    (P1, "lasten", 2019, "begroting_na_wijziging", 1100),
    (P1, "lasten", 2019, "realisatie", 1150),
    (P2, "lasten", 2019, "begroting", 400),
    (P2, "lasten", 2019, "realisatie", 350),
    (P1, "baten", 2019, "begroting", 100),
    (P1, "baten", 2019, "begroting_na_wijziging", 120),
    (P1, "baten", 2019, "realisatie", 90),
    (P2, "baten", 2019, "begroting", 0),
    (P2, "baten", 2019, "realisatie", 10),
    (P1, "lasten", 2018, "realisatie", 999),  # the previous year's realisatie: shown
)


def test_jaarverslag_columns() -> None:
    table, _ = kosten_table(JAARVERSLAG_2019, soort="jaarverslag", jaar=2019, file="k.csv")
    # As real jaarstukken: Realisatie t-1, Primitieve begroting t, Begroting t na wijziging,
    # Realisatie t, Verschil, V/N.
    assert [c.key for c in table.columns] == [
        "realisatie_2018",
        "begroting_2019",
        "begroting_na_wijziging_2019",
        "realisatie_2019",
        "verschil",
        "vn",
    ]
    assert [c.label for c in table.columns][:4] == [
        "Realisatie 2018",
        "Primitieve begroting 2019",
        "Begroting 2019 na wijziging",
        "Realisatie 2019",
    ]
    assert table.caption == "Wat heeft het gekost?"


def test_jaarverslag_lasten_verschil_against_latest_begroting() -> None:
    table, _ = kosten_table(JAARVERSLAG_2019, soort="jaarverslag", jaar=2019, file="k.csv")
    lasten = group(table, "Lasten")
    # P1: latest stand 1100 - realisatie 1150 = -50 N.
    assert (lasten[P1]["verschil"], lasten[P1]["vn"]) == (-50, "N")
    # P2 has no wijziging: its primitieve 400 is carried forward (so the column adds up);
    # 400 - 350 = 50 V.
    assert lasten[P2]["begroting_na_wijziging_2019"] == 400
    assert (lasten[P2]["verschil"], lasten[P2]["vn"]) == (50, "V")
    # Totals: na wijziging 1100 + 400 = 1500, realisatie 1150 + 350 = 1500: 0, no V or N.
    total = lasten["Totaal lasten"]
    assert (total["begroting_2019"], total["realisatie_2019"]) == (1400, 1500)
    assert total["begroting_na_wijziging_2019"] == 1500
    assert (total["verschil"], total["vn"]) == (0, "")


def test_jaarverslag_baten_and_saldo() -> None:
    table, _ = kosten_table(JAARVERSLAG_2019, soort="jaarverslag", jaar=2019, file="k.csv")
    baten, saldo = group(table, "Baten"), group(table, "Saldo")
    # Baten P1: 90 - 120 = -30 N; P2: 10 - 0 = 10 V (a real 0 is data); total 100 - 120 = -20 N.
    assert (baten[P1]["verschil"], baten[P1]["vn"]) == (-30, "N")
    assert baten[P2]["begroting_2019"] == 0
    assert (baten[P2]["verschil"], baten[P2]["vn"]) == (10, "V")
    assert (baten["Totaal baten"]["verschil"], baten["Totaal baten"]["vn"]) == (-20, "N")
    # Saldo P1: (90 - 1150) - (120 - 1100) = -1060 + 980 = -80 N.
    assert (saldo[P1]["realisatie_2019"], saldo[P1]["verschil"]) == (-1060, -80)
    assert saldo[P1]["vn"] == "N"
    # Saldo P2: (10 - 350) - (0 - 400) = -340 + 400 = 60 V.
    assert (saldo[P2]["verschil"], saldo[P2]["vn"]) == (60, "V")
    # Saldo total: (100 - 1500) - (120 - 1500) = -20 N.
    total = saldo["Saldo van baten en lasten"]
    assert (total["realisatie_2019"], total["verschil"], total["vn"]) == (-1400, -20, "N")


def test_printed_values() -> None:
    table, _ = kosten_table(JAARVERSLAG_2019, soort="jaarverslag", jaar=2019, file="k.csv")
    lasten_p2 = next(r for r in table.rows if r.label == P2)
    assert [format_cell(c) for c in lasten_p2.cells] == [
        "-",
        "€ 400",
        "€ 400",  # carried forward: in italics, with the footnote
        "€ 350",
        "€ 50",
        "V",
    ]
    assert [(c.emphasis, c.markers) for c in lasten_p2.cells[1:3]] == [(False, ()), (True, ("*",))]
    assert table.footnotes == (
        ("*", "Geen begroting na wijziging: de primitieve begroting is overgenomen (cursief)."),
    )
    baten_p2 = [r for r in table.rows if r.label == P2][1]
    assert format_cell(baten_p2.cells[1]) == "€ 0"


# -- missing data, order, noise, unit ---------------------------------------------------------


def test_missing_values_stay_missing_and_totals_sum_what_is_present() -> None:
    frame = kosten(
        (P1, "lasten", 2019, "realisatie", NAN),
        (P2, "lasten", 2019, "realisatie", NAN),
        (P1, "lasten", 2019, "begroting", 100),
        (P2, "lasten", 2019, "begroting", NAN),
    )
    table, _ = kosten_table(frame, soort="jaarverslag", jaar=2019, file="k.csv")
    lasten = group(table, "Lasten")
    assert lasten[P2]["begroting_2019"] is None
    assert lasten["Totaal lasten"]["begroting_2019"] == 100
    # Realisatie is all "no data": the column is not shown at all, nor a verschil.
    assert [c.key for c in table.columns] == ["begroting_2019"]


def test_all_missing_total_is_none() -> None:
    frame = kosten(
        (P1, "lasten", 2019, "realisatie", 5),
        (P1, "lasten", 2019, "begroting", NAN),
        (P2, "lasten", 2019, "begroting", 7),
        (P2, "lasten", 2019, "realisatie", NAN),
        (P1, "baten", 2019, "realisatie", NAN),
        (P1, "baten", 2019, "begroting", NAN),
    )
    table, _ = kosten_table(frame, soort="jaarverslag", jaar=2019, file="k.csv")
    baten = group(table, "Baten")
    assert baten["Totaal baten"] == {
        "begroting_2019": None,
        "realisatie_2019": None,
        "verschil": None,
        "vn": "",
    }
    # P1 has no begroting: its verschil is -realisatie, as a controller counts it.
    assert group(table, "Lasten")[P1]["verschil"] == -5
    assert group(table, "Lasten")[P1]["vn"] == "N"


def test_posts_keep_file_order() -> None:
    frame = kosten(
        ("Zeta", "lasten", 2019, "realisatie", 1),
        ("Alfa", "baten", 2019, "realisatie", 2),
        ("Alfa", "lasten", 2019, "realisatie", 3),
    )
    table, _ = kosten_table(frame, soort="jaarverslag", jaar=2019, file="k.csv")
    assert list(group(table, "Lasten")) == ["Zeta", "Alfa", "Totaal lasten"]
    assert list(group(table, "Saldo")) == ["Zeta", "Alfa", "Saldo van baten en lasten"]


def test_float_noise_does_not_make_a_verschil() -> None:
    frame = kosten(
        (P1, "lasten", 2019, "begroting", 0.1),
        (P2, "lasten", 2019, "begroting", 0.2),
        (P1, "lasten", 2019, "realisatie", 0.3),
        (P2, "lasten", 2019, "realisatie", 0.0),
    )
    table, _ = kosten_table(frame, soort="jaarverslag", jaar=2019, file="k.csv")
    total = group(table, "Lasten")["Totaal lasten"]
    assert (total["begroting_2019"], total["verschil"], total["vn"]) == (0.3, 0, "")


def test_note_for_thousands() -> None:
    frame = kosten((P1, "lasten", 2019, "begroting", 1))
    thousands, _ = kosten_table(
        frame, soort="jaarverslag", jaar=2019, file="k.csv", bedragen_in=1000
    )
    euros, _ = kosten_table(frame, soort="jaarverslag", jaar=2019, file="k.csv")
    assert thousands.note == "(x € 1.000)"
    assert euros.note is None


def test_bad_arguments() -> None:
    frame = kosten((P1, "lasten", 2019, "begroting", 1))
    with pytest.raises(ValueError):
        kosten_table(frame, soort="beleidsplan", jaar=2019, file="k.csv")
    with pytest.raises(ValueError):
        kosten_table(frame, soort="begroting", jaar=2019, file="k.csv", totals="fatal")


# -- total lines in the input -----------------------------------------------------------------


def test_total_kind() -> None:
    posts = pd.Series(
        [
            "Totaal lasten",
            "TOTALE baten",
            "Subtotaal 6",
            "saldo",
            "Saldo van baten en lasten",
            "6.4 Totaalpakket",
            "Saldering",
        ]
    )
    assert list(total_kind(posts)) == ["totaal", "totaal", "subtotaal", "saldo", "saldo", "", ""]


def test_total_line_mismatch_is_reported_on_its_line_and_not_printed() -> None:
    frame = kosten(
        (P1, "lasten", 2019, "realisatie", 1000),
        (P2, "lasten", 2019, "realisatie", 234.5),
        ("Totaal lasten", "lasten", 2019, "realisatie", 1235),  # line 4: 1234,5 really
        (P1, "baten", 2019, "realisatie", 100),
        ("Totaal baten", "baten", 2019, "realisatie", 100),  # line 6: right
    )
    table, problems = kosten_table(frame, soort="jaarverslag", jaar=2019, file="kosten.csv")
    assert problems == [
        Problem(
            "kosten.csv",
            4,
            "bedrag",
            "Totaal lasten is 1.235, maar de som van de posten is 1.234,5" + ROUNDING_HINT,
        )
    ]
    assert str(problems[0]) == (
        "kosten.csv:4: bedrag: Totaal lasten is 1.235, maar de som van de posten is 1.234,5 "
        "(een afrondingsverschil? met totaalcontrole: warning in rapport.yaml wordt dit een "
        "waarschuwing; de tabel toont altijd de som van de posten)"
    )
    # The input's total lines are not posts: our own total is printed once.
    assert list(group(table, "Lasten")) == [P1, P2, "Totaal lasten"]
    assert group(table, "Lasten")["Totaal lasten"]["realisatie_2019"] == 1234.5


def test_total_line_severity_can_be_a_warning() -> None:
    frame = kosten((P1, "lasten", 2019, "begroting", 1), ("totaal", "lasten", 2019, "begroting", 2))
    _, problems = kosten_table(
        frame, soort="jaarverslag", jaar=2019, file="k.csv", totals="warning"
    )
    assert [(p.line, p.severity) for p in problems] == [(3, "warning")]


def test_totals_are_checked_per_soort_jaar_and_stand() -> None:
    frame = kosten(
        (P1, "lasten", 2019, "begroting", 10),
        (P1, "lasten", 2019, "realisatie", 20),
        (P1, "lasten", 2018, "begroting", 30),
        ("Totaal", "lasten", 2019, "begroting", 10),
        ("Totaal", "lasten", 2019, "realisatie", 20),
        ("Totaal", "lasten", 2018, "begroting", 31),  # line 7
        ("Totaal", "baten", 2019, "begroting", 5),  # no baten posts: nothing to compare
    )
    _, problems = kosten_table(frame, soort="jaarverslag", jaar=2019, file="k.csv")
    assert [(p.line, p.message) for p in problems if p.severity == "error"] == [
        (7, "Totaal is 31, maar de som van de posten is 30")
    ]


def test_subtotal_lines_cover_the_posts_above_them_and_saldo_is_baten_minus_lasten() -> None:
    frame = kosten(
        ("A", "lasten", 2019, "realisatie", 1),
        ("B", "lasten", 2019, "realisatie", 2),
        ("Subtotaal programma 1", "lasten", 2019, "realisatie", 3),
        ("C", "lasten", 2019, "realisatie", 4),
        ("Subtotaal programma 2", "lasten", 2019, "realisatie", 5),  # line 6: 4 really
        ("Totaal lasten", "lasten", 2019, "realisatie", 7),
        ("A", "baten", 2019, "realisatie", 10),
        ("Saldo", "baten", 2019, "realisatie", 2),  # line 9: 10 - 7 = 3 really
    )
    table, problems = kosten_table(frame, soort="jaarverslag", jaar=2019, file="k.csv")
    assert [(p.line, p.message) for p in problems] == [
        (6, "Subtotaal programma 2 is 5, maar de som van de posten is 4"),
        (9, "Saldo is 2, maar de som van de posten is 3"),
    ]
    assert list(group(table, "Lasten")) == ["A", "B", "C", "Totaal lasten"]


def test_a_rounding_difference_in_a_published_total_says_how_to_accept_it() -> None:
    """Amounts in thousands, each rounded: 1.234 + 2.345 + 3.457 = 7.036, published as 7.037.
    Still an error by default (the input disagrees with itself), with the way out named; a
    difference that can't be rounding (31 against 30) gets no such hint."""
    frame = kosten(
        ("Werk", "lasten", 2017, "realisatie", 1234),
        ("Inkomen", "lasten", 2017, "realisatie", 2345),
        ("Participatie", "lasten", 2017, "realisatie", 3457),
        ("Totaal lasten", "lasten", 2017, "realisatie", 7037),
    )
    _, problems = kosten_table(frame, soort="jaarverslag", jaar=2017, file="k.csv")
    assert [(p.severity, p.message) for p in problems] == [
        ("error", "Totaal lasten is 7.037, maar de som van de posten is 7.036" + ROUNDING_HINT)
    ]
    _, problems = kosten_table(
        frame, soort="jaarverslag", jaar=2017, file="k.csv", totals="warning"
    )
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "Totaal lasten is 7.037, maar de som van de posten is 7.036")
    ]


# -- rounding ---------------------------------------------------------------------------------


def test_totals_in_thousands_whose_printed_posts_dont_add_up_get_the_rounding_note() -> None:
    """Amounts in thousands print without decimals: lasten 1,4 + 1,4 print 1 + 1 beside a total
    of 2,8 that prints 3, so that total is marked and the note says why. The baten 1,2 + 1,2
    print 1 + 1 = 2 beside 2,4 → 2: they add up and stay unmarked."""
    frame = kosten(
        (P1, "lasten", 2020, "begroting", 1.4),
        (P2, "lasten", 2020, "begroting", 1.4),
        (P1, "baten", 2020, "begroting", 1.2),
        (P2, "baten", 2020, "begroting", 1.2),
    )
    table, _ = kosten_table(frame, soort="begroting", jaar=2020, file="k.csv", bedragen_in=1000)
    printed = {(r.label, r.kind): [format_cell(c) for c in r.cells] for r in table.rows}
    assert printed[("Totaal lasten", "totaal")] == ["€ 3"]
    assert [c.markers for r in table.rows if r.label == "Totaal lasten" for c in r.cells] == [
        ("*",)
    ]
    assert [c.markers for r in table.rows if r.label == "Totaal baten" for c in r.cells] == [()]
    # Saldo per post: −0,2 and −0,2 print −0 and −0 beside −0,4 → −0: they add up, no mark
    assert table.footnotes == (
        ("*", "Door afronding is dit totaal niet precies de som van de getoonde delen."),
    )


def test_totals_that_add_up_on_paper_get_no_note() -> None:
    table, _ = kosten_table(BEGROTING_2020, soort="begroting", jaar=2020, file="k.csv")
    assert not [f for f in table.footnotes if "afronding" in f[1]]
