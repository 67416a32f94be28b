"""Turns computed tables into open-data CSV: RFC 4180, ``,``, UTF-8, raw numbers.

Numbers are unformatted with a decimal point; percentages as printed (15.3 for 15,3%); no
data is an empty cell; a privacy mark (``<5``) replaces a suppressed value here as everywhere.
A text cell that a spreadsheet would run as a formula is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence

from jaarverslag.core.model import Cell, Table
from jaarverslag.core.numbers import round_half_up

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def table_csv(table: Table) -> str:
    """One table as CSV text: a label column, the row kind, the group, then every column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["omschrijving", "regelsoort", "groep", *(c.key for c in table.columns)])
    group = ""
    for row in table.rows:
        if row.kind == "groep":
            group = row.label
            continue
        if row.kind == "leeg":
            continue
        if row.kind == "totaal":
            group = ""  # a total's label says what it totals; the group ends with it
        writer.writerow(
            [neutralise(row.label), row.kind, neutralise(group), *(raw_value(c) for c in row.cells)]
        )
    return out.getvalue()


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
