"""Turns computed tables into open-data CSV: RFC 4180, ``,``, UTF-8, raw numbers.

Numbers are unformatted with a decimal point; percentages as printed (15.3 for 15,3%); no
data is an empty cell; a privacy mark (``<5``) replaces a suppressed value here as everywhere.
A text cell that a spreadsheet would run as a formula is prefixed with ``'``.

Beside the CSV files, ``csv-metadata.json`` describes them as W3C's *CSV on the Web* does
(:func:`csv_metadata`): each file with its title, its SHA-256 and its columns, and the
fingerprint of the inputs they were made from (``dc:source``), which ``verify`` checks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections.abc import Mapping, Sequence

from jaarverslag.core.fingerprint import Fingerprint
from jaarverslag.core.model import Cell, Table
from jaarverslag.core.numbers import round_half_up

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The metadata file beside the CSV files (CSVW: found by that name by any CSVW processor).
METADATA = "csv-metadata.json"
#: The label, row kind and group columns every table's CSV starts with.
LEAD_COLUMNS = (("omschrijving", "Omschrijving"), ("regelsoort", "Regelsoort"), ("groep", "Groep"))


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
            columns = [*LEAD_COLUMNS, *((c.key, c.label) for c in table.columns)]
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
