"""Turns the one HTML document into a DOCX by walking its elements into python-docx.

Word's own styles carry the structure (Title, Heading 1-3, List Bullet, Caption), so the
navigation pane and a table of contents work; a rapport's ``huisstijl.docx`` supplies them.
:func:`write_html` writes into any document, in its styles (a :class:`Look`): ``insert`` puts
a rapport into the user's own document with it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Emu, Pt
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html
from lxml.html import HtmlElement

from jaarverslag.core.errors import Problem
from jaarverslag.core.model import Document
from jaarverslag.inputs.images import RASTER
from jaarverslag.render import vocabulary as v
from jaarverslag.render.docx.comments import add_comments
from jaarverslag.render.docx.contents import Contents
from jaarverslag.render.docx.look import HEADING_LEVEL, WORD_HEADINGS, HouseStyleError, Look
from jaarverslag.render.docx.oxml import WordCell, inline_element
from jaarverslag.render.docx.pages import bookmark_pages
from jaarverslag.render.docx.pictures import data_url, word_picture
from jaarverslag.render.docx.settings import (
    clear_body,
    default_look,
    fixed_zip,
    set_properties,
)
from jaarverslag.render.docx.styles import WRITER_STYLES, ensure_styles, list_style
from jaarverslag.render.docx.tables import (
    fit,
    hang_markers,
    keep_together,
    keep_with_next,
    repeat_header,
    rules,
    set_margins,
    set_size,
    shade,
    visible,
)

__all__ = ["HEADING_LEVEL", "WORD_HEADINGS", "Look", "render_docx", "write_html"]

#: The look of a document of its own (not a chapter of someone's).
OWN = Look()
#: White space as HTML collapses it (a no-break space is not among it).
HTML_SPACE = " \t\n\r\f"


def render_docx(
    html: str,
    document: Document,
    figures_png: Mapping[str, bytes],
    reference: bytes | None = None,
    comments: Sequence[Problem] = (),
) -> bytes:
    """Walk ``html`` into a Word document; images come from ``figures_png`` by name, the styles
    from the house-style document ``reference`` (its bytes, read and checked), if any;
    ``comments``: warnings shown as Word comments on what they concern."""
    try:
        word = new_docx(io.BytesIO(reference)) if reference else new_docx()
        clear_body(word)
        if reference is None:
            default_look(word)
        else:  # Word leaves unused built-in styles out of a file: copy in the ones we write
            ensure_styles(word, WRITER_STYLES)
    except Exception as exc:  # python-docx raises many kinds on a package it can't use
        if reference is None:
            raise
        raise HouseStyleError(str(exc) or type(exc).__name__) from exc
    contents = write_html(word, html, figures_png, Look(own_font=reference is None))
    set_properties(word, document)
    if comments:
        add_comments(word, contents, comments, document.datum)
    buffer = io.BytesIO()
    word.save(buffer)
    if contents.pages:  # a table of contents: the pages of its entries, laid out
        names = {bookmark for bookmark, _, _ in contents.pages}
        contents.set_pages(bookmark_pages(buffer.getvalue(), names))
        buffer = io.BytesIO()
        word.save(buffer)
    return fixed_zip(buffer.getvalue())


def write_html(
    word: DocxDocument, html: str, figures_png: Mapping[str, bytes], look: Look = OWN
) -> Contents:
    """Append the body of ``html`` to the body of ``word`` (before its last section's
    settings), in the document's styles as ``look`` says; its headings and captions (and its
    table of contents, filled in but for the pages)."""
    # huge_tree: without it lxml silently cuts a text node over 10 MB and all that follows
    root = lxml_html.document_fromstring(html, parser=lxml_html.HTMLParser(huge_tree=True))
    writer = _Writer(word, figures_png, look)
    body = root.find("body")
    for element in body if body is not None else []:
        writer.block(element)
    writer.contents.finish(writer._text_width())
    return writer.contents


def html_words(text: str) -> list[str]:
    """``text`` split at HTML's white space (not at a no-break space, as ``str.split`` does)."""
    return [w for w in re.split(f"[{HTML_SPACE}]+", text) if w]


def _classes(element: HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


class _Writer:
    """Knows the small set of elements the templates use; anything else becomes a paragraph."""

    def __init__(self, word: DocxDocument, figures_png: Mapping[str, bytes], look: Look) -> None:
        self.word = word
        self.figures_png = figures_png
        self.look = look
        self.last_table: WordTable | None = None  #: the table its footnotes follow
        self.contents = Contents(word, offsets=dict(look.first_numbers))

    def block(self, el: HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("main", "section", "div", "article", "footer") and v.FOOTNOTES not in _classes(
            el
        ):
            for child in el:
                self.block(child)
        elif tag == "nav":
            if self.look.title and v.CONTENTS in _classes(el):  # a chapter: the document's own
                self.contents.nav(self.word.add_paragraph(), el)
        elif tag == "header":
            if self.look.title:
                self.header(el)
        elif tag == "h1":
            if self.look.title:
                self.inline(self.word.add_paragraph(style="Title"), el)
        elif tag in HEADING_LEVEL:
            style = self.look.headings[HEADING_LEVEL[tag]]
            heading = self.inline(self.word.add_paragraph(style=style), el)
            self.contents.heading(heading, HEADING_LEVEL[tag], el.get("id"))
        elif tag == "p":
            self.inline(self.word.add_paragraph(), el)
        elif tag in ("ul", "ol"):
            self.listing(el, 1)
        elif tag == "table":
            self.table(el)
        elif tag == "figure":
            self.figure(el)
        elif tag == "div":  # footnotes under a table: on the page of its last row
            if self.last_table is not None:
                keep_with_next(self.last_table.rows[-1])
            notes = list(el.iter("p"))
            for index, p in enumerate(notes):
                paragraph = self.inline(self.word.add_paragraph(), p)
                paragraph.paragraph_format.keep_with_next = index < len(notes) - 1
                for run in paragraph.runs:
                    run.font.size = Pt(8)
        elif tag == "blockquote":  # a quotation in a text: its paragraphs in Word's Quote
            for child in el:
                if child.tag == "p":
                    self.inline(self.word.add_paragraph(style="Quote"), child)
                else:
                    self.block(child)
        elif tag == "hr":
            self.word.add_paragraph()
        elif tag == "pre":
            paragraph = self.word.add_paragraph()
            paragraph.add_run(el.text_content()).font.name = "DejaVu Sans Mono"

    def header(self, el: HtmlElement) -> None:
        for child in el:
            classes = _classes(child)
            if child.tag == "h1":
                self.inline(self.word.add_paragraph(style="Title"), child)
            elif classes & v.TITLE_LINES:
                paragraph = self.inline(self.word.add_paragraph(style="Subtitle"), child)
                paragraph.paragraph_format.space_after = Pt(2)

    def inline(
        self, paragraph: Paragraph, el: HtmlElement, bold: bool = False, italic: bool = False
    ) -> Paragraph:
        """Copy text with strong/em/code/sup/a into runs."""
        if el.text:
            self._run(paragraph, el.text, bold, italic)
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                paragraph.add_run().add_break()
            elif tag == "img":
                self.picture(paragraph, child)
            elif tag in ("ul", "ol") or v.SCREEN_READER in _classes(child):
                pass  # nested list: handled by listing(); text for screen readers in HTML only
            elif tag == "a" and v.REFERENCE in _classes(child):
                self.contents.reference(paragraph, child)
            elif v.MARKER in _classes(child):
                paragraph.add_run("\t")  # to the marker's tab stop, set apart from the figure
                for sup in child:
                    self.inline(paragraph, sup, bold, italic)
                    for run in paragraph.runs[-1:]:
                        run.font.superscript = True
            else:
                self.inline(
                    paragraph,
                    child,
                    bold or tag in ("strong", "b"),
                    italic or tag in ("em", "i"),
                )
                if tag == "sup" and paragraph.runs:
                    paragraph.runs[-1].font.superscript = True
            if child.tail:
                self._run(paragraph, child.tail, bold, italic)
        return paragraph

    @staticmethod
    def _run(paragraph: Paragraph, text: str, bold: bool, italic: bool) -> None:
        """Collapse white space as HTML does, keeping one space at either end; a no-break
        space is no white space to HTML, and stays (``€ 1.715.000`` holds together in Word)."""
        if not text:
            return
        core = " ".join(html_words(text))
        lead = " " if text[0] in HTML_SPACE else ""
        trail = " " if text[-1] in HTML_SPACE and core else ""
        run = paragraph.add_run(lead + core + trail)
        run.bold = bold or None
        run.italic = italic or None

    def listing(self, el: HtmlElement, depth: int) -> None:
        style = list_style(el.tag, depth)
        for item in el.findall("li"):
            paragraph = self.word.add_paragraph(style=style)
            blocks = [c for c in item if c.tag == "p"]
            if blocks:  # loose list: <li><p>…</p></li>
                for p in blocks:
                    self.inline(paragraph, p)
            else:
                self.inline(paragraph, item)
            for sub in item:
                if sub.tag in ("ul", "ol"):
                    self.listing(sub, depth + 1)

    def table(self, el: HtmlElement) -> None:
        caption = el.find("caption")
        if caption is not None:
            paragraph = self.caption(caption, el.get("id"))
            paragraph.paragraph_format.keep_with_next = True
        rows = [
            r for part in el if part.tag in ("thead", "tbody", "tfoot") for r in part.findall("tr")
        ]
        rows += el.findall("tr")
        width = max((sum(int(c.get("colspan", 1)) for c in r) for r in rows), default=1)
        table = self.word.add_table(rows=0, cols=width)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        if self.look.table_style is not None:
            table.style = self.look.table_style  # its lines and header shading, not ours
        else:
            rules(table)
        thead = el.find("thead")
        header_rows = len(thead.findall("tr")) if thead is not None else 0
        hanging: list[tuple[WordCell, bool]] = []
        texts: list[dict[int, str]] = []  # per row: grid column → text, for the widths
        bold_rows: set[int] = set()
        marked: set[int] = set()  # grid columns with footnote markers
        for index, tr in enumerate(rows):
            row = table.add_row()
            kind = _classes(tr)
            texts.append({})
            if kind & v.BOLD_ROWS:
                bold_rows.add(index)
            if index < header_rows:
                repeat_header(row)
            column = 0
            for cell_el in tr:
                if cell_el.tag not in ("th", "td"):
                    continue
                span = int(cell_el.get("colspan", 1))
                cell = row.cells[column]
                if span > 1:
                    cell = cell.merge(row.cells[column + span - 1])
                bold = index < header_rows or bool(kind & v.BOLD_ROWS)
                marker = cell_el.find(f".//*[@class='{v.MARKER}']") is not None
                if marker:
                    cell.paragraphs[0].add_run("\t")  # to the figure's right tab stop
                self._cell(cell, cell_el, bold, index < header_rows)
                if v.WITH_NOTE in _classes(cell_el):
                    hanging.append((cell, marker))
                    marked.add(column)
                if span == 1:
                    texts[index][column] = visible(cell_el)
                column += span
        # A text column with a short header (V/N) is narrow; number columns share the rest.
        short = {
            i
            for i, c in enumerate(rows[0] if rows else [])
            if v.TEXT in _classes(c) and len(c.text_content().strip()) <= v.SHORT_HEADER
        }
        size, margin = fit(
            table,
            texts,
            header_rows=header_rows,
            bold_rows=bold_rows,
            short=short,
            marked=marked,
            text_width=self._text_width(),
            wide=not self.look.own_font,
        )
        keep_together(table, header_rows)
        self.last_table = table
        set_margins(table, margin)
        if size != 9:
            set_size(table, size)
        hang_markers(hanging, size, margin)
        following = el.getnext()
        if following is None or v.FOOTNOTES not in _classes(following):
            self.word.add_paragraph()

    def _text_width(self) -> int:
        if self.look.text_width is not None:
            return self.look.text_width
        section = self.word.sections[-1]
        width = section.page_width or 0
        return int(width - (section.left_margin or 0) - (section.right_margin or 0))

    def _cell(self, cell: WordCell, el: HtmlElement, bold: bool, header: bool) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_before = Pt(1)
        paragraph.paragraph_format.space_after = Pt(1)
        self.inline(paragraph, el, bold=bold)
        classes = _classes(el)
        if v.NUM in classes:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for run in paragraph.runs:
            run.font.size = Pt(9)
        if v.ACCENT in classes:
            shade(cell, "FFF2CC")
        elif header and self.look.table_style is None:
            shade(cell, "E8EEF5")

    def picture(self, paragraph: Paragraph, img: HtmlElement) -> None:
        """A picture of the rapport's own text, in the line as in the HTML, no wider than the
        text; one Word can't show (SVG) becomes its description, in brackets and italics."""
        alt = img.get("alt", "")
        data = data_url(img.get("src", ""), RASTER)
        picture = word_picture(data) if data is not None else None
        if picture is None:
            self._run(paragraph, f"[afbeelding: {alt}]" if alt else "[afbeelding]", False, True)
            return
        shape = paragraph.add_run().add_picture(io.BytesIO(picture))
        widest = self._text_width()
        if shape.width > widest:
            shape.height = Emu(int(shape.height * widest / shape.width))
            shape.width = Emu(widest)
        inline_element(shape).docPr.set("descr", alt)

    def figure(self, el: HtmlElement) -> None:
        img = el.find(".//img")
        if img is not None:
            png = self.figures_png.get(img.get(v.CHART_NAME, ""))
            if png is not None:
                width = min(int(Cm(15)), self._text_width())
                self.word.add_picture(io.BytesIO(png), width=width)
                inline = self.word.inline_shapes[-1]._inline
                # the alt text as description only: a title too is read out before it (a PDF
                # export of LibreOffice makes the figure's /Alt "title - description")
                inline.docPr.set("descr", img.get("alt", ""))
        caption = el.find("figcaption")
        if caption is not None:
            self.caption(caption, el.get("id"))

    def caption(self, el: HtmlElement, ident: str | None) -> Paragraph:
        """A caption in Word's Caption style, its number Word's (a SEQ field)."""
        paragraph = self.word.add_paragraph(style="Caption")
        label = self.contents.caption_of(paragraph, el, ident)
        notes = [n for n in el.iter("span") if v.NOTE in _classes(n)]
        for note in notes:
            el.remove(note)  # a line of its own: the caption's entry in Word's list without it
        self.inline(paragraph, el)
        if label is not None:
            self.contents.caption_done(paragraph, label)
        for note in notes:
            note.tail = None
            line = self.inline(self.word.add_paragraph(style="Caption"), note)
            paragraph.paragraph_format.keep_with_next = True
            for run in line.runs:
                run.bold = False
            paragraph = line
        return paragraph
