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

Beside the CSV files, ``csv-metadata.json`` describes them as W3C's *CSV on the Web* does
(:func:`csv_metadata`): each file with its title, its SHA-256 and its columns (named as in the
CSV, :func:`csv_columns`), and the fingerprint of the inputs they were made from
(``dc:source``), which ``verify`` checks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections.abc import Mapping, Sequence

from jaarverslag.core.fingerprint import Fingerprint
from jaarverslag.core.model import Cell, Row, Table
from jaarverslag.core.numbers import amount_scale, round_half_up

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The metadata file beside the CSV files (CSVW: found by that name by any CSVW processor).
METADATA = "csv-metadata.json"
#: The label, row kind and group columns every table's CSV starts with.
LEAD_COLUMNS = (("omschrijving", "Omschrijving"), ("regelsoort", "Regelsoort"), ("groep", "Groep"))
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


def csv_columns(table: Table) -> list[tuple[str, str]]:
    """(name, title) of every column of a table's CSV, in order: a label column, the row kind,
    the group, (the unit of each row when the rows differ in unit), then every column, named
    with the unit of its figures, each followed by what its cells say beside their value
    (``<key>_status`` …)."""
    units = column_units(table)
    shown = units if units is not None else [None] * len(table.columns)
    extra = _extra_names(table)
    columns = [*LEAD_COLUMNS, *((("eenheid", "Eenheid"),) if units is None else ())]
    for i, (column, unit) in enumerate(zip(table.columns, shown, strict=True)):
        columns.append((column_name(column.key, unit), column.label))
        columns += [(f"{column.key}_{e}", f"{column.label}: {e}") for e in extra[i]]
    return columns


def table_csv(table: Table) -> str:
    """One table as CSV text, its columns as :func:`csv_columns` names them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    scale = amount_scale(table.note)
    per_row = column_units(table) is None
    extra = _extra_names(table)
    writer.writerow([name for name, _ in csv_columns(table)])
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
        for path in sorted(p for p in files if p.startswith(prefix) and p.endswith(".csv")):
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


def csv_metadata(
    title: str,
    files: Mapping[str, bytes],
    fingerprint: Fingerprint | None,
    tables: Sequence[Table] = (),
) -> bytes:
    """``csv-metadata.json`` for the CSV files among ``files`` (``tabellen/<name>.csv``): its
    title, each file's SHA-256 and (for those of ``tables``) its caption and columns, and the
    fingerprint of the inputs with every input file's hash. Sorted: same files, same bytes."""
    described = {t.name: t for t in tables}
    entries = []
    for path in sorted(p for p in files if p.startswith("tabellen/") and p.endswith(".csv")):
        name = path.removeprefix("tabellen/").removesuffix(".csv")
        entry: dict[str, object] = {
            "url": f"{name}.csv",
            "schema:sha256": hashlib.sha256(files[path]).hexdigest(),
        }
        table = described.get(name)
        if table is not None:
            columns = csv_columns(table)
            entry["dc:title"] = table.caption
            entry["tableSchema"] = {
                "columns": [{"name": key, "titles": label} for key, label in columns]
            }
        entries.append(entry)
    content: dict[str, object] = {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "nl"}],
        "dc:title": title,
        "tables": entries,
    }
    if fingerprint is not None:
        content["dc:source"] = {
            "@id": f"urn:sha256:{fingerprint.sha256}",
            "schema:softwareVersion": f"jaarverslag {fingerprint.version}",
            "schema:hasPart": [
                {"schema:name": path, "schema:sha256": sha} for path, sha in fingerprint.files
            ],
        }
    return (json.dumps(content, indent=1, ensure_ascii=False) + "\n").encode()


def metadata_fingerprint(data: bytes) -> tuple[str, Fingerprint | None] | None:
    """The fingerprint a ``csv-metadata.json`` records and the record of its files; None when
    it records none."""
    try:
        source = json.loads(data)["dc:source"]
        digest = str(source["@id"]).removeprefix("urn:sha256:")
    except (ValueError, KeyError, TypeError):
        return None
    try:
        version = str(source["schema:softwareVersion"]).removeprefix("jaarverslag ")
        files = tuple(
            (str(p["schema:name"]), str(p["schema:sha256"])) for p in source["schema:hasPart"]
        )
    except (KeyError, TypeError):
        return digest, None
    return digest, Fingerprint(version, files)
