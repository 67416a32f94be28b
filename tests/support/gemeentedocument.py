"""A municipality's own Word document, shaped as real ones are, for the tests of ``insert``.

The Wassenaar beleidsplan (seed 004) as a municipality keeps it in Word: a title page with a
logo, a table of contents field, chapters 1-10 with automatically numbered headings (a
multi-level list tied to Heading 1 and 2), its own table style, a photo, a comment, page
headers and footers with a PAGE field, and chapter 9 *Financiën* in a section of its own (a
section break before and after it, its own header) holding the hand-copied cost table whose
split (361.000 / 68.000 / 58.000) the rapport corrects. Made with python-docx, the tests' own
tool, so anyone can regenerate it: ``make_document(path)``.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from PIL import Image, ImageDraw

CHAPTERS = (
    "Inleiding",
    "Aanleiding",
    "Terugblik beleid re-integratie en participatie 2019-2022",
    "Visie en uitgangspunten",
    "Aanpak",
    "Instrumenten",
    "Samenwerking",
    "Een integraal beleid",
    "Financiën",
    "Monitoring",
)
HOUSE_TABLE = "Light Grid Accent 1"
TEXT = (
    "Meedoen in de maatschappij is belangrijk om prettig te kunnen leven. Wij willen alle "
    "Wassenaarders de kans geven om op een manier die bij hen past onderdeel te zijn van de "
    "samenleving. We ondersteunen daarom graag bij het vergroten van de kansen op de "
    "arbeidsmarkt door te kijken naar kwaliteiten en talenten."
)
OLD_SPLIT = (("Leidschendam-Voorburg", "74%", "361.000"), ("Wassenaar", "14%", "68.000"))
OLD_SPLIT += (("Voorschoten", "12%", "58.000"),)


def picture(colour: tuple[int, int, int], label: str, size: tuple[int, int] = (600, 300)) -> bytes:
    """A small PNG, the same bytes every time."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, size[0] - 10, size[1] - 10), outline=(255, 255, 255), width=6)
    draw.text((30, size[1] // 2 - 10), label, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def make_document(path: Path) -> Path:
    word = Document()
    _numbered_headings(word)
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    _header_footer(word, 0, "Beleidsplan Re-integratie en Participatie — Gemeente Wassenaar")
    word.add_picture(io.BytesIO(picture((0, 82, 147), "Gemeente Wassenaar")), width=Cm(6))
    word.add_paragraph("Beleidsplan Re-integratie en Participatie", style="Title")
    word.add_paragraph("Opstap naar werk — Gemeente Wassenaar, 2024", style="Subtitle")
    _page_break(word)
    word.add_paragraph("Inhoudsopgave", style="TOC Heading")
    _table_of_contents(word)
    _page_break(word)
    for number, title in enumerate(CHAPTERS, start=1):
        if title == "Financiën":
            _new_section(word, "Beleidsplan — Hoofdstuk 9 Financiën")
            _chapter_nine(word)
            _new_section(word, "Beleidsplan Re-integratie en Participatie — Gemeente Wassenaar")
            continue
        word.add_heading(title, level=1)
        word.add_paragraph(f"{TEXT} (hoofdstuk {number})")
        if number == 2:
            paragraph = word.add_paragraph("De Wet banenafspraak is op 1 juli 2023 gewijzigd.")
            word.add_comment(paragraph.runs, "Datum nog controleren", author="Beleid", initials="B")
        if number == 3:
            word.add_heading("Resultaten", level=2)
            word.add_picture(io.BytesIO(picture((0, 120, 80), "Foto: werkgeversdag")), width=Cm(9))
            word.add_paragraph("Foto: de werkgeversdag van 2023", style="Caption")
            _house_table(word, [("Jaar", "Uitstroom"), ("2021", "41"), ("2022", "47")])
        if number == 5:
            word.add_heading("Doelgroepen", level=2)
            for item in ("Jongeren", "Statushouders", "50-plussers"):
                word.add_paragraph(item, style="List Bullet")
        word.add_paragraph(TEXT)
    word.save(str(path))
    return path


def _chapter_nine(word: DocxDocument) -> None:
    heading = word.add_heading("Financiën", level=1)
    _bookmark(heading, "hoofdstuk_financien")
    paragraph = word.add_paragraph(
        "Om de ambities van het beleidsplan te realiseren, zijn er zowel incidenteel als "
        "structureel aanvullende middelen benodigd. Voor de drie gemeenten in totaal geldt:"
    )
    word.add_comment(paragraph.runs, "Cijfers uit de begroting overnemen", author="Financiën")
    rows = [("Bedragen in €", "2024", "2025", "2026 e.v."), ("Eén participatieconsulent", "95.000")]
    rows += [("Totale lasten", "487.000", "487.000", "247.000")]
    _house_table(word, [tuple(r) + ("",) * (4 - len(r)) for r in rows])
    word.add_heading("Verdeling over de gemeenten", level=2)
    _house_table(word, [("Gemeente", "Aandeel", "2024"), *OLD_SPLIT])
    word.add_paragraph(
        "Mogelijk ontvangen de drie gemeenten gezamenlijk een bedrag van € 120.000 per jaar "
        "uit de regio."
    )


def _house_table(word: DocxDocument, rows: list[tuple[str, ...]]) -> None:
    table = word.add_table(rows=0, cols=len(rows[0]), style=HOUSE_TABLE)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    word.add_paragraph()


def _new_section(word: DocxDocument, header: str) -> None:
    word.add_section(WD_SECTION.NEW_PAGE)
    _header_footer(word, len(word.sections) - 1, header)


def _header_footer(word: DocxDocument, index: int, text: str) -> None:
    section = word.sections[index]
    section.header.is_linked_to_previous = False
    section.header.paragraphs[0].text = text
    section.footer.is_linked_to_previous = False
    footer = section.footer.paragraphs[0]
    footer.text = "Pagina "
    _field(footer, "PAGE", "1")


def _field(paragraph: Paragraph, instruction: str, result: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
        if text is None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        run._r.append(element)
    paragraph.add_run(result)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _table_of_contents(word: DocxDocument) -> None:
    """A TOC field with the result Word last computed, spanning its paragraphs."""
    entries = [(f"{n}. {t}", str(2 + n)) for n, t in enumerate(CHAPTERS, start=1)]
    for index, (entry, page) in enumerate(entries):
        paragraph = word.add_paragraph(style="TOC 1" if "TOC 1" in word.styles else None)
        if index == 0:
            begin = paragraph.add_run()
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), "begin")
            begin._r.append(element)
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = ' TOC \\o "1-3" \\h \\z \\u '
            begin._r.append(instruction)
            separate = OxmlElement("w:fldChar")
            separate.set(qn("w:fldCharType"), "separate")
            begin._r.append(separate)
        paragraph.add_run(f"{entry}\t{page}")
        if index == len(entries) - 1:
            end = OxmlElement("w:fldChar")
            end.set(qn("w:fldCharType"), "end")
            paragraph.add_run()._r.append(end)


def _page_break(word: DocxDocument) -> None:
    paragraph = word.add_paragraph()
    br = OxmlElement("w:br")
    br.set(qn("w:type"), "page")
    paragraph.add_run()._r.append(br)


def _bookmark(paragraph: Paragraph, name: str) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), "90")
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), "90")
    paragraph._p.insert(1, start)
    paragraph._p.append(end)


def _numbered_headings(word: DocxDocument) -> None:
    """Heading 1 and 2 numbered 1., 1.1 by one multi-level list, as house templates do."""
    numbering = word.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:pStyle w:val="Heading{i + 1}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{567 * (i + 1)}" w:hanging="{567 * (i + 1)}"/></w:pPr></w:lvl>'
        for i, text in enumerate(("%1.", "%1.%2"))
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:nsid w:val="5A0B1C2D"/>'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    first_num = numbering.find(qn("w:num"))
    first_num.addprevious(abstract)
    numbering.append(num)
    for level, name in enumerate(("Heading 1", "Heading 2", "TOC Heading")):
        properties = word.styles[name].element.get_or_add_pPr()
        number = 90 if level < 2 else 0  # the TOC's own heading (based on Heading 1): none
        numbered = parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{min(level, 1)}"/>'
            f'<w:numId w:val="{number}"/></w:numPr>'
        )
        properties.insert(0, numbered)
