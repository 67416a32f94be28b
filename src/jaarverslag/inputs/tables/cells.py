"""Turns a column of text cells into typed values, and says which cells are wrong and why.

One parser per kind of column (text, id, int, number, choice, date), each vectorised over the
whole column; :mod:`.schemas` declares which kind each column of each file is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from jaarverslag.core.characters import CONTROL, control_message

MAX_MAGNITUDE = 1e13  #: no municipal amount or count is this large: it is a typing error
MAX_TEXT = 5_000  #: characters in one text cell (a label or footnote), so no cell swamps a page


@dataclass(frozen=True)
class ColumnSpec:
    """One column: how its text becomes a value, and what values are allowed."""

    name: str
    kind: str  # text | id | int | number | choice | date
    required: bool = True
    choices: tuple[str, ...] = ()
    default: str | None = None
    nullable: bool = False  # may a required column have empty cells ("no data")?
    minimum: float | None = None
    maximum: float | None = None
    doc: str = ""
    typed_decimals: bool = False  #: keep how many decimals each value was typed with


Bad = list[tuple[Callable[[str], str], pd.Series]]


def _empty(text: pd.Series) -> pd.Series:
    return (text == "") | (text == "-")


def _required_empty(text: pd.Series, column: ColumnSpec) -> Bad:
    if column.nullable or column.default is not None:
        return []
    return [(lambda _v: "mag niet leeg zijn", _empty(text))]


def _parse_text(text: pd.Series, column: ColumnSpec, notation: str) -> tuple[pd.Series, Bad]:
    values = text.where(text != "", None).astype(object)
    bad = [] if column.nullable else [(lambda _v: "mag niet leeg zijn", text == "")]
    bad.append((control_message, text.str.contains(CONTROL, regex=True)))
    too_long = text.str.len() > MAX_TEXT
    bad.append((lambda v: f"tekst is te lang ({len(v)} tekens; hoogstens {MAX_TEXT})", too_long))
    return values, bad


def _parse_id(text: pd.Series, column: ColumnSpec, notation: str) -> tuple[pd.Series, Bad]:
    ok = text.str.fullmatch(r"[a-z0-9_]+")
    return text.astype(object), [
        (lambda v: f"'{short(v)}' is geen geldige id (alleen a-z, 0-9 en _)", ~ok)
    ]


NL_NUMBER = r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
POINT_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
#: ``95.000``: thousands in Dutch, or 95 with a point; text in a workbook that could be either
#: is refused (a native number never reads like this: see :func:`.sheets.text`)
GROUPED = r"[+-]?\d{1,3}(?:\.\d{3})+"


def _parse_number(text: pd.Series, column: ColumnSpec, notation: str) -> tuple[pd.Series, Bad]:
    empty = _empty(text)
    cleaned = text.str.removeprefix("€").str.removesuffix("%").str.strip()
    twofold = pd.Series(False, index=text.index)
    if notation == "nl":
        numbers, wellformed = _dutch(cleaned, empty)
        message = "'{}' is geen getal (verwacht Nederlandse notatie, zoals 1.234,5)"
    elif notation == "point":
        numbers, wellformed = _point(cleaned, empty)
        message = "'{}' is geen getal (verwacht een decimale punt, zoals 1234.5)"
    else:  # a workbook: a native number, or text read as a CSV cell of either notation
        numbers, wellformed, twofold = _either(cleaned, empty)
        message = "'{}' is geen getal (de cel bevat tekst; typ er een getal in)"
    not_number = ~empty & (~wellformed | numbers.isna())
    huge = ~not_number & ~empty & ~(numbers.abs() < MAX_MAGNITUDE)
    bad: Bad = [
        (partial(_formatted, message), not_number & ~twofold),
        (partial(_formatted, TWOFOLD), twofold),
        (lambda v: f"{short(v)} is onwaarschijnlijk groot", huge),
    ]
    bad += _required_empty(text, column)
    bad += _range(numbers, column)
    return numbers.where(~(not_number | huge)), bad


#: Text in a workbook that is a number in both notations, but not the same one.
TWOFOLD = (
    "'{}' is geen getal: als tekst leest het twee kanten op (met een punt als decimaalteken, "
    "of als Nederlands getal met een punt voor de duizendtallen); typ er een getal in"
)


def _dutch(cleaned: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``1.234,5``: the numbers and where the text is written so."""
    wellformed = cleaned.str.fullmatch(NL_NUMBER).fillna(False).astype(bool)
    plain = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return _to_float(plain.where(~empty & wellformed)), wellformed


def _point(cleaned: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``1234.5``: the numbers and where the text is written so."""
    wellformed = cleaned.str.fullmatch(POINT_NUMBER).fillna(False).astype(bool)
    return _to_float(cleaned.where(~empty & wellformed)), wellformed


def _either(cleaned: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """A workbook's cell as a CSV cell of either notation (a native number arrives written
    with a point, and never as ``95.000``: :func:`.sheets.text`): the numbers, where the text
    is one, and where it is one in both notations but not the same (``95.000``: 95 or 95000)."""
    dutch, as_dutch = _dutch(cleaned, empty)
    point, as_point = _point(cleaned, empty)
    twofold = as_dutch & as_point & (dutch != point)
    numbers = point.where(as_point, dutch).where(~twofold)
    return numbers, (as_dutch | as_point) & ~twofold, twofold


def _to_float(text: pd.Series) -> pd.Series:
    """Text to float64, NaN where it is no number: a fast cast, and a slow one if that fails."""
    try:
        return text.astype("float64")
    except (ValueError, TypeError):
        return pd.to_numeric(text, errors="coerce").astype("float64")


def _parse_int(text: pd.Series, column: ColumnSpec, notation: str) -> tuple[pd.Series, Bad]:
    numbers, bad = _parse_number(text, column, notation)
    fractional = numbers.notna() & (numbers != numbers.round())
    bad.append((lambda v: f"'{short(v)}' is geen geheel getal", fractional))
    if column.nullable:
        return numbers, bad
    return numbers.fillna(0).astype("int64"), bad


def _formatted(message: str, value: str) -> str:
    return message.format(short(value))


def _beyond(word: str, limit: float, value: str) -> str:
    return f"{short(value)} is {word} dan {limit:g}"


def _range(numbers: pd.Series, column: ColumnSpec) -> Bad:
    bad: Bad = []
    if column.minimum is not None:
        lo = column.minimum
        bad.append((partial(_beyond, "kleiner", lo), numbers < lo))
    if column.maximum is not None:
        hi = column.maximum
        bad.append((partial(_beyond, "groter", hi), numbers > hi))
    return bad


def _parse_choice(text: pd.Series, column: ColumnSpec, notation: str) -> tuple[pd.Series, Bad]:
    canonical = {c.lower(): c for c in column.choices}
    codes, uniques = pd.factorize(text)  # a few distinct values in a million rows
    mapped = pd.Series([canonical.get(u.lower()) for u in uniques] + [None], dtype=object)
    values = pd.Series(mapped.to_numpy()[codes], index=text.index, dtype=object)
    empty = text == ""
    if column.default is not None:
        values = values.where(~empty, column.default)
    allowed = ", ".join(column.choices)
    bad: Bad = [
        (lambda v: f"'{short(v)}' is geen toegestane waarde ({allowed})", ~empty & values.isna())
    ]
    if not column.nullable and column.default is None:
        bad.append((lambda _v: f"mag niet leeg zijn ({allowed})", empty))
    return values.where(values.notna(), None), bad


def _parse_date(text: pd.Series, column: ColumnSpec, notation: str) -> tuple[pd.Series, Bad]:
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    dutch = pd.to_datetime(text, format="%d-%m-%Y", errors="coerce")
    dates = iso.fillna(dutch)
    shaped = text.str.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4}")
    empty = _empty(text) if column.nullable else text == ""  # "-": no data, where allowed
    bad: Bad = [
        (lambda v: f"'{short(v)}' bestaat niet als datum", shaped & dates.isna()),
        (lambda v: f"'{short(v)}' is geen datum (JJJJ-MM-DD of DD-MM-JJJJ)", ~shaped & ~empty),
    ]
    if not column.nullable:
        bad.append((lambda _v: "mag niet leeg zijn", text == ""))
    return dates, bad


PARSERS = {
    "text": _parse_text,
    "id": _parse_id,
    "int": _parse_int,
    "number": _parse_number,
    "choice": _parse_choice,
    "date": _parse_date,
}


def format_decimals(code: str) -> int | None:
    """The decimals a workbook's number format shows at least (``#,##0.00`` → 2, ``0.0%`` → 1,
    ``0.##`` → 0); None for General (and text), where a number shows as many as it has."""
    section = re.sub(r'"[^"]*"|\\.|_.|\[[^\]]*\]', "", code).split(";")[0]
    if not re.search(r"[0#?]", section):
        return None
    fraction = section.partition(".")[2]
    return len(fraction) - len(fraction.lstrip("0"))


def typed_decimals(text: pd.Series, notation: str, shown: pd.Series | None = None) -> pd.Series:
    """How many decimals each number of a column was typed with: ``49,0`` → 1, ``1.5e2`` → 0
    (in a ``,`` file), a worksheet's native number as its number format shows it or as many as
    it has, whichever is more; NaN where a cell holds no number."""
    cleaned = text.str.removeprefix("€").str.removesuffix("%").str.strip()
    if notation == "nl":
        number = cleaned.str.fullmatch(NL_NUMBER).fillna(False)
        places = cleaned.str.partition(",")[2].str.len().astype(float)
    else:
        number = cleaned.str.fullmatch(POINT_NUMBER).fillna(False)
        parts = cleaned.str.extract(r"^[+-]?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?$")
        places = parts[0].fillna("").str.len() - pd.to_numeric(parts[1]).fillna(0)
        places = places.clip(lower=0).astype(float)
        if shown is not None:  # a worksheet: at least what the number format shows
            places = pd.concat([places, shown.astype(float)], axis=1).max(axis=1)
    return places.where(number).astype("Int64")


def short(value: str, limit: int = 40) -> str:
    value = str(value).replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"
