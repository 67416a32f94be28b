"""Finds a chapter in someone's Word document by its heading, and replaces its content.

A heading is a paragraph of the body with an outline level (its own, or its style's, or a
style it is based on: Word's *Heading N* styles have one) or a style named *heading N*. The
chapter under heading H is everything after H up to the next heading of H's level or higher.

Replacing keeps what holds the layout of the pages around it: a paragraph that ends a section
(its section settings: margins, orientation, headers and footers of that section) stays, without
its text, and so do the page or section breaks that end the chapter, so the next chapter starts
where it did. Bookmarks and comments that lose one end with the old content lose the other end
too (and a comment its text), and a picture's relationship goes with the last reference to it.
Everything else of the document stays as it was.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from jaarverslag.core.xml import Element

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADING_NAME = re.compile(r"heading ([1-9])", re.IGNORECASE)
#: a number typed before a heading's text: "9.", "9.1", "9.1.2 "
TYPED_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
DRAWN = (qn("w:drawing"), qn("w:pict"), qn("w:object"))


class ChapterError(Exception):
    """The heading to replace the chapter of is missing or ambiguous; the message says which
    headings the document has."""


@dataclass(frozen=True)
class Heading:
    """A heading paragraph of the body: its place among the body's elements, level and text."""

    index: int
    level: int
    text: str
    style: str | None


@dataclass
class Removed:
    """What the old chapter held, to tell the user what was replaced."""

    paragraphs: int = 0
    tables: int = 0
    pictures: int = 0
    comments: int = 0
    kept_breaks: int = 0  #: paragraphs that end a section, kept (their text removed)
    elements: list[Element] = field(default_factory=list, repr=False)


def heading_levels(word: DocxDocument) -> dict[str, int]:
    """The paragraph styles (by id) that make a heading, with their level."""
    styles = {s.get(qn("w:styleId")): s for s in word.styles.element.iter(qn("w:style"))}

    def level(style_id: str | None, seen: frozenset[str] = frozenset()) -> int | None:
        style = styles.get(style_id)
        if style is None or style_id is None or style_id in seen:
            return None
        outline = style.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        if outline is not None:
            value = int(outline.get(qn("w:val"), "9"))
            return value + 1 if value < 9 else None
        name = style.find(qn("w:name"))
        match = HEADING_NAME.fullmatch(name.get(qn("w:val"), "")) if name is not None else None
        if match:
            return int(match.group(1))
        based = style.find(qn("w:basedOn"))
        return level(based.get(qn("w:val")), seen | {style_id}) if based is not None else None

    found = {str(sid): level(sid) for sid in styles if sid is not None}
    return {sid: lvl for sid, lvl in found.items() if lvl is not None}


def headings(word: DocxDocument) -> list[Heading]:
    """Every heading with text among the body's paragraphs, in order."""
    levels = heading_levels(word)
    found = []
    for index, element in enumerate(word.element.body):
        if element.tag != qn("w:p"):
            continue
        style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style_id = style.get(qn("w:val")) if style is not None else None
        outline = element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        level = levels.get(style_id) if style_id is not None else None
        if outline is not None:
            value = int(outline.get(qn("w:val"), "9"))
            level = value + 1 if value < 9 else None
        text = paragraph_text(element)
        if level is not None and text:
            found.append(Heading(index, level, text, style_id))
    return found


def paragraph_text(element: Element) -> str:
    """The text a reader sees, white space collapsed (a tab is a space)."""
    parts = []
    for node in element.iter(qn("w:t"), qn("w:tab")):
        parts.append(node.text or "" if node.tag == qn("w:t") else " ")
    return " ".join("".join(parts).split())


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


def _bare(text: str) -> str:
    """The key of a heading without a number typed before it."""
    return _key(TYPED_NUMBER.sub("", " ".join(text.split())))


def find_heading(word: DocxDocument, text: str) -> Heading:
    """The one heading whose text is ``text`` (case and spacing aside; a typed number such as
    ``9.`` may be there on one side and not on the other, as with automatic numbering)."""
    found = headings(word)
    exact = [h for h in found if _key(h.text) == _key(text)]
    bare = [
        h for h in found if _key(TYPED_NUMBER.sub("", h.text)) == _key(TYPED_NUMBER.sub("", text))
    ]
    matches = exact or bare
    listing = "; ".join(f"{h.text} (niveau {h.level})" for h in found) or "geen"
    if not matches:
        close = difflib.get_close_matches(_bare(text), [_bare(h.text) for h in found], 1, 0.8)
        hint = next((f" (bedoelt u '{h.text}'?)" for h in found if [_bare(h.text)] == close), "")
        message = f"kop '{text}' staat niet in het document{hint}; de koppen zijn: {listing}"
        raise ChapterError(message)
    if len(matches) > 1:
        count = "twee" if len(matches) == 2 else str(len(matches))
        raise ChapterError(
            f"kop '{text}' staat {count} keer in het document; maak hem eenduidig of kies een "
            f"andere kop; de koppen zijn: {listing}"
        )
    return matches[0]


def chapter_end(word: DocxDocument, heading: Heading) -> int:
    """The index of the body element after the chapter: the next heading of ``heading``'s
    level or higher, else the body's closing section settings."""
    body = list(word.element.body)
    for later in headings(word):
        if later.index > heading.index and later.level <= heading.level:
            return later.index
    return len(body) - 1 if body and body[-1].tag == qn("w:sectPr") else len(body)


def clear_chapter(word: DocxDocument, heading: Heading) -> Removed:
    """Remove the chapter's content, keeping its section ends and its closing breaks."""
    body = list(word.element.body)
    content = body[heading.index + 1 : chapter_end(word, heading)]
    tail = len(content)
    while tail > 0 and _blank(content[tail - 1]):
        tail -= 1
    breaks = [i for i in range(tail, len(content)) if _breaks(content[i])]
    keep_from = breaks[0] if breaks else len(content)
    removed = Removed()
    for index, element in enumerate(content):
        if index >= keep_from:
            continue
        _count(element, removed)
        if element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            removed.kept_breaks += 1
            for child in list(element):
                if child.tag != qn("w:pPr"):
                    element.remove(child)
            continue
        removed.elements.append(element)
        word.element.body.remove(element)
    return removed


def place_after(word: DocxDocument, heading: Heading, new: Iterable[Element]) -> None:
    """Move ``new`` (written at the end of the body) to right after the heading."""
    anchor = heading_element(word, heading)
    for element in new:
        anchor.addnext(element)
        anchor = element


def heading_element(word: DocxDocument, heading: Heading) -> Element:
    element: Element = list(word.element.body)[heading.index]
    return element


def tidy(word: DocxDocument, removed: Removed, new: Iterable[Element] = ()) -> None:
    """Bookmarks and comments that lost an end, and relationships that lost their last use;
    the ``new`` content's own (which may reuse a removed one's id) are left alone."""
    ours = {node for element in new for node in element.iter()}
    gone: dict[str, set[str]] = {}
    for element in removed.elements:
        for tag in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd"):
            for node in element.iter(qn(f"w:{tag}")):
                gone.setdefault(tag.removesuffix("Start").removesuffix("End"), set()).add(
                    node.get(qn("w:id"), "")
                )
        for node in element.iter(qn("w:commentReference")):
            gone.setdefault("comment", set()).add(node.get(qn("w:id"), ""))
    root = word.element
    comments = gone.get("comment", set())
    dangling = {"bookmark": gone.get("bookmark", set())}
    dangling["commentRange"] = gone.get("commentRange", set()) | comments
    for kind, ids in dangling.items():
        for tag in (f"{kind}Start", f"{kind}End"):
            for node in list(root.iter(qn(f"w:{tag}"))):
                parent = node.getparent()
                if node.get(qn("w:id")) in ids and parent is not None and node not in ours:
                    parent.remove(node)
    left = {n.get(qn("w:id"), "") for n in root.iter(qn("w:commentReference"))}
    _drop_comments(word, comments - left)
    _drop_relationships(word, removed)


def _drop_comments(word: DocxDocument, ids: set[str]) -> None:
    if not ids:
        return
    try:
        part = word.part.part_related_by(RT.COMMENTS)
    except KeyError:
        return
    element = getattr(part, "element", None)
    if element is None:
        return
    for comment in list(element.iter(qn("w:comment"))):
        if comment.get(qn("w:id")) in ids:
            element.remove(comment)


def _drop_relationships(word: DocxDocument, removed: Removed) -> None:
    """A picture (or link) of the old chapter that nothing refers to any more leaves the file."""
    used = _references(word.element)
    for element in removed.elements:
        for value in _references(element) - used:
            if value in word.part.rels:
                del word.part.rels[value]


def _references(element: Element) -> set[str]:
    """Every relationship id the element and what it holds refer to (r:id, r:embed, …)."""
    return {
        str(value)
        for node in element.iter()
        for name, value in node.attrib.items()
        if str(name).startswith(f"{{{R}}}")
    }


def _blank(element: Element) -> bool:
    """A paragraph without text or pictures (it may hold breaks and section settings)."""
    if element.tag != qn("w:p"):
        return False
    return not paragraph_text(element) and not any(True for _ in element.iter(*DRAWN))


def _breaks(element: Element) -> bool:
    """A paragraph that ends a page or a section."""
    page = any(n.get(qn("w:type")) == "page" for n in element.iter(qn("w:br")))
    before = element.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None
    return page or before or element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None


def _count(element: Element, removed: Removed) -> None:
    if element.tag == qn("w:p") and not _blank(element):
        removed.paragraphs += 1
    removed.tables += sum(1 for _ in element.iter(qn("w:tbl")))
    removed.pictures += sum(1 for _ in element.iter(*DRAWN))
    removed.comments += sum(1 for _ in element.iter(qn("w:commentReference")))
