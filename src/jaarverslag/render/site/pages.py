"""A document as a site: a start page, a page per section, and (standing alone) its search page,
accessibility page, stylesheet and script — files by path under the document's folder
(``site/index.html`` …).

The pages are the document's own blocks through the same templates as its HTML and PDF
(``blocks.html``), so a figure on a page is the figure in the book; around them each page has
the site's header (the document's PDF and DOCX, search, the menu of sections), breadcrumbs and
previous/next. Prose headings move one level up, as a section's title is the page's ``h1``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from jaarverslag.core.model import Block, Cell, Document, Prose, Section, Table, Text
from jaarverslag.core.numbers import format_date
from jaarverslag.core.slugs import unique_slugs
from jaarverslag.render.site.place import ALONE, CSP, RESERVED, SITE, Link, Place

#: At most this many characters of a section's first paragraph on the start page.
SUMMARY = 220
#: A table's total row shows every column up to this many; beyond, only its last column.
KEY_COLUMNS = 4
#: The start page shows the key figures of at most this many tables of a section.
KEY_TABLES = 3


@dataclass(frozen=True)
class Chrome:
    """What every page of one site shows around its content (hrefs relative to its pages).

    ``name``/``owner``: the site's title and organisation in the header; ``home``: its start
    page; ``menu``: its sections; ``downloads``: the document in other formats; ``shared``: the
    folder of the stylesheet, script, search and accessibility pages; ``up``: to the folder the
    search index's addresses start from; ``scope``: the gemeente a search from these pages
    keeps to (its name and folder); ``portal``: the start page of the portal the site is in;
    ``search``: a search box in the header.
    """

    name: str
    owner: str | None
    home: str
    menu: tuple[Link, ...]
    downloads: tuple[Link, ...]
    shared: str
    up: str
    datum: str
    scope: Link | None = None
    portal: Link | None = None
    search: bool = True
    csp: str = CSP

    @property
    def datum_nl(self) -> str:
        """The document's date in Dutch (``1 januari 2025``); as it is when it is no ISO date
        (a ``site.json`` on disk that was edited)."""
        try:
            return format_date(date.fromisoformat(self.datum))
        except ValueError:
            return self.datum


@dataclass(frozen=True)
class KeyFigures:
    """A table's total row as the start page shows it: (column, cell) pairs."""

    table: Table
    href: str
    label: str
    values: tuple[tuple[str, Cell], ...]
    unit: str | None = None  #: the table's note on its amounts, e.g. ``(x € 1.000)``


@dataclass(frozen=True)
class Chapter:
    """A section of the document as a page: its file, summary and key figures."""

    section: Section
    file: str
    summary: str
    figures: tuple[KeyFigures, ...]
    tables: tuple[Table, ...]


def document_site(
    document: Document,
    folder: Path | None,
    *,
    beside: Sequence[str] = (),
    tables: bool = True,
    place: Place | None = None,
) -> dict[str, bytes]:
    """Every file of the document's site, by path under its folder (``site/…``).

    ``beside``: the document's other files in this run (``R.pdf``, ``R.docx``), linked from
    every page; ``tables``: its open data is written (``tabellen/<name>.csv``, linked beside
    each table); ``place``: where the site stands (default: alone)."""
    place = place or ALONE
    chapters = plan(document)
    chrome = document_chrome(document, chapters, beside, place)
    numbers = {t.name: n for n, t in enumerate(document.tables(), start=1)}
    common = {"chrome": chrome, "doc": document, "place": place, "table_numbers": numbers}
    common |= {"csv": "../tabellen/" if tables else None}
    files: dict[str, bytes] = {}
    start = {**common, "chapters": chapters, "title": page_title(document), "current": "index.html"}
    files[f"{SITE}/index.html"] = render_page("site/start.html", folder, start)
    for number, chapter in enumerate(chapters):
        before = chapters[number - 1] if number > 0 else None
        after = chapters[number + 1] if number + 1 < len(chapters) else None
        context = {
            **common,
            "chapter": chapter,
            "items": items(chapter.section.blocks),
            "previous": Link(before.section.titel, before.file) if before else None,
            "next": Link(after.section.titel, after.file) if after else None,
            "title": page_title(document, chapter.section.titel),
            "current": chapter.file,
        }
        files[f"{SITE}/{chapter.file}"] = render_page("site/section.html", folder, context)
    if place.own_assets:
        files |= shared_files(chrome, folder, document, chapters)
    files[f"{SITE}/site.json"] = about(document)
    return files


def document_chrome(
    document: Document, chapters: Sequence[Chapter], beside: Sequence[str], place: Place
) -> Chrome:
    labels = {"pdf": "PDF", "docx": "Word (DOCX)"}
    downloads = tuple(
        Link(labels.get(name.rsplit(".", 1)[-1], name), f"../{name}") for name in beside
    )
    return Chrome(
        name=document.titel,
        owner=document.organisatie,
        home="index.html",
        menu=tuple(Link(c.section.titel, c.file) for c in chapters),
        downloads=downloads,
        shared=place.shared,
        up=place.up,
        datum=document.datum,
        scope=place.scope,
        portal=place.portal,
    )


def page_title(document: Document, *where: str) -> str:
    """The page title says where you are: the page, the document, its organisation."""
    return " — ".join((*where, document.titel, document.organisatie))


def plan(document: Document) -> list[Chapter]:
    """The document's sections as pages, each with a file name of its own."""
    files = unique_slugs([s.titel for s in document.sections], "hoofdstuk", RESERVED)
    chapters = []
    for section, name in zip(document.sections, files, strict=True):
        own = tuple(b for b in section.blocks if isinstance(b, Table))
        figures = tuple(k for t in own if (k := key_figures(t, f"{name}.html")) is not None)
        figures = figures[:KEY_TABLES]
        chapters.append(Chapter(section, f"{name}.html", summary(section.blocks), figures, own))
    return chapters


def key_figures(table: Table, page: str) -> KeyFigures | None:
    """The table's last total row as printed in it: its counts and amounts (a percentage of a
    total is 100% and says nothing; a hidden figure says nothing either), every one of a narrow
    table, the last of a wide one. None when the table has no total row."""
    totals = [r for r in table.rows if r.kind == "totaal"]
    if not totals:
        return None
    row = totals[-1]
    pairs = [
        (c.label, cell)
        for c, cell in zip(table.columns, row.cells, strict=True)
        if cell.unit != "percentage" and cell.suppressed is None
    ]
    if len(pairs) > KEY_COLUMNS:
        pairs = pairs[-1:]
    if not any(cell.unit != "tekst" for _, cell in pairs):
        return None
    unit = table.note if any(cell.unit == "euro" for _, cell in pairs) else None
    return KeyFigures(table, f"{page}#tabel-{table.name}", row.label, tuple(pairs), unit)


def summary(blocks: Sequence[Block]) -> str:
    """The first paragraph of a section's text, as plain text, shortened at a word."""
    for block in blocks:
        if isinstance(block, Prose):
            text = first_paragraph(block.html)
        elif isinstance(block, Text) and block.paragraphs:
            text = block.paragraphs[0]
        else:
            continue
        if text:
            return shorten(text)
    return ""


def shorten(text: str, limit: int = SUMMARY) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


class _FirstParagraph(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "li") and not self.done:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "li") and self.depth:
            self.depth -= 1
            if self.depth == 0 and "".join(self.parts).strip():
                self.done = True

    def handle_data(self, data: str) -> None:
        if self.depth and not self.done:
            self.parts.append(data)


def first_paragraph(markup: str) -> str:
    parser = _FirstParagraph()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts).strip()


_ADJACENT_CELLS = re.compile(r"</(th|td)><(th|td)\b")


def render_page(template: str, folder: Path | None, context: dict[str, object]) -> bytes:
    """A page of a site: ``template`` (a rapport's own first) with ``context``."""
    from jaarverslag.render.html import render_template

    return spaced(render_template(template, folder, context)).encode()


def spaced(page: str) -> str:
    """A line break between adjacent table cells (as a browser shows them: no difference), so
    the search index reads ``Begroting 2024`` and ``Begroting 2025`` as words apart, not
    ``2024Begroting``."""
    return _ADJACENT_CELLS.sub(lambda m: f"</{m.group(1)}>\n<{m.group(2)}", page)


_HEADING = re.compile(r"<(/?)h([2-6])\b")


def raise_headings(markup: str) -> str:
    """Prose headings one level up (``h3`` → ``h2``): a page's ``h1`` is its section's title,
    where the one-page document has the section as ``h2`` under its title. Our Markdown
    renderer escapes raw HTML, so every tag here is its own."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) - 1}", markup)


def items(blocks: Sequence[Block]) -> list[tuple[Block, str | None]]:
    """The blocks of a section page, each with its prose raised a level (None: not prose)."""
    return [(b, raise_headings(b.html) if isinstance(b, Prose) else None) for b in blocks]


def shared_files(
    chrome: Chrome, folder: Path | None, document: Document, chapters: Sequence[Chapter]
) -> dict[str, bytes]:
    """A site's own search page, accessibility page, stylesheet and script."""
    context = {"chrome": chrome, "chapters": chapters, "doc": document, "csv": None}
    pages = {
        "zoeken.html": ("site/zoeken.html", page_title(document, "Zoeken")),
        "toegankelijkheid.html": (
            "site/toegankelijkheid.html",
            page_title(document, "Toegankelijkheid"),
        ),
    }
    files = {
        f"{SITE}/{name}": render_page(
            template, folder, {**context, "title": title, "current": name}
        )
        for name, (template, title) in pages.items()
    }
    return files | assets(folder)


def assets(folder: Path | None) -> dict[str, bytes]:
    """The stylesheet (``style.css`` of the document, a rapport's own first, and the site's
    layout) and the script, under ``site/assets/``."""
    from importlib import resources

    from jaarverslag.render.html import render_template

    css = render_template("site/site.css", folder, {})
    script = (resources.files("jaarverslag.render") / "templates" / "site" / "site.js").read_bytes()
    return {f"{SITE}/assets/site.css": css.encode(), f"{SITE}/assets/site.js": script}


def about(document: Document, **more: object) -> bytes:
    """``site.json``: what the site is, for the portal over a run's rapports (`OUT/site/`)."""
    content: dict[str, object] = {
        "titel": document.titel,
        "organisatie": document.organisatie,
        "soort": document.soort,
        "jaar": document.jaar,
        "ondertitel": document.ondertitel,
        "datum": document.datum,
        **more,
    }
    return (json.dumps(content, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
