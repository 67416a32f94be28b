"""Workbooks as people make them, for the tests: ``from workbooks import as_workbook, …``.

:func:`as_workbook` turns the data files of a rapport folder (the published tables of the seeds,
as ``data/*`` holds them) into one ``rapport.xlsx`` the way a controller keeps them in Excel: a
title and an empty row above each table, native numbers and dates, the shares of the
verdeelsleutel as percentages (``74%``, held as 0.74), subtotals as formulas with the value
Excel saved with them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

from jaarverslag.inputs.tables.schemas import DATA_FILES, SPECS

TITLE_ROWS = 2  #: a title and an empty row above every table


def read_csv(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row]


def native(text: str, kind: str, dutch: bool) -> object:
    """A CSV cell as Excel holds it."""
    if text in ("", "-"):
        return None if text == "" else "-"
    if kind in ("int", "number"):
        if dutch:
            text = text.replace(".", "").replace(",", ".")
        number = float(text)
        return int(number) if number.is_integer() else number
    if kind == "date":
        if re.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}", text):
            day, month, year = (int(p) for p in text.split("-"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    return text


def as_workbook(folder: Path) -> tuple[bytes, dict[str, dict[str, object]]]:
    """The folder's data files as one workbook (a sheet each, in ``DATA_FILES`` order), and the
    formulas it holds: sheet → cell → the value Excel saved with it."""
    book = Workbook()
    book.remove(book.active)
    formulas: dict[str, dict[str, object]] = {}
    for name in DATA_FILES:
        path = folder / f"{name}.csv"
        if not path.exists():
            continue
        rows = read_csv(path)
        dutch = ";" in path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
        kinds = {c.name: c.kind for c in SPECS[name].columns}
        header = [h.strip().lower() for h in rows[0]]
        sheet = book.create_sheet(name)
        sheet.append([f"{name.capitalize()} — overgenomen uit het gepubliceerde document"])
        sheet.append([])
        sheet.append(rows[0])
        for row in rows[1:]:
            sheet.append(
                [native(c, kinds.get(h, "text"), dutch) for h, c in zip(header, row, strict=True)]
            )
        last = sheet.max_row
        if name == "verdeelsleutel":
            column = header.index("aandeel") + 1
            for cells in sheet.iter_rows(min_row=TITLE_ROWS + 2, min_col=column, max_col=column):
                for cell in cells:
                    cell.value = cell.value / 100
                    cell.number_format = "0%"
        if "post" in header and "bedrag" in header:
            formulas[name] = _subtotals(sheet, header, last)
    buffer = io.BytesIO()
    book.save(buffer)
    return with_cached_values(buffer.getvalue(), book.sheetnames, formulas), formulas


def _subtotals(sheet, header: list[str], last: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Subtotal rows as SUMIFS over the posts of their group and year, as a controller writes
    them; returns cell → the value the formula gives."""
    first = TITLE_ROWS + 2

    def column(name: str) -> str:
        return chr(64 + header.index(name) + 1)

    post, amount, year = column("post"), column("bedrag"), column("jaar")
    group = column("karakter" if "karakter" in header else "soort")
    found: dict[str, object] = {}
    for row in range(first, last + 1):
        if not str(sheet[f"{post}{row}"].value or "").lower().startswith("subtotaal"):
            continue
        cell = sheet[f"{amount}{row}"]
        found[cell.coordinate] = cell.value

        def span(c: str) -> str:
            return f"{c}${first}:{c}${last}"

        cell.value = (
            f"=SUMIFS({span(amount)},{span(group)},{group}{row},{span(year)},{year}{row},"
            f'{span(post)},"<>Subtotaal*")'
        )
    return found


def with_cached_values(
    data: bytes, sheetnames: list[str], formulas: dict[str, dict[str, object]]
) -> bytes:
    """The workbook as Excel saves it: every formula with its value (openpyxl writes none)."""
    parts = {f"xl/worksheets/sheet{i}.xml": n for i, n in enumerate(sheetnames, start=1)}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            for ref, value in formulas.get(parts.get(info.filename, ""), {}).items():
                kind = ' t="e"' if str(value).startswith("#") else ""  # #DIV/0!: an error value
                pattern = rf'<c r="{ref}"([^>]*)>(<f>[^<]*</f>)<v\s*/?>(?:</v>)?'
                saved = rf'<c r="{ref}"\1{kind}>\2<v>{value}</v>'
                content, count = re.subn(pattern.encode(), saved.encode(), content)
                assert count == 1, (info.filename, ref)
            target.writestr(info, content)
    return out.getvalue()
