"""Word's fields, bookmarks and internal links, which python-docx doesn't model: their XML.

A field is a run that begins it, a run with its instruction (``SEQ Tabel``, ``REF …``,
``PAGEREF …``, ``TOC …``), a run that separates, the runs of its result as Word last computed
it, and a run that ends it. We always write the result: Word shows it when the file is opened
(and recomputes it when asked, F9), and a reader that computes fields itself (LibreOffice) gets
the same. A bookmark marks the text a reference points to; hidden ones start with ``_``.
Everything here appends to an element (a paragraph's ``<w:p>``, a link's ``<w:hyperlink>``).
"""

from __future__ import annotations

import hashlib
import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from jaarverslag.core.xml import Element

#: Word keeps bookmark names to 40 characters: letters, digits and ``_``.
NAME_LIMIT = 40
UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def bookmark_name(prefix: str, ident: str) -> str:
    """A hidden bookmark's name for an id: ``_Toc_kop_2_1``, ``_Ref_tabel_kosten``; a long
    one ends in a hash of the id instead, so two ids never share a name."""
    name = f"{prefix}_{UNSAFE.sub('_', ident)}"
    if len(name) <= NAME_LIMIT:
        return name
    tail = hashlib.sha256(ident.encode()).hexdigest()[:10]
    return f"{name[: NAME_LIMIT - len(tail) - 1]}_{tail}"


def _run(child: Element) -> Element:
    run: Element = OxmlElement("w:r")
    run.append(child)
    return run


def _char(kind: str) -> Element:
    char: Element = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    return _run(char)


def begin_runs(instruction: str) -> list[Element]:
    """The runs that open a field: begin, its instruction, separate (its result follows)."""
    code: Element = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    return [_char("begin"), _run(code), _char("separate")]


def end_run() -> Element:
    return _char("end")


def text_run(parent: Element, text: str) -> Element:
    """A run of plain ``text`` appended to ``parent``; its ``<w:t>``."""
    t: Element = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    parent.append(_run(t))
    return t


def tab_run(parent: Element) -> None:
    parent.append(_run(OxmlElement("w:tab")))


def field(parent: Element, instruction: str, result: str) -> Element:
    """A whole field appended to ``parent``, ``result`` as Word would compute it; the
    ``<w:t>`` of the result."""
    for run in begin_runs(instruction):
        parent.append(run)
    text = text_run(parent, result)
    parent.append(end_run())
    return text


def bookmark_start(name: str, ident: int) -> Element:
    start: Element = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name)
    return start


def bookmark_end(ident: int) -> Element:
    end: Element = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(ident))
    return end


def after_properties(paragraph: Element, elements: list[Element]) -> None:
    """Put ``elements`` first in the paragraph's content (after its properties)."""
    properties = paragraph.find(qn("w:pPr"))
    for element in reversed(elements):
        if properties is not None:
            properties.addnext(element)
        else:
            paragraph.insert(0, element)


def hyperlink(parent: Element, anchor: str) -> Element:
    """An internal link to bookmark ``anchor`` appended to ``parent``; runs appended to it are
    its text."""
    link: Element = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    parent.append(link)
    return link


def next_bookmark_id(root: Element) -> int:
    """One more than the highest bookmark id in ``root``."""
    ids = [int(b.get(qn("w:id"), "0")) for b in root.iter(qn("w:bookmarkStart"))]
    return max((i for i in ids if i >= 0), default=-1) + 1
