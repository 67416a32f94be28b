"""``jaarverslag diff OLD NEW [-o OUT] [--docx]``: what changed for a reader between two rapports.

OLD and NEW are rapport folders — two rounds of one (the concept kept as a copy, or two
checkouts), or two rapports. Each goes through the stages (:mod:`jaarverslag.build.stages`),
and the two documents are compared as documents (:mod:`jaarverslag.analysis.compare`): every
printed value that changed, rows and tables that came or went, verdicts, figures and the words
of the texts. The report is written as ``OUT/verschillen.html`` and ``OUT/verschillen.pdf``
(default OUT: ``verschillen``), and with ``--docx`` ``OUT/<NEW>-wijzigingen.docx``: NEW's DOCX
with Word's tracked changes against OLD's (:mod:`jaarverslag.render.docx.tracked`). A summary
goes to the terminal.

Exit status: 0 when nothing a reader sees has changed, 1 when something has (the report says
what) — as ``diff`` and ``cmp`` do — and 1 for bad input too, with every problem on stderr and
nothing written; 2 for wrong usage.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jaarverslag.core.atomic import write_atomically
from jaarverslag.core.errors import InputError, Problem

if TYPE_CHECKING:
    from jaarverslag.build.stages import Made
    from jaarverslag.core.changes import Changes

REPORT = "verschillen"
DEFAULT_OUT = Path(REPORT)


def run_diff(old: Path, new: Path, out: Path | None, docx: bool) -> int:
    """The command: the summary on stdout, the files written; 0 nothing changed, 1 changed
    (or bad input)."""
    target = out if out is not None else DEFAULT_OUT
    try:
        changes, written = diff(old, new, target, docx)
    except InputError as exc:
        exc.show()
        return 1
    from jaarverslag.render.diffreport import summary

    click.echo(f"{new} tegenover {old}: {summary(changes)}")
    for line in describe(changes):
        click.echo(f"  {line}")
    for path in written:
        click.echo(str(path), err=True)
    return 0 if changes.empty else 1


def diff(old: Path, new: Path, out: Path, docx: bool) -> tuple[Changes, list[Path]]:
    """Compare, write the report (and the tracked-changes DOCX) into ``out``; raise
    :class:`InputError` with every problem of either rapport or of ``out``."""
    from jaarverslag.analysis.compare import compare
    from jaarverslag.render.diffreport import report_html
    from jaarverslag.render.pdf import render_pdf

    problems = _out_problems(out, (old, new))
    made: list[Made] = []
    for folder in (old, new):
        try:
            made.append(_made(folder, docx))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    before, after = made
    changes = compare(
        before.document,
        after.document,
        before.analysis.figures.indicators,
        after.analysis.figures.indicators,
    )
    html = report_html(changes, before.document, after.document, str(old), str(new))
    files = {f"{REPORT}.html": html.encode(), f"{REPORT}.pdf": render_pdf(html)}
    if docx:
        from jaarverslag.render.docx.tracked import tracked_docx

        name = f"{after.analysis.name}-wijzigingen.docx"
        old_docx, new_docx = (m.files[f"{m.analysis.name}.docx"] for m in made)
        files[name] = tracked_docx(old_docx, new_docx, after.document.datum)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write_atomically(out / name, data)
    return changes, [out / name for name in files]


def _made(folder: Path, docx: bool) -> Made:
    """One rapport through the stages: its document (and its DOCX)."""
    from jaarverslag.build.stages import Target, analyse, make

    analysis = analyse(folder)
    if analysis.reeks is not None:
        message = "is een reeks (een document per gemeente); diff vergelijkt één document"
        raise InputError([Problem(str(folder), message=message)])
    return make(analysis, Target(("docx",) if docx else (), tables=False))


def _out_problems(out: Path, rapports: tuple[Path, ...]) -> list[Problem]:
    """The report goes into a folder of its own: not a file, not inside a rapport folder."""
    if out.exists() and not out.is_dir():
        return [Problem(str(out), message="bestaat al en is geen map")]
    resolved = out.resolve()
    for folder in rapports:
        if folder.is_dir() and resolved.is_relative_to(folder.resolve()):
            message = f"ligt in rapportmap {folder}; kies met -o een map daarbuiten"
            return [Problem(str(out), message=message)]
    return []


def describe(changes: Changes) -> Iterator[str]:
    """One line per change, for the terminal."""
    for table in changes.tables:
        number = table.new_number or table.old_number
        name = f"tabel {number} {table.caption}"
        if table.status != "gewijzigd":
            yield f"{name}: {table.status}"
        for cell in table.cells:
            verschil = f" ({cell.difference})" if cell.difference else ""
            yield f"{name}: {cell.row}, {cell.column}: {cell.old} → {cell.new}{verschil}"
        for row in table.rows_added:
            yield f"{name}: rij erbij: {row}"
        for row in table.rows_removed:
            yield f"{name}: rij weg: {row}"
        for column in table.columns_added:
            yield f"{name}: kolom erbij: {column}"
        for column in table.columns_removed:
            yield f"{name}: kolom weg: {column}"
    for verdict in changes.verdicts:
        yield f"oordeel {verdict.indicator} {verdict.jaar}: {verdict.old} → {verdict.new}"
    for figure in changes.figures:
        yield f"figuur {figure}"
    for text in changes.texts:
        shown = " ".join(
            f"[-{w}-]" if op == "-" else f"{{+{w}+}}" if op == "+" else "…" if op == "…" else w
            for op, w in text.pieces
        )
        yield f"tekst {text.section}: {shown}"
