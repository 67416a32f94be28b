"""``jaarverslag insert``: the rapport as a chapter of the user's own Word document.

The user's document is read like every other input: a regular file within its size limit, a zip
that unpacks whole and into no more than it may, its XML as Word writes it
(:func:`jaarverslag.core.packages.package_problem`). The
chapter under the heading the user names is found, its content removed, and the rapport written
in its place by the DOCX writer itself (:mod:`jaarverslag.render.docx.splice`, the same walk of
the same HTML as the DOCX a build writes): its sections as headings one level below the
chapter's, prose, tables with their header rows repeated, charts, footnotes, all in the
document's own styles. Everything else stays as it was, byte for byte where it wasn't touched.
The copy is written beside the original (``DOCUMENT.bijgewerkt.docx``) or where ``-o`` says,
atomically; the original is never written.
Running it again on its own output replaces the chapter again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jaarverslag.core import files
from jaarverslag.core.atomic import write_atomically
from jaarverslag.core.errors import InputError, Problem
from jaarverslag.core.packages import package_problem

if TYPE_CHECKING:
    from jaarverslag.build.stages import Made

SUFFIX = ".bijgewerkt"


@dataclass(frozen=True)
class Written:
    """What ``insert`` did: the copy, the chapter heading and what the chapter holds now."""

    path: Path
    heading: str
    sections: int
    tables: int
    charts: int
    removed: str

    @property
    def summary(self) -> str:
        """What the command says it did (the copy's name aside)."""
        put = ", ".join(
            count(n, one, many)
            for n, one, many in (
                (self.sections, "sectie", "secties"),
                (self.tables, "tabel", "tabellen"),
                (self.charts, "grafiek", "grafieken"),
            )
        )
        return (
            f"hoofdstuk '{self.heading}' vervangen door het rapport ({put}; "
            f"weggehaald: {self.removed})"
        )


def default_output(document: Path) -> Path:
    """``beleidsplan.docx`` → ``beleidsplan.bijgewerkt.docx`` beside it."""
    return document.with_name(document.stem + SUFFIX + document.suffix)


def run_insert(
    folder: Path, document: Path, heading: str, out: Path | None, gemeente: str | None = None
) -> int:
    """The command: 0 when the copy is written, 1 on bad input (every problem printed)."""
    try:
        written, warnings = insert_chapter(folder, document, heading, out, gemeente)
    except InputError as exc:
        exc.show()
        return 1
    for warning in warnings:
        click.echo(str(warning), err=True)
    click.echo(f"{written.path}: {written.summary}; {document} is niet veranderd", err=True)
    return 0


def count(number: int, one: str, many: str) -> str:
    """``1 tabel``, ``2 tabellen``."""
    return f"{number} {one if number == 1 else many}"


def insert_chapter(
    folder: Path,
    document: Path,
    heading: str,
    out: Path | None = None,
    gemeente: str | None = None,
) -> tuple[Written, list[Problem]]:
    """Write a copy of ``document`` whose chapter ``heading`` is the rapport of ``folder`` (of
    a reeks: the document of ``gemeente``); raise :class:`InputError` with every problem when
    that can't be done."""
    target = out if out is not None else default_output(document)
    data, problems = read_document(document)
    problems += output_problems(document, target)
    try:
        made = _made(folder, gemeente)
    except InputError as exc:
        problems += exc.problems
        made = None
    if data is None or made is None or problems:
        raise InputError(problems)
    content, written = _replaced(data, str(document), heading, made)
    write_atomically(target, content, document.stat().st_mode & 0o777)
    return Written(target, *written), list(made.analysis.warnings)


def _made(folder: Path, gemeente: str | None) -> Made:
    """The rapport's one document through the stages: of a reeks, the chosen gemeente's."""
    from jaarverslag.build.stages import Target, analyse, make

    analysis = analyse(folder)
    if analysis.reeks is None:
        if gemeente is None:
            return make(analysis, Target(tables=False))
        message = "alleen een reeks (een databestand met een kolom gemeente) kent gemeenten"
        raise InputError([Problem(str(folder), None, "--gemeente", message)])
    found = analysis.reeks.find(gemeente) if gemeente is not None else None
    if found is None:
        names = [g.naam for g in analysis.reeks.gemeenten]
        shown = ", ".join(names[:5]) + (f" en {len(names) - 5} andere" if len(names) > 5 else "")
        message = "een reeks heeft een document per gemeente: kies er een met --gemeente"
        if gemeente is not None:
            message = f"'{gemeente}' staat niet in de reeks"
        raise InputError([Problem(str(folder), None, "--gemeente", f"{message} ({shown})")])
    return make(analysis, Target(gemeente=found, tables=False))


def read_document(path: Path) -> tuple[bytes | None, list[Problem]]:
    """The bytes of the user's document, read by the same rules as every input (but from
    wherever it is: it is theirs, not part of the rapport folder)."""
    display = str(path)
    if path.suffix.lower() != ".docx":
        return None, [Problem(display, message="is geen Word-document (.docx)")]
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None, [Problem(display, message="bestaat niet")]
    data, problems = files.read(resolved.parent, resolved, "document", display)
    if data is not None:
        problem = package_problem(data, "Word-bestand")
        if problem is not None:
            return None, [Problem(display, message=problem)]
    return data, problems


def output_problems(document: Path, target: Path) -> list[Problem]:
    """The copy never replaces the original, nor anything that isn't a file."""
    display = str(target)
    if target.suffix.lower() != ".docx":
        return [Problem(display, message="de kopie moet een .docx-bestand zijn")]
    if not target.parent.is_dir():
        return [Problem(display, message=f"de map {target.parent} bestaat niet")]
    if target.exists() or target.is_symlink():
        try:
            same = document.exists() and target.resolve().samefile(document.resolve())
        except OSError:
            same = False
        if same:
            message = "is het origineel zelf, en dat wordt nooit overschreven; kies met -o een "
            message += "ander bestand"
            return [Problem(display, message=message)]
        if not target.resolve().is_file():
            return [Problem(display, message="bestaat al en is geen bestand")]
    return []


def _replaced(
    data: bytes, display: str, text: str, made: Made
) -> tuple[bytes, tuple[str, int, int, int, str]]:
    """The document with its chapter replaced, and what went in and out."""
    from jaarverslag.render.docx.chapter import ChapterError
    from jaarverslag.render.docx.splice import UnreadableDocument, splice_chapter
    from jaarverslag.render.formats import figure_pngs

    figures = figure_pngs(made.document)
    try:
        content, spliced = splice_chapter(data, text, made.html, figures)
    except UnreadableDocument as exc:
        message = f"is geen leesbaar Word-bestand ({exc})"
        raise InputError([Problem(display, message=message)]) from exc
    except ChapterError as exc:
        raise InputError([Problem(display, None, "--heading", str(exc))]) from exc
    removed = spliced.removed
    parts = [count(removed.paragraphs, "alinea", "alinea's")]
    parts += [count(removed.tables, "tabel", "tabellen")]
    parts += [count(removed.pictures, "afbeelding", "afbeeldingen")] if removed.pictures else []
    parts += [count(removed.comments, "opmerking", "opmerkingen")] if removed.comments else []
    sections = len(made.document.sections)
    return content, (spliced.heading, sections, spliced.tables, len(figures), ", ".join(parts))
