"""Every participatieladder table as linear expressions over one set of underlying counts.

The *atoms* are the cross-classification every table is a sum of: clients present at the
first and the last peildatum by starting × ending trede (``B``), uitgestroomd and ingestroomd
clients by trede (``U``, ``I``), clients only in between (``T``), clients per trede at each
peildatum in between (``M``), clients at the last peildatum by age group × groeipotentieel
(``L``) and by categorie (``K``), and clients with uitstroom werk (``W``). ``L``, ``K`` and
``W`` share nothing with the rest but their totals, and the :class:`Relation` rows state
exactly that; so every non-negative integer assignment that satisfies the relations is the
count of some client file, and the privacy audit (:mod:`.suppression`) can reason about what
a reader can derive from any set of printed figures.

A table here is a layout: each cell is a :class:`Count` (a sum of atoms), a :class:`Share` (a
percentage of two counts), a :class:`Verdict` (gehaald) or a :class:`Fixed` cell that holds
no client count. Values are computed from the same expressions, so the printed figures and
the audited figures cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from jaarverslag.compute.afronding import Sum
from jaarverslag.core.model import Cell, Column, RowKind

Expr = tuple[int, ...]  #: sorted atom indices; the count is the sum of those atoms

#: How much it costs to hide a count, by its role (never by its value: see README).
DETAIL, SUBTOTAAL, TOTAAL, GRAND, AFSPRAAK = 1, 2, 3, 4, 6


@dataclass(frozen=True)
class Count:
    """A number of distinct clients: the sum of the atoms in ``expr``."""

    expr: Expr
    role: int = DETAIL


@dataclass(frozen=True)
class Share:
    """``num`` as a percentage of ``den``; one decimal, or as many as it takes to stay on the
    same side of ``norm`` as the exact value."""

    num: Expr
    den: Expr
    norm: float | None = None


@dataclass(frozen=True)
class Verdict:
    """Gehaald (``ja``) when num / den × 100 ≥ norm, decided on the exact fraction."""

    num: Expr
    den: Expr
    norm: float


@dataclass(frozen=True)
class Fixed:
    """A cell that holds no client count (a norm, a description, "no data")."""

    cell: Cell


Spec = Count | Share | Verdict | Fixed


@dataclass(frozen=True)
class RowLayout:
    label: str
    cells: tuple[Spec, ...]
    kind: RowKind = "post"


@dataclass(frozen=True)
class TableLayout:
    """A ladder table before privacy: ``existence`` holds counts a reader knows are ≥ 1
    because a row or column is shown only when it occurs; ``follows`` names the table of
    counts whose left-out rows this table (of their percentages) leaves out too; ``sums``:
    which printed cells add up to which total (a row's percentages to its Totaal), so a
    rounding note can say where the printed ones don't."""

    name: str
    caption: str
    stub: str
    columns: tuple[Column, ...]
    rows: tuple[RowLayout, ...]
    note: str | None = None
    existence: tuple[Expr, ...] = ()
    follows: str | None = None  #: a table of percentages leaves out the rows its counts do
    sums: tuple[Sum, ...] = ()  #: printed totals and their parts, for the rounding note


@dataclass(frozen=True)
class Relation:
    """What a reader knows from the definitions alone: lo ≤ Σ coef × atom ≤ hi."""

    terms: tuple[tuple[int, int], ...]
    lo: float
    hi: float


@dataclass
class Atoms:
    """The underlying counts, allocated block by block."""

    names: list[str] = field(default_factory=list)
    values: list[int] = field(default_factory=list)

    def block(self, prefix: str, values: np.ndarray) -> np.ndarray:
        """Add one atom per element of ``values``; return their indices in the same shape."""
        start = len(self.names)
        flat = np.asarray(values, dtype=np.int64).ravel()
        self.names += [f"{prefix}{i}" for i in range(len(flat))]
        self.values += [int(v) for v in flat]
        return np.arange(start, start + len(flat)).reshape(np.shape(values))


def expr(*indices: np.ndarray | int | Expr) -> Expr:
    """The sorted atom indices of any mix of index arrays."""
    parts = [np.ravel(np.asarray(i)) for i in indices]
    return tuple(sorted(int(i) for i in (np.concatenate(parts) if parts else [])))


@dataclass(frozen=True)
class Layout:
    """All ladder tables of one client file, their atoms and what the definitions imply."""

    values: np.ndarray
    names: tuple[str, ...]
    tables: tuple[TableLayout, ...]
    relations: tuple[Relation, ...]

    def value(self, e: Expr) -> int:
        return int(self.values[list(e)].sum()) if e else 0


def unit_ids(tables: tuple[TableLayout, ...]) -> list[tuple[int, list[int]]]:
    """The units the audit may leave out: per table its own unit and one per row, numbered in
    document order (the audit and the renderer must agree on them)."""
    out: list[tuple[int, list[int]]] = []
    next_id = 0
    for table in tables:
        table_unit = next_id
        rows = list(range(next_id + 1, next_id + 1 + len(table.rows)))
        next_id += 1 + len(table.rows)
        out.append((table_unit, rows))
    return out
