"""NEW's DOCX with Word's tracked changes against OLD's: what the griffie reviews.

Both files are the DOCX writer's own (the same stages made them). Their paragraphs and tables
are lined up by what they say; a paragraph that changed gets its inserted and deleted words
marked (:mod:`.revisions`), a table its cells and its rows that came or went, and what is only
in OLD goes back in, marked deleted, where it stood. Accepting every change gives NEW's text
and figures exactly; rejecting every change, OLD's. The table of contents is NEW's as it is (it
follows from the headings). Tracking stays on, so the reviewer's own edits are tracked too.
"""

from __future__ import annotations

import difflib
import hashlib
import io
from collections.abc import Callable

import docx
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from jaarverslag.core.xml import Element
from jaarverslag.render.docx import revisions as rv
from jaarverslag.render.docx.fields import next_bookmark_id
from jaarverslag.render.docx.settings import fixed_zip

P, TBL, TR, TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOC_PROPERTIES = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
#: The author of the changes, as Word shows it beside each.
AUTHOR = "jaarverslag"


def tracked_docx(old: bytes, new: bytes, date: str, author: str = AUTHOR) -> bytes:
    """``new`` with every change against ``old`` tracked, dated ``date`` (ISO, from the new
    document: the same inputs give the same bytes)."""
    before = docx.Document(io.BytesIO(old))
    after = docx.Document(io.BytesIO(new))
    marks = rv.Marks(author, f"{date}T00:00:00Z", next_bookmark_id(after.element) + 1000)
    picture = _picture_hasher(before), _picture_hasher(after)
    rebind = Rebind(before, after, picture)
    old_blocks = _blocks(before.element.body)
    new_blocks = _blocks(after.element.body)
    end = after.element.body[-1] if len(after.element.body) else None
    matcher = difflib.SequenceMatcher(
        None,
        [_signature(b, picture[0]) for b in old_blocks],
        [_signature(b, picture[1]) for b in new_blocks],
        autojunk=False,
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = old_blocks[i1:i2], new_blocks[j1:j2]
        anchor = new_blocks[j2] if j2 < len(new_blocks) else end
        for index in range(max(len(olds), len(news))):
            a = olds[index] if index < len(olds) else None
            b = news[index] if index < len(news) else None
            if a is not None and b is not None and a.tag == b.tag:
                _changed(a, b, marks, rebind)
                continue
            if a is not None:
                _put_before(b if b is not None else anchor, _deleted(a, marks, rebind), after)
            if b is not None:
                _inserted(b, marks)
    _track_on(after)
    buffer = io.BytesIO()
    after.save(buffer)
    return fixed_zip(buffer.getvalue())


def _blocks(body: Element) -> list[Element]:
    """The paragraphs and tables of a body, but those of a table of contents (a ``TOC`` field
    and the paragraphs of its result: generated, NEW's kept as they are)."""
    blocks: list[Element] = []
    depth = 0  # inside a TOC field
    for element in body:
        if element.tag not in (P, TBL):
            continue
        codes = "".join(t.text or "" for t in element.iter(qn("w:instrText")))
        starts = codes.strip().startswith("TOC") or " TOC " in f" {codes} "
        if starts or depth:
            for char in element.iter(qn("w:fldChar")):
                kind = char.get(qn("w:fldCharType"))
                depth += 1 if kind == "begin" else -1 if kind == "end" else 0
            continue
        blocks.append(element)
    return blocks


def _signature(block: Element, picture: Callable[[str], str]) -> str:
    """What a block says, to line the two documents up: its style, text and pictures."""
    if block.tag == TBL:
        rows = [" | ".join(rv.text_of(c) for c in r.iter(TC)) for r in block.iter(TR)]
        return "table\n" + "\n".join(rows)
    style = block.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    name = style.get(qn("w:val"), "") if style is not None else ""
    pictures = ",".join(picture(b.get(rv.EMBED, "")) for b in block.iter(rv.BLIP))
    return f"{name}\n{rv.text_of(block)}\n{pictures}"


def _picture_hasher(word: DocxDocument) -> Callable[[str], str]:
    def digest(rid: str) -> str:
        part = word.part.related_parts.get(rid)
        return hashlib.sha256(part.blob).hexdigest() if part is not None else rid

    return digest


Hashers = tuple[Callable[[str], str], Callable[[str], str]]


class Rebind:
    """Makes the relationships of content copied from OLD (a picture, a link) NEW's; knows how
    to tell the documents' pictures apart by content (``pictures``)."""

    def __init__(self, before: DocxDocument, after: DocxDocument, pictures: Hashers) -> None:
        self.before, self.after, self.pictures = before, after, pictures
        ids = [int(d.get("id", "0")) for d in after.element.body.iter(DOC_PROPERTIES)]
        self.next_picture = max(ids, default=0) + 1

    def __call__(self, element: Element) -> None:
        before, after = self.before, self.after
        for properties in element.iter(DOC_PROPERTIES):  # every drawing's id its own
            properties.set("id", str(self.next_picture))
            self.next_picture += 1
        for node in element.iter():
            for name, value in list(node.attrib.items()):
                if not str(name).startswith(f"{{{R}}}"):
                    continue
                rel = before.part.rels.get(str(value))
                if rel is None:
                    del node.attrib[name]
                elif rel.is_external:
                    node.set(name, after.part.relate_to(rel.target_ref, rel.reltype, True))
                elif rel.reltype.endswith("/image"):
                    rid, _ = after.part.get_or_add_image(io.BytesIO(rel.target_part.blob))
                    node.set(name, rid)
                else:
                    del node.attrib[name]


def _put_before(anchor: Element | None, element: Element, after: DocxDocument) -> None:
    if anchor is not None:
        anchor.addprevious(element)
    else:
        after.element.body.append(element)


def _changed(old: Element, new: Element, marks: rv.Marks, rebind: Rebind) -> None:
    if new.tag == P:
        rv.rewrite(new, old, marks, rebind, rebind.pictures)
    elif _columns(old) == _columns(new):
        _table(old, new, marks, rebind)
    else:  # another shape: the old table deleted, the new one inserted, kept apart by the
        # paragraph before the new one (its caption), so Word doesn't join them into one table
        before = new.getprevious()
        if before is not None and before.tag == P:
            before.addprevious(_deleted(old, marks, rebind))
        else:
            separator: Element = OxmlElement("w:p")
            rv.mark_paragraph(separator, marks.make("del"))
            new.addprevious(_deleted(old, marks, rebind))
            new.addprevious(separator)
        _inserted(new, marks)


def _columns(table: Element) -> int:
    return len(table.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))


def _table(old: Element, new: Element, marks: rv.Marks, rebind: Rebind) -> None:
    """A table's rows lined up by their first cell (the row's label), cells compared."""
    old_rows, new_rows = old.findall(TR), new.findall(TR)

    def label(row: Element) -> str:
        first = row.find(TC)
        return rv.text_of(first) if first is not None else ""

    matcher = difflib.SequenceMatcher(
        None, [label(r) for r in old_rows], [label(r) for r in new_rows], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        olds, news = old_rows[i1:i2], new_rows[j1:j2]
        if op in ("equal", "replace") and len(olds) == len(news):
            for a, b in zip(olds, news, strict=True):
                _row(a, b, marks, rebind)
            continue
        anchor = new_rows[j2] if j2 < len(new_rows) else None
        for a in olds:
            row = _deleted_row(a, marks, rebind)
            if anchor is not None:
                anchor.addprevious(row)
            else:
                new.append(row)
        for b in news:
            _mark_row(b, marks.make("ins"))
            _insert_runs(b, marks)


def _row(old: Element, new: Element, marks: rv.Marks, rebind: Rebind) -> None:
    old_cells, new_cells = old.findall(TC), new.findall(TC)
    if len(old_cells) != len(new_cells):
        new.addprevious(_deleted_row(old, marks, rebind))
        _mark_row(new, marks.make("ins"))
        _insert_runs(new, marks)
        return
    for a, b in zip(old_cells, new_cells, strict=True):
        old_ps, new_ps = a.findall(P), b.findall(P)
        for index, paragraph in enumerate(new_ps):
            before = old_ps[index] if index < len(old_ps) else None
            if before is None or rv.text_of(before) != rv.text_of(paragraph):
                rv.rewrite(paragraph, before, marks, rebind, rebind.pictures)


def _mark_row(row: Element, mark: Element) -> None:
    properties = row.find(qn("w:trPr"))
    if properties is None:
        properties = OxmlElement("w:trPr")
        first_cell = row.find(TC)
        if first_cell is not None:
            first_cell.addprevious(properties)
        else:
            row.append(properties)
    properties.append(mark)


def _insert_runs(element: Element, marks: rv.Marks) -> None:
    for paragraph in element.iter(P):
        rv.rewrite(paragraph, None, marks, lambda _e: None)


def _deleted_row(row: Element, marks: rv.Marks, rebind: Rebind) -> Element:
    copied = rv.as_deleted(row, rebind)
    assert copied is not None
    _mark_row(copied, marks.make("del"))
    for paragraph in copied.iter(P):
        _wrap_deleted(paragraph, marks)
    return copied


def _wrap_deleted(paragraph: Element, marks: rv.Marks) -> None:
    """A paragraph of deleted content: its runs in ``<w:del>``."""
    content = [c for c in paragraph if c.tag != rv.PROPERTIES]
    for child in content:
        paragraph.remove(child)
    for piece in rv.wrap(content, lambda: marks.make("del")):
        paragraph.append(piece)


def _deleted(block: Element, marks: rv.Marks, rebind: Rebind) -> Element:
    """OLD's paragraph or table as deleted content, to put back where it stood."""
    if block.tag == TBL:
        copied = rv.as_deleted(block, rebind)
        assert copied is not None
        for row in copied.findall(TR):
            _mark_row(row, marks.make("del"))
            for paragraph in row.iter(P):
                _wrap_deleted(paragraph, marks)
        return copied
    copied = rv.as_deleted(block, rebind)
    assert copied is not None
    _wrap_deleted(copied, marks)
    rv.mark_paragraph(copied, marks.make("del"))
    return copied


def _inserted(block: Element, marks: rv.Marks) -> None:
    """NEW's paragraph or table, all of it inserted."""
    if block.tag == TBL:
        for row in block.findall(TR):
            _mark_row(row, marks.make("ins"))
        _insert_runs(block, marks)
        return
    rv.rewrite(block, None, marks, lambda _e: None)
    rv.mark_paragraph(block, marks.make("ins"))


def _track_on(word: DocxDocument) -> None:
    """Track changes stays on for the reviewer (``w:trackRevisions``, in the schema's place)."""
    settings = word.settings.element
    if settings.find(qn("w:trackRevisions")) is not None:
        return
    track = OxmlElement("w:trackRevisions")
    later = (
        "w:doNotTrackMoves",
        "w:doNotTrackFormatting",
        "w:documentProtection",
        "w:autoFormatOverride",
        "w:styleLockTheme",
        "w:styleLockQFSet",
        "w:defaultTabStop",
    )
    anchor = next((e for e in settings if e.tag in {qn(t) for t in later}), None)
    if anchor is not None:
        anchor.addprevious(track)
    else:
        settings.append(track)
