"""Dutch display formatting of numbers; the only place a value becomes text.

The same functions are Jinja filters, so figures in prose and in tables always agree. The rules
a controller relies on live here, once:

- rounding is half away from zero, computed exactly (never on binary floats);
- a figure prints with as many decimals as the data has; money with cents always with at least
  two (``€ 100,40``), and one table column of amounts with one number of decimals
  (:func:`money_decimals`);
- a figure printed beside a verdict or a size word gets as many more decimals as it takes to
  stay on the same side of every norm and threshold as the exact value
  (:func:`decimals_apart`): ``99,95% van het doel`` beside "niet gehaald", never ``100,0%``;
- a difference between two percentages is in ``procentpunt`` (:func:`format_signed`);
- footnote markers are ``*`` or letters, never digits (:func:`footnote_markers`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from itertools import count, pairwise, product
from string import ascii_lowercase

from babel.dates import format_date as babel_date
from babel.numbers import format_decimal

from jaarverslag.core.model import Cell, Unit

LOCALE = "nl_NL"
NO_DATA = "-"
#: Decimals the data is kept to (and printed with at most, unless a norm needs more).
MAX_DECIMALS = 6
#: Most decimals a figure gets to show which side of a norm it is on.
APART_LIMIT = 20
#: The unit word of a difference between two percentages.
PROCENTPUNT = "procentpunt"

Number = int | float | Decimal | Fraction


def is_missing(value: object) -> bool:
    """``None`` and NaN are "no data"."""
    return value is None or (isinstance(value, float | Decimal) and math.isnan(value))


def exact(value: Number) -> Fraction:
    """The value as written: a float by its shortest repr, so ``0.1`` is one tenth."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int | Decimal):
        return Fraction(value)
    return Fraction(repr(float(value)))


def decimals_of(value: Number) -> int:
    """The number of decimals a value carries (``99.6`` → 1, ``400`` → 0).

    A value without a finite decimal expansion (one third) counts as :data:`MAX_DECIMALS`.
    """
    denominator = exact(value).denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator, twos = denominator // 2, twos + 1
    while denominator % 5 == 0:
        denominator, fives = denominator // 5, fives + 1
    return max(twos, fives) if denominator == 1 else MAX_DECIMALS


def round_half_up(value: Number, decimals: int = 0) -> Decimal:
    """Round half away from zero, exactly, as Dutch financial tables do (Babel: half-even)."""
    scaled = exact(value) * 10**decimals
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    return Decimal(magnitude if scaled >= 0 else -magnitude).scaleb(-decimals)


def format_number(value: Number | None, decimals: int | None = None) -> str:
    """``1234.5`` → ``1.234,5``; ``None`` → ``-``."""
    if value is None or is_missing(value):
        return NO_DATA
    return _formatted(type(value).__name__, value, decimals)


@lru_cache(maxsize=8192)  # Babel is slow, and a batch prints the same figures many times
def _formatted(_kind: str, value: Number, decimals: int | None) -> str:
    """:func:`format_number` of a value (keyed by its type too: 0.1 and an equal Fraction
    print differently, see :func:`exact`)."""
    if decimals is None:
        decimals = min(decimals_of(value), MAX_DECIMALS)
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never print -0
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(rounded, format=pattern, locale=LOCALE)


def money_decimals(values: Iterable[Number | None], bedragen_in: int = 1) -> int:
    """The decimals of one column (or series) of amounts: 0 when every amount is whole, else
    at least 2 (cents), or as many as the data has; in thousands as many as the data has."""
    most = max((decimals_of(v) for v in values if v is not None and not is_missing(v)), default=0)
    most = min(most, MAX_DECIMALS)
    if most == 0 or bedragen_in != 1:
        return most
    return max(most, 2)


def format_euro(value: Number | None, decimals: int | None = None) -> str:
    """``95000`` → ``€ 95.000``; ``100.4`` → ``€ 100,40``; ``-97306`` → ``€ -97.306``."""
    if value is None or is_missing(value):
        return NO_DATA
    if decimals is None:
        decimals = money_decimals([value])
    return "€ " + format_number(value, decimals)


def format_percentage(value: Number | None, decimals: int | None = None) -> str:
    """``99.6`` → ``99,6%`` (the value is already a percentage)."""
    if value is None or is_missing(value):
        return NO_DATA
    return format_number(value, decimals) + "%"


def format_value(
    value: Number | str | None, unit: Unit | str = "aantal", decimals: int | None = None
) -> str:
    """Print a value in its unit; text is returned unchanged."""
    if isinstance(value, str):
        return value
    if unit == "euro":
        return format_euro(value, decimals)
    if unit == "percentage":
        return format_percentage(value, decimals)
    if unit == "jaar":
        return NO_DATA if value is None or is_missing(value) else str(int(value))
    return format_number(value, decimals)


def format_cell(cell: Cell) -> str:
    """Print a table cell's value; a privacy mark replaces it. Footnote markers are not part
    of it: the template sets them apart (a space and a superscript), so none reads as a digit."""
    if cell.suppressed is not None:
        return cell.suppressed
    return format_value(cell.value, cell.unit, cell.decimals)


def format_signed(
    value: Number | None,
    unit: Unit | str = "aantal",
    decimals: int | None = None,
    *,
    sign: bool = True,
) -> str:
    """A difference with its sign: ``+159``, ``-9``, ``0``, ``€ +0,40``, ``+5 procentpunt``
    (``sign=False``: its size, ``5 procentpunt``).

    A difference between two percentages is in procentpunt, never in %.
    """
    if value is None or is_missing(value):
        return NO_DATA
    if decimals is None:
        decimals = (
            money_decimals([value]) if unit == "euro" else min(decimals_of(value), MAX_DECIMALS)
        )
    rounded = round_half_up(value, decimals)
    mark = ("+" if rounded > 0 else "-" if rounded < 0 else "") if sign else ""
    size = format_number(abs(rounded), decimals)
    if unit == "euro":
        return f"€ {mark}{size}"
    if unit == "percentage":
        return f"{mark}{size} {PROCENTPUNT}"
    return mark + size


def decimals_apart(value: Number, norms: Sequence[Number], start: int = 1) -> int:
    """The fewest decimals (from ``start``) at which ``value``, rounded, lies on the same side
    of every norm as the exact value, and on a norm only when it is exactly on it.

    So a printed figure can never contradict a word decided on the exact value: 1.999 of a
    target of 2.000 is 99,95%, not 100,0%, beside "niet gehaald".
    """
    wanted = exact(value)
    edges = [exact(n) for n in norms]

    def sides(x: Fraction) -> tuple[int, ...]:
        return tuple((x > e) - (x < e) for e in edges)

    goal = sides(wanted)
    for decimals in range(start, APART_LIMIT + 1):
        if sides(exact(round_half_up(wanted, decimals))) == goal:
            return decimals
    return APART_LIMIT


def format_share(value: Number | None, norm: Number = 100) -> str:
    """A share in percent (``111,8%``) with one decimal, more where one would reach or cross
    ``norm``: realisatie 1.999 of a target of 2.000 prints ``99,95%``."""
    if value is None or is_missing(value):
        return NO_DATA
    return format_percentage(value, decimals_apart(value, [norm]))


def format_change(value: Number, thresholds: Iterable[Number] = ()) -> str:
    """A relative change in percent with its sign (``+39,8%``), one decimal, more where one
    would reach or cross zero or a threshold (``±licht``, ``±fors``): ``+0,04%``, ``+14,96%``."""
    edges: list[Number] = [0, *(s * exact(t) for t in thresholds for s in (1, -1))]
    decimals = decimals_apart(value, edges)
    rounded = round_half_up(value, decimals)
    sign = "+" if rounded > 0 else "-" if rounded < 0 else ""
    return sign + format_number(abs(rounded), decimals) + "%"


def unbreakable(text: str) -> str:
    """Running text keeps a figure with its unit on one line: ``€ 100,40`` and ``5 procentpunt``
    get a no-break space (PDF text extraction reads it as a space, DOCX as a plain space)."""
    return text.replace("€ ", "€\u00a0").replace(f" {PROCENTPUNT}", f"\u00a0{PROCENTPUNT}")


def footnote_markers(n: int) -> list[str]:
    """Markers for ``n`` footnotes in order: ``*`` for a single one (as seed 001), else
    ``a``, ``b``, … ``z``, ``aa``, ``ab``, …: never a digit, so a marker can't read as part of
    a figure (``150`` with note 4 read ``1504``)."""
    if n == 1:
        return ["*"]
    labels = ("".join(p) for k in count(1) for p in product(ascii_lowercase, repeat=k))
    return [next(labels) for _ in range(n)]


def format_date(day: date) -> str:
    """``date(2017, 1, 31)`` → ``31 januari 2017``."""
    return str(babel_date(day, "d MMMM y", locale=LOCALE))


def amount_note(bedragen_in: int) -> str | None:
    """The line under a caption that gives the unit of the amounts: ``(x € 1.000)``."""
    return f"(x € {format_number(bedragen_in)})" if bedragen_in != 1 else None


def decimals_ordered(values: Iterable[Number | None], start: int = 0) -> int:
    """The fewest decimals (from ``start``) at which the values, rounded, stand in the same
    order as the exact values — equal only where they are equal — so a word like *hoger* is
    never printed beside two figures that read the same (€ 944,45 against € 944,4)."""
    exacts = sorted({exact(v) for v in values if v is not None and not is_missing(v)})
    for decimals in range(start, APART_LIMIT + 1):
        rounded = [round_half_up(v, decimals) for v in exacts]
        if all(a < b for a, b in pairwise(rounded)):
            return decimals
    return APART_LIMIT
