"""Dutch display formatting of numbers; the only place a value becomes text.

The same functions are Jinja filters, so figures in prose and in tables always agree.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from .model import Cell, Unit

LOCALE = "nl_NL"
NO_DATA = "-"


def decimals_of(value: float | int) -> int:
    """Return the number of decimals a value carries (``99.6`` → 1, ``400`` → 0)."""
    if isinstance(value, int) or float(value).is_integer():
        return 0
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


def round_half_up(value: float | int, decimals: int = 0) -> Decimal:
    """Round half away from zero, as Dutch financial tables do (Babel would round half-even)."""
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def format_number(value: float | int | None, decimals: int | None = None) -> str:
    """``1234.5`` → ``1.234,5``; ``None`` → ``-``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    if decimals is None:
        decimals = min(decimals_of(value), 6)
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never print -0
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(rounded, format=pattern, locale=LOCALE)


def format_euro(value: float | int | None, decimals: int | None = 0) -> str:
    """``95000`` → ``€ 95.000``; ``-97306`` → ``€ -97.306``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    return "€ " + format_number(value, decimals)


def format_percentage(value: float | int | None, decimals: int | None = None) -> str:
    """``99.6`` → ``99,6%`` (the value is already a percentage)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    return format_number(value, decimals) + "%"


def format_value(
    value: float | int | str | None, unit: Unit = "aantal", decimals: int | None = None
) -> str:
    """Print a value in its unit; text is returned unchanged."""
    if isinstance(value, str):
        return value
    if unit == "euro":
        return format_euro(value, decimals if decimals is not None else 0)
    if unit == "percentage":
        return format_percentage(value, decimals)
    if unit == "jaar":
        return NO_DATA if value is None else str(int(value))
    return format_number(value, decimals)


def format_cell(cell: Cell) -> str:
    """Print a table cell: a privacy mark replaces the value, markers follow it."""
    text = (
        cell.suppressed
        if cell.suppressed is not None
        else format_value(cell.value, cell.unit, cell.decimals)
    )
    return text + "".join(cell.markers)
