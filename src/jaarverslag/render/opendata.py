"""Turns computed tables into open-data CSV: RFC 4180, ``,``, UTF-8, raw numbers.

Numbers are unformatted with a decimal point; percentages as printed (15.3 for 15,3%); no
data is an empty cell; a privacy mark (``x``) replaces a suppressed value here as everywhere,
and a row privacy leaves out stays, with the mark in every cell of figures. A text cell that a
spreadsheet would run as a formula is prefixed with ``'``.

Every table says the unit of its figures, by one rule (docs: *Open data*): a column of figures
of one unit ends its name with that unit — ``_aantal``, ``_procent``, ``_euro``,
``_duizend_euro`` (amounts in thousands), ``_euro_per_inwoner`` — unless its name already ends
with it (``aantal``, ``percentage``, ``pct_…`` say it); a table whose rows are each a quantity
of its own (the indicators: a count, a percentage, an amount) has a column ``eenheid`` after
``groep`` with each row's unit instead, and so has a table whose rows differ in unit.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence

from jaarverslag.core.model import Cell, Row, Table
from jaarverslag.core.numbers import amount_scale, round_half_up

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A cell's unit as the open data names it.
UNIT_WORDS = {"aantal": "aantal", "percentage": "procent", "euro": "euro"}
#: Column names that already say their unit.
SAYS_PROCENT = ("percentage", "pct_")


def neutralise(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would read as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def raw_value(cell: Cell) -> str:
    if cell.suppressed is not None:
        return neutralise(cell.suppressed)
    value = cell.value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if cell.decimals is not None:
        value = float(round_half_up(value, cell.decimals))
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def unit_word(unit: str, scale: int = 1) -> str | None:
    """``euro`` in thousands is ``duizend_euro``; a text or a year has none."""
    word = UNIT_WORDS.get(unit)
    if word == "euro" and scale != 1:
        return "duizend_euro" if scale == 1000 else f"euro_x{scale}"
    return word


def _found(table: Table, index: int, scale: int) -> set[str]:
    """The units of the figures in column ``index``."""
    rows = (r for r in table.rows if r.kind not in ("groep", "leeg") and index < len(r.cells))
    cells = (r.cells[index] for r in rows)
    words = {unit_word(c.unit, scale) for c in cells if not isinstance(c.value, str)}
    return {w for w in words if w is not None}


def column_units(table: Table) -> list[str | None] | None:
    """Per column the unit of its figures (None: a text column); None when the rows say theirs:
    a table of one quantity per row (the indicators), or a column of several units."""
    if table.unit_per_row:
        return None
    scale = amount_scale(table.note)
    units: list[str | None] = []
    for index, column in enumerate(table.columns):
        found = _found(table, index, scale)
        if column.unit is None and len(found) > 1:
            return None
        units.append(column.unit if column.unit is not None else next(iter(found), None))
    return units


def column_name(key: str, unit: str | None) -> str:
    """``begroting_2024`` in thousands: ``begroting_2024_duizend_euro``; ``aantal`` and
    ``aantal_inwoners`` stay."""
    if unit is None or key == unit or key.endswith(f"_{unit}") or key.startswith(f"{unit}_"):
        return key
    if unit == "procent" and key.startswith(SAYS_PROCENT):
        return key
    return f"{key}_{unit}"


def row_unit(row: Row, scale: int) -> str:
    """The unit of a row's figures (an indicator's), empty when it has none."""
    found = {w for c in row.cells if (w := unit_word(c.unit, scale)) is not None}
    return found.pop() if len(found) == 1 else ""


def table_csv(table: Table) -> str:
    """One table as CSV text: a label column, the row kind, the group, (the unit of each row
    when the rows differ in unit), then every column, named with the unit of its figures."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    scale = amount_scale(table.note)
    units = column_units(table)
    per_row = units is None
    shown = units if units is not None else [None] * len(table.columns)
    names = [column_name(c.key, u) for c, u in zip(table.columns, shown, strict=True)]
    extra = _extra_names(table)
    keys = [c.key for c in table.columns]  # what a value says beside it: ``<key>_status``
    header = [h for i, n in enumerate(names) for h in (n, *(f"{keys[i]}_{e}" for e in extra[i]))]
    eenheid = ["eenheid"] if per_row else []
    writer.writerow(["omschrijving", "regelsoort", "groep", *eenheid, *header])
    group = ""
    for row in table.rows:
        if row.kind == "groep":
            group = row.label
            continue
        if row.kind == "leeg":
            continue
        if row.kind == "totaal":
            group = ""  # a total's label says what it totals; the group ends with it
        unit = [row_unit(row, scale)] if per_row else []
        values = [
            v
            for i, c in enumerate(row.cells)
            for v in (raw_value(c), *(neutralise(dict(c.extra).get(e, "")) for e in extra[i]))
        ]
        writer.writerow([neutralise(row.label), row.kind, neutralise(group), *unit, *values])
    return out.getvalue()


def _extra_names(table: Table) -> list[list[str]]:
    """Per column the names of what its cells say beside their value (``status``, ``bron``,
    ``peildatum``), in the order first met: each a column after it."""
    names: list[list[str]] = [[] for _ in table.columns]
    for row in table.rows:
        for i, cell in enumerate(row.cells[: len(names)]):
            names[i] += [n for n, _ in cell.extra if n not in names[i]]
    return names


def merge_tables(
    gemeenten: Sequence[tuple[str, str]], files: Mapping[str, bytes]
) -> dict[str, bytes]:
    """A reeks's national open data: each table of the gemeenten's folders
    (``slug/tabellen/t.csv``) as one ``tabellen/t.csv``, a ``gemeente`` column first, the rows
    gemeente by gemeente; a column only some gemeenten have is empty for the others."""
    merged: dict[str, tuple[list[str], list[dict[str, str]]]] = {}
    for naam, slug in gemeenten:
        prefix = f"{slug}/tabellen/"
        for path in sorted(p for p in files if p.startswith(prefix)):
            rows = list(csv.reader(io.StringIO(files[path].decode("utf-8"), newline="")))
            if not rows:
                continue
            header, body = rows[0], rows[1:]
            columns, records = merged.setdefault(path.removeprefix(prefix), (["gemeente"], []))
            columns += [c for c in header if c not in columns]
            records += [
                {"gemeente": neutralise(naam), **dict(zip(header, r, strict=True))} for r in body
            ]
    result = {}
    for name, (columns, records) in merged.items():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([record.get(c, "") for c in columns] for record in records)
        result[f"tabellen/{name}"] = out.getvalue().encode()
    return result
