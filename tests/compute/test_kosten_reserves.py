"""The kosten table runs on to the resultaat, as the BBV's overview per programma does: lasten,
baten, saldo van baten en lasten, toevoegingen aan reserves, onttrekkingen aan reserves and the
resultaat (= saldo − toevoegingen + onttrekkingen), each with verschil and V/N.

Every expected figure is worked out by hand in the comments.
"""

from __future__ import annotations

import pandas as pd
from support.helpers import write_rapport
from support.kosten_cases import kosten_frame

from jaarverslag.compute.kosten import kosten_table
from jaarverslag.core.model import Table
from jaarverslag.core.numbers import format_cell
from jaarverslag.inputs.folder import read_inputs

P1 = "6.4 Begeleide participatie"
R1, R2 = "Reserve re-integratie", "Reserve sociaal domein"


def kosten(*rows: tuple[str, str, int, str, float]) -> pd.DataFrame:
    return kosten_frame(rows)


def grid(table: Table) -> list[tuple[str, str, list[str]]]:
    """(row kind, label, printed cells) of every row but the group headers."""
    return [
        (r.kind, r.label, [format_cell(c) for c in r.cells])
        for r in table.rows
        if r.kind != "groep"
    ]


JAARVERSLAG_2024 = kosten(
    (P1, "lasten", 2023, "realisatie", 900),
    (P1, "lasten", 2024, "begroting", 1000),
    (P1, "lasten", 2024, "begroting_na_wijziging", 1100),
    (P1, "lasten", 2024, "realisatie", 1150),
    (P1, "baten", 2023, "realisatie", 250),
    (P1, "baten", 2024, "begroting", 300),
    (P1, "baten", 2024, "realisatie", 320),
    (R1, "toevoeging", 2023, "realisatie", 40),
    (R1, "toevoeging", 2024, "begroting", 50),
    (R1, "toevoeging", 2024, "begroting_na_wijziging", 80),
    (R1, "toevoeging", 2024, "realisatie", 80),
    (R2, "onttrekking", 2023, "realisatie", 100),
    (R2, "onttrekking", 2024, "begroting", 200),
    (R2, "onttrekking", 2024, "begroting_na_wijziging", 250),
    (R2, "onttrekking", 2024, "realisatie", 230),
)


def test_a_jaarverslag_runs_on_to_the_gerealiseerd_resultaat() -> None:
    table, problems = kosten_table(JAARVERSLAG_2024, soort="jaarverslag", jaar=2024, file="k.csv")
    assert problems == []
    assert [c.key for c in table.columns] == [
        "realisatie_2023",
        "begroting_2024",
        "begroting_na_wijziging_2024",
        "realisatie_2024",
        "verschil",
        "vn",
    ]
    assert [r.label for r in table.rows if r.kind == "groep"] == [
        "Lasten",
        "Baten",
        "Saldo",
        "Toevoegingen aan reserves",
        "Onttrekkingen aan reserves",
    ]
    assert grid(table) == [
        # lasten: 1100 − 1150 = −50 N
        ("post", P1, ["€ 900", "€ 1.000", "€ 1.100", "€ 1.150", "€ -50", "N"]),
        ("totaal", "Totaal lasten", ["€ 900", "€ 1.000", "€ 1.100", "€ 1.150", "€ -50", "N"]),
        # baten: primitief 300 carried forward; 320 − 300 = 20 V
        ("post", P1, ["€ 250", "€ 300", "€ 300", "€ 320", "€ 20", "V"]),
        ("totaal", "Totaal baten", ["€ 250", "€ 300", "€ 300", "€ 320", "€ 20", "V"]),
        # saldo: 250 − 900, 300 − 1000, 300 − 1100, 320 − 1150; −830 − −800 = −30 N
        ("post", P1, ["€ -650", "€ -700", "€ -800", "€ -830", "€ -30", "N"]),
        (
            "totaal",
            "Saldo van baten en lasten",
            ["€ -650", "€ -700", "€ -800", "€ -830", "€ -30", "N"],
        ),
        # toevoegingen count as lasten: 80 − 80 = 0, no V or N
        ("post", R1, ["€ 40", "€ 50", "€ 80", "€ 80", "€ 0", ""]),
        ("totaal", "Totaal toevoegingen", ["€ 40", "€ 50", "€ 80", "€ 80", "€ 0", ""]),
        # onttrekkingen count as baten: 230 − 250 = −20 N
        ("post", R2, ["€ 100", "€ 200", "€ 250", "€ 230", "€ -20", "N"]),
        ("totaal", "Totaal onttrekkingen", ["€ 100", "€ 200", "€ 250", "€ 230", "€ -20", "N"]),
        # resultaat = saldo − toevoegingen + onttrekkingen:
        # 2023 −650 − 40 + 100 = −590; primitief −700 − 50 + 200 = −550;
        # na wijziging −800 − 80 + 250 = −630; realisatie −830 − 80 + 230 = −680;
        # −680 − −630 = −50 N (= saldo −30, toevoegingen 0, onttrekkingen −20)
        (
            "totaal",
            "Gerealiseerd resultaat",
            ["€ -590", "€ -550", "€ -630", "€ -680", "€ -50", "N"],
        ),
    ]


def test_a_begroting_runs_on_to_the_geraamd_resultaat_with_the_meerjarenraming() -> None:
    frame = kosten(
        (P1, "lasten", 2024, "begroting", 500),
        (P1, "lasten", 2025, "begroting", 600),
        (P1, "lasten", 2026, "begroting", 610),
        (R1, "toevoeging", 2024, "begroting", 10),
        (R1, "toevoeging", 2025, "begroting", 30),
        (R2, "onttrekking", 2025, "begroting", 40),
    )
    table, problems = kosten_table(frame, soort="begroting", jaar=2025, file="k.csv")
    assert problems == []
    # The years after the begrotingsjaar are the meerjarenraming, headed as such.
    assert [c.label for c in table.columns] == [
        "Begroting 2024",
        "Begroting 2025",
        "Verschil",
        "V/N",
        "Raming 2026",
    ]
    assert grid(table) == [
        ("post", P1, ["€ 500", "€ 600", "€ -100", "N", "€ 610"]),
        ("totaal", "Totaal lasten", ["€ 500", "€ 600", "€ -100", "N", "€ 610"]),
        ("post", P1, ["€ -500", "€ -600", "€ -100", "N", "€ -610"]),
        ("totaal", "Saldo van baten en lasten", ["€ -500", "€ -600", "€ -100", "N", "€ -610"]),
        # a higher toevoeging is nadelig: 10 − 30 = −20 N
        ("post", R1, ["€ 10", "€ 30", "€ -20", "N", "-"]),
        ("totaal", "Totaal toevoegingen", ["€ 10", "€ 30", "€ -20", "N", "-"]),
        # an onttrekking where none was begroot is voordelig: 40 − 0 = 40 V
        ("post", R2, ["-", "€ 40", "€ 40", "V", "-"]),
        ("totaal", "Totaal onttrekkingen", ["-", "€ 40", "€ 40", "V", "-"]),
        # 2024: −500 − 10 = −510; 2025: −600 − 30 + 40 = −590, so −80 N; 2026: −610
        ("totaal", "Geraamd resultaat", ["€ -510", "€ -590", "€ -80", "N", "€ -610"]),
    ]


def test_a_table_without_reserve_rows_ends_at_the_saldo() -> None:
    frame = kosten((P1, "lasten", 2024, "begroting", 5), (P1, "lasten", 2024, "realisatie", 6))
    table, _ = kosten_table(frame, soort="jaarverslag", jaar=2024, file="k.csv")
    assert table.rows[-1].label == "Saldo van baten en lasten"
    assert not any("resultaat" in r.label.lower() for r in table.rows)


def test_only_toevoegingen_still_give_a_resultaat() -> None:
    frame = kosten(
        (P1, "lasten", 2024, "realisatie", 100),
        (R1, "toevoeging", 2024, "realisatie", 20),
    )
    table, _ = kosten_table(frame, soort="jaarverslag", jaar=2024, file="k.csv")
    assert [r.label for r in table.rows if r.kind == "groep"] == [
        "Lasten",
        "Saldo",
        "Toevoegingen aan reserves",
    ]
    # −100 − 20 = −120
    assert grid(table)[-1] == ("totaal", "Gerealiseerd resultaat", ["€ -120"])


def test_a_reserve_booked_on_a_taakveld_is_no_post_of_the_saldo() -> None:
    """A reserve mutation named after its taakveld stays out of the saldo per post."""
    frame = kosten(
        (P1, "lasten", 2024, "realisatie", 100),
        (P1, "onttrekking", 2024, "realisatie", 30),
        ("0.10 Mutaties reserves", "toevoeging", 2024, "realisatie", 5),
    )
    table, _ = kosten_table(frame, soort="jaarverslag", jaar=2024, file="k.csv")
    assert grid(table) == [
        ("post", P1, ["€ 100"]),
        ("totaal", "Totaal lasten", ["€ 100"]),
        ("post", P1, ["€ -100"]),
        ("totaal", "Saldo van baten en lasten", ["€ -100"]),
        ("post", "0.10 Mutaties reserves", ["€ 5"]),
        ("totaal", "Totaal toevoegingen", ["€ 5"]),
        ("post", P1, ["€ 30"]),
        ("totaal", "Totaal onttrekkingen", ["€ 30"]),
        ("totaal", "Gerealiseerd resultaat", ["€ -75"]),  # −100 − 5 + 30
    ]


def test_total_lines_of_reserves_and_the_resultaat_are_checked() -> None:
    frame = kosten(
        (P1, "lasten", 2024, "realisatie", 100),
        (P1, "baten", 2024, "realisatie", 40),
        (R1, "toevoeging", 2024, "realisatie", 20),
        (R2, "toevoeging", 2024, "realisatie", 5),
        ("Totaal toevoegingen", "toevoeging", 2024, "realisatie", 26),  # line 6: 25 really
        (R2, "onttrekking", 2024, "realisatie", 50),
        ("Saldo van baten en lasten", "lasten", 2024, "realisatie", -60),  # right
        ("Gerealiseerd resultaat", "lasten", 2024, "realisatie", -30),  # line 9: −35 really
        ("Resultaat", "baten", 2024, "realisatie", -35),  # right: −60 − 25 + 50
    )
    table, problems = kosten_table(frame, soort="jaarverslag", jaar=2024, file="k.csv")
    assert [(p.line, p.message) for p in problems] == [
        (6, "Totaal toevoegingen is 26, maar de som van de posten is 25"),
        (9, "Gerealiseerd resultaat is -30, maar de som van de posten is -35"),
    ]
    assert grid(table)[-1] == ("totaal", "Gerealiseerd resultaat", ["€ -35"])
    assert sum(r.label == "Gerealiseerd resultaat" for r in table.rows) == 1


def test_onttrekkingen_entered_negative_as_in_the_ledger_are_warned_about() -> None:
    frame = kosten(
        (P1, "lasten", 2024, "realisatie", 100),
        (R2, "onttrekking", 2024, "realisatie", -30),
    )
    _, problems = kosten_table(frame, soort="jaarverslag", jaar=2024, file="k.csv")
    assert [(p.severity, p.column, p.message) for p in problems] == [
        (
            "warning",
            "bedrag",
            "alle onttrekkingen zijn negatief ingevoerd, zoals in het grootboek; de tabel telt "
            "onttrekkingen positief (resultaat = saldo − toevoegingen + onttrekkingen): voer "
            "onttrekkingen als positieve bedragen in",
        )
    ]


def test_kosten_csv_takes_toevoeging_and_onttrekking(tmp_path) -> None:
    rapport = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": "titel: T\norganisatie: O\nsoort: jaarverslag\njaar: 2024\n",
            "kosten.csv": "post,soort,jaar,stand,bedrag\n"
            f"{P1},lasten,2024,realisatie,10\n"
            f"{R1},toevoeging,2024,realisatie,2\n"
            f"{R2},onttrekking,2024,realisatie,3\n"
            f"{R2},mutatie,2024,realisatie,3\n",
        },
    )
    _, problems = read_inputs(rapport)
    assert [str(p) for p in problems] == [
        f"{rapport}/kosten.csv:5: soort: 'mutatie' is geen toegestane waarde "
        "(lasten, baten, toevoeging, onttrekking)"
    ]
