"""Turns one worksheet into a frame of text cells with their row numbers, as a CSV would give.

The cells come from :mod:`.xlsx` (read cell by cell, bounded). The header is the
first of the sheet's first :data:`HEADER_ROWS` rows that names the file's required columns, so
a title or a note above the table is fine; the rows above it are not data. Native numbers become
text with a decimal point, dates ``YYYY-MM-DD``, so :mod:`.schemas` checks a sheet
exactly as it checks a CSV file. A cell that can't be read, and a value in a column without a
header, are problems named by row and column; the table is still given (such a cell empty), so
every other problem of the sheet is found in the same run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping

import pandas as pd

from jaarverslag.core.errors import Problem
from jaarverslag.inputs.tables.cells import GROUPED
from jaarverslag.inputs.tables.raw import LINE, RawTable, finish
from jaarverslag.inputs.tables.xlsx import SheetCells
from jaarverslag.inputs.tables.xlsxcells import CELL_REF, column_letter

#: The header may be any of a sheet's first rows (title rows above it are skipped).
HEADER_ROWS = 10


def sheet_table(
    cells: SheetCells,
    display: str,
    required: Collection[str] = (),
    known: Collection[str] = (),
) -> tuple[RawTable | None, list[Problem]]:
    """The sheet's table below its header; problems name ``display``, row and column."""
    rows = cells.rows
    if not rows:
        problems = [_cell_problem(display, p, {}) for p in cells.problems]
        return None, [*problems, Problem(display, message="het werkblad is leeg")]
    numbers = sorted(rows)
    first = header_row(rows, required, known)
    header_cells = rows[first]
    width = max(header_cells)
    header = [text(header_cells.get(c)) for c in range(1, width + 1)]
    names = {c: h.strip().lower() for c, h in enumerate(header, start=1) if h.strip()}
    problems = [_cell_problem(display, p, names) for p in cells.problems if p[0] >= first]
    problems += [_cell_problem(display, p, {}) for p in cells.problems if p[0] < first]
    wanted = {c.lower() for c in required}
    if wanted and not wanted <= set(names.values()):
        late = next((n for n in numbers if n > HEADER_ROWS and wanted <= _names(rows[n])), None)
        if late is not None:  # the header is there, too far down to be looked for
            message = f"de kopregel staat in rij {late}; zet hem in een van de eerste "
            message += f"{HEADER_ROWS} rijen"
            return None, [*problems, Problem(display, late, None, message)]
    body = [n for n in numbers if n > first]
    for number in body:
        outside = [c for c in rows[number] if c > width]
        if outside:
            ref = f"{column_letter(min(outside))}{number}"
            message = f"cel {ref} heeft een waarde, maar de kolom heeft geen kop"
            problems.append(Problem(display, number, None, message))
    columns = {c - 1: [text(rows[n].get(c)) for n in body] for c in range(1, width + 1)}
    frame = pd.DataFrame(columns, columns=range(width), dtype="str")
    frame[LINE] = body
    shown = {c - 1: [cells.shown.get((n, c)) for n in body] for c in range(1, width + 1)}
    formats = pd.DataFrame(shown, columns=range(width), dtype="float")
    raw, found = finish(frame, header, "xlsx", display, header_line=first, shown=formats)
    return raw, sorted(problems, key=lambda p: (p.line or 0, p.column or "")) + found


def header_row(
    rows: Mapping[int, Mapping[int, object]], required: Collection[str], known: Collection[str]
) -> int:
    """The row of the header: the first of the first rows that holds every required column,
    else the one that names most known columns, else the first row with anything in it."""
    numbers = sorted(rows)
    candidates = [n for n in numbers if n <= HEADER_ROWS] or numbers[:1]
    wanted = {c.lower() for c in required}
    names = {n: _names(rows[n]) for n in candidates}
    for number in candidates:
        if wanted and wanted <= names[number]:
            return number
    best = max(candidates, key=lambda n: (len(names[n] & set(known)), -n))
    return best if names[best] & set(known) else candidates[0]


def _names(row: Mapping[int, object]) -> set[str]:
    return {text(v).strip().lower() for v in row.values()}


def _cell_problem(display: str, problem: tuple[int, str, str], names: dict[int, str]) -> Problem:
    """A cell that could not be read, named by its column's header where it has one."""
    row, ref, message = problem
    match = CELL_REF.fullmatch(ref)
    column = None
    if match is not None:
        index = 0
        for char in match.group(1):
            index = index * 26 + ord(char) - 64
        column = names.get(index)
    return Problem(display, row, column, f"cel {ref}: {message}")


def text(value: object) -> str:
    """A workbook cell as the text a ``,``-delimited CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return repr(int(value))
        written = repr(value)  # 1.234 would read as a Dutch 1234 typed as text: 1.2340 can't
        return written + "0" if re.fullmatch(GROUPED, written) else written
    return str(value)
