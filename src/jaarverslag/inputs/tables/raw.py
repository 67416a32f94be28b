"""Raw tables: the text cells of a data file (CSV or worksheet) with their physical lines.

Both readers (:mod:`.readers` for CSV, :mod:`.sheets` for a worksheet) end here: a frame of
text cells under a lower-cased header, and the column :data:`LINE`. Typing the cells is the job
of :mod:`.schemas`; every typed frame keeps :data:`LINE`, which is how every message about a row,
from reading to the national checks of a reeks, names its line.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jaarverslag.core.errors import Problem

#: The physical line of a row in its file (the header being line 1; a worksheet's row number):
#: a column of every raw and typed frame, never printed.
LINE = "_line"


def decimals_column(name: str) -> str:
    """The typed frame's column that holds how many decimals each value of ``name`` was typed
    with (``49,0`` → 1), for a column whose spec keeps them (``typed_decimals``); never printed."""
    return f"_{name}_decimals"


@dataclass(frozen=True)
class RawTable:
    """Text cells (``""`` for empty), lower-cased header, and a ``_line`` column.

    ``notation`` says how numbers are written: ``"nl"`` (``1.234,5``, from a ``;`` file),
    ``"point"`` (``1234.5``, from a ``,`` file) or ``"xlsx"`` (a workbook's native numbers,
    written with a point). ``header_line`` is the row of the header (a sheet may have title
    rows above it). ``shown``: of a worksheet, per column the decimals each native number's
    number format shows (``0.0`` → 1; NaN: the General format, or no number).
    """

    frame: pd.DataFrame
    header: tuple[str, ...]
    notation: str
    header_line: int = 1
    shown: pd.DataFrame | None = None


def finish(
    frame: pd.DataFrame,
    header: list[str],
    notation: str,
    display: str,
    strip: bool = True,
    header_line: int = 1,
    shown: pd.DataFrame | None = None,
) -> tuple[RawTable | None, list[Problem]]:
    """The raw table of ``frame`` under ``header``: names lower-cased, duplicated and unnamed
    columns with values reported, values stripped."""
    names = [h.strip().lower() for h in header]
    problems = [
        Problem(display, header_line, name, "kolom komt meer dan eens voor")
        for name in sorted({n for n in names if names.count(n) > 1 and n})
    ]
    if problems:
        return None, problems
    for index, name in enumerate(names):
        if not name:  # a column without a name: fine when empty, never dropped with values
            filled = frame[index].fillna("").astype("str").str.strip() != ""
            if filled.any():
                line = int(frame[LINE][filled].iloc[0])
                message = f"kolom {index + 1} heeft waarden maar geen naam in de kop"
                problems.append(Problem(display, line, None, message))
    if problems:
        return None, problems
    frame.columns = [*names, LINE]
    frame = frame.loc[:, [c for c in frame.columns if c]]  # unnamed, empty columns
    for name in names:
        if name:
            column = frame[name].fillna("").astype("str")
            frame[name] = column.str.strip() if strip else column
    header_names = tuple(n for n in names if n)
    if shown is not None:  # the same columns as the frame, by position
        shown = shown.set_axis(names, axis=1).loc[:, [n for n in names if n]]
        shown = shown.reset_index(drop=True)
    frame = frame.reset_index(drop=True)
    return RawTable(frame, header_names, notation, header_line, shown), []
