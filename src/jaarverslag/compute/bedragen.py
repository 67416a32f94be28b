"""Amounts in the money tables (kosten, maatregelen, verdeling): how an amount becomes a cell,
one number of decimals per table, and the check of total lines people put in their input.

Spreadsheets that people export usually carry their own total lines; we compute totals
ourselves, so such lines are checked instead of being added up as if they were posts.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import SEVERITIES, Bedragen, Severity
from jaarverslag.core.model import Cell, Unit
from jaarverslag.core.numbers import format_number, money_decimals

#: How amounts are printed; the Table.note says when they are in thousands.
AMOUNT_UNIT: Unit = "euro"
#: Decimals kept after sums and differences, so float noise never prints or flips a V/N.
PRECISION = 6


#: The BBV's names of the resultaat line (and the older *resultaat na bestemming*).
RESULTAAT_LABELS = ("gerealiseerd resultaat", "geraamd resultaat", "resultaat na bestemming")


def total_kind(posts: pd.Series, *, resultaat: bool = False) -> pd.Series:
    """Classify post labels as ``"totaal"``, ``"subtotaal"``, ``"saldo"`` or ``""`` (a real post);
    with ``resultaat`` (a kosten file) also ``"resultaat"``: ``Resultaat``, ``Gerealiseerd
    resultaat``, ``Geraamd resultaat``.

    Spreadsheets that people export usually carry their own total lines; we compute totals
    ourselves, so such lines are checked instead of being added up as if they were posts.
    """
    norm = posts.astype(str).str.strip().str.casefold()
    is_resultaat = (norm == "resultaat") | norm.str.startswith(RESULTAAT_LABELS)
    kind = np.select(
        [
            norm.str.startswith("subtotaal").to_numpy(dtype=bool),
            norm.str.startswith(("totaal", "totale")).to_numpy(dtype=bool),
            ((norm == "saldo") | norm.str.startswith("saldo van baten en lasten")).to_numpy(
                dtype=bool
            ),
            (is_resultaat & resultaat).to_numpy(dtype=bool),
        ],
        ["subtotaal", "totaal", "saldo", "resultaat"],
        default="",
    )
    return pd.Series(kind, index=posts.index, dtype=object)


#: A stated total this close to the sum of its parts (a unit or two on a thousand or more) is
#: likely a published table's rounding (amounts in thousands, each rounded): the message says
#: how to accept it.
ROUNDING_UNITS = 2
ROUNDING_HINT = (
    " (een afrondingsverschil? met totaalcontrole: warning in rapport.yaml wordt dit een "
    "waarschuwing; de tabel toont altijd de som van de posten)"
)


def _rounding(stated: float, parts: float) -> bool:
    """A difference of a unit or two on a total of a thousand or more such units."""
    difference = abs(stated - parts)
    return difference <= ROUNDING_UNITS and abs(parts) >= 1000 * difference


def total_problems(
    totals: pd.DataFrame, expected: pd.Series | np.ndarray, *, file: str, severity: Severity
) -> list[Problem]:
    """Report input total lines whose ``bedrag`` differs from ``expected`` (aligned by position).

    A line is only judged when both the stated total and the sum of its parts have data.
    """
    stated = totals["bedrag"].to_numpy(dtype=float).round(PRECISION)
    want = np.asarray(expected, dtype=float).round(PRECISION)
    bad = ~np.isnan(stated) & ~np.isnan(want) & (stated != want)
    return [
        Problem(
            file,
            int(line),
            "bedrag",
            f"{post} is {format_number(plain(x))}, "
            f"maar de som van de posten is {format_number(plain(y))}"
            + (ROUNDING_HINT if severity == "error" and _rounding(x, y) else ""),
            severity,
        )
        for line, post, x, y in zip(
            totals["_line"].to_numpy()[bad],
            totals["post"].to_numpy()[bad],
            stated[bad],
            want[bad],
            strict=True,
        )
    ]


def check_severity(totals: str) -> Severity:
    """Validate the ``totals`` option: how a failed total-line check counts."""
    for severity in SEVERITIES:
        if severity == totals:
            return severity
    raise ValueError(f"totals must be 'error' or 'warning', not {totals!r}")


def plain(value: object) -> int | float | None:
    """A clean Python number for a cell: ``None`` for no data, ``int`` when whole."""
    if not isinstance(value, numbers.Real) or math.isnan(float(value)):
        return None  # None, NaN, pandas' NA
    number = round(float(value), PRECISION)
    return int(number) if number.is_integer() else number


def amount_cell(
    value: object,
    *,
    decimals: int = 0,
    highlight: bool = False,
    emphasis: bool = False,
    markers: tuple[str, ...] = (),
) -> Cell:
    """An amount, printed with the ``decimals`` of its whole table (:func:`table_decimals`)."""
    return Cell(
        plain(value),
        AMOUNT_UNIT,
        decimals=decimals,
        highlight=highlight,
        emphasis=emphasis,
        markers=markers,
    )


def table_decimals(frames: Iterable[pd.DataFrame | pd.Series], bedragen_in: Bedragen = 1) -> int:
    """One number of decimals for every amount of a table: 0 when all are whole euros, else
    two (cents) or as many as the data has, so a column never mixes ``1.234,5`` and
    ``1.130,25``. Sums and differences of the amounts never need more."""
    arrays = [np.asarray(f, dtype=float).ravel() for f in frames]
    values = np.concatenate(arrays) if arrays else np.array([], dtype=float)
    return money_decimals([plain(v) for v in np.unique(values[~np.isnan(values)])], bedragen_in)


def blank_cells(n: int) -> tuple[Cell, ...]:
    """Cells for a group header row, which has a label only."""
    return tuple(Cell("", "tekst") for _ in range(n))
