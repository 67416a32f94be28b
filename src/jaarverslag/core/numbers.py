"""Dutch display formatting of numbers; the only place a value becomes text.

The same functions are Jinja filters, so figures in prose and in tables always agree. The rules
a controller relies on live here, once:

- rounding is half away from zero, computed exactly (never on binary floats);
- a figure prints with as many decimals as the data has (as typed: ``49,0`` keeps its decimal);
  money never with more than two: euros whole or with cents (``€ 100,40``), amounts in thousands
  whole (:func:`money_decimals`); one column of figures with one number of decimals;
- a figure printed beside a verdict or a size word gets as many more decimals as it takes to
  stay on the same side of every norm and threshold as the exact value
  (:func:`decimals_apart`): ``99,95% van het doel`` beside "niet gehaald", never ``100,0%``;
- a difference between two percentages is in ``procentpunt`` (:func:`format_signed`);
- footnote markers are ``*`` or letters, never digits (:func:`footnote_markers`);
- a printed figure never breaks inside itself: a no-break space after ``€`` and a real minus
  sign (U+2212, which no line breaker separates from its digits) in every document
  (:func:`typographic`); the open data keeps plain ``-`` (:mod:`jaarverslag.render.opendata`).
"""

from __future__ import annotations

import math
import re
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
#: A value that is expected but not yet known ("nog niet bekend"), as municipal sites print it.
NOT_YET_KNOWN = "n.n.b."
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


#: Money is never printed with more decimals than this: cents.
MONEY_DECIMALS = 2


def money_decimals(values: Iterable[Number | None], bedragen_in: int = 1) -> int:
    """The decimals of one column (or series) of amounts: 0 when every amount is whole, else
    2 (cents; an amount with more decimals is rounded to the cent); in thousands always 0."""
    if bedragen_in != 1:
        return 0
    whole = all(decimals_of(v) == 0 for v in values if v is not None and not is_missing(v))
    return 0 if whole else MONEY_DECIMALS


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
    if cell.nnb and (cell.value is None or is_missing(cell.value)):
        return NOT_YET_KNOWN
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


#: The minus sign of a printed figure: U+2212 belongs to its digits (Unicode line breaking class
#: PR, as ``€`` and ``+``), where a hyphen-minus may end a line in Word (``€ -`` / ``1.715.000``).
#: pdftotext gives it back as U+2212, a screen reader says "min"; the open data keeps ``-``.
MINUS = "\u2212"
NBSP = "\u00a0"
_SIGN = re.compile(r"-(?=\d)")


def typographic(figure: str) -> str:
    """One printed figure as a document shows it, never broken inside: ``€ -1.715.000`` →
    ``€\u00a0\u22121.715.000``, ``-5 procentpunt`` → ``\u22125\u00a0procentpunt``. Only for a
    figure (a formatted number, or ``-`` for no data): any ``-`` before a digit is its sign."""
    return unbreakable(_SIGN.sub(MINUS, figure))


def unbreakable(text: str) -> str:
    """Running text keeps a figure with its unit on one line: ``€ 100,40`` and ``5 procentpunt``
    get a no-break space (pdftotext reads it as a space; Word and HTML keep it), and
    the sign of an amount (``€ -40``) is a minus sign that holds to its digits."""
    text = text.replace("€ -", f"€{NBSP}{MINUS}").replace("€ ", f"€{NBSP}")
    return text.replace(f" {PROCENTPUNT}", f"{NBSP}{PROCENTPUNT}")


def display_cell(cell: Cell) -> str:
    """A table cell as a document prints it: :func:`format_cell`, and a figure
    :func:`typographic` (a text cell as it is)."""
    text = format_cell(cell)
    if cell.unit == "tekst" or isinstance(cell.value, str) or cell.suppressed is not None:
        return text
    if text == NOT_YET_KNOWN:
        return text
    return typographic(text)


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


def amount_scale(note: str | None) -> int:
    """The unit of a table's amounts from its note (:func:`amount_note`): 1000 for
    ``(x € 1.000)``, else 1."""
    match = re.match(r"\(x € ([\d.]+)\)", note or "")
    return int(match.group(1).replace(".", "")) if match else 1


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
