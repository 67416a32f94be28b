"""Stage 4, render: one document into the chosen formats, and its tables as open data.

The document becomes one HTML page (:mod:`.html`); every output format is a :class:`Writer`
of that page in :data:`WRITERS`: the HTML file as it is, the PDF laid out from it (:mod:`.pdf`,
through ``pdf`` when a helper process does the layout), the DOCX walked from it (:mod:`.docx`,
with the charts drawn as PNG). The open data comes from the document's tables.

Adding a format: its name in :data:`~jaarverslag.core.kinds.Format`, its writer (a function of
a :class:`Rendering` to the files it makes) and one line in :data:`WRITERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jaarverslag.core.kinds import Format
from jaarverslag.core.model import Chart, Document, DotChart

if TYPE_CHECKING:
    from jaarverslag.inputs.config.keys import Config
    from jaarverslag.render.site.place import Place

#: Lays out an HTML page as PDF: (html, rapport folder, PDF/A too) → bytes.
PdfRenderer = Callable[[str, Path | None, bool], bytes]


@dataclass(frozen=True)
class Rendering:
    """What every writer gets: one document, its HTML page, its file name and its rapport."""

    document: Document
    html: str
    name: str  #: the file stem: ``jaarverslag-2017``, a partner's or a gemeente's
    folder: Path  #: the rapport folder: its own templates, pictures and house style
    config: Config
    pdf: PdfRenderer | None = None  #: a helper process that lays out PDFs, if there is one
    formats: tuple[Format, ...] = ()  #: every format made of this document in this run
    tables: bool = True  #: its tables are written as open data beside it (``tabellen/``)
    place: Place | None = None  #: where its site stands (None: a site of its own)


@dataclass(frozen=True)
class Writer:
    """One output format: the files it makes of a rendering, by path relative to the
    document's folder."""

    format: Format
    write: Callable[[Rendering], dict[str, bytes]]


@dataclass(frozen=True)
class Rendered:
    """One document rendered: its HTML page and the files of the chosen formats."""

    html: str
    files: dict[str, bytes]


def _html(r: Rendering) -> dict[str, bytes]:
    return {f"{r.name}.html": r.html.encode()}


def _pdf(r: Rendering) -> dict[str, bytes]:
    if r.pdf is not None:
        return {f"{r.name}.pdf": r.pdf(r.html, r.folder, r.config.pdfa)}
    from jaarverslag.render.pdf import render_pdf

    return {f"{r.name}.pdf": render_pdf(r.html, r.folder, r.config.pdfa)}


def _docx(r: Rendering) -> dict[str, bytes]:
    from jaarverslag.render.docx.writer import render_docx

    pngs = figure_pngs(r.document)
    return {f"{r.name}.docx": render_docx(r.html, r.document, pngs, r.config.huisstijl)}


def _site(r: Rendering) -> dict[str, bytes]:
    from jaarverslag.render.site.pages import document_site

    beside = tuple(f"{r.name}.{f}" for f in ("pdf", "docx") if f in r.formats)
    return document_site(r.document, r.folder, beside=beside, tables=r.tables, place=r.place)


#: Every output format, in the order they are made.
WRITERS: dict[Format, Writer] = {
    w.format: w
    for w in (
        Writer("html", _html),
        Writer("pdf", _pdf),
        Writer("docx", _docx),
        Writer("site", _site),
    )
}


def render_document(
    document: Document,
    formats: Collection[Format],
    name: str,
    *,
    folder: Path,
    config: Config,
    tables: bool = True,
    pdf: PdfRenderer | None = None,
    place: Place | None = None,
) -> Rendered:
    """The HTML page of one document and its files by relative path (``name.pdf`` …,
    ``site/…``, ``tabellen/*.csv`` when ``tables``); ``place``: where its site stands."""
    from jaarverslag.render.html import render_html
    from jaarverslag.render.opendata import table_csv

    html = render_html(document, folder)
    chosen = tuple(f for f in WRITERS if f in formats)
    rendering = Rendering(document, html, name, folder, config, pdf, chosen, tables, place)
    files: dict[str, bytes] = {}
    for writer in WRITERS.values():
        if writer.format in formats:
            files |= writer.write(rendering)
    for table in document.tables() if tables else ():
        files[f"tabellen/{table.name}.csv"] = table_csv(table).encode()
    return Rendered(html, files)


def figure_pngs(document: Document) -> dict[str, bytes]:
    """Every figure of the document as the PNG a Word document gets, by its name."""
    from jaarverslag.render.charts import png
    from jaarverslag.render.dotplot import png as dots

    blocks = [b for s in document.sections for b in s.blocks]
    pngs = {c.name: png(c) for c in blocks if isinstance(c, Chart)}
    pngs |= {c.name: dots(c) for c in blocks if isinstance(c, DotChart)}
    return pngs
