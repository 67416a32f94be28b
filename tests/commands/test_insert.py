"""``jaarverslag insert`` (issue 15, item 3): the rapport as chapter 9 of the municipality's own
Word document, and nothing else of that document changed.

The document (``gemeentedocument.py``) has what real ones have: numbered headings, a table of
contents field, headers and footers with a PAGE field, a logo and a photo, a house table style,
comments, and chapter 9 in a section of its own. After ``insert``: the body before chapter 9 and
from its closing section break on is the same XML, every other part the same bytes, the original
file untouched; chapter 9 holds the rapport in the document's styles; and ``insert`` on its own
output gives the same bytes again.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree
from support.gemeentedocument import HOUSE_TABLE, make_document
from support.helpers import DATA, MINIMAL_YAML, write_rapport

from jaarverslag.cli import main
from jaarverslag.commands.insert import default_output, insert_chapter

WASSENAAR = DATA / "beleidsplan-wassenaar-2024"
JAARVERSLAG = DATA / "jaarverslag-2017"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def beleidsplan(tmp_path: Path) -> Path:
    return make_document(tmp_path / "beleidsplan.docx")


def insert(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["insert", *map(str, args)])
    return result.exit_code, result.output


def body(path: Path) -> list[etree._Element]:
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return list(root.find(f"{W}body"))


def text(element: etree._Element) -> str:
    return "".join(element.itertext())


def index_of(elements: list[etree._Element], heading: str) -> int:
    return next(i for i, e in enumerate(elements) if e.tag == f"{W}p" and text(e) == heading)


def canonical(elements: list[etree._Element]) -> list[bytes]:
    return [etree.tostring(e, method="c14n") for e in elements]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_chapter_nine_is_replaced_and_nothing_else_changes(beleidsplan: Path) -> None:
    original = beleidsplan.read_bytes()
    stamp = beleidsplan.stat().st_mtime_ns
    code, output = insert(WASSENAAR, beleidsplan, "--heading", "Financiën")
    assert code == 0, output
    out = beleidsplan.with_name("beleidsplan.bijgewerkt.docx")
    assert out == default_output(beleidsplan) and out.is_file()
    assert "hoofdstuk 'Financiën' vervangen door het rapport (3 secties, 2 tabellen" in output
    assert beleidsplan.read_bytes() == original and beleidsplan.stat().st_mtime_ns == stamp

    # the body before chapter 9 and from its closing section break on: the same XML
    old, new = body(beleidsplan), body(out)
    start, end = index_of(old, "Financiën"), index_of(old, "Monitoring") - 1
    assert old[end].find(f"{W}pPr/{W}sectPr") is not None  # chapter 9's own section
    assert index_of(new, "Financiën") == start
    new_end = index_of(new, "Monitoring") - 1
    assert canonical(new[: start + 1]) == canonical(old[: start + 1])
    assert canonical(new[new_end:]) == canonical(old[end:])

    # every other part the same bytes; the one comment in chapter 9 went with it
    before, after = parts(beleidsplan), parts(out)
    assert set(after) == set(before)
    assert {n for n in before if before[n] != after[n]} == {
        "word/document.xml",
        "word/comments.xml",
    }
    comments = etree.fromstring(after["word/comments.xml"]).findall(f"{W}comment")
    assert [text(c) for c in comments] == ["Datum nog controleren"]

    # chapter 9 holds the rapport, in the document's own styles
    word = docx.Document(str(out))
    paragraphs = {p._p: p for p in word.paragraphs}
    chapter = [e for e in word.element.body[start + 1 : new_end]]
    headings = [paragraphs[e] for e in chapter if e in paragraphs]
    headings = [(p.style.name, p.text) for p in headings if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 2", "Verdeling over de gemeenten"),  # "9. Financiën" repeated the chapter
        ("Heading 2", "Onzekerheden"),
    ]
    captions = [paragraphs[e].text for e in chapter if e in paragraphs]
    assert "Tabel 1 Kosten van de maatregelen" in captions
    tables = [t for t in word.tables if t._tbl in chapter]
    assert [t.style.name for t in tables] == [HOUSE_TABLE, HOUSE_TABLE]
    for table in tables:
        header = table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader")
        assert header is not None and header.get(f"{W}val") == "true"
    split = [[c.text.strip() for c in row.cells] for row in tables[1].rows]
    assert split[1:4] == [
        # a figure is one word to Word: a no-break space after € (issue 26)
        ["Leidschendam-Voorburg", "74%", "€\u00a0360.000", "€\u00a0360.000", "€\u00a0183.000"],
        ["Wassenaar", "14%", "€\u00a068.000", "€\u00a068.000", "€\u00a034.000"],
        ["Voorschoten", "12%", "€\u00a059.000", "€\u00a059.000", "€\u00a030.000"],
    ]
    assert "361.000" not in "".join(text(t._tbl) for t in tables)  # the old hand-copied split


def test_insert_on_its_own_output_gives_the_same_document(beleidsplan: Path) -> None:
    """A policy writer regenerates chapter 9 every time the figures change."""
    first = beleidsplan.with_name("eerste.docx")
    second = beleidsplan.with_name("tweede.docx")
    assert insert(WASSENAAR, beleidsplan, "--heading", "Financiën", "-o", first)[0] == 0
    assert insert(WASSENAAR, first, "--heading", "Financiën", "-o", second)[0] == 0
    assert second.read_bytes() == first.read_bytes()


def test_a_chart_arrives_as_a_picture_with_its_alt_text(beleidsplan: Path) -> None:
    """The last chapter (up to the end of the document) replaced by a rapport with a chart."""
    out = beleidsplan.with_name("met-grafiek.docx")
    code, output = insert(JAARVERSLAG, beleidsplan, "--heading", "Monitoring", "-o", out)
    assert code == 0, output
    assert "1 grafiek" in output
    word = docx.Document(str(out))
    pictures = word.inline_shapes
    assert len(pictures) == 3  # the logo, the photo and the chart
    chart = pictures[2]._inline
    assert chart.docPr.get("descr", "").startswith("Staafdiagram van realisatie en doel per jaar. ")
    ids = [int(e.get("id")) for e in word.element.body.iter() if e.tag.endswith("}docPr")]
    assert len(ids) == len(set(ids))
    media = [n for n in parts(out) if n.startswith("word/media/")]
    assert len(media) == len([n for n in parts(beleidsplan) if n.startswith("word/media/")]) + 1
    again = beleidsplan.with_name("nog-eens.docx")
    assert insert(JAARVERSLAG, out, "--heading", "Monitoring", "-o", again)[0] == 0
    assert again.read_bytes() == out.read_bytes()  # no picture left behind or added twice


def test_a_missing_heading_names_the_headings_there_are(beleidsplan: Path) -> None:
    code, output = insert(WASSENAAR, beleidsplan, "--heading", "Financien")
    assert code == 1
    assert (
        f"{beleidsplan}: --heading: kop 'Financien' staat niet in het document (bedoelt u "
        "'Financiën'?); de koppen zijn: Inleiding (niveau 1); Aanleiding (niveau 1);"
    ) in output
    assert "Verdeling over de gemeenten (niveau 2); Monitoring (niveau 1)" in output
    assert not default_output(beleidsplan).exists()


def test_a_heading_that_is_there_twice_is_an_error(tmp_path: Path) -> None:
    word = docx.Document()
    for title in ("Financiën", "Toelichting", "Financiën"):
        word.add_heading(title, level=1)
        word.add_paragraph("tekst")
    document = tmp_path / "dubbel.docx"
    word.save(str(document))
    code, output = insert(WASSENAAR, document, "--heading", "financiën")
    assert code == 1
    assert "kop 'financiën' staat twee keer in het document" in output
    assert not default_output(document).exists()


def test_a_typed_number_may_be_left_out_or_added(beleidsplan: Path) -> None:
    """The heading is numbered by Word (9.), the user types what they see: 9. Financiën."""
    code, output = insert(WASSENAAR, beleidsplan, "--heading", "9. Financiën")
    assert code == 0, output


def test_the_original_is_never_the_output(beleidsplan: Path) -> None:
    original = beleidsplan.read_bytes()
    code, output = insert(WASSENAAR, beleidsplan, "--heading", "Financiën", "-o", beleidsplan)
    assert code == 1
    assert "is het origineel zelf, en dat wordt nooit overschreven" in output
    link = beleidsplan.with_name("link.docx")
    os.symlink(beleidsplan, link)
    assert insert(WASSENAAR, beleidsplan, "--heading", "Financiën", "-o", link)[0] == 1
    assert beleidsplan.read_bytes() == original


def test_bad_rapport_input_writes_nothing(beleidsplan: Path, tmp_path: Path) -> None:
    rapport = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "kosten.csv": "post,soort\nA,lasten\n"}
    )
    code, output = insert(rapport, beleidsplan, "--heading", "Financiën")
    assert code == 1
    assert f"{rapport}/kosten.csv:1: jaar: verplichte kolom ontbreekt" in output
    assert not default_output(beleidsplan).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"geen zip", "is geen leesbaar Word-bestand (geen zip-archief)"),
        (None, "pakt uit tot"),
        ("xlsx", "is geen leesbaar Word-bestand"),
    ],
)
def test_a_document_that_is_not_one_is_refused(
    tmp_path: Path, content: bytes | str | None, message: str
) -> None:
    document = tmp_path / "stuk.docx"
    if content is None:  # some 50 kB that would unpack to 50 MB, written a MB at a time
        buffer = io.BytesIO()
        with (
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package,
            package.open("word/document.xml", "w") as part,
        ):
            for _ in range(50):
                part.write(b" " * 1_000_000)
        content = buffer.getvalue()
    elif content == "xlsx":
        from openpyxl import Workbook

        buffer = io.BytesIO()
        Workbook().save(buffer)
        content = buffer.getvalue()
    assert isinstance(content, bytes)
    document.write_bytes(content)
    code, output = insert(WASSENAAR, document, "--heading", "Financiën")
    assert code == 1
    assert f"{document}: {message}" in output
    assert not default_output(document).exists()


def test_the_written_copy_takes_the_original_s_permissions(beleidsplan: Path) -> None:
    beleidsplan.chmod(0o640)
    written, _ = insert_chapter(WASSENAAR, beleidsplan, "Financiën")
    assert written.path.stat().st_mode & 0o777 == 0o640
    assert not [p for p in beleidsplan.parent.iterdir() if p.name.endswith(".tmp")]


def _rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite every XML part of a document with ``change(name, xml) -> xml``."""
    old = parts(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in old.items():
            package.writestr(name, change(name, content) if name.endswith(".xml") else content)


def test_a_dutch_word_document_s_own_style_ids_are_used(beleidsplan: Path) -> None:
    """Dutch Word calls Heading 2 "Kop2" inside the file (its name stays heading 2); and a
    house style for level 2 headings, based on it, is what our level 2 headings take."""
    _rewrite(
        beleidsplan,
        lambda _n, xml: xml.replace(b'"Heading1"', b'"Kop1"').replace(b'"Heading2"', b'"Kop2"'),
    )
    word = docx.Document(str(beleidsplan))
    house = word.styles.add_style("Kop 2 Gemeente", 1)
    house.base_style = word.styles["Heading 2"]
    for paragraph in word.paragraphs:
        if paragraph.style.name == "Heading 2":
            paragraph.style = house
    word.save(str(beleidsplan))
    written, _ = insert_chapter(WASSENAAR, beleidsplan, "Financiën")
    after = docx.Document(str(written.path))
    styles = {p.text: p.style.name for p in after.paragraphs}
    assert styles["Onzekerheden"] == "Kop 2 Gemeente"
    assert styles["Financiën"] == "Heading 1"
    assert b'w:styleId="Heading2"' not in parts(written.path)["word/styles.xml"]


def test_styles_the_document_lacks_are_added_with_lists_of_their_own(tmp_path: Path) -> None:
    """Word leaves unused styles out of a file: Caption and List Bullet come from Word's own
    definitions, the bullet list with a numbering of its own (the document's lists keep theirs)."""
    document = make_document(tmp_path / "kaal.docx")
    keep = (b"Normal", b"Heading1", b"Heading2", b"DefaultParagraphFont", b"TableNormal")

    def strip(name: str, xml: bytes) -> bytes:
        if name != "word/styles.xml":
            return xml
        root = etree.fromstring(xml)
        for style in root.findall(f"{W}style"):
            if style.get(f"{W}styleId").encode() not in keep:
                root.remove(style)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    _rewrite(document, strip)
    numbering_before = etree.fromstring(parts(document)["word/numbering.xml"])
    rapport = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": MINIMAL_YAML,
            "teksten/lijst.md": "# Lijst\n\n## Onderdeel\n\n- een\n- twee\n\n> Een citaat.\n",
            "indicatoren.csv": "id,indicator,jaar,soort,waarde\np,P,2017,realisatie,5\n",
        },
    )
    written, _ = insert_chapter(rapport, document, "Financiën")
    word = docx.Document(str(written.path))
    names = {s.name for s in word.styles}
    # ## under the text's own # title (dropped: the section's heading says it): h3, 2 below
    assert {"Caption", "List Bullet", "Heading 3", "Quote"} <= names
    assert [p.style.name for p in word.paragraphs if p.text == "Een citaat."] == ["Quote"]
    bullets = [p for p in word.paragraphs if p.style.name == "List Bullet"]
    assert [p.text for p in bullets][-2:] == ["een", "twee"]
    numbering = etree.fromstring(parts(written.path)["word/numbering.xml"])
    old_ids = {n.get(f"{W}numId") for n in numbering_before.iter(f"{W}num")}
    style = word.styles["List Bullet"].element
    list_id = style.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
    assert list_id not in old_ids
    assert len(list(numbering.iter(f"{W}num"))) == len(old_ids) + 1
    kinds = [e.tag.split("}")[1] for e in numbering]
    assert kinds == sorted(kinds)  # every abstractNum before every num, as the schema wants


def test_footnotes_and_a_chapter_with_sections_of_its_own(beleidsplan: Path) -> None:
    """Chapter 6 (with a section 6.1 and a list) replaced by the begroting: its footnote under its
    table, the figure's marker set apart, the chapter's own section 6.1 gone with it."""
    out = beleidsplan.with_name("begroting.docx")
    begroting = DATA / "begroting-2020"
    code, output = insert(begroting, beleidsplan, "--heading", "Aanpak", "-o", out)
    assert code == 0, output
    word = docx.Document(str(out))
    texts = [p.text for p in word.paragraphs]
    start, end = texts.index("Aanpak"), texts.index("Instrumenten")
    chapter = texts[start + 1 : end]
    assert "Doelgroepen" not in chapter and "Jongeren" not in chapter
    assert "* afgesproken is niet te sturen op het aantal P-banen." in chapter
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert "\t-\t*" in cells  # seed 001's "-*": the marker set apart on its own tab stop


def test_of_a_reeks_the_chapter_is_one_gemeente_s(beleidsplan: Path, tmp_path: Path) -> None:
    rows = "gemeente,post,soort,jaar,stand,bedrag\n"
    rows += "Wassenaar,6.4 Begeleide participatie,lasten,2017,realisatie,123456\n"
    rows += "Voorschoten,6.4 Begeleide participatie,lasten,2017,realisatie,654321\n"
    rapport = write_rapport(tmp_path / "reeks", {"rapport.yaml": MINIMAL_YAML, "kosten.csv": rows})
    code, output = insert(rapport, beleidsplan, "--heading", "Financiën")
    assert code == 1
    assert (
        "--gemeente: een reeks heeft een document per gemeente: kies er een met --gemeente"
        in output
    )
    assert "(Wassenaar, Voorschoten)" in output
    code, output = insert(rapport, beleidsplan, "--heading", "Financiën", "--gemeente", "wassenaar")
    assert code == 0, output
    cells = [
        c.text
        for t in docx.Document(str(default_output(beleidsplan))).tables
        for r in t.rows
        for c in r.cells
    ]
    assert "€\u00a0123.456" in cells and "€\u00a0654.321" not in cells
    code, output = insert(WASSENAAR, beleidsplan, "--heading", "Financiën", "--gemeente", "x")
    assert code == 1 and "--gemeente: alleen een reeks" in output


def test_the_rapport_s_captions_continue_the_document_s_numbering(tmp_path: Path) -> None:
    """Two tables captioned by Word (SEQ Tabel) before the chapter: the rapport's first table
    is Tabel 3, and a reference to it says 3, as Word computes them (issue 27, item 2)."""
    from jaarverslag.render.docx import fields
    from jaarverslag.render.docx.oxml import paragraph_element

    word = docx.Document()
    word.add_paragraph("Inleiding", style="Heading 1")
    for number in (1, 2):
        caption = word.add_paragraph(style="Caption")
        fields.text_run(paragraph_element(caption), "Tabel ")
        fields.field(paragraph_element(caption), "SEQ Tabel \\* ARABIC", str(number))
    word.add_paragraph("Financiën", style="Heading 1")
    word.add_paragraph("Oude tekst.")
    source = tmp_path / "plan.docx"
    word.save(str(source))
    rapport = tmp_path / "plan"
    for path in (DATA / "beleidsplan-wassenaar-2024").rglob("*"):
        if path.is_file():
            relative = path.relative_to(DATA / "beleidsplan-wassenaar-2024")
            write_rapport(rapport, {str(relative): path.read_bytes()})
    text = rapport / "teksten" / "verdeling.md"
    text.write_text(text.read_text() + "\nZie [@tabel-maatregelen].\n")
    code, output = insert(rapport, source, "--heading", "Financiën", "-o", tmp_path / "uit.docx")
    assert code == 0, output
    result = docx.Document(str(tmp_path / "uit.docx"))
    captions = [p.text for p in result.paragraphs if p.style.name == "Caption"]
    assert captions[2].startswith("Tabel 3 ") and captions[-1].startswith("Tabel 4 ")
    assert "Zie tabel\xa03." in [p.text for p in result.paragraphs]
