"""Secondary suppression: what else to hide, or leave out, so that a small count stays open.

Three steps, cheapest first (:func:`jaarverslag.compute.suppression.protect` runs them in
turn): :func:`unpublish` leaves out rows or tables where marks alone pin a count down,
:func:`cheapest_move` hides what a cheapest linear move to the wanted value has to change, and
:func:`cheapest_change` is the exact integer program when those two do not do it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from jaarverslag.compute.audit import Audit
from jaarverslag.compute.highs import Program, pad, relation_row


def unpublish(audit: Audit, target: int, k: int) -> set[int]:
    """Rows or tables to leave out where marks alone pin the target above k.

    A mark says "at least 1", so a small total printed beside two or more marked parts is
    at least 2 however much else is hidden. Only leaving parts out helps; this picks the
    cheapest units to leave out (a small program over the target's own atoms).
    """
    zero = {
        a
        for f in range(len(audit.y))
        if audit.y[f] == 0 and audit.published(f)
        for a in np.flatnonzero(audit.a[f])
    }
    atoms = [a for a in np.flatnonzero(audit.a[target]) if a not in zero]
    inside = set(atoms)
    parts = [
        f
        for f in range(len(audit.y))
        if audit.y[f] > 0
        and audit.published(f)
        and set(np.flatnonzero(audit.a[f])) - zero <= inside
    ]
    exist = [
        (f, u)
        for f, u in audit.pub.existence
        if u not in audit.withheld and set(np.flatnonzero(audit.a[f])) - zero <= inside
    ]
    units = sorted(
        {u for f in parts for o in audit.occ_of[f] for u in o.units} - audit.withheld
        | {u for _, u in exist}
    )
    m = Program()
    m.add_cols(np.zeros(len(atoms)), np.full(len(atoms), float(k)), np.zeros(len(atoms)), True)
    w0 = m.add_cols(
        np.zeros(len(units)),
        np.ones(len(units)),
        np.array([audit.pub.unit_costs[u] for u in units]),
        True,
    )
    p0 = m.add_cols(np.zeros(len(parts)), np.ones(len(parts)), np.zeros(len(parts)), False)
    width = len(atoms) + len(units) + len(parts)
    col = {u: w0 + j for j, u in enumerate(units)}
    m.add_row(pad(np.ones(len(atoms)), width), k, k)
    for j, f in enumerate(parts):
        row = np.zeros(width)
        row[: len(atoms)] = audit.a[f][atoms]
        row[p0 + j] = 1
        m.add_row(row, 1, np.inf)  # a printed part holds at least one client …
        for o in audit.occ_of[f]:  # … unless every place it is printed is left out
            if not audit.withheld.intersection(o.units):
                row = np.zeros(width)
                row[p0 + j] = 1
                for u in o.units:
                    row[col[u]] = -1
                m.add_row(row, -np.inf, 0)
    for f, u in exist:
        row = np.zeros(width)
        row[: len(atoms)] = audit.a[f][atoms]
        row[col[u]] = 1
        m.add_row(row, 1, np.inf)
    audit.solves += 1
    sol = m.solve()
    if sol is None:
        return set()
    return {u for u in units if sol[col[u]] > 0.5}


def cheapest_move(audit: Audit, target: int, k: int) -> set[int]:
    """Figures to hide: those a cheapest (linear) move to target = k has to change.

    Minimises the cost-weighted change of the printed figures; the figures that change
    are hidden. Usually the move is integral; if not, :meth:`alternative` says so.
    """
    lower, upper = audit.box()
    n_atoms = len(lower)
    movable = [
        f
        for f in range(len(audit.y))
        if audit.published(f) and f not in audit.hidden and audit.y[f] > 0
    ]
    m = Program()
    m.add_cols(lower, upper, np.zeros(n_atoms), integer=False)
    cost = np.array([audit.pub.costs[f] + 1e-3 * f / len(audit.y) for f in movable])
    d0 = m.add_cols(
        np.zeros(2 * len(movable)),
        np.full(2 * len(movable), np.inf),
        np.concatenate([cost, cost]),
        integer=False,
    )
    width = n_atoms + 2 * len(movable)
    for j, f in enumerate(movable):
        row = pad(audit.a[f], width)
        row[d0 + j], row[d0 + len(movable) + j] = -1, 1
        m.add_row(row, audit.y[f], audit.y[f])
        m.add_row(pad(audit.a[f], width), 1, np.inf)
    audit.known(m, width, target, k, set(movable))
    audit.solves += 1
    sol = m.solve()
    if sol is None:
        return set()
    vals = audit.a @ sol[:n_atoms]
    return {f for f in movable if abs(vals[f] - audit.y[f]) > 1e-6}


def cheapest_change(
    audit: Audit, target: int, k: int
) -> tuple[set[int], set[int], np.ndarray] | None:
    """The cheapest figures to hide and units to leave out so that target = k stays open."""
    pub = audit.pub
    m = Program()
    lower, upper = audit.box()
    n_atoms = len(lower)
    m.add_cols(lower, upper, np.zeros(n_atoms), integer=True)
    published = [f for f in range(len(audit.y)) if audit.published(f)]
    candidates = [f for f in published if f not in audit.hidden and audit.y[f] > 0]
    z0 = m.add_cols(
        np.zeros(len(candidates)),
        np.ones(len(candidates)),
        np.array([pub.costs[f] + 1e-3 * f / len(audit.y) for f in candidates]),
        integer=True,
    )
    units = [u for u in range(audit.n_units) if u not in audit.withheld]
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
    up = audit.a @ (upper - pub.values)  # the most a figure can rise or fall in the box
    down = audit.a @ (pub.values - lower)

    def row(
        f: int | None = None, coef: float = 1.0, extra: Iterable[tuple[int, float]] = ()
    ) -> np.ndarray:
        r = np.zeros(width)
        if f is not None:
            r[:n_atoms] = audit.a[f] * coef
        for col, c in extra:
            r[col] += c
        return r

    z_col = {f: z0 + j for j, f in enumerate(candidates)}
    for f in published:
        p = p_col[f]
        for occ in audit.occ_of[f]:  # unpublished only when every place is left out
            if not audit.withheld.intersection(occ.units):
                m.add_row(
                    row(None, 0, [(p, 1.0)] + [(w_col[u], -1.0) for u in occ.units]), -np.inf, 0
                )
        if f in z_col:  # a printed figure changes only when hidden or left out
            rise, fall = [(z_col[f], up[f]), (p, up[f])], [(z_col[f], down[f]), (p, down[f])]
            m.add_row(row(f, 1, [(c, -v) for c, v in rise]), -np.inf, audit.y[f])
            m.add_row(row(f, 1, fall), audit.y[f], np.inf)
        if audit.y[f] > 0:
            m.add_row(row(f, 1, [(p, 1.0)]), 1, np.inf)
        else:
            m.add_row(row(f, 1, [(p, -up[f])]), -np.inf, 0)
    for f, unit in pub.existence:
        if unit not in audit.withheld:
            m.add_row(row(f, 1, [(w_col[unit], 1.0)]), 1, np.inf)
    for rel in pub.relations:
        m.add_row(relation_row(rel, width), rel.lo, rel.hi)
    m.add_row(row(target), k, k)
    audit.solves += 1
    sol = m.solve()
    if sol is None:
        return None
    x = np.rint(sol[:n_atoms]).astype(np.int64)
    withheld = audit.withheld | {u for u in units if sol[w_col[u]] > 0.5}
    vals = audit.a @ x
    changed = {
        f
        for f in range(len(audit.y))
        if audit.published(f, withheld) and f not in audit.hidden and vals[f] != audit.y[f]
    }
    if any(audit.y[f] == 0 for f in changed):
        return None
    hidden = audit.hidden | changed
    if not audit.consistent(x, hidden, withheld):
        return None
    return changed, withheld - audit.withheld, x
