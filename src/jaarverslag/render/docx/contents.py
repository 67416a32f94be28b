"""A Word table of contents that is filled in when the file is opened, and its captions.

Word's table of contents is a ``TOC`` field; python-docx can only write the field, not what
Word computes for it, so a generated document usually says "press F9". Here the field gets
its result as well — exactly the paragraphs Word writes for it: one per heading (Heading 1 to
3, in the *toc 1-3* styles) or caption, each a link to a bookmark on its heading with the text,
a tab with dotted leader and a ``PAGEREF`` field holding the page. The headings and captions
are gathered while the writer walks the document (:class:`Contents`), so the entries are what
Word itself would list; the pages are those LibreOffice lays the file out on
(:mod:`.pages`), when it is installed. Word and LibreOffice show the entries as written, and
update them (pages too) when asked.

Captions are Word's: ``Tabel`` + a ``SEQ Tabel`` field (``Figuur`` + ``SEQ Figuur``), the
number bookmarked, so Word's own lists of tables and figures (``TOC \\c "Tabel"``) and its
cross-references work, and a reference in the text (``[@tabel-kosten]``) is a ``REF`` field
to that bookmark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from docx.text.paragraph import Paragraph
from lxml.html import HtmlElement

from jaarverslag.core.xml import Element
from jaarverslag.render import vocabulary as v
from jaarverslag.render.docx import fields
from jaarverslag.render.docx.oxml import paragraph_element

#: The heading levels a table of contents lists (Heading 1-3: a section, its text's h3, h4).
LEVELS = 3
#: The caption labels (Word's SEQ identifiers) by the HTML's list of them.
LABELS = {"tabellen": "Tabel", "figuren": "Figuur"}
#: Word's built-in paragraph styles of the entries: per level, and of a list of captions.
ENTRY_STYLES = {level: f"toc {level}" for level in range(1, LEVELS + 1)}
CAPTION_ENTRY = "table of figures"
#: The caption label of each kind of id (``tabel-kosten``).
LABELS_BY_ID = {"tabel": "Tabel", "figuur": "Figuur"}
#: A caption's number as the HTML prints it, and a reference's words.
NUMBERED = re.compile(r"(Tabel|Figuur) (\d+)")
NUMBERED_TEXT = re.compile(r"(.*?)(\d+)", re.S)
#: The paragraph style of the title ``Inhoud``: not a heading, so not in the contents itself.
TITLE = "TOC Heading"


@dataclass(frozen=True)
class Entry:
    """A heading or caption as its entry lists it: level, text, the bookmark it links to."""

    level: int
    text: str
    bookmark: str


@dataclass
class Contents:
    """The headings and captions of a document being written, and where its table of contents
    goes (the place of the HTML's ``nav``, written by :meth:`finish` once all are known)."""

    word: DocxDocument
    next_id: int = 0
    headings: list[Entry] = field(default_factory=list)
    captions: dict[str, list[Entry]] = field(default_factory=lambda: {"Tabel": [], "Figuur": []})
    #: Per label, how many captions of it come before what is written (``insert``: the
    #: document's own), so a caption's number is the one Word would compute.
    offsets: dict[str, int] = field(default_factory=dict)
    place: Paragraph | None = None
    lists: tuple[str, ...] = ()
    titles: dict[str, list[str]] = field(default_factory=dict)
    #: The numbers written as a SEQ field, per label (a repeated one is a table's next part).
    numbered: dict[str, set[int]] = field(default_factory=dict)
    #: The paragraph of every table's and figure's caption, by its id (``tabel-kosten``).
    places: dict[str, Paragraph] = field(default_factory=dict)
    #: Every reference written: the bookmark it refers to and the runs of its field.
    references: list[tuple[str, list[Element]]] = field(default_factory=list)
    #: Every entry's ``PAGEREF`` result written: its bookmark, its text (to set the page in)
    #: and the link holding them (whose tab goes when there is no page).
    pages: list[tuple[str, Element, Element]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.next_id = fields.next_bookmark_id(self.word.element)

    def _mark(self, name: str) -> tuple[Element, Element]:
        """A new bookmark ``name``: its start and end, to place."""
        ident = self.next_id
        self.next_id += 1
        return fields.bookmark_start(name, ident), fields.bookmark_end(ident)

    def heading(self, paragraph: Paragraph, level: int, ident: str | None) -> None:
        """A heading written: bookmarked (by its HTML id) around its text, and listed."""
        text = " ".join(paragraph.text.split())
        if not ident or not text:
            return
        p = paragraph_element(paragraph)
        name = fields.bookmark_name("_Toc", ident)
        start, end = self._mark(name)
        fields.after_properties(p, [start])
        p.append(end)
        self.headings.append(Entry(level, text, name))

    def caption(self, paragraph: Paragraph, label: str, number: int, ident: str) -> None:
        """``Tabel 3``: the label and a ``SEQ`` field with the number, bookmarked for the
        references to it; the caption's text follows (then :meth:`caption_done`)."""
        p = paragraph_element(paragraph)
        fields.text_run(p, f"{label} ")
        name = fields.bookmark_name("_Ref", ident)
        start, end = self._mark(name)
        p.append(start)
        fields.field(p, f"SEQ {label} \\* ARABIC", str(number))
        p.append(end)
        self.captions[label].append(Entry(1, "", name))

    def caption_of(self, paragraph: Paragraph, el: HtmlElement, ident: str | None) -> str | None:
        """A caption's number (``<span class="nummer">Tabel 3</span>``) as Word's: its label
        and SEQ field written, the span emptied so the rest of the caption follows; its label,
        or None when the caption has no number or only repeats one (``Tabel 3 (vervolg)``: the
        next part of a table, plain text, not in Word's list)."""
        number = next((s for s in el.iter("span") if v.NUMBER in _classes(s)), None)
        text = " ".join(number.text_content().split()) if number is not None else ""
        match = NUMBERED.fullmatch(text)
        if number is None or match is None or match.group(1) not in self.captions:
            return None
        label, value = match.group(1), int(match.group(2)) + self.offsets.get(match.group(1), 0)
        if value in self.numbered.setdefault(label, set()) or not ident:
            return None
        self.numbered[label].add(value)
        for child in list(number):
            number.remove(child)
        number.text = ""
        self.caption(paragraph, label, value, ident)
        self.places[ident] = paragraph
        return label

    def reference(self, paragraph: Paragraph, el: HtmlElement) -> None:
        """A reference (``<a class="verwijzing" href="#tabel-kosten">tabel 3</a>``): its words,
        the number a ``REF`` field to the caption's bookmark."""
        text = el.text_content()
        match = NUMBERED_TEXT.fullmatch(text)
        target = (el.get("href") or "").removeprefix("#")
        p = paragraph_element(paragraph)
        if match is None or not target:
            fields.text_run(p, text)
            return
        label = LABELS_BY_ID.get(target.split("-", 1)[0], "")
        number = int(match.group(2)) + self.offsets.get(label, 0)
        fields.text_run(p, match.group(1))
        name = fields.bookmark_name("_Ref", target)
        before = len(p)
        fields.field(p, f"REF {name} \\h", str(number))
        self.references.append((name, list(p)[before:]))

    def caption_done(self, paragraph: Paragraph, label: str) -> None:
        """The caption's whole text is known now: its entry in the list of its kind."""
        entries = self.captions[label]
        if entries and not entries[-1].text:
            entries[-1] = Entry(1, " ".join(paragraph.text.split()), entries[-1].bookmark)

    def nav(self, paragraph: Paragraph, el: HtmlElement) -> None:
        """Where the table of contents goes (an empty paragraph), and what it lists: each list
        (``ol.koppen`` …) of the HTML's ``nav`` with the titles before it."""
        titles: list[str] = []
        lists = []
        for child in el:
            kinds = [c for c in _classes(child) if c in v.CONTENT_LISTS]
            if child.tag == "ol" and kinds:
                lists.append(kinds[0])
                self.titles[kinds[0]] = titles
                titles = []
            elif child.tag in ("h2", "h3", "h4", "p"):
                titles.append(" ".join(child.text_content().split()))
        self.place, self.lists = paragraph, tuple(lists)

    def finish(self, text_width: int) -> None:
        """Write the table of contents (and lists of captions) where the ``nav`` was; the
        page after it starts on a new page. A reference to a caption that has no number of
        Word's (an own template's) keeps its words, without the field."""
        captions = {e.bookmark for entries in self.captions.values() for e in entries}
        for name, runs in self.references:
            if name not in captions:
                for run in runs:
                    parent = run.getparent()
                    if run.find(qn("w:t")) is None and parent is not None:
                        parent.remove(run)
        if self.place is None:
            return
        _styles(self.word)
        for kind in self.lists:
            if kind == "koppen":
                entries = [e for e in self.headings if e.level <= LEVELS]
                instruction = f'TOC \\o "1-{LEVELS}" \\h \\z \\u'
                style = None
            else:
                label = LABELS[kind]
                entries = self.captions[label]
                instruction = f'TOC \\h \\z \\c "{label}"'
                style = CAPTION_ENTRY
            for title in self.titles.get(kind, []):
                self.place.insert_paragraph_before(title, style=TITLE)
            self._field(instruction, entries, style, text_width)
        self.place.add_run().add_break(WD_BREAK.PAGE)

    def _field(
        self, instruction: str, entries: list[Entry], style: str | None, text_width: int
    ) -> None:
        """One ``TOC`` field before the place, its result the entries: one paragraph each."""
        assert self.place is not None
        written: list[Element] = []
        for entry in entries or [Entry(1, "", "")]:
            paragraph = self.place.insert_paragraph_before(style=style or ENTRY_STYLES[entry.level])
            # the tab on the paragraph, as Word writes it (LibreOffice reads a style's tab from
            # the indent, Word from the margin)
            paragraph.paragraph_format.tab_stops.add_tab_stop(
                Emu(text_width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
            p = paragraph_element(paragraph)
            written.append(p)
            if entry.bookmark:
                link = fields.hyperlink(p, entry.bookmark)
                fields.text_run(link, entry.text)
                fields.tab_run(link)
                page = fields.field(link, f"PAGEREF {entry.bookmark} \\h", "")
                self.pages.append((entry.bookmark, page, link))
        fields.after_properties(written[0], fields.begin_runs(instruction))
        written[-1].append(fields.end_run())

    def set_pages(self, pages: dict[str, int] | None) -> None:
        """Put the page of every entry in (``pages``: by bookmark); None: no pages known, so
        no leader either (Word adds both when the table is updated)."""
        for bookmark, text, link in self.pages:
            page = None if pages is None else pages.get(bookmark)
            text.text = "" if page is None else str(page)
            if pages is None:
                for tab in link.iter(qn("w:tab")):
                    run = tab.getparent()
                    if run is not None:
                        link.remove(run)


def _styles(word: DocxDocument) -> None:
    """The entry styles, when the document (a house style) hasn't got them: each level
    indented further."""
    names = {s.name for s in word.styles}
    for level, name in [*ENTRY_STYLES.items(), (1, CAPTION_ENTRY)]:
        if name in names:
            continue
        style = word.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = word.styles["Normal"]
        style.hidden = False
        style.priority = 39
        form = style.paragraph_format
        form.left_indent = Cm(0.5 * (level - 1))
        form.space_after = Pt(4 if level == 1 and name != CAPTION_ENTRY else 2)
        if level == 1 and name != CAPTION_ENTRY:
            style.font.bold = True


def _classes(element: HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())
