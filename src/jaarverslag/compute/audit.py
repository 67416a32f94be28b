"""What a reader knows, as linear constraints: the state of one privacy audit.

:class:`Publication` is the audit's view of the tables (distinct figures as sums of atoms, where
each is printed, what hiding or leaving out costs); :class:`Audit` holds the decision so far
and answers: is this client table consistent with what is printed (exactly, in integers), is
there one with figure h = k (:meth:`Audit.alternative`), and what range can a reader derive
(:meth:`Audit.reach`). :mod:`.suppression` says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from jaarverslag.compute.highs import Program, pad, relation_row
from jaarverslag.compute.ladder_layout import Expr, Relation

#: How far (in clients) an alternative client file may move each atom from the real one.
#: Only limits the search for alternatives: a smaller box can only hide more, never less.
BOX = 1


@dataclass(frozen=True)
class Occurrence:
    """One printed place of a figure: the units (row, table) whose leaving-out removes it."""

    figure: int
    units: tuple[int, ...]


@dataclass(frozen=True)
class Publication:
    """Everything the audit needs: atoms, distinct figures and where each is printed."""

    values: np.ndarray  #: the atoms' true counts
    figures: tuple[Expr, ...]  #: distinct count expressions
    occurrences: tuple[Occurrence, ...]
    costs: tuple[float, ...]  #: cost of hiding each figure (its places and percentages)
    unit_costs: tuple[float, ...]  #: cost of leaving out each unit (a row or a table)
    existence: tuple[tuple[int, int], ...]  #: (figure known ≥ 1, unit whose removal hides that)
    relations: tuple[Relation, ...]
    n: int  #: min_celgrootte

    def matrix(self) -> np.ndarray:
        """Figures × atoms, 0/1."""
        a = np.zeros((len(self.figures), len(self.values)), dtype=np.int64)
        for f, e in enumerate(self.figures):
            a[f, list(e)] = 1
        return a


@dataclass(frozen=True)
class Decision:
    """What to print: ``hidden`` figures get the mark, ``withheld`` units are left out.

    ``protects`` says for each added figure which small figure it keeps which value open for;
    ``solves`` counts the integer programs the audit ran; ``ranges`` gives for each small
    count the least and the most a reader can derive (linear bounds; None: no upper bound).
    """

    hidden: frozenset[int] = frozenset()
    withheld: frozenset[int] = frozenset()
    primary: frozenset[int] = frozenset()
    protects: dict[int, tuple[int, int]] = field(default_factory=dict)
    withheld_for: dict[int, tuple[int, int]] = field(default_factory=dict)
    solves: int = 0
    ranges: dict[int, tuple[int, int | None]] = field(default_factory=dict)


class Audit:
    """State of one audit: the decision so far and the (figure, value) pairs proven open."""

    def __init__(self, pub: Publication) -> None:
        self.pub = pub
        self.a = pub.matrix()
        self.y = self.a @ pub.values
        self.n_units = len(pub.unit_costs)
        self.hidden: set[int] = set()
        self.withheld: set[int] = set()
        self.occ_of: list[list[Occurrence]] = [[] for _ in pub.figures]
        for occ in pub.occurrences:
            self.occ_of[occ.figure].append(occ)
        self.solves = 0

    # --- what a reader sees -------------------------------------------------------------------

    def published(self, f: int, withheld: set[int] | None = None) -> bool:
        gone = self.withheld if withheld is None else withheld
        return any(not gone.intersection(o.units) for o in self.occ_of[f])

    def consistent(self, x: np.ndarray, hidden: set[int], withheld: set[int]) -> bool:
        """Exact check: would the client file with atoms ``x`` print the same?"""
        if (x < 0).any():
            return False
        vals = self.a @ x
        for f in range(len(self.y)):
            if not self.published(f, withheld):
                continue
            if (vals[f] < 1) if f in hidden else (vals[f] != self.y[f]):
                return False
        for f, unit in self.pub.existence:
            if unit not in withheld and vals[f] < 1:
                return False
        for rel in self.pub.relations:
            total = sum(c * int(x[i]) for i, c in rel.terms)
            if not rel.lo <= total <= rel.hi:
                return False
        return True

    # --- integer programs ---------------------------------------------------------------------

    def box(self) -> tuple[np.ndarray, np.ndarray]:
        v = self.pub.values.astype(np.float64)
        return np.maximum(v - BOX * self.pub.n, 0), v + BOX * self.pub.n

    def reach(self, f: int) -> tuple[int, int | None]:
        """The least and the most a reader can derive for figure ``f`` (linear programs, no
        box: the plain bounds of what is printed; None when nothing bounds it above)."""
        n_atoms = len(self.pub.values)
        bounds: list[float | None] = []
        for sense in (1.0, -1.0):
            m = Program()
            m.add_cols(np.zeros(n_atoms), np.full(n_atoms, np.inf), sense * self.a[f], False)
            self.known(m, n_atoms, None, 0, set())
            self.solves += 1
            x = m.solve()
            bounds.append(None if x is None else float(self.a[f] @ x[:n_atoms]))
        low, high = bounds
        return (
            int(np.ceil((low or 0.0) - 1e-6)),
            None if high is None else int(np.floor(high + 1e-6)),
        )

    def known(self, m: Program, width: int, target: int | None, k: int, free: set[int]) -> None:
        """Rows for what a reader knows, except the printed values of the figures in ``free``
        (those the caller lets move), and the target's value."""
        for f in range(len(self.y)):
            if f in free or not self.published(f):
                continue
            if f in self.hidden:
                m.add_row(pad(self.a[f], width), 1, np.inf)
            else:
                m.add_row(pad(self.a[f], width), self.y[f], self.y[f])
        for f, unit in self.pub.existence:
            if unit not in self.withheld:
                m.add_row(pad(self.a[f], width), 1, np.inf)
        for rel in self.pub.relations:
            m.add_row(relation_row(rel, width), rel.lo, rel.hi)
        if target is not None:
            m.add_row(pad(self.a[target], width), k, k)

    def alternative(self, target: int, k: int) -> np.ndarray | None:
        """A client file that prints the same under the current decision and has target = k."""
        m = Program()
        lower, upper = self.box()
        m.add_cols(lower, upper, np.zeros(len(lower)), integer=True)
        self.known(m, len(lower), target, k, set())
        self.solves += 1
        x = m.solve()
        if x is None:
            return None
        x = np.rint(x[: len(lower)]).astype(np.int64)
        return x if self.consistent(x, self.hidden, self.withheld) else None
