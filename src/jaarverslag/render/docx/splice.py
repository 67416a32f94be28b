"""The rapport as a chapter of someone's Word document: the chapter under a heading emptied and
the rapport's page written in its place, in the document's own styles.

What goes in: the document's bytes, the heading's text, the rapport's HTML page and its charts
as PNG. What comes out: the new document's bytes (:func:`.package.repack`: every part not
touched stays byte for byte) and a :class:`Spliced` saying what went in and out. A heading that
isn't there raises :class:`.chapter.ChapterError`; a package python-docx can't open raises
:class:`UnreadableDocument`.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm
from lxml import html as lxml_html
from lxml.html import HtmlElement

from jaarverslag.render.docx.chapter import (
    TYPED_NUMBER,
    Removed,
    clear_chapter,
    find_heading,
    headings,
    place_after,
    tidy,
)
from jaarverslag.render.docx.look import HEADING_LEVEL, Look
from jaarverslag.render.docx.package import repack
from jaarverslag.render.docx.styles import body_styles, ensure_styles, heading_styles, table_style
from jaarverslag.render.docx.writer import write_html

#: The heading levels below the chapter's the rapport uses (h2 … h5 in its HTML).
DEPTH = 4


class UnreadableDocument(Exception):
    """python-docx can't open the document (its message says why)."""


@dataclass(frozen=True)
class Spliced:
    """What the chapter holds now, and what was taken out of it."""

    heading: str
    tables: int
    removed: Removed


def splice_chapter(
    data: bytes, heading_text: str, html: str, figures: Mapping[str, bytes]
) -> tuple[bytes, Spliced]:
    """The document ``data`` with the chapter under ``heading_text`` replaced by the page
    ``html`` (its charts from ``figures`` by name)."""
    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise UnreadableDocument(str(exc) or type(exc).__name__) from exc
    heading = find_heading(word, heading_text)
    page = _without_repeated_title(html, heading.text)
    levels = {n: min(heading.level + n, 9) for n in range(1, DEPTH + 1)}
    used = {HEADING_LEVEL[tag] for tag in HEADING_LEVEL if next(page.iter(tag), None) is not None}
    styles = heading_styles(word, headings(word), {levels[n] for n in used})
    ensure_styles(word, [*styles.values(), *body_styles(page)])
    look = Look(
        title=False,
        headings={n: styles[levels[n]] for n in used},
        table_style=table_style(word) if next(page.iter("table"), None) is not None else None,
        text_width=_text_width(word, heading.index),
        first_numbers=captions_before(word, heading.index),
        own_font=False,  # the chapter is set in the document's font: its figures get room
    )
    removed = clear_chapter(word, heading)
    body = word.element.body

    def end() -> int:  # the body's elements before its closing section settings
        return len(body) - (1 if len(body) and body[-1].tag == qn("w:sectPr") else 0)

    before = end()
    written = lxml_html.tostring(page, encoding="unicode", doctype="<!DOCTYPE html>")
    write_html(word, written, figures, look)
    new = list(body)[before : end()]
    place_after(word, heading, new)
    tidy(word, removed, new)
    buffer = io.BytesIO()
    word.save(buffer)
    tables = sum(1 for e in new if e.tag == qn("w:tbl"))
    return repack(data, buffer.getvalue()), Spliced(heading.text, tables, removed)


def captions_before(word: DocxDocument, index: int) -> dict[str, int]:
    """How many captions of each label (``SEQ Tabel`` fields) the document has before body
    element ``index``: the rapport's tables continue that numbering, as Word will."""
    counts: dict[str, int] = {}
    for element in list(word.element.body)[:index]:
        codes = [t.text or "" for t in element.iter(qn("w:instrText"))]
        codes += [f.get(qn("w:instr"), "") for f in element.iter(qn("w:fldSimple"))]
        for code in codes:
            parts = code.split()
            if len(parts) >= 2 and parts[0].upper() == "SEQ" and "\\c" not in parts:
                label = parts[1].strip('"')
                counts[label] = counts.get(label, 0) + 1
    return counts


def _text_width(word: DocxDocument, index: int) -> int:
    """The width between the margins of the section the chapter is in (EMU)."""
    settings = None
    for element in list(word.element.body)[index:]:
        if element.tag == qn("w:sectPr"):
            settings = element
        elif element.tag == qn("w:p"):
            settings = element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if settings is not None:
            break
    if settings is None:
        return int(Cm(16))
    section = Section(settings, word.part)
    width = section.page_width or Cm(21)
    return int(width - (section.left_margin or Cm(2.5)) - (section.right_margin or Cm(2.5)))


def _without_repeated_title(html: str, heading: str) -> HtmlElement:
    """The rapport's page, its first section title left out when it only repeats the chapter's
    heading (``9. Financiën`` under the heading *Financiën*)."""
    root = lxml_html.document_fromstring(html, parser=lxml_html.HTMLParser(huge_tree=True))
    first: HtmlElement | None = next(iter(root.iter("h2")), None)

    def key(text: str) -> str:
        return " ".join(TYPED_NUMBER.sub("", " ".join(text.split())).split()).casefold()

    if first is not None and key(first.text_content()) == key(heading):
        parent = first.getparent()
        if parent is not None:
            parent.remove(first)
    return root
