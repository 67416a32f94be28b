"""Participatieladder end to end: a hand-made clienten.csv → HTML, PDF, DOCX and open data.

Every expected figure below is counted by hand from the client file (see ``CLIENTS``), not
copied from the program's output.
"""

from __future__ import annotations

import csv
from pathlib import Path

import docx
import pytest
from support.helpers import MINIMAL_YAML, pdf_text, write_rapport
from support.readback import HtmlTables, without_units

from jaarverslag.build.pipeline import build_one

pytestmark = pytest.mark.slow

JAN, DEC = "2017-01-31", "2017-12-31"

# (how many, trede on 31 Jan or None, trede on 31 Dec or None, uitstroom on the last row)
CLIENTS = [
    (20, 3, 3, ""),  # gelijk on trede 3
    (10, 4, 5, "werk"),  # stijgers 4 → 5, working
    (2, 3, 2, ""),  # dalers 3 → 2: a small cell
    (8, 2, 3, ""),  # stijgers 2 → 3
    (3, 2, None, "anders"),  # uitgestroomd: a small count
    (6, None, 1, ""),  # ingestroomd
]
# By hand:
#   31 Jan: trede 2 = 8 + 3 = 11, trede 3 = 20 + 2 = 22, trede 4 = 10; total 43.
#   31 Dec: trede 1 = 6, trede 2 = 2 (small: x), trede 3 = 20 + 8 = 28, trede 5 = 10; total 46.
#   Both peildata: 20 + 10 + 2 + 8 = 40; uitgestroomd 3 (small: x), ingestroomd 6, distinct
#     clients 49; werk 10 of 49 = 20,408…% → 20,4%.
#   What a reader could otherwise work out, and is therefore hidden as well (all marked x):
#   - ingestroomd 6: 49 − 40 − 6 would give the uitgestroomd 3 back;
#   - 31 Jan trede 2 (11) and total (43): minus the 8 from trede 2 in the movement table, and
#     minus the 40 present at both, each gives the 3 uitgestroomd back;
#   - 31 Dec trede 1 (6), trede 3 (28) and total (46): the 6 ingestroomd and the 2 on trede 2
#     would follow from them and the movement table;
#   - movement 3 → 3 (20) beside 3 → 2 (2) in a row of 22, and the column totals with them;
#   - behoud trede 3 en 4: noemer 32 minus teller 30 is the 2 dalers, so the teller (and its
#     realisatie and verdict) is hidden; the sentence says so.
#   Stijging: 8 + 10 = 18 of 40 = 45,0% ≥ norm 40 (set in rapport.yaml): met.
YAML = MINIMAL_YAML + "prestatieafspraken:\n  stijging: 40\n"


def clienten_csv() -> str:
    lines = ["client,peildatum,trede,uitstroom"]
    number = 0
    for how_many, start, end, uitstroom in CLIENTS:
        for _ in range(how_many):
            number += 1
            if start is not None:
                last = end is None
                lines.append(f"C{number:03d},{JAN},{start},{uitstroom if last else ''}")
            if end is not None:
                lines.append(f"C{number:03d},{DEC},{end},{uitstroom}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("ladder")
    folder = write_rapport(tmp / "ladder", {"rapport.yaml": YAML, "clienten.csv": clienten_csv()})
    outcome = build_one(folder, tmp / "out")
    assert outcome.ok, "\n".join(map(str, outcome.problems))
    return tmp / "out" / "ladder"


@pytest.fixture(scope="module")
def html(out: Path) -> str:
    return (out / "ladder.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def html_tables(html: str) -> dict[str, dict[str, list[str]]]:
    parser = HtmlTables()
    parser.feed(html)
    return {name: {r[0]: r[1:] for r in rows} for name, rows in parser.tables.items()}


def open_data(out: Path, name: str) -> dict[str, dict[str, str]]:
    with (out / "tabellen" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return {row["omschrijving"]: without_units(row) for row in csv.DictReader(f)}


def test_treden_per_peildatum(html_tables, out: Path) -> None:
    treden = html_tables["ladder_treden"]
    assert treden["1 geïsoleerd"] == ["0", "x"]
    assert treden["2 sociale contacten buiten de deur"] == ["x", "x"]
    assert treden["3 deelname georganiseerde activiteiten"] == ["22", "x"]
    assert treden["4 onbetaald werk"] == ["10", "0"]
    assert treden["5 betaald werk met ondersteuning"] == ["0", "10"]
    assert treden["Totaal"] == ["x", "x"]
    data = open_data(out, "ladder_treden")
    assert data["2 sociale contacten buiten de deur"]["2017-12-31"] == "x"
    assert data["1 geïsoleerd"]["2017-12-31"] == "x"
    assert data["3 deelname georganiseerde activiteiten"]["2017-01-31"] == "22"
    assert data["Totaal"]["2017-12-31"] == "x"


def test_small_dalers_cell_hidden_everywhere(html_tables, out: Path) -> None:
    rij = "3 deelname georganiseerde activiteiten"
    assert html_tables["ladder_beweging"][rij][1] == "x"  # 3 → 2: two clients
    assert open_data(out, "ladder_beweging")[rij]["naar_2"] == "x"
    assert html_tables["ladder_beweging_pct"][rij][1] == "x"
    assert open_data(out, "ladder_beweging_pct")[rij]["naar_2"] == "x"


def test_in_and_uitstroom(html_tables, out: Path) -> None:
    rows = html_tables["ladder_uitstroom"]
    assert rows["Op 31 januari 2017 en op 31 december 2017"] == ["40", "81,6%"]
    assert rows["Uitgestroomd: wel op 31 januari 2017, niet op 31 december 2017"] == ["x", "x"]
    assert rows["Ingestroomd: niet op 31 januari 2017, wel op 31 december 2017"] == ["x", "x"]
    assert rows["Totaal unieke cliënten"] == ["49", "100,0%"]
    assert rows["Uitgestroomd naar werk (op enige peildatum)"] == ["10", "20,4%"]
    data = open_data(out, "ladder_uitstroom")
    uit = data["Uitgestroomd: wel op 31 januari 2017, niet op 31 december 2017"]
    assert (uit["aantal"], uit["percentage"]) == ("x", "x")
    assert data["Uitgestroomd naar werk (op enige peildatum)"]["percentage"] == "20.4"


def test_prestatieafspraken_met_and_not_met(html: str, html_tables, out: Path) -> None:
    rows = html_tables["ladder_prestatieafspraken"]
    behoud = rows["Cliënten op trede 3 of 4 die niet zijn gedaald"]
    assert behoud[:5] == ["95%", "x", "32", "x", "x"]
    assert rows["Cliënten die ten minste één trede zijn gestegen"][:5] == [
        "40%",
        "18",
        "40",
        "45,0%",
        "ja",
    ]
    assert rows["Cliënten die zijn uitgestroomd naar werk"][:5] == [
        "15%",
        "10",
        "49",
        "20,4%",
        "ja",
    ]
    assert (
        "Behoud trede 3 en 4: om privacyredenen niet getoond (x van de 32 cliënten; norm 95%)."
        in html
    )
    assert (
        "Stijging op de participatieladder: gehaald (18 van de 40 cliënten, 45,0%; norm 40%)."
        in html
    )
    data = open_data(out, "ladder_prestatieafspraken")
    behoud_csv = data["Cliënten op trede 3 of 4 die niet zijn gedaald"]
    assert [behoud_csv[k] for k in ("norm", "teller", "noemer", "realisatie", "gehaald")] == [
        "95",
        "x",
        "32",
        "x",
        "x",
    ]


def test_pdf_and_docx_print_the_same(out: Path) -> None:
    text = pdf_text(out / "ladder.pdf")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "2 sociale contacten buiten de deur x x" in lines  # treden table
    assert "Totaal x x" in lines
    assert any("Behoud trede 3 en 4: om privacyredenen niet getoond" in line for line in lines)
    beweging = [line for line in lines if line.startswith("3 deelname georganiseerde")]
    assert any(line.split()[4:6] == ["0", "x"] for line in beweging)  # 3 → 1 is 0, 3 → 2 x
    document = docx.Document(str(out / "ladder.docx"))
    cells = {
        table.rows[0].cells[0].text: [[c.text for c in row.cells] for row in table.rows]
        for table in document.tables
    }
    treden = next(rows for head, rows in cells.items() if head == "Trede")
    assert ["2 sociale contacten buiten de deur", "x", "x"] in treden


def test_minimal_yaml_with_only_clienten(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "mini", {"rapport.yaml": MINIMAL_YAML, "clienten.csv": clienten_csv()}
    )
    outcome = build_one(folder, tmp_path / "out", ["html"])
    assert outcome.ok, "\n".join(map(str, outcome.problems))
    page = (tmp_path / "out" / "mini" / "mini.html").read_text(encoding="utf-8")
    assert "<h2" in page and "Participatieladder" in page
    assert 'id="tabel-ladder_treden"' in page and 'id="tabel-ladder_prestatieafspraken"' in page
    # the default norm of stijging is 60%: 45,0% is not enough
    assert "Stijging op de participatieladder: niet gehaald (18 van de 40 cliënten" in page
    names = sorted(p.name for p in (tmp_path / "out" / "mini" / "tabellen").iterdir())
    assert "ladder_treden.csv" in names and "ladder_uitstroom.csv" in names
