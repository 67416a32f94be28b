"""The build steps of a reeks, for :mod:`.pipeline`: one document per gemeente.

A reeks goes through the same tasks as any rapport. :func:`plan` (in "prepare") picks the
gemeenten and makes the overview; :func:`render_gemeenten` (a slice of them, in a worker)
analyses and renders each gemeente into its own folder and records its problems beside the
files; :func:`gather` (in "finish", before anything is written) reports those problems once,
naming the gemeenten — any error and the reeks fails whole — merges every gemeente's tables
into the national ``tabellen/`` and renders ``index.html``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jaarverslag.build.options import BuildOptions
from jaarverslag.build.outcome import Variant
from jaarverslag.core.errors import InputError, Problem
from jaarverslag.core.kinds import Format

if TYPE_CHECKING:
    from jaarverslag.analysis.analysed import Analysis
    from jaarverslag.core.model import Member, Overzicht
    from jaarverslag.render.formats import PdfRenderer
    from jaarverslag.render.site.place import Place

#: In the files of a slice: the problems found per gemeente, as JSON. No file can have this
#: name (a NUL byte), and :func:`gather` takes them out before anything is written.
PROBLEMS = "\0problemen"


def plan(
    analysis: Analysis, formats: tuple[Format, ...], options: BuildOptions
) -> tuple[list[Variant], Overzicht]:
    """The gemeenten to build (``options.gemeenten``, default all) and the overview of the
    reeks."""
    from jaarverslag.analysis.analyse import select
    from jaarverslag.build.stages import overview

    if options.per_partij:
        message = "een reeks maakt al één document per gemeente; per partij kan daar niet bij"
        raise InputError([Problem(analysis.inputs.display_yaml, None, "per_partij", message)])
    chosen = select(analysis, options.gemeenten)
    return [(g.naam, g.slug) for g in chosen], overview(analysis, chosen, formats)


def render_gemeenten(
    analysis: Analysis,
    variants: Sequence[Variant],
    formats: tuple[Format, ...],
    pdf: PdfRenderer | None,
    everyone: Sequence[Variant] = (),
) -> dict[str, bytes]:
    """Each gemeente's documents and tables in its folder (``slug/slug.pdf`` …), and the
    problems of this slice under :data:`PROBLEMS` (a gemeente with errors renders nothing).
    ``everyone``: all the gemeenten built (default: these), whom a gemeente's site links to."""
    from jaarverslag.build.stages import Target, make

    assert analysis.reeks is not None
    files: dict[str, bytes] = {}
    found: list[tuple[Problem, str]] = []
    members = _members(analysis, everyone or variants) if "site" in formats else ()
    for naam, slug in variants:
        gemeente = analysis.reeks.by_slug(slug)
        place = _place(gemeente.slug, members) if members else None
        try:
            made = make(analysis, Target(formats, gemeente=gemeente, place=place), pdf=pdf)
        except InputError as exc:
            found += [(p, naam) for p in exc.problems]
            continue
        found += [(p, naam) for p in made.analysis.warnings]
        files |= {f"{slug}/{path}": data for path, data in made.files.items()}
    if variants:  # one record per slice: the scheduler merges the slices' files
        record = [[dataclasses.asdict(p), naam] for p, naam in found]
        files[f"{PROBLEMS}{variants[0][1]}"] = json.dumps(record).encode()
    return files


def gather(
    variants: Sequence[Variant], files: dict[str, bytes], overview: Overzicht, folder: Path
) -> tuple[dict[str, bytes], list[Problem]]:
    """The files to write — the gemeenten's, the national tables, ``index.html`` — and every
    gemeente's problems, each once; with an error among them, no files."""
    from jaarverslag.analysis.analyse import group_problems
    from jaarverslag.build.stages import render_index
    from jaarverslag.render.opendata import METADATA, csv_metadata, merge_tables

    files = dict(files)
    records = [files.pop(k) for k in sorted(k for k in files if k.startswith(PROBLEMS))]
    found = [(Problem(**p), naam) for r in records for p, naam in json.loads(r)]
    problems = list(group_problems(found, len(variants)))
    if any(p.severity == "error" for p in problems):
        return {}, problems
    files |= merge_tables(variants, files)  # every table of all gemeenten, a gemeente column
    own = ["overzicht"] if overview.table is not None else []
    written = sorted(
        p.removeprefix("tabellen/").removesuffix(".csv")
        for p in files
        if p.startswith("tabellen/") and p.endswith(".csv")
    )
    listed = dataclasses.replace(overview, tabellen=(*own, *written))
    files |= render_index(listed, folder)
    tables = [overview.table] if overview.table is not None else []
    files[f"tabellen/{METADATA}"] = csv_metadata(
        overview.titel, files, overview.fingerprint, tables
    )
    if any(fmt == "site" for _, links in overview.links for fmt, _ in links):
        from jaarverslag.build.stages import render_portal

        files |= render_portal(listed, folder)
    return files, problems


def _members(analysis: Analysis, variants: Sequence[Variant]) -> tuple[Member, ...]:
    from jaarverslag.core.model import Member

    assert analysis.reeks is not None
    chosen = [analysis.reeks.by_slug(slug) for _, slug in variants]
    return tuple(
        Member(g.naam, g.slug, g.inwoners, g.grootteklasse, g.provincie, g.code) for g in chosen
    )


def _place(slug: str, members: Sequence[Member]) -> Place:
    from jaarverslag.render.site.portal import gemeente_place

    return gemeente_place(next(m for m in members if m.slug == slug), members)
