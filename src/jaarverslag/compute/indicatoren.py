"""Turns validated indicator rows into the indicator table: columns from the years and kinds
present, units per indicator, a dash for no data and footnote markers at values."""

from __future__ import annotations

import pandas as pd

from ..model import Cell, Column, Row, Table

#: Within one year a target column comes before the realisatie column.
SOORT_ORDER = {"begroting": 0, "beoogd": 1, "realisatie": 2}
SOORT_LABEL = {"begroting": "Begroting", "beoogd": "Beoogd", "realisatie": "Realisatie"}


def column_window(soort: str, jaar: int) -> tuple[int, int]:
    """The years an indicator table shows: a jaarverslag looks back, a begroting ahead."""
    if soort == "jaarverslag":
        return jaar - 1, jaar
    if soort == "begroting":
        return jaar - 2, jaar + 3
    return jaar - 2, jaar + 3


def indicator_columns(frame: pd.DataFrame, soort: str, jaar: int) -> list[tuple[int, str]]:
    """(jaar, soort) pairs that get a column, in print order.

    A jaarverslag shows earlier years' realisatie and the report year's target and realisatie
    (Realisatie t-1 / Begroting t / Realisatie t); a begroting shows realisaties before the
    report year and targets from the year before it (Realisatie t-2 / Beoogd t-1 / Beoogd t).
    """
    first, last = column_window(soort, jaar)
    present = frame.loc[frame["jaar"].between(first, last), ["jaar", "soort"]].drop_duplicates()
    years = present["jaar"].astype(int)
    realisatie = present["soort"] == "realisatie"
    if soort == "jaarverslag":
        keep = realisatie | (years == jaar)
    else:
        keep = (realisatie & (years < jaar)) | (~realisatie & (years >= jaar - 1))
    present = present[keep]
    pairs = sorted(
        zip(present["jaar"].astype(int), present["soort"], strict=True),
        key=lambda p: (p[0], SOORT_ORDER[p[1]]),
    )
    return pairs


def footnote_markers(frame: pd.DataFrame) -> dict[str, str]:
    """One marker per distinct footnote text, in order of first appearance: *, **, ***, 4, …"""
    texts = frame["voetnoot"].dropna().drop_duplicates() if "voetnoot" in frame else []
    return {text: ("*" * n if n <= 3 else str(n)) for n, text in enumerate(texts, start=1)}


def indicator_table(
    frame: pd.DataFrame, *, soort: str, jaar: int, caption: str = "Prestatie-indicatoren"
) -> Table:
    """The table of seed 000/001: one row per indicator, one column per (jaar, soort)."""
    pairs = indicator_columns(frame, soort, jaar)
    markers = footnote_markers(frame)
    cells = frame.set_index(["id", "jaar", "soort"])
    order = frame.drop_duplicates("id", keep="first")["id"]
    labels = frame.groupby("id")["indicator"].last()
    units = frame.groupby("id")["eenheid"].first()
    rows = []
    for ident in order:
        row_cells = []
        for year, kind in pairs:
            key = (ident, year, kind)
            if key in cells.index:
                record = cells.loc[key]
                value = None if pd.isna(record["waarde"]) else float(record["waarde"])
                note = record.get("voetnoot")
                mark = (markers[note],) if isinstance(note, str) else ()
            else:
                value, mark = None, ()
            row_cells.append(Cell(value, units[ident], markers=mark))
        rows.append(Row(labels[ident], tuple(row_cells)))
    columns = tuple(Column(f"{SOORT_LABEL[kind]} {year}", f"{kind}_{year}") for year, kind in pairs)
    return Table(
        name="indicatoren",
        caption=caption,
        stub="Prestatie-indicator",
        columns=columns,
        rows=tuple(rows),
        footnotes=tuple((mark, text) for text, mark in markers.items()),
    )
