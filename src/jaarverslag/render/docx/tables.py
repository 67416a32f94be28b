"""Column widths, type size and footnote markers of a DOCX table: what the PDF gets from CSS.

Word and LibreOffice lay a table out on the widths the file gives; they don't measure its
content. So the widths are estimated here from the text, with Open Sans's character widths: a
figure never breaks inside (``€ 3.244,\\n50``), a header breaks only between words, and a wide
table (a long series of years) steps its type and cell margins down until its figures fit, as
the PDF sets a wide table smaller. Footnote markers hang right of their figure on tab stops, so
figures with and without a marker stay right-aligned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt
from docx.table import Table

from jaarverslag.core.xml import Element
from jaarverslag.render import vocabulary as v
from jaarverslag.render.docx.oxml import WordCell, cell_element, row_element, table_element

#: (type size, cell margin) from the regular look to the most compact one.
STEPS = ((9.0, 5.4), (8.0, 4.0), (7.0, 2.5), (6.5, 2.0))
#: Room a column with markers keeps right of its figures (in em) and the gap before a marker.
MARKER_ROOM_EM, MARKER_GAP = 1.3, Pt(2.5)
NARROW = Cm(1.0)  #: a text column with a short header (V/N)
LABEL_MIN = Cm(2.2)
#: Character widths of Open Sans in em, by kind (upper case, other); bold is about 6% wider.
_WIDTHS = (
    ("il.,:;'!| \u00a0", 0.27),
    ("tfrj-()/", 0.37),
    ("mwMW%", 0.88),
    ("0123456789€+\u2212", 0.58),
)
_OTHER = (0.66, 0.55)
#: The same of a wide font, for text in a font we don't know (DejaVu Sans, measured; its bold
#: in the second table): no common font's figures are wider.
_WIDE = (
    ("il.,:;'!| \u00a0", 0.32),
    ("tfrj-()/", 0.41),
    ("mwMW%", 0.98),
    ("0123456789€", 0.64),
    ("+\u2212", 0.84),
)
_WIDE_BOLD = (
    ("il.,:;'!| \u00a0", 0.38),
    ("tfrj-()/", 0.49),
    ("mwMW%", 1.04),
    ("0123456789€", 0.70),
    ("+\u2212", 0.84),
)


def em(text: str, bold: bool = False, wide: bool = False) -> float:
    """The width of ``text`` in em, rounded up a little (better wide than wrapped); ``wide``:
    in a font we don't know (the widths of a wide one)."""
    table = (_WIDE_BOLD if bold else _WIDE) if wide else _WIDTHS
    upper, other = ((0.76, 0.64) if bold else (0.68, 0.57)) if wide else _OTHER
    total = 0.0
    for char in text:
        width = next((w for chars, w in table if char in chars), None)
        total += width if width is not None else (upper if char.isupper() else other)
    return total * (1.06 if bold and not wide else 1.0) + 0.1


def visible(el: Element) -> str:
    """A cell's figure or text as a reader sees it, without its footnote marker."""
    parts = [el.text or ""]
    for child in el:
        classes = set((child.get("class") or "").split())
        if not classes & {v.MARKER, v.SCREEN_READER}:
            parts.append(visible(child))
        parts.append(child.tail or "")
    return " ".join(w for w in re.split("[ \t\n\r\f]+", "".join(parts)) if w)


def fit(
    table: Table,
    texts: Sequence[Mapping[int, str]],
    *,
    header_rows: int,
    bold_rows: set[int],
    short: set[int],
    marked: set[int],
    text_width: int,
    wide: bool = False,
) -> tuple[float, Length]:
    """Set the column widths of ``table`` from ``texts`` (per row: grid column → text of a
    cell spanning one column); returns the type size and cell margin it needs. ``wide``: the
    text is set in a font we don't know (:func:`em`)."""
    columns = len(table.columns)
    table.autofit = False
    size, margin = STEPS[0]
    need = [0] * columns
    label_min = text_width
    for size, margin in STEPS:
        room = int(Pt(size * MARKER_ROOM_EM))
        need = [0] * columns
        for r, row in enumerate(texts):
            for c, text in row.items():
                words = text.split(" ") if r < header_rows or c == 0 else [text]
                bold = r < header_rows or r in bold_rows
                longest = max((em(w, bold, wide) for w in words), default=0)
                extra = room if c in marked and r >= header_rows else 0
                need[c] = max(need[c], int(Pt(longest * size + 2 * margin)) + extra)
        need = [int(NARROW) if c in short else n for c, n in enumerate(need)]
        label_min = max(int(LABEL_MIN), need[0]) if columns > 1 else text_width
        if sum(need[1:]) + label_min <= text_width:
            break
    values = sum(need[1:])
    share = 0.42 if columns <= 4 else 0.30 if columns <= 6 else 0.22
    label = max(min(label_min, text_width), min(int(text_width * share), text_width - values))
    spare = text_width - label - values
    growing = [c for c in range(1, columns) if c not in short]
    widths = [label]
    for c in range(1, columns):
        if spare >= 0:
            widths.append(need[c] + (spare // len(growing) if c in growing else 0))
        else:  # more than the page holds even in 7 pt: share what there is
            widths.append(int(need[c] * (text_width - label) / max(values, 1)))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return size, Pt(margin)


def set_margins(table: Table, margin: Length) -> None:
    """Left and right cell margins of the whole table (so tab stops are exact)."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(margin.twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties = table_element(table).tblPr
    later = [c for c in properties if c.tag in (qn("w:tblLook"), qn("w:tblCaption"))]
    if later:  # the schema's order: tblCellMar before tblLook
        later[0].addprevious(margins)
    else:
        properties.append(margins)


def set_size(table: Table, size: float) -> None:
    """The type size of every run in the table."""
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)


def hang_markers(cells: Sequence[tuple[WordCell, bool]], size: float, margin: Length) -> None:
    """Every figure of a column with markers ends the marker's room before the cell's edge; a
    marked cell is ``\\tfigure\\tmarker`` with a right tab stop there and the marker after it."""
    room = Pt(size * MARKER_ROOM_EM)
    for cell, marked in cells:
        paragraph = cell.paragraphs[0]
        if not marked:
            paragraph.paragraph_format.right_indent = room
            continue
        stop = Length(int(cell.width or 0) - 2 * margin - room)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.tab_stops.add_tab_stop(stop, WD_TAB_ALIGNMENT.RIGHT)
        paragraph.paragraph_format.tab_stops.add_tab_stop(
            Length(stop + MARKER_GAP), WD_TAB_ALIGNMENT.LEFT
        )


def repeat_header(row: Any) -> None:  # python-docx's row class is private
    """Mark a row as a header row: Word repeats it on every page and screen readers know it."""
    properties = row_element(row).get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


#: Rows kept together at either end of a table longer than ``vocabulary.KEEP_ROWS`` (which may
#: break, but never right after its header nor before its last rows: a lone total).
KEEP_EDGE = 3


def keep_together(table: Table, header_rows: int) -> None:
    """No row splits over two pages, and a short table doesn't split at all: Word's "keep with
    next" on the rows that must stay with the one below them (the PDF's CSS does the same)."""
    rows = list(table.rows)
    count = len(rows)
    if count <= v.KEEP_ROWS:
        keep = set(range(count - 1))
    else:
        keep = set(range(header_rows + KEEP_EDGE - 1)) | set(range(count - KEEP_EDGE, count - 1))
    for index, row in enumerate(rows):
        properties = row_element(row).get_or_add_trPr()
        properties.insert(0, OxmlElement("w:cantSplit"))  # first: the schema's order
        if index in keep:
            keep_with_next(row)


def keep_with_next(row: Any) -> None:  # python-docx's row class is private
    """Word keeps the row on the page of what follows it."""
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def rules(table: Table) -> None:
    """Horizontal rules only, as the PDF has: a dark line above and below, light ones between."""
    borders = OxmlElement("w:tblBorders")
    for edge, size, colour in (
        ("top", 8, "1F4E79"),
        ("left", 0, None),
        ("bottom", 8, "1F4E79"),
        ("right", 0, None),
        ("insideH", 4, "D0D7E1"),
        ("insideV", 0, None),
    ):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single" if size else "nil")
        if size:
            line.set(qn("w:sz"), str(size))
            line.set(qn("w:space"), "0")
            line.set(qn("w:color"), str(colour))
        borders.append(line)
    properties = table_element(table).tblPr
    later = {qn(t) for t in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")}
    following = [c for c in properties if c.tag in later]
    if following:  # the schema's order: tblBorders before these
        following[0].addprevious(borders)
    else:
        properties.append(borders)


def shade(cell: WordCell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell_element(cell).get_or_add_tcPr().append(shading)
