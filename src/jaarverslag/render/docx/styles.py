"""The styles a chapter written into someone's Word document takes: theirs where they exist.

Headings take the style the document's own headings of that level use (a house heading style),
else Word's *Heading N*; tables the table style the document's own tables use most (the house
table style), else *Table Grid*. A style the writer needs that the document lacks (Word leaves
unused built-in styles out of the file) is copied in from python-docx's default template, with
the styles it is based on and, for a list style, its numbering definition under new numbers, so
it can't take over a list of the document.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.numbering import NumberingPart
from lxml.html import HtmlElement

from jaarverslag.core.xml import Element
from jaarverslag.render.docx.chapter import Heading

#: python-docx's own template: Word's built-in styles as Word defines them.
TEMPLATE = Path(docx.__file__).parent / "templates" / "default.docx"


#: Every paragraph style the DOCX writer may give a paragraph.
WRITER_STYLES = (
    "Title",
    "Subtitle",
    *(f"Heading {level}" for level in range(1, 5)),
    "Caption",
    "Quote",
    *(f"{kind}{suffix}" for kind in ("List Bullet", "List Number") for suffix in ("", " 2", " 3")),
)


def list_style(tag: str, depth: int) -> str:
    """The Word style of a list item: ``ol`` numbered, ``ul`` bullets; 2 and 3 when nested."""
    style = "List Number" if tag == "ol" else "List Bullet"
    return style + (f" {min(depth, 3)}" if depth > 1 else "")


def body_styles(html: HtmlElement) -> list[str]:
    """The paragraph styles besides headings the writer gives this HTML: Caption, Quote,
    List …"""
    used = ["Caption"] if next(html.iter("caption", "figcaption"), None) is not None else []
    if next(html.iter("blockquote"), None) is not None:
        used.append("Quote")
    for listing in html.iter("ul", "ol"):
        depth = sum(1 for a in listing.iterancestors() if a.tag in ("ul", "ol")) + 1
        used.append(list_style(str(listing.tag), depth))
    return list(dict.fromkeys(used))


def heading_styles(
    word: DocxDocument, found: list[Heading], levels: Iterable[int]
) -> dict[int, str]:
    """Per level: the style name most of the document's headings of that level use, else
    ``Heading N``."""
    names = {s.style_id: s.name for s in word.styles if s.name}
    chosen = {}
    for level in levels:
        used = Counter(names[h.style] for h in found if h.level == level and h.style in names)
        chosen[level] = used.most_common(1)[0][0] if used else f"Heading {level}"
    return chosen


def table_style(word: DocxDocument) -> str | None:
    """The table style most of the document's tables use, else Table Grid (added if need be)."""
    names = {s.style_id: s.name for s in word.styles if s.name}
    used: Counter[str] = Counter()
    for table in word.element.body.iter(qn("w:tbl")):
        style = table.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
        name = names.get(style.get(qn("w:val"))) if style is not None else None
        if name and name not in ("Normal Table", "Table Normal"):
            used[name] += 1
    if used:
        return used.most_common(1)[0][0]
    added = ensure_styles(word, ["Table Grid"])
    return "Table Grid" if "Table Grid" in word.styles or added else None


def ensure_styles(word: DocxDocument, names: Iterable[str]) -> list[str]:
    """Copy the styles of ``names`` the document lacks from the template; their names."""
    missing = [n for n in dict.fromkeys(names) if n not in word.styles]
    if not missing:
        return []
    template = docx.Document(str(TEMPLATE))
    added = []
    for name in missing:
        if name in template.styles:
            _copy(word, template, template.styles[name].style_id)
            added.append(name)
    return added


def _copy(word: DocxDocument, template: DocxDocument, style_id: str) -> str:
    """Copy one style (and what it is based on and linked to) in; returns its id there."""
    ours = word.styles.element
    source = template.styles.element.get_by_id(style_id)
    existing = ours.get_by_name(source.name_val) if source is not None else None
    if source is None:
        return style_id
    if existing is not None:
        return str(existing.styleId)
    style = copy.deepcopy(source)
    new_id = style_id
    taken = {s.styleId for s in ours.style_lst}
    while new_id in taken:  # the id is another style's there: a new id
        new_id += "1"
    style.set(qn("w:styleId"), new_id)
    ours.append(style)
    for tag in ("w:basedOn", "w:link", "w:next"):
        ref = style.find(qn(tag))
        if ref is None:
            continue
        target = ref.get(qn("w:val"))
        if tag == "w:next" and ours.get_by_id(target) is None and target != style_id:
            style.remove(ref)
        elif target != style_id:
            ref.set(qn("w:val"), _copy(word, template, target))
        else:
            ref.set(qn("w:val"), new_id)
    number = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if number is not None:
        number.set(qn("w:val"), _copy_numbering(word, template, number.get(qn("w:val"))))
    return new_id


def _copy_numbering(word: DocxDocument, template: DocxDocument, num_id: str) -> str:
    """The template's list definition ``num_id`` as a new one in the document; its number."""
    source = template.part.numbering_part.element
    target = _numbering(word)
    num = next(n for n in source.iter(qn("w:num")) if n.get(qn("w:numId")) == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(
        a for a in source.iter(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id
    )
    new_abstract = 1 + max(
        (int(a.get(qn("w:abstractNumId"), "0")) for a in target.iter(qn("w:abstractNum"))),
        default=-1,
    )
    new_num = 1 + max((int(n.get(qn("w:numId"), "0")) for n in target.iter(qn("w:num"))), default=0)
    abstract = copy.deepcopy(abstract)
    abstract.set(qn("w:abstractNumId"), str(new_abstract))
    nsid = abstract.find(qn("w:nsid"))
    if nsid is not None:  # Word tells lists apart by it
        nsid.set(qn("w:val"), f"{0x4A560000 + new_abstract:08X}")
    for link in abstract.iter(qn("w:pStyle")):  # a level tied to a style of the template's
        link.getparent().remove(link)
    num = copy.deepcopy(num)
    num.set(qn("w:numId"), str(new_num))
    num.find(qn("w:abstractNumId")).set(qn("w:val"), str(new_abstract))
    # the schema's order: picture bullets, then every abstractNum, then every num
    before = list(target.iter(qn("w:abstractNum"))) or list(target.iter(qn("w:numPicBullet")))
    if before:
        before[-1].addnext(abstract)
    else:
        target.insert(0, abstract)
    nums = list(target.iter(qn("w:num")))
    if nums:
        nums[-1].addnext(num)
    else:
        abstract.addnext(num)
    return str(new_num)


def _numbering(word: DocxDocument) -> Element:
    """The document's numbering definitions; a numbering part is added when it has none
    (python-docx can't make one)."""
    try:
        part = word.part.part_related_by(RT.NUMBERING)
    except KeyError:
        element = parse_xml(f"<w:numbering {nsdecls('w')}/>")
        part = NumberingPart(
            PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element, word.part.package
        )
        word.part.relate_to(part, RT.NUMBERING)
    if not isinstance(part, XmlPart):
        raise TypeError("numbering.xml is not XML")
    numbering: Element = part.element
    return numbering
