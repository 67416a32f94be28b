"""Issue 26's details read back as a reader gets them: PDF (pdftotext), DOCX (python-docx) and
HTML — one paragraph per indicator in a conclusion, figures that never break inside themselves,
a comparison caption in plain Dutch.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from lxml import html as lxml_html
from support.helpers import DATA, pdf_text, write_rapport

from jaarverslag.build.pipeline import build_one

JAARVERSLAG = DATA / "jaarverslag-2017"
LABELS = (
    "Aantal mensen dat actief is op een P-baan",
    "Aantal beschutte werkplekken (SW)",
    "Aantal beschutte werkplekken nieuw (P-wet)",
)
KOSTEN = (
    "post;soort;jaar;stand;bedrag\n"
    "6.3 Inkomensregelingen;lasten;2023;begroting;1.300.000\n"
    "6.3 Inkomensregelingen;lasten;2023;realisatie;1.435.000\n"
    "6.4 Begeleide participatie;lasten;2023;begroting;1.000.000\n"
    "6.4 Begeleide participatie;lasten;2023;realisatie;1.050.000\n"
    "6.3 Inkomensregelingen;baten;2023;begroting;950.000\n"
    "6.3 Inkomensregelingen;baten;2023;realisatie;770.000\n"
)
YAML = "titel: Jaarverslag 2023\norganisatie: Proefstad\nsoort: jaarverslag\njaar: 2023\n"


def test_the_conclusion_is_a_paragraph_per_indicator(tmp_path: Path) -> None:
    """Issue 26: the indicator conclusion was one 13-line paragraph for 5–7 indicators."""
    outcome = build_one(JAARVERSLAG, tmp_path, ["html"], use_cache=False)
    assert outcome.ok, outcome.problems
    page = lxml_html.fromstring(
        (tmp_path / JAARVERSLAG.name / f"{JAARVERSLAG.name}.html").read_bytes()
    )
    paragraphs = page.xpath("//div[@class='conclusie']/p")
    assert [p.text_content().split(":")[0] for p in paragraphs] == list(LABELS)


def test_a_signed_amount_is_one_unbreakable_figure_in_html(tmp_path: Path) -> None:
    folder = write_rapport(tmp_path / "k", {"rapport.yaml": YAML, "kosten.csv": KOSTEN})
    outcome = build_one(folder, tmp_path / "out", ["html"], use_cache=False)
    assert outcome.ok, outcome.problems
    page = lxml_html.fromstring((tmp_path / "out" / "k" / "k.html").read_bytes())
    cells = [c.text_content() for c in page.xpath("//table[@id='tabel-kosten']//td")]
    assert "€\u00a0\u22121.715.000" in cells  # the saldo: 770.000 − 1.435.000 − 1.050.000
    assert not any(re.search(r"€ |-\d", c) for c in cells)  # no breakable space, no hyphen
    csv = (tmp_path / "out" / "k" / "tabellen" / "kosten.csv").read_text(encoding="utf-8")
    assert ",-1715000," in csv  # the open data keeps a plain minus


@pytest.mark.slow
def test_pdf_and_docx_read_every_figure_whole(tmp_path: Path) -> None:
    folder = write_rapport(tmp_path / "k", {"rapport.yaml": YAML, "kosten.csv": KOSTEN})
    outcome = build_one(folder, tmp_path / "out", ["pdf", "docx"], use_cache=False)
    assert outcome.ok, outcome.problems
    text = pdf_text(tmp_path / "out" / "k" / "k.pdf")
    saldo = next(line for line in text.splitlines() if line.strip().startswith("Saldo van"))
    assert re.search(r"€\s\u22121\.715\.000", saldo), saldo  # pdftotext reads the real minus
    word = docx.Document(str(tmp_path / "out" / "k" / "k.docx"))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert "€\u00a0\u22121.715.000" in cells
    assert not any(re.search(r"€ |-\d", c) for c in cells)


@pytest.mark.slow
def test_pdf_and_docx_conclusions_are_a_paragraph_per_indicator(tmp_path: Path) -> None:
    outcome = build_one(JAARVERSLAG, tmp_path, ["pdf", "docx"], use_cache=False)
    assert outcome.ok, outcome.problems
    out = tmp_path / JAARVERSLAG.name
    word = docx.Document(str(out / f"{JAARVERSLAG.name}.docx"))
    starts = [p.text.split(":")[0] for p in word.paragraphs if p.text.startswith(LABELS)]
    assert starts == list(LABELS)
    lines = [line.strip() for line in pdf_text(out / f"{JAARVERSLAG.name}.pdf").splitlines()]
    assert all(any(line.startswith(f"{label}:") for line in lines) for label in LABELS)
