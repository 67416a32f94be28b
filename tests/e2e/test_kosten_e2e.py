"""Lasten, baten and saldo with verschil and V/N, end to end: document and open data agree with
figures worked out by hand."""

from __future__ import annotations

import csv
import io

import pytest
from lxml import html as lxml_html
from support.helpers import ROOT, pdf_text, write_rapport
from support.readback import without_units

from jaarverslag.build.pipeline import build_one

pytestmark = pytest.mark.slow

JAARVERSLAG = ROOT / "tests" / "rapports" / "kosten-jaarverslag"


def rows_of(outcome, table: str) -> list[dict[str, str]]:
    text = (outcome.output / "tabellen" / f"{table}.csv").read_bytes().decode()
    return [without_units(r) for r in csv.DictReader(io.StringIO(text))]


def html_rows(outcome) -> list[list[str]]:
    page = lxml_html.fromstring((outcome.output / f"{outcome.output.name}.html").read_bytes())
    table = page.xpath('//table[@id="tabel-kosten"]')[0]
    return [[c.text_content() for c in tr.xpath("./th|./td")] for tr in table.xpath(".//tbody/tr")]


def test_jaarverslag_verschil_against_the_latest_begroting(tmp_path):
    outcome = build_one(JAARVERSLAG, tmp_path)
    assert outcome.ok, outcome.problems
    got = [
        (r["groep"], r["omschrijving"], r["verschil"], r["vn"]) for r in rows_of(outcome, "kosten")
    ]
    # By hand. Lasten: na wijziging − realisatie; baten and saldo: realisatie − na wijziging.
    assert got == [
        ("Lasten", "6.4 Begeleide participatie", "50000", "V"),  # 1.100.000 − 1.050.000
        ("Lasten", "6.5 Arbeidsparticipatie", "-40000", "N"),  # 520.000 − 560.000
        ("", "Totaal lasten", "10000", "V"),  # 1.620.000 − 1.610.000
        ("Baten", "6.4 Begeleide participatie", "50000", "V"),  # 300.000 − 250.000
        ("Baten", "6.5 Arbeidsparticipatie", "0", ""),  # no difference: no V or N
        ("", "Totaal baten", "50000", "V"),
        ("Saldo", "6.4 Begeleide participatie", "100000", "V"),  # −750.000 − −850.000
        ("Saldo", "6.5 Arbeidsparticipatie", "-40000", "N"),  # −560.000 − −520.000
        ("", "Saldo van baten en lasten", "60000", "V"),  # −1.310.000 − −1.370.000
    ]
    printed = {tuple(r[:1]) + tuple(r[-2:]) for r in html_rows(outcome) if len(r) > 2}
    # a figure holds together: a no-break space after €, a minus sign (issue 26)
    assert ("Saldo van baten en lasten", "€\u00a060.000", "V") in printed
    assert ("6.5 Arbeidsparticipatie", "€\u00a0\u221240.000", "N") in printed
    text = pdf_text(outcome.output / "kosten-jaarverslag.pdf")
    saldo = next(line for line in text.splitlines() if "\u22121.370.000" in line)  # label wraps
    assert saldo.split()[-7:] == [
        "€",
        "\u22121.370.000",
        "€",
        "\u22121.310.000",
        "€",
        "60.000",
        "V",
    ]


def test_begroting_verschil_against_the_previous_years_latest_stand(tmp_path):
    rows = [
        ("A", "lasten", 2022, "realisatie", 900),
        ("A", "lasten", 2023, "begroting", 1000),
        ("A", "lasten", 2023, "begroting_na_wijziging", 1200),
        ("A", "lasten", 2024, "begroting", 1100),
        ("A", "lasten", 2025, "begroting", 1150),
        ("A", "baten", 2023, "begroting", 300),
        ("A", "baten", 2024, "begroting", 250),
        ("A", "baten", 2025, "begroting", 250),
    ]
    kosten = "post,soort,jaar,stand,bedrag\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)
    rapport = write_rapport(
        tmp_path / "begroting",
        {
            "rapport.yaml": "titel: Begroting 2024\norganisatie: O\nsoort: begroting\njaar: 2024\n",
            "kosten.csv": kosten,
        },
    )
    outcome = build_one(rapport, tmp_path / "out")
    assert outcome.ok, outcome.problems
    table = rows_of(outcome, "kosten")
    header = (outcome.output / "tabellen" / "kosten.csv").read_text("utf-8").splitlines()[0]
    assert header.split(",") == [  # each column of amounts says its unit (issue 26)
        "omschrijving",
        "regelsoort",
        "groep",
        "realisatie_2022_euro",
        "begroting_na_wijziging_2023_euro",
        "begroting_2024_euro",
        "verschil_euro",
        "vn",
        "begroting_2025_euro",
    ]
    by_label = {(r["groep"], r["omschrijving"]): (r["verschil"], r["vn"]) for r in table}
    assert by_label[("Lasten", "A")] == ("100", "V")  # 1.200 (na wijziging 2023) − 1.100
    assert by_label[("Baten", "A")] == ("-50", "N")  # 250 − 300 (begroting 2023, its latest)
    assert by_label[("Saldo", "A")] == ("50", "V")  # (250 − 1.100) − (300 − 1.200)
    assert "Wat mag het kosten?" in (outcome.output / "begroting.html").read_text()


RESERVES = ROOT / "tests" / "rapports" / "kosten-reserves"


def test_reserves_and_the_resultaat_in_every_format(tmp_path):
    """A jaarverslag with toevoegingen and onttrekkingen runs on to the gerealiseerd resultaat in
    the open data, the HTML, the PDF and the DOCX alike."""
    from docx import Document as read_docx

    outcome = build_one(RESERVES, tmp_path)
    assert outcome.ok, outcome.problems
    got = [
        (r["groep"], r["omschrijving"], r["realisatie_2024"], r["verschil"], r["vn"])
        for r in rows_of(outcome, "kosten")
    ][-6:]
    # By hand. Toevoegingen weigh as lasten (na wijziging − realisatie), onttrekkingen as baten
    # (realisatie − na wijziging); resultaat = saldo − toevoegingen + onttrekkingen.
    assert got == [
        ("Toevoegingen aan reserves", "Reserve sociaal domein", "300000", "0", ""),
        ("", "Totaal toevoegingen", "300000", "0", ""),
        ("Onttrekkingen aan reserves", "Reserve re-integratie", "455000", "-45000", "N"),
        ("Onttrekkingen aan reserves", "Reserve sociaal domein", "150000", "0", ""),
        ("", "Totaal onttrekkingen", "605000", "-45000", "N"),
        # −7.185.000 − 300.000 + 605.000; against −7.100.000 − 300.000 + 650.000 = −6.750.000
        ("", "Gerealiseerd resultaat", "-6880000", "-130000", "N"),
    ]
    # Printed as a document prints amounts: a no-break space after the euro sign and a real minus.
    amounts = ["6.810.000", "6.350.000", "6.750.000", "6.880.000", "130.000"]
    expected = [f"€\u00a0\u2212{amount}" for amount in amounts] + ["N"]
    assert html_rows(outcome)[-1] == ["Gerealiseerd resultaat", *expected]
    text = pdf_text(outcome.output / "kosten-reserves.pdf").replace("\u00a0", " ")
    line = next(line for line in text.splitlines() if "\u22126.880.000" in line)
    assert line.split()[-11:] == " ".join(expected).replace("\u00a0", " ").split()
    document = read_docx(str(outcome.output / "kosten-reserves.docx"))
    last = document.tables[0].rows[-1]
    assert [c.text.replace("\t", "").strip() for c in last.cells] == [
        "Gerealiseerd resultaat",
        *expected,
    ]
