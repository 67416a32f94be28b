"""Reads the cells of an Excel workbook (.xlsx) safely: bounded before parsing, cell by cell.

A workbook is a zip of XML parts, and both can lie. So the zip's declared sizes are checked
before anything is unpacked (a few kilobytes must not unpack to gigabytes), shared strings are
counted while they are read, and the sheet is read cell by cell from its XML: the sheet's own
``<dimension>`` is never used, so a workbook that claims ``A1:XFD1048576`` costs nothing extra and
one that claims too few rows loses none. Entities and DTDs are never resolved. Dates follow the
cell's number format, as Excel shows them, and so do percentages (a cell showing ``74%`` holds
0.74 and reads as 74); a formula cell gives the value Excel saved with it.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from jaarverslag.core.files import unpacked_problem
from jaarverslag.core.limits import dutch
from jaarverslag.core.packages import ZIP_ERRORS, doctype_in, dtd_message, zip_failure
from jaarverslag.inputs.tables.cells import format_decimals
from jaarverslag.inputs.tables.xlsxcells import (
    XlsxError,
    date,
    parse_column,
    parse_row,
    percent,
    ref,
)

if TYPE_CHECKING:
    from jaarverslag.core.xml import Element  # lxml is imported when a workbook is read

KIND = "Excel-bestand"
MAX_SHARED_STRINGS = 2_000_000
#: What all cells of a workbook may expand to: characters (a shared string counted in every cell
#: that uses it; a number as 8) and filled cells. Memory stays within a few hundred megabytes.
MAX_CHARACTERS = 50_000_000
MAX_CELLS = 2_000_000
MAX_PROBLEMS = 1_000  #: unreadable cells of one sheet reported one by one
MAX_CELL_TEXT = 32_767  #: the most characters Excel keeps in one cell
MAX_REPORTED = 10

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
OFFICE_DOCUMENT = "/officeDocument"
WORKSHEET = "/worksheet"
#: the parts of a number format that are printed literally: "text", \x and _x (a space)
LITERAL = re.compile(r'"[^"]*"|\\.|_.')

Value = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta
#: Excel's error values (the file holds them in English) as a Dutch Excel shows them
DUTCH_ERRORS = {
    "#DIV/0!": "#DEEL/0!",
    "#N/A": "#N/B",
    "#VALUE!": "#WAARDE!",
    "#REF!": "#VERW!",
    "#NAME?": "#NAAM?",
    "#NUM!": "#GETAL!",
    "#NULL!": "#LEEG!",
}


@dataclass(frozen=True)
class SheetInfo:
    """A worksheet as the workbook lists it."""

    name: str
    hidden: bool
    part: str


@dataclass(frozen=True)
class SheetCells:
    """The non-empty cells of a sheet by row number, and what could not be read."""

    rows: dict[int, dict[int, Value]]
    problems: tuple[tuple[int, str, str], ...]  # (row, cell reference, message)
    #: (row, column) → decimals the number format of a native number shows (``0.0`` → 1)
    shown: dict[tuple[int, int], int] = field(default_factory=dict)


def _parse(source: IO[bytes], events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, Element]]:
    from lxml import etree  # only when a workbook is read

    parsed: Iterator[tuple[str, Element]] = etree.iterparse(
        source,
        events=events,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    return parsed


def _free(element: Element) -> None:
    """Drop a handled element and the siblings before it, so memory stays flat."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


class Workbook:
    """An opened workbook: its sheets, number formats and shared strings, all checked."""

    def __init__(self, data: bytes) -> None:
        problem = unpacked_problem(data, KIND)
        if problem is not None:
            raise XlsxError(problem)
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._names = {i.filename for i in self._zip.infolist()}
        workbook_part = self._office_document()
        self.sheets, self._epoch = self._read_workbook(workbook_part)
        styles = self._read_styles(workbook_part)
        self._date_styles, self._percent_styles, self._decimal_styles = styles
        self._strings: list[str] | None = None
        self._strings_part = self._related(workbook_part, "/sharedStrings")
        self.cell_count = 0  #: filled cells read so far, of every sheet
        self.characters = 0  #: what they expand to (see :meth:`_count`)

    # -- the parts --------------------------------------------------------------------------

    def _open(self, part: str) -> IO[bytes]:
        """A part to parse: there, whole so far, and XML as Excel writes it (no DTD)."""
        if part not in self._names:
            raise XlsxError(f"is geen leesbaar Excel-bestand ({part} ontbreekt)")
        try:
            with self._zip.open(part) as head:
                if doctype_in(head):
                    raise XlsxError(dtd_message(KIND, part))
            return self._zip.open(part)
        except ZIP_ERRORS as exc:
            raise XlsxError(zip_failure(exc, KIND, part)) from exc

    def _relationships(self, part: str) -> list[tuple[str, str, str]]:
        """``(id, type, target part)`` of every relationship of ``part``."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if rels not in self._names:
            return []
        found = []
        with self._open(rels) as source:
            for _, element in self._checked(_parse(source), rels):
                if element.tag == f"{REL}Relationship":
                    target = element.get("Target", "")
                    if element.get("TargetMode") != "External":
                        if target.startswith("/"):
                            resolved = target.lstrip("/")
                        else:
                            resolved = posixpath.normpath(posixpath.join(folder, target))
                        found.append((element.get("Id", ""), element.get("Type", ""), resolved))
        return found

    def _related(self, part: str, kind: str) -> str | None:
        return next((t for _, k, t in self._relationships(part) if k.endswith(kind)), None)

    def _office_document(self) -> str:
        found = self._related("", OFFICE_DOCUMENT)
        part = found or "xl/workbook.xml"
        if part not in self._names:
            raise XlsxError("is geen leesbaar Excel-bestand (geen werkmap erin)")
        return part

    def _checked(
        self, events: Iterator[tuple[str, Element]], part: str
    ) -> Iterator[tuple[str, Element]]:
        try:
            yield from events
        except SyntaxError as exc:  # lxml's XMLSyntaxError is one
            raise XlsxError(f"is geen leesbaar Excel-bestand (fout in {part}: {exc})") from exc
        except ZIP_ERRORS as exc:  # a bad checksum, a part cut short: found while unpacking
            raise XlsxError(zip_failure(exc, KIND, part)) from exc

    def _read_workbook(self, part: str) -> tuple[tuple[SheetInfo, ...], dt.datetime]:
        targets = {rid: t for rid, kind, t in self._relationships(part) if kind.endswith(WORKSHEET)}
        sheets = []
        date1904 = False
        with self._open(part) as source:
            for _, element in self._checked(_parse(source), part):
                if element.tag == f"{MAIN}workbookPr":
                    date1904 = element.get("date1904", "0").lower() in ("1", "true")
                elif element.tag == f"{MAIN}sheet":
                    target = targets.get(element.get(f"{DOC_REL}id", ""))
                    if target is not None:  # a chart sheet holds no cells
                        hidden = element.get("state", "visible") != "visible"
                        sheets.append(SheetInfo(element.get("name", ""), hidden, target))
        epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
        return tuple(sheets), epoch

    def _read_styles(
        self, workbook_part: str
    ) -> tuple[frozenset[int], frozenset[int], dict[int, int]]:
        """The cell styles whose number format shows a date, those that show a percentage, and
        the decimals each number format other than General shows."""
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        part = self._related(workbook_part, "/styles")
        if part is None or part not in self._names:
            return frozenset(), frozenset(), {}
        custom: dict[int, str] = {}
        formats: list[int] = []
        with self._open(part) as source:
            for _, element in self._checked(_parse(source), part):
                if element.tag == f"{MAIN}numFmt":
                    custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
                elif element.tag == f"{MAIN}cellXfs":
                    formats = [int(xf.get("numFmtId", "0")) for xf in element]
                    element.clear()
        dates, percents, decimals = set(), set(), {}
        for index, number in enumerate(formats):
            code = custom.get(number, BUILTIN_FORMATS.get(number, ""))
            if code and is_date_format(code):
                dates.add(index)
                continue
            if "%" in LITERAL.sub("", code):
                percents.add(index)
            if (shown := format_decimals(code)) is not None:
                decimals[index] = shown
        return frozenset(dates), frozenset(percents), decimals

    def _shared_strings(self) -> list[str]:
        if self._strings is not None:
            return self._strings
        strings: list[str] = []
        part = self._strings_part
        if part is not None and part in self._names:
            with self._open(part) as source:
                for _, element in self._checked(_parse(source), part):
                    if element.tag == f"{MAIN}si":
                        if len(strings) >= MAX_SHARED_STRINGS:
                            raise XlsxError(
                                f"heeft meer dan {dutch(MAX_SHARED_STRINGS)} gedeelde teksten"
                            )
                        strings.append(_rich_text(element))
                        _free(element)
        self._strings = strings
        return strings

    # -- the cells --------------------------------------------------------------------------

    def first_sheet(self) -> SheetInfo:
        if not self.sheets:
            raise XlsxError("bevat geen werkblad")
        return self.sheets[0]

    def cells(self, sheet: SheetInfo) -> SheetCells:
        """Every non-empty cell of ``sheet``; a cell that can't be read is a problem."""
        strings = self._shared_strings()
        rows: dict[int, dict[int, Value]] = {}
        problems: list[tuple[int, str, str]] = []
        shown: dict[tuple[int, int], int] = {}
        row_number = 0
        in_row = False
        with self._open(sheet.part) as source:
            events = self._checked(_parse(source, ("start", "end")), sheet.part)
            for event, element in events:
                if element.tag != f"{MAIN}row":
                    if event == "end" and not in_row and element.tag != f"{MAIN}sheetData":
                        _free(element)  # anything outside the rows: not needed, not kept
                    continue
                if event == "start":
                    in_row = True
                    continue
                in_row = False
                row_number = parse_row(element.get("r"), row_number)
                cells = rows.setdefault(row_number, {})
                column = 0
                for cell in element.iterchildren(f"{MAIN}c"):
                    column = parse_column(cell.get("r"), row_number, column)
                    try:
                        value = self._value(cell, strings)
                    except XlsxError as exc:
                        problems.append((row_number, ref(column, row_number), str(exc)))
                        continue
                    if value is None or (isinstance(value, str) and not value.strip()):
                        continue
                    self._count(value)
                    if column in cells:
                        where = ref(column, row_number)
                        problems.append((row_number, where, "cel komt twee keer voor"))
                    cells[column] = value
                    places = self._decimal_styles.get(int(cell.get("s") or -1), None)
                    if places is not None and type(value) in (int, float):
                        shown[row_number, column] = places
                if not cells:
                    del rows[row_number]
                _free(element)
        if len(problems) > MAX_PROBLEMS:  # a sheet of errors: the first ones say enough
            row, where, _ = problems[MAX_PROBLEMS]
            more = f"en nog {len(problems) - MAX_PROBLEMS} cellen die niet te lezen zijn"
            problems[MAX_PROBLEMS:] = [(row, where, more)]
        return SheetCells(rows, tuple(problems), shown)

    def _count(self, value: Value) -> None:
        """Count a cell against the workbook's bounds on what its cells expand to: a shared
        string counts every time a cell uses it, so a small file can't unfold into gigabytes."""
        self.cell_count += 1
        self.characters += len(value) if isinstance(value, str) else 8
        if self.characters > MAX_CHARACTERS:
            raise XlsxError(
                f"is te groot: de cellen bevatten samen meer dan {dutch(MAX_CHARACTERS)} tekens "
                "(een gedeelde tekst telt mee in elke cel die hem gebruikt)"
            )
        if self.cell_count > MAX_CELLS:
            raise XlsxError(
                f"is te groot: meer dan {dutch(MAX_CELLS)} gevulde cellen; "
                "lever zoveel gegevens als CSV-bestand"
            )

    def _value(self, cell: Element, strings: list[str]) -> Value | None:
        kind = cell.get("t", "n")
        raw = cell.findtext(f"{MAIN}v")
        if kind == "inlineStr":
            inline = cell.find(f"{MAIN}is")
            text = _rich_text(inline) if inline is not None else None
            return _text(text)
        if not raw:  # no <v>, or an empty one (openpyxl writes <v></v> for a formula)
            if cell.find(f"{MAIN}f") is not None:
                raise XlsxError(
                    "formule zonder opgeslagen uitkomst; open het bestand in Excel en sla het op"
                )
            return None
        if kind == "s":
            try:
                return _text(strings[int(raw)])
            except (ValueError, IndexError) as exc:
                raise XlsxError(f"verwijst naar gedeelde tekst {raw!r}, die er niet is") from exc
        if kind == "e":  # #DIV/0!, #N/A: a formula that failed; never a value
            shown = f"{DUTCH_ERRORS[raw]} ({raw})" if raw in DUTCH_ERRORS else raw
            raise XlsxError(f"de cel toont de Excel-fout {shown}; herstel die in Excel")
        if kind == "str":
            return _text(raw)
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            try:
                moment: Value = from_ISO8601(raw)
                return moment
            except ValueError as exc:
                raise XlsxError(f"{raw!r} is geen datum") from exc
        try:
            number: int | float = int(raw) if raw.lstrip("-").isdigit() else float(raw)
        except ValueError as exc:
            raise XlsxError(f"{raw!r} is geen getal") from exc
        style = int(cell.get("s", "")) if cell.get("s", "").isdigit() else None
        if style in self._date_styles:
            return date(number, self._epoch)
        if style in self._percent_styles:
            return percent(raw)
        return number


def _rich_text(element: Element) -> str:
    """The text of a shared or inline string: plain ``<t>`` or runs, phonetic hints left out."""
    parts = [element.findtext(f"{MAIN}t") or ""]
    parts += [run.findtext(f"{MAIN}t") or "" for run in element.iterchildren(f"{MAIN}r")]
    return "".join(parts)


def _text(text: str | None) -> str | None:
    if text is not None and len(text) > MAX_CELL_TEXT:
        raise XlsxError(f"tekst van {len(text)} tekens (Excel houdt er hoogstens {MAX_CELL_TEXT})")
    return text
