"""The one orchestrator: the stages of a rapport, from its folder to the files of a document.

inputs (:mod:`jaarverslag.inputs`: the folder read and checked) → analysis
(:mod:`jaarverslag.analysis`: every table, fact and problem, computed once) → document (the
format-neutral :class:`~jaarverslag.core.model.Document`) → render
(:mod:`jaarverslag.render`: its HTML page and the files of each format).

Every front door runs the stages here and nowhere else: ``check`` (:func:`analyse`), ``build``
(:mod:`.pipeline`, whose scheduler only decides where and when :func:`make` runs), a reeks
(:func:`make` per gemeente, :func:`overview` and :func:`render_index` for its index page),
``serve`` (:func:`analyse` with what the last change left alone, then :func:`make` for the HTML
only) and ``insert`` (:func:`make` for the document and its page, walked into the user's Word
document).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jaarverslag.analysis.analyse import gemeente_analysis, load_rapport
from jaarverslag.analysis.analysed import Analysis
from jaarverslag.analysis.document import build_document, build_overview
from jaarverslag.analysis.reuse import Earlier
from jaarverslag.core.kinds import Format
from jaarverslag.core.model import Document, Overzicht
from jaarverslag.inputs.reeks import Gemeente
from jaarverslag.render.formats import PdfRenderer, render_document
from jaarverslag.render.site.place import Place

__all__ = [
    "Earlier",
    "Made",
    "Target",
    "analyse",
    "make",
    "overview",
    "render_index",
    "render_portal",
    "search_index",
]


@dataclass(frozen=True)
class Target:
    """Which document of an analysed rapport to make, and in which formats.

    ``name``: the file stem (default: the rapport's name, or the gemeente's slug);
    ``partij``: a partner's variant; ``gemeente``: of a reeks, this gemeente's document;
    ``tables``: its tables as open data too; ``comments``: the analysis's warnings as Word
    comments in its DOCX; ``place``: where its site stands (a gemeente's in the portal of its
    reeks; None: alone).
    """

    formats: tuple[Format, ...] = ()
    name: str | None = None
    partij: str | None = None
    gemeente: Gemeente | None = None
    tables: bool = True
    comments: bool = False
    place: Place | None = None


@dataclass(frozen=True)
class Made:
    """One document through every stage: the analysis it came from (of a reeks, the
    gemeente's own), the document, its HTML page and its files by relative path."""

    analysis: Analysis
    document: Document
    html: str
    files: dict[str, bytes]


def analyse(
    folder: Path,
    *,
    gemeenten: Sequence[str] | None = None,
    lazy: bool = False,
    earlier: Earlier | None = None,
) -> Analysis:
    """Stages 1 and 2: the rapport read, checked and analysed; :class:`InputError` with every
    problem. A reeks gives its national analysis (``gemeenten``: analyse only these, ``lazy``:
    none until their documents are made); ``earlier``: what a rebuild may reuse."""
    return load_rapport(folder, gemeenten=gemeenten, lazy=lazy, earlier=earlier)


def make(source: Path | Analysis, target: Target, *, pdf: PdfRenderer | None = None) -> Made:
    """Stages 3 and 4 (and 1 and 2 for a folder): one document and its files. ``pdf``: a
    helper process that lays out PDFs, when there is one."""
    analysis = source if isinstance(source, Analysis) else analyse(source, lazy=True)
    name = target.name or analysis.name
    if target.gemeente is not None:
        analysis = gemeente_analysis(analysis, target.gemeente)
        name = target.name or target.gemeente.slug
    document = build_document(analysis, partij=target.partij)
    rendered = render_document(
        document,
        target.formats,
        name,
        folder=analysis.folder,
        config=analysis.config,
        tables=target.tables,
        pdf=pdf,
        comments=analysis.warnings if target.comments else (),
        place=target.place,
    )
    return Made(analysis, document, rendered.html, rendered.files)


def overview(
    national: Analysis, chosen: Sequence[Gemeente], formats: Sequence[Format]
) -> Overzicht:
    """Stage 3 of a reeks's index page: every gemeente of ``chosen`` with a link to each of its
    documents in ``formats``, and the comparison of all gemeenten (its national tables are
    listed when they are known, before :func:`render_index`)."""
    return build_overview(national, chosen, formats)


def render_index(overzicht: Overzicht, folder: Path) -> dict[str, bytes]:
    """Stage 4 of a reeks's index page: ``index.html`` and the comparison as open data."""
    from jaarverslag.render.overzicht import render_overview

    return render_overview(overzicht, folder)


def render_portal(overzicht: Overzicht, folder: Path) -> dict[str, bytes]:
    """Stage 4 of a reeks's site: its portal (``site/…``), which every gemeente's site is in."""
    from jaarverslag.render.site.portal import reeks_portal

    return reeks_portal(overzicht, folder)


def search_index(files: dict[str, bytes]) -> dict[str, bytes]:
    """Stage 4 of a site: the search index over every page of a rapport's site(s) in
    ``files`` (``site/…``, a reeks's ``<gemeente>/site/…`` too), as ``site/pagefind/…``."""
    from jaarverslag.render.site.search import search_index as index

    return index(files)
