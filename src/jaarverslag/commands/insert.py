"""``jaarverslag insert``: the rapport as a chapter of the user's own Word document.

The user's document is read like every other input: a regular file within its size limit, a zip
that unpacks whole and into no more than it may, its XML as Word writes it
(:func:`jaarverslag.core.packages.package_problem`). The
chapter under the heading the user names is found (:mod:`.render.wordchapter`), its content
removed, and the rapport written in its place by the DOCX writer itself (:func:`write_html`, the
same walk of the same HTML as the DOCX a build writes): its sections as headings one level below
the chapter's, prose, tables with their header rows repeated, charts, footnotes, all in the
document's own styles (:mod:`.render.wordstyles`). Everything else stays as it was, byte for byte
where it wasn't touched (:mod:`.render.wordpackage`). The copy is written beside the original
(``DOCUMENT.bijgewerkt.docx``) or where ``-o`` says, atomically; the original is never written.
Running it again on its own output replaces the chapter again.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click
from lxml import html as lxml_html
from lxml.html import HtmlElement

from jaarverslag.core import files
from jaarverslag.core.errors import InputError, Problem
from jaarverslag.core.packages import package_problem

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from jaarverslag.build.stages import Made

SUFFIX = ".bijgewerkt"
#: The heading levels below the chapter's the rapport uses (h2 … h5 in its HTML).
DEPTH = 4


@dataclass(frozen=True)
class Written:
    """What ``insert`` did: the copy, the chapter heading and what the chapter holds now."""

    path: Path
    heading: str
    sections: int
    tables: int
    charts: int
    removed: str


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
    put = ", ".join(
        count(n, one, many)
        for n, one, many in (
            (written.sections, "sectie", "secties"),
            (written.tables, "tabel", "tabellen"),
            (written.charts, "grafiek", "grafieken"),
        )
    )
    click.echo(
        f"{written.path}: hoofdstuk '{written.heading}' vervangen door het rapport ({put}; "
        f"weggehaald: {written.removed}); {document} is niet veranderd",
        err=True,
    )
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
    import docx

    from jaarverslag.render.docx.chapter import ChapterError

    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        message = f"is geen leesbaar Word-bestand ({exc})"
        raise InputError([Problem(display, message=message)]) from exc
    try:
        return _splice(word, data, text, made)
    except ChapterError as exc:
        raise InputError([Problem(display, None, "--heading", str(exc))]) from exc


def _splice(
    word: DocxDocument, data: bytes, text: str, made: Made
) -> tuple[bytes, tuple[str, int, int, int, str]]:
    from docx.oxml.ns import qn

    from jaarverslag.render.docx.chapter import (
        clear_chapter,
        find_heading,
        headings,
        place_after,
        tidy,
    )
    from jaarverslag.render.docx.package import repack
    from jaarverslag.render.docx.styles import (
        body_styles,
        ensure_styles,
        heading_styles,
        table_style,
    )
    from jaarverslag.render.docx.writer import HEADING_LEVEL, Look, write_html
    from jaarverslag.render.formats import figure_pngs

    heading = find_heading(word, text)
    document = made.document
    page = _without_repeated_title(made.html, heading.text)
    html = lxml_html.tostring(page, encoding="unicode", doctype="<!DOCTYPE html>")
    levels = {n: min(heading.level + n, 9) for n in range(1, DEPTH + 1)}
    used = {HEADING_LEVEL[tag] for tag in HEADING_LEVEL if next(page.iter(tag), None) is not None}
    styles = heading_styles(word, headings(word), {levels[n] for n in used})
    ensure_styles(word, [*styles.values(), *body_styles(page)])
    look = Look(
        title=False,
        headings={n: styles[levels[n]] for n in used},
        table_style=table_style(word) if next(page.iter("table"), None) is not None else None,
        text_width=_text_width(word, heading.index),
        first_numbers=captions_before(word, heading.index),
        own_font=False,  # the chapter is set in the document's font: its figures get room
    )
    removed = clear_chapter(word, heading)
    figures = figure_pngs(document)
    body = word.element.body

    def end() -> int:  # the body's elements before its closing section settings
        return len(body) - (1 if len(body) and body[-1].tag == qn("w:sectPr") else 0)

    before = end()
    write_html(word, html, figures, look)
    new = list(body)[before : end()]
    place_after(word, heading, new)
    tidy(word, removed, new)
    buffer = io.BytesIO()
    word.save(buffer)
    tables = sum(1 for e in new if e.tag == qn("w:tbl"))
    parts = [count(removed.paragraphs, "alinea", "alinea's")]
    parts += [count(removed.tables, "tabel", "tabellen")]
    parts += [count(removed.pictures, "afbeelding", "afbeeldingen")] if removed.pictures else []
    parts += [count(removed.comments, "opmerking", "opmerkingen")] if removed.comments else []
    summary = (heading.text, len(document.sections), tables, len(figures), ", ".join(parts))
    return repack(data, buffer.getvalue()), summary


def captions_before(word: DocxDocument, index: int) -> dict[str, int]:
    """How many captions of each label (``SEQ Tabel`` fields) the document has before body
    element ``index``: the rapport's tables continue that numbering, as Word will."""
    from docx.oxml.ns import qn

    counts: dict[str, int] = {}
    for element in list(word.element.body)[:index]:
        codes = [t.text or "" for t in element.iter(qn("w:instrText"))]
        codes += [f.get(qn("w:instr"), "") for f in element.iter(qn("w:fldSimple"))]
        for code in codes:
            parts = code.split()
            if len(parts) >= 2 and parts[0].upper() == "SEQ" and "\\c" not in parts:
                label = parts[1].strip('"')
                counts[label] = counts.get(label, 0) + 1
    return counts


def _text_width(word: DocxDocument, index: int) -> int:
    """The width between the margins of the section the chapter is in (EMU)."""
    from docx.oxml.ns import qn
    from docx.section import Section
    from docx.shared import Cm

    settings = None
    for element in list(word.element.body)[index:]:
        if element.tag == qn("w:sectPr"):
            settings = element
        elif element.tag == qn("w:p"):
            settings = element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if settings is not None:
            break
    if settings is None:
        return int(Cm(16))
    section = Section(settings, word.part)
    width = section.page_width or Cm(21)
    return int(width - (section.left_margin or Cm(2.5)) - (section.right_margin or Cm(2.5)))


def _without_repeated_title(html: str, heading: str) -> HtmlElement:
    """The rapport's page, its first section title left out when it only repeats the chapter's
    heading (``9. Financiën`` under the heading *Financiën*)."""
    from jaarverslag.render.docx.chapter import TYPED_NUMBER

    root = lxml_html.document_fromstring(html, parser=lxml_html.HTMLParser(huge_tree=True))
    first: HtmlElement | None = next(iter(root.iter("h2")), None)

    def key(text: str) -> str:
        return " ".join(TYPED_NUMBER.sub("", " ".join(text.split())).split()).casefold()

    if first is not None and key(first.text_content()) == key(heading):
        parent = first.getparent()
        if parent is not None:
            parent.remove(first)
    return root


def write_atomically(path: Path, content: bytes, mode: int = 0o644) -> None:
    """Write ``content`` to ``path`` in one step: a temporary file beside it, then a rename;
    an earlier file there stays whole until the new one replaces it."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
