"""Stage 4, render: one document into the chosen formats, and its tables as open data.

The document becomes one HTML page (:mod:`.html`); every output format is a :class:`Writer`
of that page in :data:`WRITERS`: the HTML file as it is, the PDF laid out from it (:mod:`.pdf`,
through ``pdf`` when a helper process does the layout), the DOCX walked from it (:mod:`.docx`,
with the charts drawn as PNG). The open data comes from the document's tables.

Adding a format: its name in :data:`~jaarverslag.core.kinds.Format`, its writer (a function of
a :class:`Rendering` to the files it makes) and one line in :data:`WRITERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import Format
from jaarverslag.core.limits import MB, PDF_MEMORY, PDF_SECONDS, dutch
from jaarverslag.core.model import Chart, Document, DotChart, Prose

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
    comments: tuple[Problem, ...] = ()  #: warnings the DOCX shows as comments where they apply
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
    from jaarverslag.render.docx.look import HouseStyleError
    from jaarverslag.render.docx.writer import render_docx

    pngs = figure_pngs(r.document)
    style = house_style(r.folder, r.config.huisstijl)
    comments = [replace(p, file=_within(p.file, r.folder)) for p in r.comments]
    try:
        return {f"{r.name}.docx": render_docx(r.html, r.document, pngs, style, comments)}
    except HouseStyleError as exc:
        from jaarverslag.core.errors import InputError

        shown = str(r.config.huisstijl)
        raise InputError(
            [Problem(shown, message=f"is geen bruikbaar Word-bestand ({exc})")]
        ) from None


def _within(path: str, folder: Path) -> str:
    """A problem's file relative to the rapport folder (a document names no build machine's
    folders)."""
    try:
        return Path(path).resolve().relative_to(folder.resolve()).as_posix()
    except (ValueError, OSError):
        return path


def house_style(folder: Path, path: Path | None) -> bytes | None:
    """The house-style document, read again as ``check`` read it (contained, bounded, whole):
    the file it checked may have been swapped since."""
    if path is None:
        return None
    from jaarverslag.core import files
    from jaarverslag.core.errors import InputError
    from jaarverslag.core.packages import package_problem

    data, problems = files.read(folder, path, "huisstijl", str(path))
    problem = package_problem(data, "Word-bestand") if data is not None else None
    if problem is not None:
        problems = [Problem(str(path), message=problem)]
    if data is None or problems:
        raise InputError(problems)
    return data


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
    comments: Sequence[Problem] = (),
    place: Place | None = None,
) -> Rendered:
    """The HTML page of one document and its files by relative path (``name.pdf`` …,
    ``site/…``, ``tabellen/*.csv`` when ``tables``); ``place``: where its site stands."""
    from jaarverslag.render.html import render_html
    from jaarverslag.render.opendata import METADATA, csv_metadata, table_csv

    if {"pdf", "docx"} & set(formats):
        size_problems(document, folder)
    html = render_html(document, folder)
    chosen = tuple(f for f in WRITERS if f in formats)
    rendering = Rendering(
        document, html, name, folder, config, pdf, tuple(comments), chosen, tables, place
    )
    files: dict[str, bytes] = {}
    for writer in WRITERS.values():
        if writer.format in formats:
            files |= _bounded(writer, rendering)
    printed = document.tables() if tables else []
    for table in printed:
        files[f"tabellen/{table.name}.csv"] = table_csv(table).encode()
    if printed:
        title = f"{document.titel} — {document.organisatie}"
        files[f"tabellen/{METADATA}"] = csv_metadata(title, files, document.fingerprint, printed)
    return Rendered(html, files)


#: What one document may hold to be laid out as PDF or DOCX: cells in all its tables, and
#: characters of text (a PDF lays out some 2,000 cells or 100,000 characters a second, and a
#: paragraph's layout grows faster than its length).
MAX_CELLS = 20_000
MAX_TEXT = 2 * 1024 * 1024
#: How long and how much memory (bytes the process may grow by) writing one document may take.
RENDER_LIMITS: dict[Format, tuple[float, int]] = {
    "html": (30, 512 * MB),
    "pdf": (PDF_SECONDS, PDF_MEMORY),
    "docx": (120, 1024 * MB),
    "site": (120, 1024 * MB),  # its pages; Pagefind indexes them in a process of its own
}


def size_problems(document: Document, folder: Path) -> None:
    """Refuse, before any layout, a document too large to lay out: naming its largest table or
    the section with the most text."""
    from jaarverslag.core.errors import InputError, Problem

    tables = [(len(t.rows) * max(1, len(t.columns)), t.caption) for t in document.tables()]
    texts = [
        (sum(len(b.html) for b in s.blocks if isinstance(b, Prose)), s.titel)
        for s in document.sections
    ]
    problems = []
    cells = sum(n for n, _ in tables)
    if cells > MAX_CELLS:
        most, caption = max(tables)
        message = (
            f"het document is te groot om op te maken: {dutch(cells)} cellen in de tabellen "
            f"(hoogstens {dutch(MAX_CELLS)}); de grootste is '{caption}' met {dutch(most)}"
        )
        problems.append(Problem(str(folder), message=message))
    text = sum(n for n, _ in texts)
    if text > MAX_TEXT:
        most, titel = max(texts)
        message = (
            f"het document is te groot om op te maken: {dutch(text)} tekens tekst (hoogstens "
            f"{dutch(MAX_TEXT)}); de meeste staan in de sectie '{titel}' ({dutch(most)})"
        )
        problems.append(Problem(str(folder), message=message))
    if problems:
        raise InputError(problems)


def _bounded(writer: Writer, rendering: Rendering) -> dict[str, bytes]:
    """One writer under its :data:`RENDER_LIMITS`; passing one is a message naming the
    document (a PDF laid out by a helper process is bounded there)."""
    from jaarverslag.core.errors import InputError, Problem
    from jaarverslag.core.limits import TooLong, deadline, growth_limit

    seconds, memory = RENDER_LIMITS[writer.format]
    shown = f"de {writer.format.upper()} van {rendering.name}"
    helper = writer.format == "pdf" and rendering.pdf is not None
    try:
        with growth_limit(memory), deadline(seconds) if not helper else nullcontext():
            return writer.write(rendering)
    except MemoryError:
        message = f"{shown} vraagt meer dan {memory // (1024 * 1024)} MB geheugen"
    except TooLong:
        message = f"{shown} is na {seconds:g} seconden nog niet klaar"
    message += "; het document is te groot: maak tabellen of teksten kleiner"
    raise InputError([Problem(str(rendering.folder), message=message)])


def figure_pngs(document: Document) -> dict[str, bytes]:
    """Every figure of the document as the PNG a Word document gets, by its name."""
    from jaarverslag.render.charts import png
    from jaarverslag.render.dotplot import png as dots

    blocks = [b for s in document.sections for b in s.blocks]
    pngs = {c.name: png(c) for c in blocks if isinstance(c, Chart)}
    pngs |= {c.name: dots(c) for c in blocks if isinstance(c, DotChart)}
    return pngs
