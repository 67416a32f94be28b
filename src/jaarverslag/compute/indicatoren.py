"""Turns validated indicator rows into the indicator table: one column per (jaar, soort) the data
holds, units per indicator, a dash for no data and footnote markers set apart from the values.

Nothing given is lost: every year of the data is shown unless rapport.yaml's ``jaren`` limits
how far back the table goes, and then ``check`` and ``build`` say which years are left out.
"""

from __future__ import annotations

import pandas as pd

from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import Soort
from jaarverslag.core.model import BlockResult, Cell, Column, Row, Table
from jaarverslag.core.numbers import footnote_markers, money_decimals
from jaarverslag.inputs.folder import Inputs

#: Within one year a target column comes before the realisatie column.
SOORT_ORDER = {"begroting": 0, "beoogd": 1, "realisatie": 2}
SOORT_LABEL = {"begroting": "Begroting", "beoogd": "Beoogd", "realisatie": "Realisatie"}


def shown_years(years: pd.Series, jaar: int, jaren: int | None) -> pd.Series:
    """Which years the table shows: all, or with ``jaren: N`` the report year and the N−1
    years before it; years after the report year (a begroting's targets) always."""
    if jaren is None:
        return pd.Series(True, index=years.index)
    return years > jaar - jaren


def indicator_columns(
    frame: pd.DataFrame, soort: Soort, jaar: int, jaren: int | None = None
) -> list[tuple[int, str]]:
    """(jaar, soort) pairs that get a column, in print order: every pair with a row in the
    data (within ``jaren``), by year, a year's target before its realisatie.

    ``soort`` (the document kind) does not choose columns: a jaarverslag with realisaties from
    2015 shows them all, as published jaarrekeningen do.
    """
    present = frame[["jaar", "soort"]].drop_duplicates()
    present = present[shown_years(present["jaar"].astype(int), jaar, jaren)]
    return sorted(
        zip(present["jaar"].astype(int), present["soort"], strict=True),
        key=lambda p: (p[0], SOORT_ORDER[p[1]]),
    )


def left_out(frame: pd.DataFrame, jaar: int, jaren: int | None) -> list[int]:
    """The years of the data that ``jaren`` keeps out of the table."""
    years = frame["jaar"].astype(int)
    return sorted(set(years[~shown_years(years, jaar, jaren)]))


def jaren_problems(
    frame: pd.DataFrame, *, jaar: int, jaren: int | None, file: str
) -> list[Problem]:
    """A warning naming the years ``jaren`` leaves out, so nothing disappears without a word."""
    years = left_out(frame, jaar, jaren)
    if not years:
        return []
    rows = int(frame["jaar"].astype(int).isin(years).sum())
    listed = ", ".join(map(str, years[:-1])) + (" en " if len(years) > 1 else "") + str(years[-1])
    message = (
        f"{listed} {'staat' if len(years) == 1 else 'staan'} niet in de tabel "
        f"({rows} {'regel' if rows == 1 else 'regels'}): rapport.yaml zegt jaren: {jaren}"
    )
    return [Problem(file, None, "jaar", message, "warning")]


def indicator_table(
    frame: pd.DataFrame,
    *,
    soort: Soort,
    jaar: int,
    jaren: int | None = None,
    caption: str = "Prestatie-indicatoren",
) -> Table:
    """The table of seed 000/001: one row per indicator, one column per (jaar, soort).

    A euro indicator prints all its amounts with one number of decimals (two when any has
    cents). Footnote markers follow the table's reading order, and so do the footnotes.
    """
    pairs = indicator_columns(frame, soort, jaar, jaren)
    keys = pd.MultiIndex.from_tuples(pairs, names=["jaar", "soort"])
    data = frame.assign(jaar=frame["jaar"].astype(int))
    order = pd.Index(data.drop_duplicates("id", keep="first")["id"])
    values = data.pivot(index="id", columns=["jaar", "soort"], values="waarde")
    values = values.reindex(index=order, columns=keys)
    has_notes = "voetnoot" in data and bool(data["voetnoot"].notna().any())
    notes = (
        data.pivot(index="id", columns=["jaar", "soort"], values="voetnoot")
        .reindex(index=order, columns=keys)
        .astype(object)
        if has_notes
        else pd.DataFrame(None, index=order, columns=keys, dtype=object)
    )
    grid = pd.Series(notes.to_numpy().ravel())  # row by row: the table's reading order
    texts = grid[grid.map(lambda note: isinstance(note, str))].unique()
    markers = dict(zip(texts, footnote_markers(len(texts)), strict=True))
    labels = data.groupby("id")["indicator"].last()
    units = data.groupby("id")["eenheid"].first()
    decimals = data.groupby("id")["waarde"].agg(lambda v: money_decimals(v.dropna()))

    rows = []
    for ident in order:  # a handful of indicators × columns: the cells of the printed table
        unit = units[ident]
        places = int(decimals[ident]) if unit == "euro" else None
        cells = tuple(
            Cell(
                None if pd.isna(value) else float(value),
                unit,
                decimals=places,
                markers=(markers[note],) if isinstance(note, str) else (),
            )
            for value, note in zip(values.loc[ident], notes.loc[ident], strict=True)
        )
        rows.append(Row(str(labels[ident]), cells))
    columns = tuple(Column(f"{SOORT_LABEL[kind]} {year}", f"{kind}_{year}") for year, kind in pairs)
    return Table(
        name="indicatoren",
        caption=caption,
        stub="Prestatie-indicator",
        columns=columns,
        rows=tuple(rows),
        footnotes=tuple((mark, str(text)) for text, mark in markers.items()),
    )


def indicatoren_block(inputs: Inputs) -> BlockResult:
    """The indicator table, and the years that ``jaren`` leaves out of it (a warning)."""
    config, frame = inputs.config, inputs.frames["indicatoren"]
    table = indicator_table(frame, soort=config.soort, jaar=config.jaar, jaren=config.jaren)
    file = inputs.display("indicatoren")
    problems = jaren_problems(frame, jaar=config.jaar, jaren=config.jaren, file=file)
    return BlockResult((table,), tuple(problems))
