"""Splitting an amount over partners by a cost-sharing key, exactly: the largest-remainder
method in whole units of the rounding, ties to the partner listed first, a saving as the mirror
image of a cost (:func:`split_amount`). The beleidsplan's verdeling (:mod:`.beleidsplan`) prints
what this computes.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

#: How far the shares of a verdeelsleutel may sum from 100.
SHARE_TOLERANCE = Fraction(1, 1000)


def split_amount(
    total: float, shares: Sequence[float], afronding: float
) -> list[int] | list[float]:
    """Split ``total`` over partners by percentage ``shares``, rounded to ``afronding``.

    The total is rounded half away from zero; each exact part is share/100 × the unrounded
    total; the parts are rounded by largest remainder so they add up to the rounded total
    exactly (ties go to the partner listed first). Exact arithmetic, so float noise in the
    input cannot decide a tie. Returns ints when ``afronding`` is whole.
    """
    unit = exact_fraction(afronding)
    counts = split_units(exact_fraction(total), [exact_fraction(s) for s in shares], unit)
    return [unit_value(c, unit) for c in counts]


def round_total(total: float, afronding: float) -> int | float:
    """Round ``total`` half away from zero to a multiple of ``afronding``."""
    unit = exact_fraction(afronding)
    return unit_value(round_half_away(exact_fraction(total) / unit), unit)


def split_units(total: Fraction, shares: list[Fraction], unit: Fraction) -> list[int]:
    """Largest-remainder split, in whole numbers of ``unit``.

    A negative total (a saving) splits as the mirror image of the positive one, so every
    partner's part of a saving is minus its part of the same cost; otherwise rounding down
    would move the leftover units to other partners.
    """
    if unit <= 0:
        raise ValueError(f"afronding must be positive, not {unit}")
    if not shares:
        raise ValueError("a verdeelsleutel needs at least one partner")
    if any(s < 0 for s in shares) or abs(sum(shares, Fraction(0)) - 100) > SHARE_TOLERANCE:
        raise ValueError("shares must be non-negative and sum to 100")
    if total < 0:
        return [-part for part in split_units(-total, shares, unit)]
    units = total / unit
    exact = [s * units / 100 for s in shares]
    floors = [math.floor(e) for e in exact]
    # With shares summing to exactly 100 the leftover is between 0 and the number of parts
    # with a remainder; divmod covers the tolerance, where it may fall just outside.
    rounds, left = divmod(round_half_away(units) - sum(floors), len(shares))
    by_remainder = sorted(range(len(shares)), key=lambda i: (floors[i] - exact[i], i))
    parts = [f + rounds for f in floors]
    for i in by_remainder[:left]:
        parts[i] += 1
    return parts


def round_half_away(value: Fraction) -> int:
    magnitude = math.floor(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


def exact_fraction(value: object) -> Fraction:
    """The exact value as written: 0.1 means one tenth, not the nearest binary float."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if isinstance(value, Decimal):
        return Fraction(value)
    if not isinstance(value, numbers.Real | str):
        raise ValueError(f"not a number: {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return Fraction(repr(number))


def unit_value(count: int, unit: Fraction) -> int | float:
    amount = count * unit
    return int(amount) if unit.denominator == 1 else float(amount)
