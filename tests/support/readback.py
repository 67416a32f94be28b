"""Our outputs read back as a reader would: the figures of the open data as they may be printed,
and the rows of every figure table of an HTML page."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

from jaarverslag.core.numbers import format_number

#: a number as printed: 1.234.567,8 or 15,3 or -97.306 (a Unicode minus is read as "-")
TOKEN = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?")
RAW_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
HIDDEN = re.compile(r"<(\d+)")


#: The unit the open data puts at the end of a column's name (docs: Open data).
UNIT = re.compile(r"(?<=.)_(aantal|procent|duizend_euro|euro_per_inwoner|euro)$")


def without_units(record: dict[str, str]) -> dict[str, str]:
    """An open-data row by column name without its unit (``verschil_euro`` → ``verschil``)."""
    return {UNIT.sub("", k): v for k, v in record.items()}


def printed_forms(cell: str) -> set[str] | None:
    """How an open-data cell can look in a document; None for a cell with no figure.

    The open data holds raw numbers (``100`` for a printed ``100,0%``), so every number of
    decimals a table may print is allowed; ``<5`` prints as ``<5``; ``x`` and empty hold none.
    """
    if RAW_NUMBER.fullmatch(cell):
        return {format_number(float(cell), decimals) for decimals in (None, 0, 1, 2)}
    hidden = HIDDEN.fullmatch(cell)
    return {hidden.group(1)} if hidden else None


def table_rows(folder: Path) -> list[tuple[str, str, list[set[str]]]]:
    """(table, row label, printed forms of its figures) for every row with figures."""
    rows = []
    for table in sorted((folder / "tabellen").glob("*.csv")):
        with table.open(encoding="utf-8", newline="") as f:
            records = list(csv.reader(f))
        assert records[0][:3] == ["omschrijving", "regelsoort", "groep"]
        for record in records[1:]:
            figures = [forms for cell in record[3:] if (forms := printed_forms(cell))]
            if figures:
                rows.append((table.name, record[0], figures))
    return rows


def missing_rows(text: str, rows: list[tuple[str, str, list[set[str]]]]) -> list[str]:
    tokens = TOKEN.findall(text.replace("\u2212", "-"))

    def found(figures: list[set[str]]) -> bool:
        n = len(figures)
        return any(
            all(t in forms for t, forms in zip(tokens[i : i + n], figures, strict=True))
            for i in range(len(tokens) - n + 1)
        )

    return [f"{table}: {label}: {figures}" for table, label, figures in rows if not found(figures)]


class HtmlTables(HTMLParser):
    """Rows of every ``table.cijfers`` by table id: [label, cell, cell, …] as printed."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and (a.get("id") or "").startswith("tabel-"):
            self.current = str(a["id"])[len("tabel-") :]
            self.tables[self.current] = []
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.current and self.in_body:
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self.row is not None and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None and self.current:
            self.tables[self.current].append(self.row)
            self.row = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
