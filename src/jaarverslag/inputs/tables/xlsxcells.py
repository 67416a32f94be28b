"""Where a cell of a workbook is and what its raw value means, as Excel has it: references
within Excel's own sheet limits, dates by the workbook's epoch, percentages as shown."""

from __future__ import annotations

import datetime as dt
import decimal
import re

MAX_ROWS = 1_048_576  #: Excel's own sheet limits: a cell beyond them is no real workbook
MAX_COLUMNS = 16_384
CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


class XlsxError(Exception):
    """A workbook that can't or mustn't be read; the message says why, in Dutch."""


def column_letter(index: int) -> str:
    """``1`` → ``A``, ``28`` → ``AB``."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def ref(column: int, row: int) -> str:
    return f"{column_letter(column)}{row}"


def parse_row(ref: str | None, previous: int) -> int:
    number = previous + 1
    if ref is not None:
        if not ref.isdigit():
            raise XlsxError(f"rijnummer {ref!r} is geen getal")
        number = int(ref)
    if not 1 <= number <= MAX_ROWS:
        raise XlsxError(f"rij {number} ligt buiten het werkblad (hoogstens {MAX_ROWS} rijen)")
    return number


def parse_column(ref: str | None, row: int, previous: int) -> int:
    column = previous + 1
    if ref is not None:
        match = CELL_REF.fullmatch(ref)
        if match is None or int(match.group(2)) != row:
            raise XlsxError(f"celverwijzing {ref!r} past niet bij rij {row}")
        column = column_index(match.group(1))
    if column > MAX_COLUMNS:
        raise XlsxError(
            f"cel {column_letter(column)}{row} ligt buiten het werkblad "
            f"(hoogstens {MAX_COLUMNS} kolommen)"
        )
    return column


def percent(raw: str) -> int | float:
    """A number shown as a percentage, as it is shown: 0.153 → 15.3, exactly (no 15.299…)."""
    shown = decimal.Decimal(raw) * 100
    if shown.is_finite() and shown == shown.to_integral_value():
        return int(shown)
    return float(shown)


def date(serial: float, epoch: dt.datetime) -> dt.datetime | dt.date:
    if not -1e7 < serial < 1e7:
        raise XlsxError(f"{serial} is als datum opgemaakt maar is geen datum")
    if epoch.year == 1899 and serial < 60:  # Excel's phantom 29 February 1900
        serial += 1
    moment = epoch + dt.timedelta(days=serial)
    return moment.date() if moment.time() == dt.time() else moment
