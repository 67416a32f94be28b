"""A filled table of contents and Word's captions (issue 27, items 1, 2 and 6), read by real
readers: LibreOffice converts the DOCX to PDF and the contents page lists every heading with the
page it is on there — as opened, without updating anything; the PDF's contents (WeasyPrint's
``target-counter``) lists the pages of the PDF; references print the right numbers after a
table is added above, in every format."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from support.helpers import DATA, pdf_text, write_rapport
from support.libreoffice import convert

from jaarverslag.build.pipeline import build_one

pytestmark = pytest.mark.slow

LEADER = re.compile(r"^\s*(?P<text>.+?)\s*\.{3,}\s*(?P<page>\d+)\s*$")
TEXT = (
    "Dit verslag volgt de route van de cliënt.\n\n## Verwijzingen\n\n"
    "De treden staan in [@tabel-ladder_treden]; [@Tabel-ladder_beweging] toont de beweging.\n"
)


@pytest.fixture(scope="module")
def rapport(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The participatie example with a table of contents, both lists and references."""
    folder = tmp_path_factory.mktemp("inhoud") / "participatie"
    shutil.copytree(DATA / "participatie-2017", folder)
    yaml = folder / "rapport.yaml"
    yaml.write_text(yaml.read_text() + "inhoud: [koppen, tabellen, figuren]\ncolofon: true\n")
    route = folder / "teksten" / "01-route.md"
    route.write_text(route.read_text() + "\n" + TEXT)
    return folder


@pytest.fixture(scope="module")
def built(rapport: Path) -> Path:
    out = rapport.parent / "out"
    outcome = build_one(rapport, out, ("pdf", "docx"), use_cache=False)
    assert outcome.ok, outcome.problems
    return out / rapport.name


def pages(pdf: Path) -> list[str]:
    return pdf_text(pdf).split("\f")[:-1]


def entries(page: str) -> list[tuple[str, int]]:
    """The lines ``text ..... page`` of a contents page (a caption's entry that wraps: its
    first lines joined to the last)."""
    found, pending = [], ""
    for line in page.splitlines():
        match = LEADER.match(line)
        if match:
            found.append(((pending + " " + match["text"]).strip(), int(match["page"])))
            pending = ""
        elif re.match(r"\s*(Tabel|Figuur) \d+ ", line) or pending:
            pending = (pending + " " + line.strip()).strip() if line.strip() else ""
    return found


def on_page(texts: list[str], line: str) -> int:
    """The page (from 1) after the contents where ``line`` starts a line of text."""
    start = re.compile(rf"^\s*{re.escape(line)}", re.M)
    return next(i + 1 for i, t in enumerate(texts) if i > 0 and start.search(t))


def headings(word: docx.document.Document) -> list[str]:
    return [p.text for p in word.paragraphs if p.style.name.startswith("Heading") and p.text]


def test_libreoffice_shows_every_heading_with_the_page_it_is_on(built: Path) -> None:
    (lo,) = convert([built / f"{built.name}.docx"], built / "lo")
    texts = pages(lo)
    listed = entries(texts[0])
    word = docx.Document(str(built / f"{built.name}.docx"))
    names = headings(word)
    assert names == [
        "Route vrijwilliger / mantelzorg",
        "Verwijzingen",
        "Prestatieafspraken",
        "Participatieladder",
    ]
    assert [text for text, _ in listed[: len(names)]] == names
    for text, page in listed[: len(names)]:
        assert on_page(texts, text) == page, text


def test_libreoffice_shows_the_tables_with_their_pages(built: Path) -> None:
    (lo,) = convert([built / f"{built.name}.docx"], built / "lo")
    texts = pages(lo)
    tables = [(t, p) for t, p in entries(texts[0]) if t.startswith("Tabel")]
    assert [t.split(" ", 2)[1] for t, _ in tables] == [str(n) for n in range(1, 9)]
    for text, page in tables:
        number = " ".join(text.split()[:2])
        assert on_page(texts, number) == page, text


def test_the_docx_holds_word_s_fields(built: Path) -> None:
    word = docx.Document(str(built / f"{built.name}.docx"))
    body = word.element.body
    codes = [" ".join((t.text or "").split()) for t in body.iter(qn("w:instrText"))]
    assert 'TOC \\o "1-3" \\h \\z \\u' in codes
    assert 'TOC \\h \\z \\c "Tabel"' in codes
    assert sum(c == "SEQ Tabel \\* ARABIC" for c in codes) == 8
    refs = [c for c in codes if c.startswith("REF ")]
    assert refs == ["REF _Ref_tabel_ladder_treden \\h", "REF _Ref_tabel_ladder_beweging \\h"]
    assert "De treden staan in tabel\xa01; Tabel\xa02 toont de beweging." in [
        p.text for p in word.paragraphs
    ]
    names = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert {"_Ref_tabel_ladder_treden", "_Toc_kop_1", "_Toc_kop_1_1"} <= names


def test_the_pdf_lists_every_heading_with_its_page(built: Path) -> None:
    texts = pages(built / f"{built.name}.pdf")
    listed = entries(texts[0])
    assert [t for t, _ in listed[:4]] == [
        "Route vrijwilliger / mantelzorg",
        "Verwijzingen",
        "Prestatieafspraken",
        "Participatieladder",
    ]
    for text, page in listed:
        probe = text if not text.startswith("Tabel") else " ".join(text.split()[:2])
        assert on_page(texts, probe) == page, text


def test_the_colofon_ends_the_pdf_with_the_fingerprint(built: Path, rapport: Path) -> None:
    from jaarverslag.inputs.fingerprint import fingerprint

    last = pages(built / f"{built.name}.pdf")[-1]
    assert "Colofon" in last and fingerprint(rapport).sha256 in last


def test_without_libreoffice_the_entries_are_there_without_pages(
    rapport: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAARVERSLAG_SOFFICE", "")
    out = rapport.parent / "zonder"
    assert build_one(rapport, out, ("docx",), use_cache=False).ok
    word = docx.Document(str(out / rapport.name / f"{rapport.name}.docx"))
    listed = [p.text for p in word.paragraphs if p.style.name == "toc 1"]
    assert listed == ["Route vrijwilliger / mantelzorg", "Prestatieafspraken", "Participatieladder"]


def test_references_follow_a_table_added_above_in_every_format(tmp_path: Path) -> None:
    """The Wassenaar plan refers to its two tables; with an indicator table before them, the
    PDF, the DOCX (Word's cached values and LibreOffice's own) and the HTML say 2 and 3."""
    folder = tmp_path / "plan"
    shutil.copytree(DATA / "beleidsplan-wassenaar-2024", folder)
    verdeling = folder / "teksten" / "verdeling.md"
    verdeling.write_text(
        verdeling.read_text() + "\nZie [@tabel-maatregelen] en [@tabel-verdeling].\n"
    )
    said = {}
    for case in ("zonder", "met"):
        if case == "met":
            write_rapport(
                folder,
                {
                    "indicatoren.csv": "id;indicator;jaar;soort;waarde\n"
                    "p;P-banen;2024;realisatie;5\np;P-banen;2024;begroting;4\n"
                },
            )
            yaml = folder / "rapport.yaml"
            yaml.write_text(
                yaml.read_text().replace(
                    "secties:\n", "secties:\n  - titel: Indicatoren\n    inhoud: [indicatoren]\n"
                )
            )
        out = tmp_path / case
        assert build_one(folder, out, ("pdf", "docx", "html"), use_cache=False).ok
        made = out / "plan"
        (lo,) = convert([made / "plan.docx"], made / "lo")
        word = docx.Document(str(made / "plan.docx"))
        cached = [p.text for p in word.paragraphs if "Zie tabel" in p.text]
        sentence = re.compile(r"Zie tabel\s(\d) en tabel\s(\d)")
        said[case] = {
            "pdf": sentence.search(" ".join(pdf_text(made / "plan.pdf").split())).groups(),
            "libreoffice": sentence.search(" ".join(pdf_text(lo).split())).groups(),
            "word": sentence.search(cached[0]).groups(),
            "html": sentence.search(
                re.sub("<[^>]+>", "", (made / "plan.html").read_text())
            ).groups(),
        }
    assert set(said["zonder"].values()) == {("1", "2")}, said
    assert set(said["met"].values()) == {("2", "3")}, said


def test_the_same_inputs_give_the_same_docx_pages_and_all(rapport: Path, built: Path) -> None:
    again = rapport.parent / "opnieuw"
    assert build_one(rapport, again, ("docx",), use_cache=False).ok
    name = f"{rapport.name}.docx"
    assert (again / rapport.name / name).read_bytes() == (built / name).read_bytes()


def test_a_reference_to_a_caption_without_word_s_number_keeps_its_words(tmp_path: Path) -> None:
    """An own blocks.html that numbers "Tab. 1": no SEQ field, so the reference is words only,
    never a field that Word would update to "Error! Reference source not found"."""
    from jaarverslag.render.html import builtin_templates

    folder = tmp_path / "plan"
    shutil.copytree(DATA / "beleidsplan-wassenaar-2024", folder)
    blocks = (builtin_templates() / "blocks.html").read_text(encoding="utf-8")
    write_rapport(folder, {"templates/blocks.html": blocks.replace(">Tabel {{", ">Tab. {{")})
    verdeling = folder / "teksten" / "verdeling.md"
    verdeling.write_text(verdeling.read_text() + "\nZie [@tabel-maatregelen].\n")
    assert build_one(folder, tmp_path / "out", ("docx",), use_cache=False).ok
    word = docx.Document(str(tmp_path / "out" / "plan" / "plan.docx"))
    codes = [t.text or "" for t in word.element.body.iter(qn("w:instrText"))]
    assert not [c for c in codes if "REF" in c or "SEQ" in c]
    assert "Zie tabel\xa01." in [p.text for p in word.paragraphs]
