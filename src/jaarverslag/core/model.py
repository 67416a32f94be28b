"""The format-neutral document: computed tables, charts as data, texts; raw numbers, no markup.

Compute modules produce :class:`Table` objects (and the other blocks); the templates turn a
:class:`Document` into the one HTML document that every output format is made from; the
open-data writer reads the tables.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from jaarverslag.core.errors import Problem

#: How a value is printed. ``aantal``: 1.234; ``percentage``: 99,6%; ``euro``: € 95.000;
#: ``tekst``: as is; ``jaar``: 2017 (no grouping).
Unit = Literal["aantal", "percentage", "euro", "tekst", "jaar"]

#: Row kinds drive styling: totals are bold with a rule above, group headers span the table.
RowKind = Literal["post", "groep", "subtotaal", "totaal", "leeg"]


@dataclass(frozen=True)
class Cell:
    """One value. ``value`` is a number, a string, or ``None`` for "no data" (printed as -).

    ``decimals`` fixes the printed decimals (``None``: as many as the value has).
    ``suppressed`` replaces the value by a privacy mark such as ``<5`` in every output.
    ``markers`` are footnote markers printed after the value, set apart from it (``*``, ``a``;
    never a digit). ``highlight`` marks a cell to stand out (a partner's own share).
    ``emphasis`` prints the value in italics: a value carried over from another column (its
    footnote says so).
    """

    value: float | int | str | None
    unit: Unit = "aantal"
    decimals: int | None = None
    markers: tuple[str, ...] = ()
    suppressed: str | None = None
    highlight: bool = False
    emphasis: bool = False


@dataclass(frozen=True)
class Column:
    """A column header; ``key`` names the column in the open-data CSV."""

    label: str
    key: str
    numeric: bool = True


@dataclass(frozen=True)
class Row:
    """A table row. ``markers``: footnote markers after the label (a post's earlier name)."""

    label: str
    cells: tuple[Cell, ...]
    kind: RowKind = "post"
    highlight: bool = False
    markers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A computed table. ``name`` is the open-data file name (``tabellen/<name>.csv``).

    ``stub`` is the header of the first (label) column. ``footnotes`` are (marker, text) pairs
    printed under the table. ``note`` is a line under the caption, e.g. ``(x € 1.000)``.
    """

    name: str
    caption: str
    stub: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    footnotes: tuple[tuple[str, str], ...] = ()
    note: str | None = None

    @property
    def marked_columns(self) -> frozenset[int]:
        """Columns with a footnote marker in some cell: their numbers leave room for it, so a
        marker hangs beside the figure and every figure stays right-aligned."""
        return frozenset(i for r in self.rows for i, c in enumerate(r.cells) if c.markers)


class Point(NamedTuple):
    """One year of a chart's panel: the realisatie and the target (None: no data)."""

    jaar: int
    realisatie: float | None
    doel: float | None


class Series(NamedTuple):
    """One panel of a chart: an indicator's years. ``decimals`` of a euro series as in its table
    row (``€ 100,00`` beside ``€ 100,40``)."""

    label: str
    eenheid: str
    decimals: int | None
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Chart:
    """A chart as data: what it shows and what it says. The renderers draw it — SVG for the
    PDF and HTML, PNG for the DOCX — so the document itself never holds a drawing."""

    name: str
    caption: str
    alt: str
    series: tuple[Series, ...]


class Strip(NamedTuple):
    """One strip of a dot chart: the value of every gemeente compared (sorted), the highlighted
    gemeente's value (None: no data) and the median."""

    label: str
    values: tuple[float, ...]
    mine: float | None
    median: float | None


@dataclass(frozen=True)
class DotChart:
    """A dot chart as data: one strip per soort (lasten, baten), every gemeente of a group a dot,
    one highlighted and labelled ``label``; ``decimals`` of the euro amounts as printed beside
    it. Drawn by :mod:`jaarverslag.render.dotplot`; ``alt`` states every figure it highlights."""

    name: str
    caption: str
    alt: str
    label: str
    strips: tuple[Strip, ...]
    decimals: int = 2


@dataclass(frozen=True)
class Prose:
    """The author's Markdown, rendered by our own renderer (raw HTML escaped): trusted HTML.
    ``kind`` names its role (``conclusie``: the author's own conclusion of a table)."""

    html: str
    kind: str | None = None


@dataclass(frozen=True)
class Text:
    """Paragraphs the tool wrote (plain text, escaped when rendered): ``conclusie`` (computed
    conclusions) or ``leeg`` (a section without data)."""

    kind: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Items:
    """A list the tool wrote (plain text): ``prestaties`` (the prestatieafspraken sentences)."""

    kind: str
    items: tuple[str, ...]


Block = Table | Chart | DotChart | Prose | Text | Items


@dataclass(frozen=True)
class BlockResult:
    """What a block computes from the inputs: what it prints and what it found wrong."""

    blocks: tuple[Block, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Section:
    titel: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Document:
    titel: str
    organisatie: str
    soort: str
    jaar: int
    datum: str  # ISO date of the document, from the data or SOURCE_DATE_EPOCH
    sections: tuple[Section, ...] = field(default_factory=tuple)
    ondertitel: str | None = None
    partij: str | None = None  # the partner this variant is for, if any

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]


class Member(NamedTuple):
    """A gemeente of a reeks as its overview and portal list it: its folder and what
    gemeenten.csv says of it (None: not given)."""

    naam: str
    slug: str
    inwoners: int | None = None
    grootteklasse: str | None = None
    provincie: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class Overzicht:
    """The overview page of a reeks (``OUT/R/index.html``): every gemeente built, with links to
    its documents, and the comparison table of all gemeenten (None without gemeenten.csv).

    ``links``: per gemeente, (format, relative path) of each of its files; ``tabellen``: the
    open-data files of the whole reeks (``tabellen/<name>.csv``); ``members``: every gemeente
    built, for the portal of its site."""

    titel: str
    soort: str
    jaar: int
    datum: str
    links: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    table: Table | None = None
    tabellen: tuple[str, ...] = ()
    ondertitel: str | None = None
    uitleg: tuple[str, ...] = ()
    members: tuple[Member, ...] = ()

    def href(self, gemeente: str) -> str | None:
        """Where a gemeente's document is (its HTML, else its first file); None: not built."""
        return self._hrefs.get(gemeente)

    @functools.cached_property
    def _hrefs(self) -> dict[str, str]:
        return {
            naam: next((path for fmt, path in files if fmt == "html"), files[0][1])
            for naam, files in self.links
            if files
        }
