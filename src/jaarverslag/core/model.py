"""The format-neutral document: computed tables, charts as data, texts; raw numbers, no markup.

Compute modules produce :class:`Table` objects (and the other blocks); the templates turn a
:class:`Document` into the one HTML document that every output format is made from; the
open-data writer reads the tables.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from jaarverslag.core.errors import Problem
from jaarverslag.core.fingerprint import Fingerprint
from jaarverslag.core.kinds import Lijst

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
    footnote says so). ``nnb``: the value is expected but not yet known (a voorlopig row
    without a value): printed ``n.n.b.`` instead of the dash of no data. ``extra``: what the
    open data says of the cell beside its value, as (name, text) pairs (``status``,
    ``bron``, ``peildatum``): each name a column after the cell's own.
    """

    value: float | int | str | None
    unit: Unit = "aantal"
    decimals: int | None = None
    markers: tuple[str, ...] = ()
    suppressed: str | None = None
    highlight: bool = False
    emphasis: bool = False
    nnb: bool = False
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Column:
    """A column header; ``key`` names the column in the open-data CSV. ``unit``: the unit of
    its figures as the open data names it, where the cells' own unit doesn't say it all
    (``euro_per_inwoner``)."""

    label: str
    key: str
    numeric: bool = True
    unit: str | None = None


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
    ``sources``: lines under the footnotes that say where the figures come from
    (``Bron: CBS; peildatum 1 januari 2024.``). ``unit_per_row``: a row is one quantity with
    a unit of its own (an indicator), so the open data says each row's unit.
    """

    name: str
    caption: str
    stub: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    footnotes: tuple[tuple[str, str], ...] = ()
    note: str | None = None
    sources: tuple[str, ...] = ()
    unit_per_row: bool = False

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
    """A section: its title (an ``h2`` with the id ``anchor``) and its blocks."""

    titel: str
    blocks: tuple[Block, ...] = ()
    anchor: str | None = None


class Heading(NamedTuple):
    """A heading as a table of contents lists it: level 1 is a section's title, 2 and deeper
    the headings of its text; ``anchor`` is its id."""

    level: int
    text: str
    anchor: str


def table_id(name: str) -> str:
    """The stable id of a table (the HTML's and the site's ``id``): ``tabel-kosten``."""
    return f"tabel-{name}"


def figure_id(name: str) -> str:
    """The stable id of a figure: ``figuur-grafiek-1``."""
    return f"figuur-{name}"


def numbering(blocks: Iterable[Block]) -> dict[str, int]:
    """Every table and figure among ``blocks`` by its id, numbered 1, 2, … per kind in the
    order given (a name that comes again keeps its first number)."""
    numbers: dict[str, int] = {}
    counts = {"tabel": 0, "figuur": 0}
    for block in blocks:
        if isinstance(block, Table):
            kind, ident = "tabel", table_id(block.name)
        elif isinstance(block, Chart | DotChart):
            kind, ident = "figuur", figure_id(block.name)
        else:
            continue
        if ident not in numbers:
            counts[kind] += 1
            numbers[ident] = counts[kind]
    return numbers


@dataclass(frozen=True)
class Document:
    """A document of a rapport. ``inhoud``: the lists its table of contents holds;
    ``headings``: every heading it may list; ``fingerprint``: the inputs it was made from
    (printed on the last page when ``colofon``)."""

    titel: str
    organisatie: str
    soort: str
    jaar: int
    datum: str  # ISO date of the document, from the data or SOURCE_DATE_EPOCH
    sections: tuple[Section, ...] = field(default_factory=tuple)
    ondertitel: str | None = None
    partij: str | None = None  # the partner this variant is for, if any
    inhoud: tuple[Lijst, ...] = ()
    headings: tuple[Heading, ...] = ()
    fingerprint: Fingerprint | None = None
    colofon: bool = False

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def figures(self) -> list[Chart | DotChart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart | DotChart)]

    @functools.cached_property
    def numbers(self) -> dict[str, int]:
        """The number of every table and figure by its id (``tabel-kosten`` → 3)."""
        return numbering(b for s in self.sections for b in s.blocks)

    def number(self, block: Table | Chart | DotChart) -> int:
        """The number a table or figure is printed with."""
        ident = table_id(block.name) if isinstance(block, Table) else figure_id(block.name)
        return self.numbers[ident]


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
    fingerprint: Fingerprint | None = None
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
