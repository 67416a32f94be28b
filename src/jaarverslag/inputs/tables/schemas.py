"""The input contract: one declarative spec per data file, and raw text frames → typed frames.

Each :class:`FileSpec` is the SPEC's table for that file, one column to one line. Checking is
vectorised; every problem in a file is collected (at most a few per column and kind, then a
count), never just the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jaarverslag.core.errors import Problem
from jaarverslag.inputs.tables.cells import PARSERS, ColumnSpec, typed_decimals
from jaarverslag.inputs.tables.kept import typed
from jaarverslag.inputs.tables.raw import LINE, RawTable, decimals_column
from jaarverslag.inputs.tables.readers import read_table

MAX_REPORTED = 10  #: problems of one kind in one column reported line by line, then counted


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    doc: str = ""


YEAR_MIN, YEAR_MAX = 1900, 2200
#: A data file with this column holds many municipalities: the rapport is a reeks.
GEMEENTE = ColumnSpec(
    "gemeente", "text", required=False, doc="makes the rapport a reeks: one document per gemeente"
)

SPECS: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec(
            "indicatoren",
            (
                GEMEENTE,
                ColumnSpec("id", "id", doc="short key, [a-z0-9_]+"),
                ColumnSpec("indicator", "text", doc="label as printed"),
                ColumnSpec("jaar", "int", minimum=YEAR_MIN, maximum=YEAR_MAX),
                ColumnSpec("soort", "choice", choices=("realisatie", "begroting", "beoogd")),
                ColumnSpec(
                    "waarde",
                    "number",
                    nullable=True,
                    doc="empty or - is no data; printed with the decimals it is typed with",
                    typed_decimals=True,
                ),
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
                ColumnSpec("bron", "text", False, nullable=True, doc="where the value comes from"),
                ColumnSpec(
                    "peildatum", "date", False, nullable=True, doc="the date the value holds on"
                ),
                ColumnSpec(
                    "status",
                    "choice",
                    required=False,
                    nullable=True,
                    choices=("voorlopig", "definitief"),
                    doc="voorlopig: the value may still change; voorlopig without a value: n.n.b.",
                ),
            ),
            key=("gemeente", "id", "jaar", "soort"),
            doc="performance indicators, one value per row",
        ),
        FileSpec(
            "kosten",
            (
                GEMEENTE,
                ColumnSpec(
                    "code",
                    "text",
                    required=False,
                    nullable=True,
                    doc="identifies a post across years when its name changes",
                ),
                ColumnSpec("post", "text"),
                ColumnSpec(
                    "soort",
                    "choice",
                    choices=("lasten", "baten", "toevoeging", "onttrekking"),
                    doc="toevoeging and onttrekking: mutations of reserves",
                ),
                ColumnSpec("jaar", "int", minimum=YEAR_MIN, maximum=YEAR_MAX),
                ColumnSpec(
                    "stand", "choice", choices=("realisatie", "begroting", "begroting_na_wijziging")
                ),
                ColumnSpec("bedrag", "number", nullable=True),
            ),
            key=("gemeente", "code", "post", "soort", "jaar", "stand"),
            doc="lasten, baten and reserve mutations per post, year and stand",
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
                ColumnSpec("aandeel", "number", minimum=0, maximum=100, typed_decimals=True),
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
        FileSpec(
            "gemeenten",
            (
                ColumnSpec("gemeente", "text"),
                ColumnSpec("inwoners", "int", minimum=1),
                ColumnSpec("grootteklasse", "text", required=False, nullable=True),
                ColumnSpec("provincie", "text", required=False, nullable=True),
                ColumnSpec("code", "text", required=False, nullable=True),
            ),
            key=("gemeente",),
            doc="a reeks's municipalities: inhabitants, size class, province and code (such as "
            "CBS's GM0518), checked against the data",
        ),
    )
}

#: Names a data file may have in a rapport folder, in document order.
DATA_FILES = (
    *("indicatoren", "clienten", "kosten", "maatregelen", "verdeelsleutel"),
    "leeftijdsgroepen",
    "gemeenten",
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
    spec = SPECS[name]
    required = [c.name for c in spec.columns if c.required]
    raw, problems = read_table(path, display, folder, required, [c.name for c in spec.columns])
    if raw is None:
        return pd.DataFrame(), problems
    return validate_read(raw, problems, spec, display)


def validate_read(
    raw: RawTable, read: list[Problem], spec: FileSpec, display: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """:func:`validate` a table whose reading found ``read`` (a workbook's unreadable cells,
    left empty): every problem at once, a cell's own problem instead of its emptiness. The
    same cells typed before are not typed again (:mod:`.kept`)."""
    frame, found = typed(raw, spec, display, validate)
    if not read:
        return frame, found
    places = {(p.line, p.column) for p in read}
    found = [p for p in found if p.line is None or (p.line, p.column) not in places]
    problems = sorted(read + found, key=lambda p: (p.line is None, p.line or 0, p.column or ""))
    return pd.DataFrame(), problems


def validate(raw: RawTable, spec: FileSpec, display: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Turn text cells into typed columns; report every problem."""
    missing = [c.name for c in spec.columns if c.required and c.name not in raw.header]
    if missing:
        return pd.DataFrame(), [
            Problem(display, raw.header_line, name, "verplichte kolom ontbreekt")
            for name in missing
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
        values, bad = PARSERS[column.kind](frame[column.name], column, raw.notation)
        for message, mask in bad:
            problems += _report(display, lines, frame[column.name], column.name, mask, message)
        out[column.name] = values
        if column.typed_decimals:
            shown = None if raw.shown is None else raw.shown.get(column.name)
            places = typed_decimals(frame[column.name], raw.notation, shown)
            out[decimals_column(column.name)] = places.where(values.notna())
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
        Problem(display, raw.header_line, name, message, "warning")
        for name in raw.header
        if name not in known and name != LINE
    ]


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
    key = [k for k in spec.key if k in frame.columns]  # an optional key column may be absent
    empty = {c.name: "" for c in spec.columns if c.nullable and c.name in key}  # a post's code
    frame = frame.fillna(empty).dropna(subset=key)
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
