"""The input contract: one declarative spec per data file, and raw text frames → typed frames.

Each :class:`FileSpec` is the SPEC's table for that file, one column to one line. Checking is
vectorised; every problem in a file is collected (at most a few per column and kind, then a
count), never just the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import Problem
from .readers import CONTROL, LINE, RawTable, control_message, read_table

MAX_REPORTED = 10  #: problems of one kind in one column reported line by line, then counted
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


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    doc: str = ""


YEAR_MIN, YEAR_MAX = 1900, 2200

SPECS: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec(
            "indicatoren",
            (
                ColumnSpec("id", "id", doc="short key, [a-z0-9_]+"),
                ColumnSpec("indicator", "text", doc="label as printed"),
                ColumnSpec("jaar", "int", minimum=YEAR_MIN, maximum=YEAR_MAX),
                ColumnSpec("soort", "choice", choices=("realisatie", "begroting", "beoogd")),
                ColumnSpec("waarde", "number", nullable=True, doc="empty or - is no data"),
                ColumnSpec(
                    "eenheid",
                    "choice",
                    required=False,
                    choices=("aantal", "percentage", "euro"),
                    default="aantal",
                ),
                ColumnSpec("voetnoot", "text", required=False, nullable=True),
                ColumnSpec(
                    "richting",
                    "choice",
                    required=False,
                    choices=("hoger", "lager"),
                    default="hoger",
                ),
            ),
            key=("id", "jaar", "soort"),
            doc="performance indicators, one value per row",
        ),
        FileSpec(
            "kosten",
            (
                ColumnSpec("post", "text"),
                ColumnSpec("soort", "choice", choices=("lasten", "baten")),
                ColumnSpec("jaar", "int", minimum=YEAR_MIN, maximum=YEAR_MAX),
                ColumnSpec(
                    "stand", "choice", choices=("realisatie", "begroting", "begroting_na_wijziging")
                ),
                ColumnSpec("bedrag", "number", nullable=True),
            ),
            key=("post", "soort", "jaar", "stand"),
            doc="lasten and baten per post, year and stand",
        ),
        FileSpec(
            "maatregelen",
            (
                ColumnSpec("post", "text"),
                ColumnSpec("karakter", "choice", choices=("structureel", "incidenteel")),
                ColumnSpec("jaar", "int", minimum=YEAR_MIN, maximum=YEAR_MAX),
                ColumnSpec("bedrag", "number", nullable=True),
            ),
            key=("post", "karakter", "jaar"),
            doc="costs of a policy plan",
        ),
        FileSpec(
            "verdeelsleutel",
            (
                ColumnSpec("partij", "text"),
                ColumnSpec("aandeel", "number", minimum=0, maximum=100),
            ),
            key=("partij",),
            doc="cost-sharing key; shares sum to 100",
        ),
        FileSpec(
            "clienten",
            (
                ColumnSpec("client", "text"),
                ColumnSpec("peildatum", "date"),
                ColumnSpec("trede", "int", minimum=1, maximum=6),
                ColumnSpec(
                    "leeftijd", "int", required=False, nullable=True, minimum=0, maximum=130
                ),
                ColumnSpec(
                    "categorie",
                    "choice",
                    required=False,
                    nullable=True,
                    choices=("1A", "1B", "1C", "2A", "2B", "3A", "3B"),
                ),
                ColumnSpec(
                    "groeipotentieel",
                    "choice",
                    required=False,
                    nullable=True,
                    choices=("ja", "nee"),
                ),
                ColumnSpec(
                    "uitstroom", "choice", required=False, nullable=True, choices=("werk", "anders")
                ),
            ),
            key=("client", "peildatum"),
            doc="pseudonymous client records, one row per client per peildatum",
        ),
        FileSpec(
            "leeftijdsgroepen",
            (
                ColumnSpec("leeftijdscategorie", "text", doc="row label; a row Totaal is checked"),
                ColumnSpec("aantal", "int", nullable=True, minimum=0),
                ColumnSpec("met_groeipotentieel", "int", False, nullable=True, minimum=0),
                ColumnSpec("zonder_groeipotentieel", "int", False, nullable=True, minimum=0),
            ),
            key=("leeftijdscategorie",),
            doc="a given summary (seed 003): clients by age group × groeipotentieel, with Totaal",
        ),
    )
}

#: Names a data file may have in a rapport folder, in document order.
DATA_FILES = (
    *("indicatoren", "clienten", "kosten", "maatregelen", "verdeelsleutel"),
    "leeftijdsgroepen",
)


def find_data_file(folder: Path, name: str) -> Path | None:
    """Return ``folder/name.csv`` or ``folder/name.xlsx`` (a name case-insensitively)."""
    wanted = {f"{name}.csv", f"{name}.xlsx"}
    matches = sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower() in wanted)
    return matches[0] if matches else None


def read_and_validate(
    path: Path, name: str, display: str | None = None, folder: Path | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a data file of ``folder`` and type it by the spec ``name``; empty on errors."""
    display = display or path.name
    raw, problems = read_table(path, display, folder)
    if raw is None:
        return pd.DataFrame(), problems
    return validate(raw, SPECS[name], display)


def validate(raw: RawTable, spec: FileSpec, display: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Turn text cells into typed columns; report every problem."""
    missing = [c.name for c in spec.columns if c.required and c.name not in raw.header]
    if missing:
        return pd.DataFrame(), [
            Problem(display, 1, name, "verplichte kolom ontbreekt") for name in missing
        ]
    frame = raw.frame
    if frame.empty:
        return pd.DataFrame(), [
            Problem(display, message="bevat geen gegevensregels, alleen een kop")
        ]
    lines = frame[LINE].to_numpy()
    problems: list[Problem] = []
    out: dict[str, pd.Series] = {LINE: frame[LINE].astype("int64")}
    for column in spec.columns:
        if column.name not in frame.columns:
            if column.default is not None:
                out[column.name] = pd.Series(column.default, index=frame.index, dtype=object)
            continue
        values, bad = _PARSERS[column.kind](frame[column.name], column, raw.notation)
        for message, mask in bad:
            problems += _report(display, lines, frame[column.name], column.name, mask, message)
        out[column.name] = values
    typed = pd.DataFrame(out)
    problems += _duplicates(typed, spec, display)
    problems.sort(key=lambda p: (p.line is None, p.line or 0, p.column or ""))
    failed = any(p.severity == "error" for p in problems)
    return (pd.DataFrame() if failed else typed), problems + _unused_columns(raw, spec, display)


def _unused_columns(raw: RawTable, spec: FileSpec, display: str) -> list[Problem]:
    """A column the spec doesn't know is left out of the document: say so, never silently."""
    known = [c.name for c in spec.columns]
    message = f"kolom wordt niet gebruikt (bekend: {', '.join(known)})"
    return [
        Problem(display, 1, name, message, "warning")
        for name in raw.header
        if name not in known and name != LINE
    ]


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
        (lambda v: f"'{_short(v)}' is geen geldige id (alleen a-z, 0-9 en _)", ~ok)
    ]


NL_NUMBER = r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
POINT_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


def _parse_number(text: pd.Series, column: ColumnSpec, notation: str) -> tuple[pd.Series, Bad]:
    empty = _empty(text)
    cleaned = text.str.removeprefix("€").str.removesuffix("%").str.strip()
    if notation == "nl":
        wellformed = cleaned.str.fullmatch(NL_NUMBER)
        cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        message = "'{}' is geen getal (verwacht Nederlandse notatie, zoals 1.234,5)"
    else:
        wellformed = cleaned.str.fullmatch(POINT_NUMBER)
        message = "'{}' is geen getal (verwacht een decimale punt, zoals 1234.5)"
    numbers = _to_float(cleaned.where(~empty & wellformed))
    not_number = ~empty & (~wellformed | numbers.isna())
    huge = ~not_number & ~empty & ~(numbers.abs() < MAX_MAGNITUDE)
    bad: Bad = [(partial(_formatted, message), not_number)]
    bad.append((lambda v: f"{_short(v)} is onwaarschijnlijk groot", huge))
    bad += _required_empty(text, column)
    bad += _range(numbers, column)
    return numbers.where(~(not_number | huge)), bad


def _to_float(text: pd.Series) -> pd.Series:
    """Text to float64, NaN where it is no number: a fast cast, and a slow one if that fails."""
    try:
        return text.astype("float64")
    except (ValueError, TypeError):
        return pd.to_numeric(text, errors="coerce").astype("float64")


def _parse_int(text: pd.Series, column: ColumnSpec, notation: str) -> tuple[pd.Series, Bad]:
    numbers, bad = _parse_number(text, column, notation)
    fractional = numbers.notna() & (numbers != numbers.round())
    bad.append((lambda v: f"'{_short(v)}' is geen geheel getal", fractional))
    if column.nullable:
        return numbers, bad
    return numbers.fillna(0).astype("int64"), bad


def _formatted(message: str, value: str) -> str:
    return message.format(_short(value))


def _beyond(word: str, limit: float, value: str) -> str:
    return f"{_short(value)} is {word} dan {limit:g}"


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
        (lambda v: f"'{_short(v)}' is geen toegestane waarde ({allowed})", ~empty & values.isna())
    ]
    if not column.nullable and column.default is None:
        bad.append((lambda _v: f"mag niet leeg zijn ({allowed})", empty))
    return values.where(values.notna(), None), bad


def _parse_date(text: pd.Series, column: ColumnSpec, notation: str) -> tuple[pd.Series, Bad]:
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    dutch = pd.to_datetime(text, format="%d-%m-%Y", errors="coerce")
    dates = iso.fillna(dutch)
    shaped = text.str.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4}")
    bad: Bad = [
        (lambda v: f"'{_short(v)}' bestaat niet als datum", shaped & dates.isna()),
        (
            lambda v: f"'{_short(v)}' is geen datum (JJJJ-MM-DD of DD-MM-JJJJ)",
            ~shaped & (text != ""),
        ),
        (lambda _v: "mag niet leeg zijn", text == ""),
    ]
    return dates, bad


_PARSERS = {
    "text": _parse_text,
    "id": _parse_id,
    "int": _parse_int,
    "number": _parse_number,
    "choice": _parse_choice,
    "date": _parse_date,
}


def _short(value: str, limit: int = 40) -> str:
    value = str(value).replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _report(
    display: str,
    lines: np.ndarray,
    text: pd.Series,
    column: str,
    mask: pd.Series,
    message: Callable[[str], str],
) -> list[Problem]:
    where = np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool))
    problems = [
        Problem(display, int(lines[i]), column, message(text.iloc[i])) for i in where[:MAX_REPORTED]
    ]
    if len(where) > MAX_REPORTED:
        first = message(text.iloc[where[MAX_REPORTED]])
        problems.append(
            Problem(
                display,
                None,
                column,
                f"nog {len(where) - MAX_REPORTED} regels met dezelfde fout (zoals {first})",
            )
        )
    return problems


def _duplicates(frame: pd.DataFrame, spec: FileSpec, display: str) -> list[Problem]:
    key = list(spec.key)
    frame = frame.dropna(subset=key)
    normalised = frame[key].apply(lambda s: s.str.lower() if s.dtype == object else s)
    dup = normalised.duplicated(keep=False)
    if not dup.any():
        return []
    first_line = frame[LINE].groupby([normalised[k] for k in key], dropna=False).transform("min")
    later = dup & (frame[LINE] != first_line)
    names = ", ".join(key)
    problems = [
        Problem(
            display,
            int(line),
            None,
            f"dubbele regel: dezelfde {names} als regel {int(first)}",
        )
        for line, first in zip(
            frame[LINE][later].head(MAX_REPORTED), first_line[later], strict=False
        )
    ]
    if later.sum() > MAX_REPORTED:
        problems.append(
            Problem(display, message=f"nog {int(later.sum()) - MAX_REPORTED} dubbele regels")
        )
    return problems
