"""Reads ``rapport.xlsx``: one workbook holding the data files, a sheet each.

A sheet named after a data file (``indicatoren``, ``kosten``, …; case and spaces around the
name don't matter) is that data file, checked by the same spec as a CSV file; its problems name
the workbook and the sheet (``rapport.xlsx[kosten]:5: bedrag: …``). A sheet with nothing below
its header is an unused data file, as if the file were absent. A hidden sheet is not read, and
an unknown sheet neither (each a warning), except the explanation sheet :data:`EXPLANATION`.
A data file given both as a sheet and as its own file is an error: which one is meant?
The workbook is read once, through :mod:`jaarverslag.core.files` (inside the rapport folder, within
the data file limit) and :mod:`jaarverslag.inputs.tables.xlsx` (zip and size checks, cell by cell).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jaarverslag.core import files
from jaarverslag.core.errors import Problem
from jaarverslag.inputs.tables.schemas import DATA_FILES, SPECS, validate_read
from jaarverslag.inputs.tables.xlsx import SheetCells, SheetInfo, Workbook
from jaarverslag.inputs.tables.xlsxcells import XlsxError

#: The workbook's file name (matched without regard to case).
WORKBOOK = "rapport.xlsx"
#: A sheet that explains the others (the starter workbook's first sheet): never data.
EXPLANATION = "toelichting"


@dataclass(frozen=True)
class WorkbookData:
    """The data files a workbook holds: typed frames and the sheet each came from."""

    path: Path | None = None
    display: str = ""  #: how problems name the workbook: ``data/r/rapport.xlsx``
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)  #: data file → the sheet's own name
    problems: list[Problem] = field(default_factory=list)


def find_workbook(folder: Path) -> Path | None:
    """``folder/rapport.xlsx`` (any case), if there is one."""
    found = sorted(p for p in folder.iterdir() if p.name.lower() == WORKBOOK and p.is_file())
    return found[0] if found else None


def sheet_display(workbook: str, sheet: str) -> str:
    """How problems name a sheet: ``data/r/rapport.xlsx[kosten]``."""
    return f"{workbook}[{sheet}]"


def read_workbook(folder: Path) -> WorkbookData:
    """The data sheets of the folder's workbook, read and checked."""
    path = find_workbook(folder)
    if path is None:
        return WorkbookData()
    display = str(folder / path.name)
    data, problems = files.read(folder, path, "data", display)
    if data is None:
        return WorkbookData(problems=problems)
    result = WorkbookData(path, display)
    try:
        book = Workbook(data)
    except XlsxError as exc:
        return WorkbookData(problems=[Problem(display, message=str(exc))])
    for name, sheet in _data_sheets(book, display, result.problems).items():
        try:
            cells = book.cells(sheet)
        except XlsxError as exc:
            where = sheet_display(display, sheet.name)
            result.sheets[name] = sheet.name
            result.frames[name] = pd.DataFrame()
            result.problems.append(Problem(where, message=str(exc)))
            continue
        _read_sheet(name, cells, sheet.name, display, result)
    return result


def _data_sheets(book: Workbook, display: str, problems: list[Problem]) -> dict[str, SheetInfo]:
    """The sheets that are data files, by data file; what is left out is said."""
    chosen: dict[str, SheetInfo] = {}
    for sheet in book.sheets:
        name = sheet.name.strip().casefold()
        where = sheet_display(display, sheet.name)
        if sheet.hidden:
            message = "werkblad is verborgen en wordt niet gelezen (maak het zichtbaar om het te "
            message += "gebruiken)"
            problems.append(Problem(where, message=message, severity="warning"))
        elif name == EXPLANATION:
            continue
        elif name not in SPECS:
            if _empty(book, sheet):
                continue  # an empty sheet (Excel's Blad2): nothing in it to lose
            known = ", ".join(DATA_FILES)
            message = f"werkblad wordt niet gelezen: de naam is geen gegevensbestand ({known})"
            problems.append(Problem(where, message=message, severity="warning"))
        elif name in chosen:
            other = chosen[name].name
            message = f"twee werkbladen voor {name}: '{other}' en '{sheet.name}'; houd er één"
            problems.append(Problem(where, message=message))
        else:
            chosen[name] = sheet
    return chosen


def _empty(book: Workbook, sheet: SheetInfo) -> bool:
    try:
        return not book.cells(sheet).rows
    except XlsxError:
        return False


def _read_sheet(
    name: str, cells: SheetCells, title: str, display: str, result: WorkbookData
) -> None:
    from jaarverslag.inputs.tables.sheets import sheet_table

    where = sheet_display(display, title)
    spec = SPECS[name]
    required = [c.name for c in spec.columns if c.required]
    if not cells.rows and not cells.problems:
        return  # an empty sheet: this data file isn't used
    raw, problems = sheet_table(cells, where, required, [c.name for c in spec.columns])
    if raw is not None and raw.frame.empty and not problems:
        return  # a header and nothing under it: likewise
    result.sheets[name] = title
    if raw is None:
        result.problems.extend(problems)
        result.frames[name] = pd.DataFrame()
        return
    frame, problems = validate_read(raw, problems, spec, where)
    result.frames[name] = frame
    result.problems.extend(problems)


def twin_problems(data: WorkbookData, separate: Mapping[str, Path]) -> list[Problem]:
    """A data file both as a sheet and as a file of its own: an error, naming both."""
    problems = []
    for name, title in data.sheets.items():
        if name in separate:
            other = separate[name].name
            message = f"{name} staat zowel in dit werkblad als in {other}; houd er één"
            problems.append(Problem(sheet_display(data.display, title), message=message))
    return problems
