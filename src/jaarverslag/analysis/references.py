"""Numbers and anchors of a document: its tables, figures and headings, and what refers to them.

Every table is *tabel N* and every figure *figuur N*, numbered in the order the document prints
them; their stable ids are ``tabel-<name>`` and ``figuur-<name>`` (the HTML's and the site's
``id``). A text refers to one with ``[@tabel-kosten]`` (:mod:`.prose` renders it as a link
that holds the reference itself); :func:`resolve` turns each such link into the words it
prints, ``tabel 3`` (``[@Tabel-kosten]`` at the start of a sentence: ``Tabel 3``). The DOCX
writer turns the same link into a Word cross-reference to the caption's number. Headings of a
text get an ``id`` too (:func:`anchor_headings`), so a table of contents can point to them.

Pure functions of strings our own renderer wrote: the author's raw HTML is escaped before it
gets here, so the markup matched below can only be ours.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jaarverslag.core.errors import Problem
from jaarverslag.core.model import Block, Heading, figure_id, numbering, table_id

__all__ = ["Reference", "anchor_headings", "figure_id", "resolve", "table_id", "targets"]

#: The label of each kind of target as a reference prints it, by the prefix of its id.
LABELS = {"tabel": "tabel", "figuur": "figuur"}
#: ``[@tabel-kosten]``: a kind, a dash, a table's or figure's name.
REFERENCE = re.compile(r"\[@([^\]\s]+)\]")
#: The link :mod:`.prose` renders for a reference (``href`` is the target, the text the
#: reference as typed until it is resolved).
LINK = re.compile(r'<a class="verwijzing" href="#([^"]+)">([^<]*)</a>')
#: A heading of a text, as markdown-it writes it (no attributes).
HEADING = re.compile(r"<h([3-6])>(.*?)</h\1>", re.S)
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Reference:
    """``[@tabel-kosten]`` in a text: its target id (lower case), the file and line."""

    target: str
    file: str
    line: int | None

    def problem(self, known: Iterable[str]) -> Problem:
        shown = ", ".join(f"[@{k}]" for k in sorted(known)) or "geen: het rapport heeft er geen"
        message = f"verwijzing naar onbekende tabel of figuur [@{self.target}] (bekend: {shown})"
        return Problem(self.file, self.line, None, message)


def chart_name(section: int) -> str:
    """The name of the chart under the indicator table of section number ``section``."""
    return f"grafiek-{section}"


def link(target: str) -> str:
    """The HTML of a reference before it is resolved (by :mod:`.prose`)."""
    escaped = html.escape(target, quote=True)
    return f'<a class="verwijzing" href="#{escaped.lower()}">[@{escaped}]</a>'


def targets(blocks: Iterable[Block]) -> dict[str, int]:
    """Every table and figure of ``blocks`` by its id, with its number (1, 2, … per kind)."""
    return numbering(blocks)


def printed(target: str, number: int, typed: str) -> str:
    """``tabel 3``; ``Tabel 3`` when the reference was typed with a capital."""
    label = LABELS[target.split("-", 1)[0]]
    if typed[:1].isupper():
        label = label.capitalize()
    return f"{label}\N{NO-BREAK SPACE}{number}"


def resolve(fragment: str, numbers: Mapping[str, int]) -> str:
    """Every reference link of ``fragment`` with the words it prints (``tabel 3``); a target
    the document hasn't got keeps the reference as typed (``check`` reported it)."""

    def words(match: re.Match[str]) -> str:
        target, typed = match.group(1), html.unescape(match.group(2)).removeprefix("[@")
        number = numbers.get(target)
        if number is None:
            return match.group(0)
        return f'<a class="verwijzing" href="#{target}">{printed(target, number, typed)}</a>'

    return LINK.sub(words, fragment)


def anchor_headings(fragment: str, prefix: str, start: int = 0) -> tuple[str, list[Heading]]:
    """``fragment`` with an ``id`` on each heading (``prefix-<start + 1>``, …) and the
    headings as a table of contents lists them (an ``h3`` is level 2: ``h2`` is a section's)."""
    found: list[Heading] = []

    def anchored(match: re.Match[str]) -> str:
        ident = f"{prefix}-{start + len(found) + 1}"
        text = " ".join(html.unescape(TAG.sub("", match.group(2))).split())
        found.append(Heading(int(match.group(1)) - 1, text, ident))
        return f'<h{match.group(1)} id="{ident}">{match.group(2)}</h{match.group(1)}>'

    return HEADING.sub(anchored, fragment), found


def unknown(references: Iterable[Reference], known: Iterable[str]) -> list[Problem]:
    """A problem for every reference to a table or figure the document hasn't got."""
    names = set(known)
    return [r.problem(names) for r in references if r.target not in names]
