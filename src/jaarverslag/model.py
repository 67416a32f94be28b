"""The format-neutral document: computed tables and sections, raw numbers, no markup.

Compute modules produce :class:`Table` objects; the templates turn a :class:`Document` into the
one HTML document that every output format is made from; the open-data writer reads the tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

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
    label: str
    cells: tuple[Cell, ...]
    kind: RowKind = "post"
    highlight: bool = False


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


@dataclass(frozen=True)
class Figure:
    """A chart: ``svg`` for PDF/HTML, ``png`` (150 dpi or more) for DOCX, ``alt`` always.

    The PNG is drawn only when asked for (``png``): a PDF-only build never pays for it.
    """

    name: str
    caption: str
    alt: str
    svg: str
    draw_png: Callable[[], bytes] = field(repr=False, compare=False)

    @property
    def png(self) -> bytes:
        return self.draw_png()


@dataclass(frozen=True)
class Html:
    """A trusted fragment made by our own Markdown renderer (escaped user text)."""

    html: str


Block = Table | Figure | Html


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
