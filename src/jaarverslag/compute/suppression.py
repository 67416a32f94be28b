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

import numpy as np

from jaarverslag.compute.audit import Audit, Decision, Occurrence, Publication
from jaarverslag.compute.secondary import cheapest_change, cheapest_move, unpublish

__all__ = ["Decision", "Occurrence", "Publication", "protect"]


def protect(pub: Publication) -> Decision:
    """Hide every count from 1 to N − 1 and whatever else it takes to keep each one open."""
    if pub.n <= 1 or not pub.figures:
        return Decision()
    audit = Audit(pub)
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
                x = open_up(audit, f, k, protects, withheld_for)
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


def open_up(
    audit: Audit,
    target: int,
    k: int,
    protects: dict[int, tuple[int, int]],
    withheld_for: dict[int, tuple[int, int]],
) -> np.ndarray | None:
    """Hide or leave out what it takes for target = k to stay possible; the proof, or None.

    Cheap steps first: leave out what marks alone pin down, hide what a linear move has to
    change; the exact integer program only when those do not do it.
    """
    left_out = unpublish(audit, target, k)
    audit.withheld |= left_out
    withheld_for.update((u, (target, k)) for u in left_out)
    x = audit.alternative(target, k)
    if x is not None:
        return x
    hide = cheapest_move(audit, target, k)
    audit.hidden |= hide
    protects.update((g, (target, k)) for g in hide)
    x = audit.alternative(target, k)
    if x is not None:
        return x
    change = cheapest_change(audit, target, k)
    if change is None:
        return None
    added, left_out, x = change
    audit.hidden |= added
    audit.withheld |= left_out
    protects.update((g, (target, k)) for g in added)
    withheld_for.update((u, (target, k)) for u in left_out)
    return x


def _farthest_first(value: int, n: int) -> list[int]:
    """The values 1 … n − 1, those farthest from ``value`` first: the hardest to keep open."""
    return sorted(range(1, n), key=lambda k: (-abs(k - value), k))
