"""The Word document around the content: a body cleared of a house style's own text, our
default look, the core properties, Dutch as the language of the text, and a package whose
entries have fixed times, so the same input gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from jaarverslag.core.model import Document

ACCENT = RGBColor(0x1F, 0x4E, 0x79)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
LANGUAGE = "nl-NL"


def clear_body(word: DocxDocument) -> None:
    """A reference document's content goes; its styles, headers and section stay."""
    body = word.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def default_look(word: DocxDocument) -> None:
    styles = word.styles
    normal = styles["Normal"]
    normal.font.name = "Open Sans"
    normal.font.size = Pt(10)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        style = styles[name]
        style.font.name = "Open Sans"
        style.font.color.rgb = ACCENT
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.4), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.4)


def set_properties(word: DocxDocument, document: Document) -> None:
    moment = dt.datetime.combine(dt.date.fromisoformat(document.datum), dt.time())
    props = word.core_properties
    props.title = document.titel
    props.author = document.organisatie
    props.subject = f"{document.soort} {document.jaar}"
    props.language = LANGUAGE
    props.created = moment
    props.modified = moment
    props.last_modified_by = document.organisatie
    props.revision = 1
    props.comments = ""
    set_language(word)


def set_language(word: DocxDocument) -> None:
    """Dutch as the language of the text itself, in the styles: Word's proofing, screen readers
    and a PDF export (its /Lang) read it there, not in the core properties. The defaults get
    it, and so does every style (also of a house style) that names another language."""
    styles = node = word.styles.element
    for tag in ("w:docDefaults", "w:rPrDefault", "w:rPr"):  # each first in its parent
        child = node.find(qn(tag))
        if child is None:
            child = OxmlElement(tag)
            node.insert(0, child)
        node = child
    if node.find(qn("w:lang")) is None:
        later = ("w:eastAsianLayout", "w:specVanish", "w:oMath")  # the schema's order
        node.insert_element_before(OxmlElement("w:lang"), *later)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)


def fixed_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed entry times: same input, same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
