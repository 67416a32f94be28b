"""Numbers that cannot mislead, end to end (issue 12): small hand-made rapports are built and
their PDF text (pdftotext), DOCX cells (python-docx) and open data (tabellen/*.csv) read back.

Each case is the issue's own example: a marker that glued onto a figure, a verdict beside a
printed 100,0%, a percentage difference in %, cents that disappeared, years that were dropped,
kosten that didn't add up, a saving that split asymmetrically.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path

import docx
import pytest
from support.helpers import pdf_text, write_rapport
from support.readback import without_units

from jaarverslag.build.pipeline import Outcome, build_one, check

pytestmark = pytest.mark.slow

YAML = "titel: Issue 12\norganisatie: Gemeente Test\nsoort: {soort}\njaar: {jaar}\n"


def build(tmp_path: Path, files: dict[str, str], soort: str = "jaarverslag", jaar: int = 2017):
    files = {"rapport.yaml": YAML.format(soort=soort, jaar=jaar), **files}
    folder = write_rapport(tmp_path / "r", files)
    outcome = build_one(folder, tmp_path / "out", use_cache=False)
    assert outcome.ok, outcome.problems
    return outcome


def squeeze(text: str) -> str:
    """pdftotext reads "€ 7" as "€7" (the gap before a narrow digit is under its threshold),
    so PDF text is compared without the space after the euro sign."""
    return text.replace("€ ", "€")


def read_back(outcome: Outcome) -> tuple[str, list[list[list[str]]], str]:
    """PDF text (spaces collapsed), DOCX tables as cell texts, and all the DOCX text; a printed
    minus (U+2212, issue 26: ``tests/e2e/test_details.py`` holds it) compared as ``-``."""
    out = outcome.output
    assert out is not None
    text = squeeze(" ".join(pdf_text(out / f"{out.name}.pdf").split()).replace(MINUS, "-"))
    word = docx.Document(str(out / f"{out.name}.docx"))
    tables = [
        [[c.text.replace(MINUS, "-") for c in row.cells] for row in t.rows] for t in word.tables
    ]
    body = " ".join(" ".join(p.text for p in word.paragraphs).split()).replace(MINUS, "-")
    return text, tables, body


MINUS = "\u2212"


def opendata(outcome: Outcome, table: str) -> list[dict[str, str]]:
    assert outcome.output is not None
    raw = (outcome.output / "tabellen" / f"{table}.csv").read_bytes().decode()
    return [without_units(r) for r in csv.DictReader(io.StringIO(raw))]


def cells(tables: list[list[list[str]]], index: int = 0) -> list[list[str]]:
    """A DOCX table with each cell's white space (the marker's tab stops) collapsed."""
    return [[" ".join(c.split()) for c in row] for row in tables[index]]


# -- 1. markers that stay markers --------------------------------------------------------------

NOTES = (
    "id;indicator;jaar;soort;waarde;eenheid;voetnoot\n"
    "a;Aantal A;2016;realisatie;10;aantal;eerste noot\n"
    "a;Aantal A;2017;begroting;11;aantal;tweede noot\n"
    "a;Aantal A;2017;realisatie;12;aantal;derde noot\n"
    "b;Aantal B;2016;realisatie;140;aantal;\n"
    "b;Aantal B;2017;begroting;150;aantal;vierde noot\n"
    "b;Aantal B;2017;realisatie;160;aantal;\n"
    "c;Percentage C;2016;realisatie;15;percentage;\n"
    "c;Percentage C;2017;begroting;20;percentage;vijfde noot\n"
    "c;Percentage C;2017;realisatie;21;percentage;\n"
)


def test_markers_never_read_as_digits(tmp_path):
    """150 with note 4 read 1504 and 20% with note 5 read 20%5 in PDF, DOCX and to a reader."""
    outcome = build(tmp_path, {"indicatoren.csv": NOTES})
    text, tables, body = read_back(outcome)
    assert "1504" not in text and "20%5" not in text and "150d" not in text
    assert re.search(r"140 150 d 160", text)  # the marker is a letter, set apart
    assert re.search(r"15% 20% e 21%", text)
    assert cells(tables)[2] == ["Aantal B", "140", "150 d", "160"]
    assert cells(tables)[3] == ["Percentage C", "15%", "20% e", "21%"]
    assert tables[0][2][2].split() == ["150", "d"]  # figure and marker apart in the cell text
    # The footnotes keep the markers' order, in every format.
    notes = ["a eerste noot", "b tweede noot", "c derde noot", "d vierde noot", "e vijfde noot"]
    assert re.search(" ".join(notes), text)
    assert " ".join(notes) in body
    html = (outcome.output / f"{outcome.output.name}.html").read_text()
    assert (
        '150<span class="voetnootmarker"> <sup><span class="sr-only">voetnoot </span>d</sup>'
        in html
    )
    # The open data holds the figure, never the marker.
    row = next(r for r in opendata(outcome, "indicatoren") if r["omschrijving"] == "Aantal B")
    assert row["begroting_2017"] == "150"


# -- 2, 3, 4. words that agree with figures, procentpunt, cents --------------------------------

AGREE = (
    "id;indicator;jaar;soort;waarde;eenheid\n"
    "d;Aantal D;2016;realisatie;1900;aantal\n"
    "d;Aantal D;2017;begroting;2000;aantal\n"
    "d;Aantal D;2017;realisatie;1999;aantal\n"
    "p;Percentage P;2016;realisatie;50;percentage\n"
    "p;Percentage P;2017;begroting;60;percentage\n"
    "p;Percentage P;2017;realisatie;55;percentage\n"
    "e;Kosten per traject;2016;realisatie;100;euro\n"
    "e;Kosten per traject;2017;begroting;100;euro\n"
    "e;Kosten per traject;2017;realisatie;100,4;euro\n"
)


def test_verdicts_procentpunt_and_cents_read_true(tmp_path):
    outcome = build(tmp_path, {"indicatoren.csv": AGREE})
    text, tables, body = read_back(outcome)
    for document in (text, squeeze(body)):
        assert "is niet gehaald: 1 onder het doel, 99,95% van het doel" in document
        assert "100,0% van het doel" not in document
        assert "van 50% in 2016 naar 55% in 2017 (+5 procentpunt; relatief +10,0%)" in document
        assert "is niet gehaald: 5 procentpunt onder het doel" in document
        assert squeeze("van € 100,00 in 2016 naar € 100,40 in 2017 (€ +0,40; +0,4%)") in document
        assert squeeze("is gehaald: € 0,40 boven het doel, 100,4% van het doel") in document
    assert "Kosten per traject €100,00 €100,00 €100,40" in text
    assert cells(tables)[3] == ["Kosten per traject", "€ 100,00", "€ 100,00", "€ 100,40"]
    row = next(r for r in opendata(outcome, "indicatoren") if r["omschrijving"].startswith("Kost"))
    assert (row["realisatie_2016"], row["realisatie_2017"]) == ("100", "100.4")


# -- 5. nothing given is lost ------------------------------------------------------------------

SERIES = (
    "id;indicator;jaar;soort;waarde\n"
    "a;Aantal A;2014;realisatie;5\n"
    "a;Aantal A;2015;realisatie;10\n"
    "a;Aantal A;2016;realisatie;20\n"
    "a;Aantal A;2017;begroting;25\n"
    "a;Aantal A;2017;realisatie;30\n"
    "a;Aantal A;2018;realisatie;40\n"
)


def test_every_year_is_shown_and_a_limit_is_reported(tmp_path):
    outcome = build(tmp_path / "all", {"indicatoren.csv": SERIES})
    text, tables, _ = read_back(outcome)
    header = ["Realisatie 2014", "Realisatie 2015", "Realisatie 2016", "Begroting 2017"]
    header += ["Realisatie 2017", "Realisatie 2018"]
    assert cells(tables)[0][1:] == header
    assert cells(tables)[1] == ["Aantal A", "5", "10", "20", "25", "30", "40"]
    assert "Aantal A 5 10 20 25 30 40" in text
    raw = (outcome.output / "tabellen" / "indicatoren.csv").read_text(encoding="utf-8")
    assert raw.splitlines()[0].split(",")[3:] == [  # each row says its unit (issue 26)
        "eenheid",
        "realisatie_2014",
        "realisatie_2015",
        "realisatie_2016",
        "begroting_2017",
        "realisatie_2017",
        "realisatie_2018",
    ]

    limited = write_rapport(
        tmp_path / "jaren",
        {"rapport.yaml": YAML.format(soort="jaarverslag", jaar=2017) + "jaren: 2\n"},
    )
    (limited / "indicatoren.csv").write_text(SERIES, encoding="utf-8")
    [checked] = check([limited])
    assert checked.ok
    assert [str(p) for p in checked.problems] == [
        f"{limited}/indicatoren.csv: jaar: waarschuwing: 2014 en 2015 staan niet in de tabel "
        "(2 regels): rapport.yaml zegt jaren: 2"
    ]
    built = build_one(limited, tmp_path / "out-jaren", use_cache=False)
    _, tables, _ = read_back(built)
    assert cells(tables)[1] == ["Aantal A", "20", "25", "30", "40"]


LONG = (
    "id;indicator;jaar;soort;waarde;eenheid\n"
    + "".join(
        f"k;Kosten per traject;{year};realisatie;{10_000 + year},{year % 100:02d};euro\n"
        for year in range(2003, 2019)
    )
    + "k;Kosten per traject;2017;begroting;12.017,50;euro\n"
)


def test_a_long_series_stays_on_the_page(tmp_path):
    """Sixteen years of euros with cents: one table would run off the right edge of the page,
    and its last years with it. The table comes in parts with the row labels, every figure on
    the page, in every format; the open data stays one table."""
    outcome = build(tmp_path, {"indicatoren.csv": LONG})
    out = outcome.output
    words = subprocess.run(
        ["pdftotext", "-bbox", str(out / "r.pdf"), "-"], capture_output=True, text=True
    ).stdout
    page = float(re.search(r'<page width="([\d.]+)"', words).group(1))
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', words))
    assert right <= page - 20 / 25.4 * 72 + 1  # within the right margin (20 mm)
    text, tables, _ = read_back(outcome)
    figures = [
        f"€{10_000 + year:_},{year % 100:02d}".replace("_", ".") for year in range(2003, 2019)
    ]
    for figure in figures:
        assert figure in text
    parts = [cells(tables, i) for i in range(len(tables))]
    assert [len(p[0]) - 1 for p in parts] == [6, 5, 6]  # 17 columns, as even as possible
    assert all(p[1][0] == "Kosten per traject" for p in parts)
    docx_figures = [c for p in parts for c in p[1][1:]]
    assert docx_figures == [f.replace("€", "€ ") for f in figures[:14]] + ["€ 12.017,50"] + [
        f.replace("€", "€ ") for f in figures[14:]
    ]
    assert "Tabel 1 (vervolg) Prestatie-indicatoren" in text
    assert len(opendata(outcome, "indicatoren")[0]) == 4 + 17  # and the column eenheid


# -- 6. kosten that add up on paper ------------------------------------------------------------

KOSTEN = (
    "post;soort;jaar;stand;bedrag\n"
    "A;lasten;2016;realisatie;95\n"
    "A;lasten;2017;begroting;100\n"
    "A;lasten;2017;begroting_na_wijziging;120\n"
    "A;lasten;2017;realisatie;110\n"
    "C;lasten;2017;begroting;20\n"
    "C;lasten;2017;realisatie;25\n"
    "D;lasten;2017;realisatie;7\n"
    "A;baten;2017;begroting;50\n"
    "A;baten;2017;realisatie;40\n"
)


def test_kosten_add_up_in_every_format(tmp_path):
    """The issue's example (lasten A 100/120/110, C 20/–/25, baten A 50/–/40), with the previous
    year's realisatie and a post D without any begroting."""
    outcome = build(tmp_path, {"kosten.csv": KOSTEN})
    text, tables, body = read_back(outcome)
    header = ["Post", "Realisatie 2016", "Primitieve begroting 2017", "Begroting 2017 na wijziging"]
    assert cells(tables)[0] == [*header, "Realisatie 2017", "Verschil", "V/N"]
    expected = [
        ["Lasten", "", "", "", "", "", ""],
        ["A", "€ 95", "€ 100", "€ 120", "€ 110", "€ 10", "V"],
        ["C", "-", "€ 20", "€ 20 *", "€ 25", "€ -5", "N"],
        ["D", "-", "-", "-", "€ 7", "€ -7", "N"],  # no begroting: verschil −realisatie
        ["Totaal lasten", "€ 95", "€ 120", "€ 140", "€ 142", "€ -2", "N"],
        ["Baten", "", "", "", "", "", ""],
        ["A", "-", "€ 50", "€ 50 *", "€ 40", "€ -10", "N"],
        ["Totaal baten", "-", "€ 50", "€ 50", "€ 40", "€ -10", "N"],
        ["Saldo", "", "", "", "", "", ""],
        ["A", "€ -95", "€ -50", "€ -70", "€ -70", "€ 0", ""],
        ["C", "-", "€ -20", "€ -20", "€ -25", "€ -5", "N"],
        ["D", "-", "-", "-", "€ -7", "€ -7", "N"],
        ["Saldo van baten en lasten", "€ -95", "€ -70", "€ -90", "€ -102", "€ -12", "N"],
    ]
    groups = ("Lasten", "Baten", "Saldo")
    assert [r if r[0] not in groups else r[:1] for r in cells(tables)[1:]] == [
        r if r[0] not in groups else r[:1] for r in expected
    ]
    for row in expected:
        if row[0] not in groups:
            figures = " ".join(c for c in row[1:] if c)
            label = "" if row[0].startswith("Saldo van") else f"{row[0]} "  # the label wraps
            assert squeeze(f"{label}{figures}") in text, row
    note = "* Geen begroting na wijziging: de primitieve begroting is overgenomen (cursief)."
    assert note in text and note in body
    records = {(r["groep"], r["omschrijving"]): r for r in opendata(outcome, "kosten")}
    assert records[("Lasten", "C")]["begroting_na_wijziging_2017"] == "20"
    assert records[("Lasten", "D")]["verschil"] == "-7"
    assert records[("", "Saldo van baten en lasten")]["verschil"] == "-12"
    # In the DOCX the carried-forward figure is in italics, as in the PDF and HTML.
    word = docx.Document(str(outcome.output / f"{outcome.output.name}.docx"))
    runs = word.tables[0].rows[3].cells[3].paragraphs[0].runs
    assert [r.italic for r in runs if r.text.strip() == "€\u00a020"] == [True]


def test_cents_keep_one_number_of_decimals_per_table(tmp_path):
    kosten = (
        "post;soort;jaar;stand;bedrag\n"
        "A;lasten;2017;begroting;1.234,5\n"
        "A;lasten;2017;realisatie;1.130,25\n"
        "B;lasten;2017;begroting;1.000\n"
        "B;lasten;2017;realisatie;1.000\n"
    )
    outcome = build(tmp_path, {"kosten.csv": kosten})
    text, tables, _ = read_back(outcome)
    assert cells(tables)[2] == ["A", "€ 1.234,50", "€ 1.130,25", "€ 104,25", "V"]
    assert cells(tables)[3] == ["B", "€ 1.000,00", "€ 1.000,00", "€ 0,00", ""]
    assert "A €1.234,50 €1.130,25 €104,25 V" in text
    record = next(r for r in opendata(outcome, "kosten") if r["omschrijving"] == "A")
    assert (record["begroting_2017"], record["realisatie_2017"]) == ("1234.5", "1130.25")


def test_ledger_signed_baten_get_a_warning(tmp_path):
    kosten = (
        "post;soort;jaar;stand;bedrag\nA;lasten;2017;realisatie;100\nA;baten;2017;realisatie;-40\n"
    )
    folder = write_rapport(
        tmp_path / "r",
        {"rapport.yaml": YAML.format(soort="jaarverslag", jaar=2017), "kosten.csv": kosten},
    )
    [checked] = check([folder])
    assert checked.ok
    assert [p.message for p in checked.problems] == [
        "alle baten zijn negatief ingevoerd, zoals in het grootboek; de tabel telt baten "
        "positief (saldo = baten − lasten): voer baten als positieve bedragen in"
    ]


# -- 7. splits ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sign", [1, -1])
def test_a_saving_splits_as_the_mirror_image_of_a_cost(tmp_path, sign):
    maatregelen = f"post;karakter;jaar;bedrag\nMaatregel;structureel;2024;{sign * 101}\n"
    key = "partij;aandeel\nEerste;50\nTweede;50\n"
    outcome = build(
        tmp_path,
        {"maatregelen.csv": maatregelen, "verdeelsleutel.csv": key},
        soort="beleidsplan",
        jaar=2024,
    )
    text, tables, _ = read_back(outcome)
    parts = {r["omschrijving"]: r["2024"] for r in opendata(outcome, "verdeling")}
    assert parts == {"Eerste": str(sign * 51), "Tweede": str(sign * 50), "Totaal": str(sign * 101)}
    assert f"Eerste 50% €{sign * 51}" in text
    assert f"Tweede 50% €{sign * 50}" in text
    verdeling = next(t for t in tables if t[0][0] == "Partij")
    assert [row[1:] for row in verdeling[1:]] == [
        ["50%", f"€\u00a0{sign * 51}"],  # € holds to its figure (issue 26)
        ["50%", f"€\u00a0{sign * 50}"],
        ["100%", f"€\u00a0{sign * 101}"],
    ]
