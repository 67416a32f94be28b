"""Kosten that add up on paper: properties over random kosten files, checked on the printed text.

A controller checks a kosten table with a pencil: every printed total is the sum of the printed
posts, every printed verschil the difference of the printed columns (a dash counting as 0), the
saldo is baten − lasten and the resultaat saldo − toevoegingen + onttrekkingen in every column,
V/N follows the sign of the verschil by the BBV's rules for every kind of row (higher lasten or
toevoegingen nadelig; higher baten, onttrekkingen, saldo or resultaat voordelig), and one table
prints one number of decimals. These properties read the figures back from what is printed
(:func:`format_cell`) and from the open data, never from the computation's own numbers.
"""

from __future__ import annotations

import csv
import io
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from support.kosten_cases import JAAR, kosten_files, kosten_frame, number
from support.readback import without_units

from jaarverslag.compute.kosten import kosten_table
from jaarverslag.core.model import Table
from jaarverslag.core.numbers import format_cell
from jaarverslag.render.opendata import table_csv

#: Group header → its total line; the resultaat is a line of its own.
TOTALS = {
    "Lasten": "Totaal lasten",
    "Baten": "Totaal baten",
    "Saldo": "Saldo van baten en lasten",
    "Toevoegingen aan reserves": "Totaal toevoegingen",
    "Onttrekkingen aan reserves": "Totaal onttrekkingen",
}
RESULTAAT = {"jaarverslag": "Gerealiseerd resultaat", "begroting": "Geraamd resultaat"}
#: The groups where a higher amount is nadelig: their verschil is reference − report.
COSTS = ("Lasten", "Toevoegingen aan reserves")


def printed(table: Table) -> dict[str, dict[str, dict[str, str]]]:
    """group → row label → column key → the printed text; a total line after the last group
    (the resultaat) is a group of its own, under its label."""
    keys = [c.key for c in table.columns]
    result: dict[str, dict[str, dict[str, str]]] = {}
    group: str | None = None
    for row in table.rows:
        if row.kind == "groep":
            group = row.label
            result[group] = {}
            continue
        texts = dict(zip(keys, [format_cell(c) for c in row.cells], strict=True))
        if group is None:
            result[row.label] = {row.label: texts}
            continue
        result[group][row.label] = texts
        if row.kind == "totaal":
            group = None
    return result


def zero(value: Fraction | None) -> Fraction:
    return Fraction(0) if value is None else value


def reference_key(table: Table) -> str:
    """The printed column the verschil is measured against: the one before the report column."""
    keys = [c.key for c in table.columns]
    report = keys[keys.index("verschil") - 1]
    candidates = [k for k in keys[: keys.index(report)] if not k.startswith("realisatie")]
    return candidates[-1]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(kosten_files())
def test_printed_kosten_add_up(case: tuple[str, pd.DataFrame]) -> None:
    soort, frame = case
    table, _ = kosten_table(frame, soort=soort, jaar=JAAR, file="kosten.csv")
    text = printed(table)
    keys = [c.key for c in table.columns]
    amounts = [k for k in keys if k != "vn"]
    resultaat = RESULTAAT[soort]
    reserves = "Toevoegingen aan reserves" in text or "Onttrekkingen aan reserves" in text
    assert (resultaat in text) == reserves
    if table.columns:  # a table with columns shows every reserve mutation given
        assert reserves == bool(frame["soort"].isin(["toevoeging", "onttrekking"]).any())
    assert set(text) <= {*TOTALS, resultaat}

    # Every printed total is the sum of its printed posts; a dash only when every post has one.
    for group, rows in text.items():
        if group == resultaat:
            continue
        posts = [r for label, r in rows.items() if label != TOTALS[group]]
        for key in amounts:
            values = [number(r[key]) for r in posts]
            total = number(rows[TOTALS[group]][key])
            if all(v is None for v in values):
                assert total is None, (group, key)
            else:
                assert total == sum(zero(v) for v in values), (group, key)

    # Saldo = baten − lasten in every column, per post and in total.
    lasten, baten = text.get("Lasten", {}), text.get("Baten", {})
    for label, row in text.get("Saldo", {}).items():
        is_total = label == TOTALS["Saldo"]
        of_baten = baten.get("Totaal baten" if is_total else label, {})
        of_lasten = lasten.get("Totaal lasten" if is_total else label, {})
        for key in amounts:
            if key == "verschil":
                continue
            b, a = number(of_baten.get(key, "-")), number(of_lasten.get(key, "-"))
            expected = None if a is None and b is None else zero(b) - zero(a)
            assert number(row[key]) == expected, (label, key)

    # Resultaat = saldo − toevoegingen + onttrekkingen in every column, as printed.
    if reserves:
        line = text[resultaat][resultaat]

        def total(group: str, key: str) -> Fraction | None:
            return number(text.get(group, {}).get(TOTALS[group], {}).get(key, "-"))

        for key in amounts:
            if key == "verschil":
                continue
            parts = [
                total("Saldo", key),
                total("Toevoegingen aan reserves", key),
                total("Onttrekkingen aan reserves", key),
            ]
            saldo, toevoegingen, onttrekkingen = (zero(p) for p in parts)
            expected = (
                None if all(p is None for p in parts) else saldo - toevoegingen + onttrekkingen
            )
            assert number(line[key]) == expected, key
        # The table ends with it.
        assert table.rows[-1].label == resultaat and table.rows[-1].kind == "totaal"

    # Every printed verschil is the difference of the printed columns; V/N follows its sign by
    # the BBV's rule for the kind of row.
    if "verschil" in keys:
        ref, report = reference_key(table), keys[keys.index("verschil") - 1]
        for group, rows in text.items():
            for label, row in rows.items():
                r, p = number(row[ref]), number(row[report])
                verschil = number(row["verschil"])
                if r is None and p is None:
                    assert verschil is None and row["vn"] == ""
                    continue
                higher = zero(p) - zero(r)  # how much higher the report column is
                expected = -higher if group in COSTS else higher
                assert verschil == expected, (group, label)
                assert row["vn"] == ("V" if expected > 0 else "N" if expected < 0 else "")
                if higher != 0:  # higher costs are nadelig, higher anything else voordelig
                    assert (row["vn"] == "N") == ((higher > 0) == (group in COSTS)), (group, label)

    # One table, one number of decimals; and the open data holds the printed figures.
    places = {
        len(t.rsplit(",", 1)[1]) if "," in t else 0
        for rows in text.values()
        for row in rows.values()
        for k, t in row.items()
        if k != "vn" and t != "-"
    }
    assert len(places) <= 1, places
    opendata = [without_units(r) for r in csv.DictReader(io.StringIO(table_csv(table)))]
    flat = [row for rows in text.values() for row in rows.values()]
    assert len(opendata) == len(flat)
    for record, row in zip(opendata, flat, strict=True):
        for key in amounts:
            raw = record[key]
            assert (Fraction(raw) if raw else None) == number(row[key])


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(kosten_files())
def test_carried_forward_cells_hold_the_primitieve_begroting(
    case: tuple[str, pd.DataFrame],
) -> None:
    """A na-wijziging cell in italics is the primitieve begroting of that post, with the
    footnote; every other post cell holds exactly what the file says."""
    soort, frame = case
    table, _ = kosten_table(frame, soort=soort, jaar=JAAR, file="kosten.csv")
    year = JAAR if soort == "jaarverslag" else JAAR - 1
    given_amounts = {
        (r.soort, r.post, r.stand, r.jaar): r.bedrag
        for r in frame.itertuples()
        if r.bedrag == r.bedrag
    }
    keys = [c.key for c in table.columns]
    soort_of = {
        "Lasten": "lasten",
        "Baten": "baten",
        "Toevoegingen aan reserves": "toevoeging",
        "Onttrekkingen aan reserves": "onttrekking",
    }
    group = ""
    carried = False
    for row in table.rows:
        if row.kind == "groep":
            group = soort_of.get(row.label, "")
            continue
        if row.kind != "post" or not group:
            continue
        for key, cell in zip(keys, row.cells, strict=True):
            if key != f"begroting_na_wijziging_{year}":
                continue
            own = given_amounts.get((group, row.label, "begroting_na_wijziging", year))
            primitief = given_amounts.get((group, row.label, "begroting", year))
            if own is not None:
                assert not cell.emphasis and cell.value == own
            elif primitief is not None:
                assert cell.emphasis and cell.markers and cell.value == primitief
                carried = True
            else:
                assert cell.value is None and not cell.emphasis
    assert bool(table.footnotes) == carried


def test_issue_12_example_adds_up() -> None:
    """lasten A 100/120/110, C 20/–/25, baten A 50/–/40 (primitief / na wijziging / realisatie)."""
    rows = [
        ("A", "lasten", JAAR, "begroting", 100),
        ("A", "lasten", JAAR, "begroting_na_wijziging", 120),
        ("A", "lasten", JAAR, "realisatie", 110),
        ("C", "lasten", JAAR, "begroting", 20),
        ("C", "lasten", JAAR, "realisatie", 25),
        ("A", "baten", JAAR, "begroting", 50),
        ("A", "baten", JAAR, "realisatie", 40),
    ]
    frame = kosten_frame(rows)
    table, problems = kosten_table(frame, soort="jaarverslag", jaar=JAAR, file="k.csv")
    assert problems == []
    text = printed(table)
    columns = ["begroting_2020", "begroting_na_wijziging_2020", "realisatie_2020", "verschil", "vn"]
    grid = {
        g: {label: [r[k] for k in columns] for label, r in rows.items()} for g, rows in text.items()
    }
    assert grid == {
        "Lasten": {
            "A": ["€ 100", "€ 120", "€ 110", "€ 10", "V"],
            "C": ["€ 20", "€ 20", "€ 25", "€ -5", "N"],  # 20 carried forward
            "Totaal lasten": ["€ 120", "€ 140", "€ 135", "€ 5", "V"],
        },
        "Baten": {
            "A": ["€ 50", "€ 50", "€ 40", "€ -10", "N"],  # 50 carried forward
            "Totaal baten": ["€ 50", "€ 50", "€ 40", "€ -10", "N"],
        },
        "Saldo": {
            "A": ["€ -50", "€ -70", "€ -70", "€ 0", ""],
            "C": ["€ -20", "€ -20", "€ -25", "€ -5", "N"],
            "Saldo van baten en lasten": ["€ -70", "€ -90", "€ -95", "€ -5", "N"],
        },
    }
