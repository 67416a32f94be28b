"""Checks a summary table given as input (``leeftijdsgroepen.csv``) against its own arithmetic.

Municipal reports often carry a ready-made summary instead of client records, such as seed
003's "Groeipotentieel: verdeling naar leeftijdscategorie", whose Totaal row (209 / 81 / 128)
disagrees with the rows above it (219 / 81 / 138). This module turns the typed frame into
:class:`Problem` s with file and line:

* every ``Totaal`` row against the sum of the other rows, per count column;
* every row's ``aantal`` against ``met_groeipotentieel`` + ``zonder_groeipotentieel``.

A check is skipped where a cell it needs is empty ("no data"): nothing can be added up then.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import Severity
from jaarverslag.core.numbers import format_number
from jaarverslag.inputs.folder import Inputs
from jaarverslag.inputs.tables.raw import LINE

#: The count columns of ``leeftijdsgroepen``, in table order.
KOLOMMEN = ("aantal", "met_groeipotentieel", "zonder_groeipotentieel")
LABEL = "leeftijdscategorie"


def is_totaal(labels: pd.Series) -> np.ndarray:
    """Rows labelled ``Totaal`` (any case, surrounding spaces ignored)."""
    text = labels.astype(object).fillna("").astype(str).str.strip().str.lower()
    return text.eq("totaal").to_numpy(dtype=bool)


def check_leeftijdsgroepen(
    frame: pd.DataFrame, *, file: str, totals: Severity = "error"
) -> list[Problem]:
    """Return a Problem for every Totaal cell and every row whose parts don't add up.

    ``totals`` is rapport.yaml's ``totaalcontrole``: ``error`` stops the build, ``warning``
    reports and goes on.
    """
    if frame.empty or LABEL not in frame.columns:
        return []
    problems: list[Problem] = []
    totaal = is_totaal(frame[LABEL])
    lines = frame[LINE].to_numpy()
    columns = [c for c in KOLOMMEN if c in frame.columns]
    for column in columns:
        values = frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
        parts = values[~totaal]
        if not totaal.any() or (~totaal).sum() == 0 or np.isnan(parts).any():
            continue
        som = parts.sum()
        for i in np.flatnonzero(totaal & ~np.isnan(values)):
            if values[i] != som:
                message = (
                    f"Totaal is {format_number(values[i])}, "
                    f"maar de som van de rijen is {format_number(som)}"
                )
                problems.append(Problem(file, int(lines[i]), column, message, totals))
    if {"met_groeipotentieel", "zonder_groeipotentieel"} <= set(columns) and "aantal" in columns:
        aantal, met, zonder = (
            frame[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in KOLOMMEN
        )
        known = ~(np.isnan(aantal) | np.isnan(met) | np.isnan(zonder))
        for i in np.flatnonzero(known & (aantal != met + zonder)):  # a handful of summary rows
            message = (
                f"{format_number(aantal[i])} is niet gelijk aan met + zonder groeipotentieel "
                f"({format_number(met[i])} + {format_number(zonder[i])} = "
                f"{format_number(met[i] + zonder[i])})"
            )
            problems.append(Problem(file, int(lines[i]), "aantal", message, totals))
    return problems


def leeftijdsgroepen_problems(inputs: Inputs) -> list[Problem]:
    """A summary given as input is checked, not printed."""
    return check_leeftijdsgroepen(
        inputs.frames["leeftijdsgroepen"],
        file=inputs.display("leeftijdsgroepen"),
        totals=inputs.config.totaalcontrole,
    )
