"""Privacy that survives arithmetic: which counts to hide so that no small count can be derived.

The promise (README, *Privacy of client data*): for every count from 1 to N − 1, a reader who
knows every printed figure and how the tool works can still not rule out any value from 1 to
N − 1. A reader's knowledge is modelled exactly as linear constraints over the atoms of
:mod:`.ladder_layout`: a printed count equals its value, a hidden count (the one mark) is at
least 1 because a zero is always printed, a row or column shown only when it occurs holds at
least one client, and the definitions (:class:`~.ladder_layout.Relation`) hold. Percentages
and verdicts are printed only beside their printed teller and noemer, so they add nothing.

The audit then proves, for each small count h and each value k in 1 … N − 1, that some client
file consistent with everything printed has h = k: an integer program (HiGHS) finds one, and
the integer solution is checked again in exact integer arithmetic. Each solution proves many
(h, k) at once. When no such file exists, a second integer program finds the cheapest set of
further counts to hide (or, where hiding cannot help because marks imply "at least 1", rows
or tables to leave out) that makes one exist, and hides them. Hiding more never invalidates
an earlier proof, so one pass over the small counts suffices.

Costs depend on a count's role (detail, subtotal, total, prestatieafspraak) and on the
percentages it takes along, never on its value: a rule like "hide the smallest other cell"
would let a reader who knows it bound the hidden cell by its visible neighbours.
Everything works on the few dozen counts of a client file; nothing grows with its rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import highspy
import numpy as np
from highspy._core import _Highs

from .ladder_layout import Expr, Relation

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


class _Audit:
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

    def _box(self) -> tuple[np.ndarray, np.ndarray]:
        v = self.pub.values.astype(np.float64)
        return np.maximum(v - BOX * self.pub.n, 0), v + BOX * self.pub.n

    def reach(self, f: int) -> tuple[int, int | None]:
        """The least and the most a reader can derive for figure ``f`` (linear programs, no
        box: the plain bounds of what is printed; None when nothing bounds it above)."""
        n_atoms = len(self.pub.values)
        bounds: list[float | None] = []
        for sense in (1.0, -1.0):
            m = _Model()
            m.add_cols(np.zeros(n_atoms), np.full(n_atoms, np.inf), sense * self.a[f], False)
            self._known(m, n_atoms, None, 0, set())
            self.solves += 1
            x = m.solve()
            bounds.append(None if x is None else float(self.a[f] @ x[:n_atoms]))
        low, high = bounds
        return (
            int(np.ceil((low or 0.0) - 1e-6)),
            None if high is None else int(np.floor(high + 1e-6)),
        )

    def _known(self, m: _Model, width: int, target: int | None, k: int, free: set[int]) -> None:
        """Rows for what a reader knows, except the printed values of the figures in ``free``
        (those the caller lets move), and the target's value."""
        for f in range(len(self.y)):
            if f in free or not self.published(f):
                continue
            if f in self.hidden:
                m.add_row(_pad(self.a[f], width), 1, np.inf)
            else:
                m.add_row(_pad(self.a[f], width), self.y[f], self.y[f])
        for f, unit in self.pub.existence:
            if unit not in self.withheld:
                m.add_row(_pad(self.a[f], width), 1, np.inf)
        for rel in self.pub.relations:
            m.add_row(_relation_row(rel, width), rel.lo, rel.hi)
        if target is not None:
            m.add_row(_pad(self.a[target], width), k, k)

    def alternative(self, target: int, k: int) -> np.ndarray | None:
        """A client file that prints the same under the current decision and has target = k."""
        m = _Model()
        lower, upper = self._box()
        m.add_cols(lower, upper, np.zeros(len(lower)), integer=True)
        self._known(m, len(lower), target, k, set())
        self.solves += 1
        x = m.solve()
        if x is None:
            return None
        x = np.rint(x[: len(lower)]).astype(np.int64)
        return x if self.consistent(x, self.hidden, self.withheld) else None

    def unpublish(self, target: int, k: int) -> set[int]:
        """Rows or tables to leave out where marks alone pin the target above k.

        A mark says "at least 1", so a small total printed beside two or more marked parts is
        at least 2 however much else is hidden. Only leaving parts out helps; this picks the
        cheapest units to leave out (a small program over the target's own atoms).
        """
        zero = {
            a
            for f in range(len(self.y))
            if self.y[f] == 0 and self.published(f)
            for a in np.flatnonzero(self.a[f])
        }
        atoms = [a for a in np.flatnonzero(self.a[target]) if a not in zero]
        inside = set(atoms)
        parts = [
            f
            for f in range(len(self.y))
            if self.y[f] > 0
            and self.published(f)
            and set(np.flatnonzero(self.a[f])) - zero <= inside
        ]
        exist = [
            (f, u)
            for f, u in self.pub.existence
            if u not in self.withheld and set(np.flatnonzero(self.a[f])) - zero <= inside
        ]
        units = sorted(
            {u for f in parts for o in self.occ_of[f] for u in o.units} - self.withheld
            | {u for _, u in exist}
        )
        m = _Model()
        m.add_cols(np.zeros(len(atoms)), np.full(len(atoms), float(k)), np.zeros(len(atoms)), True)
        w0 = m.add_cols(
            np.zeros(len(units)),
            np.ones(len(units)),
            np.array([self.pub.unit_costs[u] for u in units]),
            True,
        )
        p0 = m.add_cols(np.zeros(len(parts)), np.ones(len(parts)), np.zeros(len(parts)), False)
        width = len(atoms) + len(units) + len(parts)
        col = {u: w0 + j for j, u in enumerate(units)}
        m.add_row(_pad(np.ones(len(atoms)), width), k, k)
        for j, f in enumerate(parts):
            row = np.zeros(width)
            row[: len(atoms)] = self.a[f][atoms]
            row[p0 + j] = 1
            m.add_row(row, 1, np.inf)  # a printed part holds at least one client …
            for o in self.occ_of[f]:  # … unless every place it is printed is left out
                if not self.withheld.intersection(o.units):
                    row = np.zeros(width)
                    row[p0 + j] = 1
                    for u in o.units:
                        row[col[u]] = -1
                    m.add_row(row, -np.inf, 0)
        for f, u in exist:
            row = np.zeros(width)
            row[: len(atoms)] = self.a[f][atoms]
            row[col[u]] = 1
            m.add_row(row, 1, np.inf)
        self.solves += 1
        sol = m.solve()
        if sol is None:
            return set()
        return {u for u in units if sol[col[u]] > 0.5}

    def cheapest_move(self, target: int, k: int) -> set[int]:
        """Figures to hide: those a cheapest (linear) move to target = k has to change.

        Minimises the cost-weighted change of the printed figures; the figures that change
        are hidden. Usually the move is integral; if not, :meth:`alternative` says so.
        """
        lower, upper = self._box()
        n_atoms = len(lower)
        movable = [
            f
            for f in range(len(self.y))
            if self.published(f) and f not in self.hidden and self.y[f] > 0
        ]
        m = _Model()
        m.add_cols(lower, upper, np.zeros(n_atoms), integer=False)
        cost = np.array([self.pub.costs[f] + 1e-3 * f / len(self.y) for f in movable])
        d0 = m.add_cols(
            np.zeros(2 * len(movable)),
            np.full(2 * len(movable), np.inf),
            np.concatenate([cost, cost]),
            integer=False,
        )
        width = n_atoms + 2 * len(movable)
        for j, f in enumerate(movable):
            row = _pad(self.a[f], width)
            row[d0 + j], row[d0 + len(movable) + j] = -1, 1
            m.add_row(row, self.y[f], self.y[f])
            m.add_row(_pad(self.a[f], width), 1, np.inf)
        self._known(m, width, target, k, set(movable))
        self.solves += 1
        sol = m.solve()
        if sol is None:
            return set()
        vals = self.a @ sol[:n_atoms]
        return {f for f in movable if abs(vals[f] - self.y[f]) > 1e-6}

    def open_up(
        self,
        target: int,
        k: int,
        protects: dict[int, tuple[int, int]],
        withheld_for: dict[int, tuple[int, int]],
    ) -> np.ndarray | None:
        """Hide or leave out what it takes for target = k to stay possible; the proof, or None.

        Cheap steps first: leave out what marks alone pin down, hide what a linear move has to
        change; the exact integer program only when those do not do it.
        """
        left_out = self.unpublish(target, k)
        self.withheld |= left_out
        withheld_for.update((u, (target, k)) for u in left_out)
        x = self.alternative(target, k)
        if x is not None:
            return x
        hide = self.cheapest_move(target, k)
        self.hidden |= hide
        protects.update((g, (target, k)) for g in hide)
        x = self.alternative(target, k)
        if x is not None:
            return x
        change = self.cheapest_change(target, k)
        if change is None:
            return None
        added, left_out, x = change
        self.hidden |= added
        self.withheld |= left_out
        protects.update((g, (target, k)) for g in added)
        withheld_for.update((u, (target, k)) for u in left_out)
        return x

    def cheapest_change(self, target: int, k: int) -> tuple[set[int], set[int], np.ndarray] | None:
        """The cheapest figures to hide and units to leave out so that target = k stays open."""
        pub = self.pub
        m = _Model()
        lower, upper = self._box()
        n_atoms = len(lower)
        m.add_cols(lower, upper, np.zeros(n_atoms), integer=True)
        published = [f for f in range(len(self.y)) if self.published(f)]
        candidates = [f for f in published if f not in self.hidden and self.y[f] > 0]
        z0 = m.add_cols(
            np.zeros(len(candidates)),
            np.ones(len(candidates)),
            np.array([pub.costs[f] + 1e-3 * f / len(self.y) for f in candidates]),
            integer=True,
        )
        units = [u for u in range(self.n_units) if u not in self.withheld]
        w0 = m.add_cols(
            np.zeros(len(units)),
            np.ones(len(units)),
            np.array([pub.unit_costs[u] for u in units]),
            True,
        )
        w_col = {u: w0 + j for j, u in enumerate(units)}
        p0 = m.add_cols(
            np.zeros(len(published)), np.ones(len(published)), np.zeros(len(published)), False
        )
        p_col = {f: p0 + j for j, f in enumerate(published)}
        width = n_atoms + len(candidates) + len(units) + len(published)
        up = self.a @ (upper - pub.values)  # the most a figure can rise or fall in the box
        down = self.a @ (pub.values - lower)

        def row(
            f: int | None = None, coef: float = 1.0, extra: Iterable[tuple[int, float]] = ()
        ) -> np.ndarray:
            r = np.zeros(width)
            if f is not None:
                r[:n_atoms] = self.a[f] * coef
            for col, c in extra:
                r[col] += c
            return r

        z_col = {f: z0 + j for j, f in enumerate(candidates)}
        for f in published:
            p = p_col[f]
            for occ in self.occ_of[f]:  # unpublished only when every place is left out
                if not self.withheld.intersection(occ.units):
                    m.add_row(
                        row(None, 0, [(p, 1.0)] + [(w_col[u], -1.0) for u in occ.units]), -np.inf, 0
                    )
            if f in z_col:  # a printed figure changes only when hidden or left out
                rise, fall = [(z_col[f], up[f]), (p, up[f])], [(z_col[f], down[f]), (p, down[f])]
                m.add_row(row(f, 1, [(c, -v) for c, v in rise]), -np.inf, self.y[f])
                m.add_row(row(f, 1, fall), self.y[f], np.inf)
            if self.y[f] > 0:
                m.add_row(row(f, 1, [(p, 1.0)]), 1, np.inf)
            else:
                m.add_row(row(f, 1, [(p, -up[f])]), -np.inf, 0)
        for f, unit in pub.existence:
            if unit not in self.withheld:
                m.add_row(row(f, 1, [(w_col[unit], 1.0)]), 1, np.inf)
        for rel in pub.relations:
            m.add_row(_relation_row(rel, width), rel.lo, rel.hi)
        m.add_row(row(target), k, k)
        self.solves += 1
        sol = m.solve()
        if sol is None:
            return None
        x = np.rint(sol[:n_atoms]).astype(np.int64)
        withheld = self.withheld | {u for u in units if sol[w_col[u]] > 0.5}
        vals = self.a @ x
        changed = {
            f
            for f in range(len(self.y))
            if self.published(f, withheld) and f not in self.hidden and vals[f] != self.y[f]
        }
        if any(self.y[f] == 0 for f in changed):
            return None
        hidden = self.hidden | changed
        if not self.consistent(x, hidden, withheld):
            return None
        return changed, withheld - self.withheld, x


def _farthest_first(value: int, n: int) -> list[int]:
    """The values 1 … n − 1, those farthest from ``value`` first: the hardest to keep open."""
    return sorted(range(1, n), key=lambda k: (-abs(k - value), k))


def _pad(row: np.ndarray, width: int) -> np.ndarray:
    out = np.zeros(width)
    out[: len(row)] = row
    return out


def protect(pub: Publication) -> Decision:
    """Hide every count from 1 to N − 1 and whatever else it takes to keep each one open."""
    if pub.n <= 1 or not pub.figures:
        return Decision()
    audit = _Audit(pub)
    targets = [f for f in range(len(audit.y)) if 1 <= audit.y[f] < pub.n]
    if not targets:
        return Decision()
    audit.hidden = set(targets)
    proven = {(f, int(audit.y[f])) for f in targets}
    protects: dict[int, tuple[int, int]] = {}
    withheld_for: dict[int, tuple[int, int]] = {}

    def harvest(x: np.ndarray) -> None:
        vals = audit.a @ x
        proven.update((t, int(vals[t])) for t in targets)

    for f in targets:
        for k in _farthest_first(int(audit.y[f]), pub.n):
            if (f, k) in proven:
                continue
            x = audit.alternative(f, k)
            if x is None:
                x = audit.open_up(f, k, protects, withheld_for)
            if x is None:  # cannot happen with an exact model; never publish a leak
                everything = frozenset(range(audit.n_units))
                return Decision(
                    frozenset(audit.hidden),
                    everything,
                    frozenset(targets),
                    protects,
                    {},
                    audit.solves,
                )
            harvest(x)
    ranges = {f: audit.reach(f) for f in targets if audit.published(f)}
    return Decision(
        frozenset(audit.hidden),
        frozenset(audit.withheld),
        frozenset(targets),
        protects,
        withheld_for,
        audit.solves,
        ranges,
    )


class _Model:
    """A small mixed-integer program, built row by row and solved by HiGHS."""

    def __init__(self) -> None:
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.cost: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.width = 0
        self.starts: list[int] = [0]
        self.index: list[np.ndarray] = []
        self.value: list[np.ndarray] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []

    def add_cols(
        self, lower: np.ndarray, upper: np.ndarray, cost: np.ndarray, integer: bool
    ) -> int:
        first = self.width
        self.lower.append(np.asarray(lower, dtype=np.float64))
        self.upper.append(np.asarray(upper, dtype=np.float64))
        self.cost.append(np.asarray(cost, dtype=np.float64))
        self.integer.append(np.full(len(lower), integer))
        self.width += len(lower)
        return first

    def add_row(self, coefs: np.ndarray, lo: float, hi: float) -> None:
        nz = np.flatnonzero(coefs)
        self.index.append(nz.astype(np.int32))
        self.value.append(np.asarray(coefs, dtype=np.float64)[nz])
        self.starts.append(self.starts[-1] + len(nz))
        self.row_lower.append(float(lo))
        self.row_upper.append(float(hi))

    def solve(self) -> np.ndarray | None:
        lp = highspy.HighsLp()
        lp.num_col_ = self.width
        lp.num_row_ = len(self.row_lower)
        lp.col_cost_ = np.concatenate(self.cost)
        lp.col_lower_ = np.concatenate(self.lower)
        lp.col_upper_ = np.concatenate(self.upper)
        lp.row_lower_ = np.array(self.row_lower)
        lp.row_upper_ = np.array(self.row_upper)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_ = self.width
        lp.a_matrix_.num_row_ = len(self.row_lower)
        lp.a_matrix_.start_ = np.array(self.starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.concatenate(self.index) if self.index else np.zeros(0, np.int32)
        lp.a_matrix_.value_ = np.concatenate(self.value) if self.value else np.zeros(0)
        kinds = np.concatenate(self.integer)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in kinds
        ]
        solver = _Highs()  # the plain solver: highspy.Highs() prints a banner on stdout
        solver.setOptionValue("output_flag", False)
        solver.passModel(lp)
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.array(solver.getSolution().col_value)


def _relation_row(rel: Relation, width: int) -> np.ndarray:
    row = np.zeros(width)
    for i, c in rel.terms:
        row[i] += c
    return row
