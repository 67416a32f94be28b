"""Reads a CSV or XLSX data file into a frame of text cells with their physical line numbers.

Typing and checking values is the job of :mod:`.schemas`; this module only deals
with bytes: encoding (UTF-8 with or without BOM, Windows-1252), delimiter (``,`` or ``;``),
quoting, and the first sheet of a workbook (:mod:`.sheets`, cell by cell by
:mod:`.xlsx`).
Files are read through :mod:`jaarverslag.core.files`: inside the rapport folder, size-limited.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd

from jaarverslag.core import files
from jaarverslag.core.errors import Problem
from jaarverslag.inputs.tables.raw import LINE, RawTable, finish


def read_table(
    path: Path,
    display: str,
    folder: Path | None = None,
    required: Collection[str] = (),
    known: Collection[str] = (),
) -> tuple[RawTable | None, list[Problem]]:
    """Read ``path`` (which must lie inside ``folder``); problems name the file ``display``.
    A workbook's header is found by its ``required`` and ``known`` column names."""
    data, problems = files.read(folder or path.parent, path, "data", display)
    if data is None:
        return None, problems
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(data, display, required, known)
    return _read_csv(data, display)


def decode(data: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 (BOM optional), else Windows-1252 as Excel writes it."""
    if b"\x00" in data:
        return None, [Problem(display, message="is geen tekstbestand (bevat nul-bytes)")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                display,
                line,
                None,
                f"byte 0x{data[exc.start]:02x} is geen UTF-8 en geen Windows-1252",
            )
        ]


def _read_csv(data: bytes, display: str) -> tuple[RawTable | None, list[Problem]]:
    text, problems = decode(data, display)
    if text is None:
        return None, problems
    # a byte-order mark inside the file (files glued together) is invisible: pandas would drop
    # the line it starts, so it goes here, before the lines are counted
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    first = next((ln for ln in text.split("\n", 50) if ln.strip(" \t;,")), "")
    if not first:
        return None, [Problem(display, message="het bestand is leeg")]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if '"' in text:
        rows, problems = _rows_with_quotes(text, delimiter, display)
        if problems:
            return None, problems
        header, body = rows[0][1], rows[1:]
        frame = pd.DataFrame([cells for _, cells in body], columns=range(len(header)), dtype="str")
        frame[LINE] = [line for line, _ in body]
    else:
        parsed, header, problems = _rows_without_quotes(text, delimiter, display)
        if parsed is None:
            return None, problems
        frame = parsed
    strip = " " in text or "\t" in text
    return finish(frame, header, "nl" if delimiter == ";" else "point", display, strip)


def _line_stats(text: str, delimiter: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per physical line: its number of fields, whether it holds anything but delimiters and
    white space, and whether it is empty. Counted on the bytes with numpy, so a million lines
    cost milliseconds instead of seconds."""
    data = np.frombuffer(text.encode(), dtype=np.uint8)
    newlines = np.flatnonzero(data == 10)
    ends = np.append(newlines, len(data))
    starts = np.insert(newlines + 1, 0, 0)
    if len(data) and data[-1] == 10:  # the final newline closes the last line
        ends, starts = ends[:-1], starts[:-1]
    at_delim = np.flatnonzero(data == ord(delimiter))
    at_space = np.flatnonzero((data == 32) | (data == 9))
    delims = np.searchsorted(at_delim, ends) - np.searchsorted(at_delim, starts)
    spaces = np.searchsorted(at_space, ends) - np.searchsorted(at_space, starts)
    fields = delims + 1
    fillers = delims + spaces
    length = ends - starts
    content = length - fillers > 0
    return fields, content, length == 0


def _rows_without_quotes(
    text: str, delimiter: str, display: str
) -> tuple[pd.DataFrame | None, list[str], list[Problem]]:
    """Fast path for the common case (no quoting): pandas' C parser, line numbers kept."""
    fields, content, empty = _line_stats(text, delimiter)
    first = int(content.argmax())  # the header: the first line with content
    lines = text.split("\n", first + 1)
    header = lines[first].split(delimiter)
    body_text = lines[first + 1] if len(lines) > first + 1 else ""
    body = slice(first + 1, None)
    numbers = np.flatnonzero(content[body]) + first + 2  # physical line numbers, 1-based
    bad = numbers[fields[numbers - 1] != len(header)]
    if len(bad):
        return (
            None,
            header,
            [
                Problem(
                    display,
                    int(n),
                    None,
                    f"{int(fields[n - 1])} velden, de kop heeft er {len(header)}",
                )
                for n in bad[:20]
            ],
        )
    if (~content[body] & ~empty[body]).any():
        # rows of only delimiters or spaces (Excel's empty rows): the C parser keeps those
        keep = content[body]
        body_text = "\n".join(
            line for line, k in zip(body_text.split("\n"), keep, strict=False) if k
        )
    if len(numbers):
        frame = pd.read_csv(
            io.StringIO(body_text),
            sep=delimiter,
            header=None,
            names=list(range(len(header))),
            dtype="str",
            na_filter=False,
            quoting=csv.QUOTE_NONE,
            skip_blank_lines=True,
            engine="c",
        )
    else:
        frame = pd.DataFrame({i: pd.Series([], dtype="str") for i in range(len(header))})
    frame[LINE] = numbers
    return frame, header, []


def _rows_with_quotes(
    text: str, delimiter: str, display: str
) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """Parse quoted CSV with the csv module, keeping the physical line each record starts on."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    start = 1
    try:
        for record in reader:
            if record and any(c.strip() for c in record):
                rows.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        return [], [Problem(display, reader.line_num, None, f"onleesbare CSV ({exc})")]
    if not rows:
        return [], [Problem(display, message="het bestand is leeg")]
    width = len(rows[0][1])
    for line, record in rows[1:]:
        if len(record) != width:
            problems.append(
                Problem(display, line, None, f"{len(record)} velden, de kop heeft er {width}")
            )
    return rows, problems[:20]


def _read_xlsx(
    data: bytes, display: str, required: Collection[str], known: Collection[str]
) -> tuple[RawTable | None, list[Problem]]:
    from jaarverslag.inputs.tables.sheets import sheet_table
    from jaarverslag.inputs.tables.xlsx import Workbook
    from jaarverslag.inputs.tables.xlsxcells import XlsxError

    try:
        book = Workbook(data)
        cells = book.cells(book.first_sheet())
    except XlsxError as exc:
        return None, [Problem(display, message=str(exc))]
    return sheet_table(cells, display, required, known)
