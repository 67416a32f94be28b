"""The Word document around the content: a body cleared of a house style's own text, our
default look, the core properties and the fingerprint of the inputs (custom properties, which
Word shows under File > Info > Properties), Dutch as the language of the text, and a package
whose entries have fixed times, so the same input gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from jaarverslag.core.fingerprint import PROPERTY, RECORD
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
    if document.fingerprint is not None:
        fingerprint = document.fingerprint
        set_custom(word, {PROPERTY: fingerprint.sha256, RECORD: fingerprint.record()})


CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
#: The format id every user-defined property has.
USER_DEFINED = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def set_custom(word: DocxDocument, values: dict[str, str]) -> None:
    """Word's custom document properties: ``values`` set (as text), the others a house style
    has kept."""
    package = word.part.package
    found = [(k, r) for k, r in package.rels.items() if r.reltype == RT.CUSTOM_PROPERTIES]
    root = etree.fromstring(f'<Properties xmlns="{CUSTOM}" xmlns:vt="{VT}"/>')
    for key, rel in found:  # a house style's own: kept, in a part made anew
        root = etree.fromstring(rel.target_part.blob, PARSER)
        del package.rels[key]
    for existing in list(root):
        if existing.get("name") in values:
            root.remove(existing)
    pid = 1 + max((int(p.get("pid", "1")) for p in root), default=1)
    for offset, (name, value) in enumerate(sorted(values.items())):
        prop = etree.SubElement(root, f"{{{CUSTOM}}}property")
        prop.set("fmtid", USER_DEFINED)
        prop.set("pid", str(pid + offset))
        prop.set("name", name)
        etree.SubElement(prop, f"{{{VT}}}lpwstr").text = value
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    uri = PackURI("/docProps/custom.xml")
    package.relate_to(Part(uri, CT.OFC_CUSTOM_PROPERTIES, blob, package), RT.CUSTOM_PROPERTIES)


def custom_properties(data: bytes) -> dict[str, str]:
    """The custom properties of a DOCX's bytes, by name (text values only)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            xml = package.read("docProps/custom.xml")
        root = etree.fromstring(xml, PARSER)
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError):
        return {}
    return {
        str(p.get("name")): "".join(str(t) for t in p.itertext())
        for p in root
        if p.get("name") is not None
    }


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
