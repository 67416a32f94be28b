"""Word's tracked changes inside a paragraph: inserted and deleted words, as Word marks them.

A paragraph is cut into tokens: each word and each space of its plain runs (with the run's
formatting), and whatever else it holds as one piece (a field from its begin to its end, a
picture, a tab, a link, a bookmark). The old paragraph's tokens and the new one's are
compared; the new paragraph is written again from them: what stayed as it is, what is new in
``<w:ins>``, what went in ``<w:del>`` (its text as ``w:delText``, so Word and LibreOffice show
it struck through and accepting the change removes it). Fields stay whole, so a field is never
left without its end.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from jaarverslag.core.xml import Element

WORDS = re.compile(r"\s+|[^\s]+")
#: A paragraph's own properties, never a token.
PROPERTIES = qn("w:pPr")


@dataclass(frozen=True)
class Token:
    """A word or space of a plain run (``text``, ``style``: its run properties as XML), or a
    piece kept whole (``elements``; ``text`` is its signature)."""

    text: str
    style: bytes = b""
    elements: tuple[Element, ...] = ()

    @property
    def key(self) -> tuple[bool, str]:
        return bool(self.elements), self.text


@dataclass
class Marks:
    """Who made the changes and when, and the next id of a change."""

    author: str
    date: str
    next_id: int

    def make(self, kind: str) -> Element:
        element: Element = OxmlElement(f"w:{kind}")
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element


def text_of(element: Element) -> str:
    """The text of an element as a reader sees it (a tab a space)."""
    parts = []
    for node in element.iter(qn("w:t"), qn("w:delText"), qn("w:tab"), qn("w:br")):
        parts.append(node.text or "" if node.tag in (qn("w:t"), qn("w:delText")) else " ")
    return "".join(parts)


def _plain(run: Element) -> bool:
    return all(c.tag in (qn("w:rPr"), qn("w:t")) for c in run)


def _field_end(children: list[Element], start: int) -> int:
    """The index after the run that ends the field begun at ``start`` (nested ones counted)."""
    depth = 0
    for index in range(start, len(children)):
        for char in children[index].iter(qn("w:fldChar")):
            kind = char.get(qn("w:fldCharType"))
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
        if depth <= 0:
            return index + 1
    return len(children)


def tokens(paragraph: Element, picture: Callable[[str], str] = str) -> list[Token]:
    """A paragraph's content as tokens, in order; ``picture``: a picture's content hash by its
    relationship id (a picture that changed is another token)."""
    children = [c for c in paragraph if c.tag != PROPERTIES]
    found: list[Token] = []
    index = 0
    while index < len(children):
        child = children[index]
        if child.tag == qn("w:r") and child.find(f"{qn('w:fldChar')}") is not None:
            end = _field_end(children, index)
            group = tuple(children[index:end])
            code = "".join(t.text or "" for r in group for t in r.iter(qn("w:instrText")))
            found.append(Token(f"field:{code}:{''.join(map(text_of, group))}", b"", group))
            index = end
            continue
        if child.tag == qn("w:r") and _plain(child):
            properties = child.find(qn("w:rPr"))
            style = b"" if properties is None else _xml(properties)
            found += [Token(w, style) for w in WORDS.findall(text_of(child))]
        else:
            name = child.get(qn("w:name"), "") or child.get(qn("w:anchor"), "")
            signature = f"{child.tag}:{name}:{text_of(child)}:{_pictures(child, picture)}"
            found.append(Token(signature, b"", (child,)))
        index += 1
    return found


def _xml(element: Element) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(element, method="c14n"))


BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


def _pictures(element: Element, picture: Callable[[str], str]) -> str:
    """The pictures an element shows, by content (``picture`` of each relationship id)."""
    return ",".join(picture(b.get(EMBED, "")) for b in element.iter(BLIP))


def _run(text: str, style: bytes, deleted: bool) -> Element:
    from lxml import etree

    run: Element = OxmlElement("w:r")
    if style:
        run.append(etree.fromstring(style))
    t: Element = OxmlElement("w:delText" if deleted else "w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    return run


def as_deleted(element: Element, rebind: Callable[[Element], None]) -> Element | None:
    """A copy of old content as deleted content: its text ``w:delText``, its field codes
    ``w:delInstrText``, without bookmarks (the new document has its own), its pictures'
    relationships made the new document's (``rebind``); None for a bare bookmark."""
    if element.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
        return None
    copied = copy.deepcopy(element)
    for tag in ("w:bookmarkStart", "w:bookmarkEnd", "w:proofErr"):
        for node in list(copied.iter(qn(tag))):
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
    for node in copied.iter(qn("w:t")):
        node.tag = qn("w:delText")
    for node in copied.iter(qn("w:instrText")):
        node.tag = qn("w:delInstrText")
    rebind(copied)
    return copied


def wrap(elements: list[Element], make: Callable[[], Element]) -> list[Element]:
    """Runs in ``<w:ins>``/``<w:del>`` elements (``make`` makes one), consecutive ones in one;
    a link's runs inside it; anything else as it is."""
    out: list[Element] = []
    group: Element | None = None
    for element in elements:
        if element.tag == qn("w:r"):
            if group is None:
                group = make()
                out.append(group)
            group.append(element)
            continue
        group = None
        if element.tag == qn("w:hyperlink"):
            runs = [c for c in element if c.tag == qn("w:r")]
            if runs:
                inner = make()
                runs[0].addprevious(inner)
                for run in runs:
                    inner.append(run)
        out.append(element)
    return out


def _emit(
    found: list[Token], state: str, marks: Marks, rebind: Callable[[Element], None]
) -> list[Element]:
    """The elements of a stretch of tokens, ``state`` ``=`` kept, ``+`` inserted, ``-``
    deleted: words of one formatting in one run."""
    elements: list[Element] = []
    words: list[Token] = []

    def flush() -> None:
        if words:
            elements.append(_run("".join(w.text for w in words), words[0].style, state == "-"))
            words.clear()

    for token in found:
        if not token.elements:
            if words and words[0].style != token.style:
                flush()
            words.append(token)
            continue
        flush()
        for element in token.elements:
            made = as_deleted(element, rebind) if state == "-" else element
            if made is not None:
                elements.append(made)
    flush()
    if state == "=":
        return elements
    return wrap(elements, lambda: marks.make("ins" if state == "+" else "del"))


def rewrite(
    paragraph: Element,
    old: Element | None,
    marks: Marks,
    rebind: Callable[[Element], None],
    pictures: tuple[Callable[[str], str], Callable[[str], str]] = (str, str),
) -> None:
    """``paragraph`` (of the new document) with its changes against ``old`` tracked (None: all
    of it inserted); ``pictures``: the content hash of a picture in each document."""
    new_tokens = tokens(paragraph, pictures[1])
    old_tokens = tokens(old, pictures[0]) if old is not None else []
    pieces: list[Element] = []
    matcher = difflib.SequenceMatcher(
        None, [t.key for t in old_tokens], [t.key for t in new_tokens], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces += _emit(new_tokens[j1:j2], "=", marks, rebind)
            continue
        if i2 > i1:
            pieces += _emit(old_tokens[i1:i2], "-", marks, rebind)
        if j2 > j1:
            pieces += _emit(new_tokens[j1:j2], "+", marks, rebind)
    for child in [c for c in paragraph if c.tag != PROPERTIES]:
        paragraph.remove(child)
    for piece in pieces:
        paragraph.append(piece)


def mark_paragraph(paragraph: Element, mark: Element) -> None:
    """The paragraph's mark (its end) inserted or deleted: accepting a deleted one joins what
    is left of the paragraph (nothing) to the next."""
    properties = paragraph.find(PROPERTIES)
    if properties is None:
        properties = OxmlElement("w:pPr")
        paragraph.insert(0, properties)
    run_properties = properties.find(qn("w:rPr"))
    if run_properties is None:
        run_properties = OxmlElement("w:rPr")
        later = [properties.find(qn(t)) for t in ("w:sectPr", "w:pPrChange")]
        anchor = next((e for e in later if e is not None), None)
        if anchor is not None:
            anchor.addprevious(run_properties)
        else:
            properties.append(run_properties)
    run_properties.append(mark)


def iter_runs(element: Element) -> Iterator[Element]:
    """Every run at the top of ``element``'s paragraphs' content (for whole rows)."""
    for paragraph in element.iter(qn("w:p")):
        yield from (c for c in paragraph if c.tag in (qn("w:r"), qn("w:hyperlink")))
