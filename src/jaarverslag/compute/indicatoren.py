"""Turns validated indicator rows into the indicator table: one column per (jaar, soort) the data
holds, units per indicator, a dash for no data and footnote markers set apart from the values.

Nothing given is lost: every year of the data is shown unless rapport.yaml's ``jaren`` limits
how far back the table goes, and then ``check`` and ``build`` say which years are left out.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import pandas as pd

from jaarverslag.compute.conclusies import series_decimals, typed_places
from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import Soort
from jaarverslag.core.model import BlockResult, Cell, Column, Row, Table
from jaarverslag.core.numbers import footnote_markers, format_date
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

    An indicator prints all its values with one number of decimals: the most any of them was
    typed with (``49,0%`` beside ``51,5%``), an amount whole or with cents
    (:func:`.conclusies.series_decimals`). Footnote markers follow the table's reading order,
    and so do the footnotes.
    """
    pairs = indicator_columns(frame, soort, jaar, jaren)
    keys = pd.MultiIndex.from_tuples(pairs, names=["jaar", "soort"])
    data = frame.assign(jaar=frame["jaar"].astype(int))
    order = pd.Index(data.drop_duplicates("id", keep="first")["id"])

    def grid(column: str) -> pd.DataFrame:
        """Per indicator and column of the table, the value of ``column`` (None: absent)."""
        if column not in data or not bool(data[column].notna().any()):
            return pd.DataFrame(None, index=order, columns=keys, dtype=object)
        wide = data.pivot(index="id", columns=["jaar", "soort"], values=column)
        return wide.reindex(index=order, columns=keys).astype(object)

    values, notes, bronnen = grid("waarde"), grid("voetnoot"), grid("bron")
    peildata, statussen = grid("peildatum"), grid("status")
    present = grid("_line").notna()  # the cells with a row in the data (a value or not)
    said = {c: c in data for c in ("status", "bron", "peildatum")}
    sources = _sources(bronnen, peildata, present)
    line = sources.pop(None, None)  # one source for the whole table: a line under it
    labels = data.groupby("id")["indicator"].last()
    units = data.groupby("id")["eenheid"].first()
    typed = typed_places(data)
    waarden = data.groupby("id")["waarde"]

    rows: list[tuple[str, tuple[str, ...], list[tuple[Cell, tuple[str, ...]]]]] = []
    for ident in order:  # a handful of indicators × columns: the cells of the printed table
        unit = units[ident]
        series = [float(v) for v in waarden.get_group(ident).dropna()]
        places = series_decimals(unit, series, typed.get(ident))
        cells = []
        for key in keys:
            value, status = _number(values.at[ident, key]), statussen.at[ident, key]
            here = [t for t in (notes.at[ident, key], sources.get((ident, key))) if _text(t)]
            if status == "voorlopig" and value is not None:
                here.append(VOORLOPIG)
            nnb = value is None and bool(status == "voorlopig")
            extra = _extra(status, bronnen.at[ident, key], peildata.at[ident, key], said)
            cell = Cell(value, unit, places, nnb=nnb, extra=extra)
            cells.append((cell, tuple(str(t) for t in here)))
        label_notes = (sources[ident],) if ident in sources else ()
        rows.append((str(labels[ident]), label_notes, cells))
    columns = tuple(Column(f"{SOORT_LABEL[kind]} {year}", f"{kind}_{year}") for year, kind in pairs)
    reading = [
        t for _, on_label, cells in rows for t in (*on_label, *(t for _, n in cells for t in n))
    ]
    texts = list(dict.fromkeys(reading))  # every footnote once, in the table's reading order
    markers = dict(zip(texts, footnote_markers(len(texts)), strict=True))
    return Table(
        name="indicatoren",
        caption=caption,
        stub="Prestatie-indicator",
        columns=columns,
        rows=tuple(
            Row(
                label,
                tuple(replace(c, markers=tuple(markers[t] for t in n)) for c, n in cells),
                markers=tuple(markers[t] for t in on_label),
            )
            for label, on_label, cells in rows
        ),
        footnotes=tuple((markers[t], t) for t in texts),
        sources=(line,) if line else (),
        unit_per_row=True,  # an indicator is a row: the open data says each one's unit
    )


#: The footnote of a voorlopig value.
VOORLOPIG = "Voorlopig cijfer: kan nog veranderen."


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _number(value: object) -> float | None:
    """A value of the table: a float, or None for no data."""
    return float(value) if isinstance(value, int | float) and not math.isnan(value) else None


def _day(value: object) -> str:
    """A peildatum as ``2024-01-01``; empty when there is none."""
    if isinstance(value, dt.date) and not pd.isna(value):  # a Timestamp is a date too
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    return ""


def source_text(bron: object, peildatum: object) -> str | None:
    """``Bron: CBS; peildatum 1 januari 2024.`` (None without either)."""
    parts = []
    if _text(bron):
        parts.append(f"Bron: {bron}")
    day = _day(peildatum)
    if day:
        parts.append(
            ("peildatum " if parts else "Peildatum ") + format_date(dt.date.fromisoformat(day))
        )
    return "; ".join(parts) + "." if parts else None


def _sources(
    bronnen: pd.DataFrame, peildata: pd.DataFrame, present: pd.DataFrame
) -> dict[object, str]:
    """Where the figures come from, as municipal sites print it: one line under the table
    when every figure has the same source (key None); else a footnote at each indicator whose
    figures share one (key: its id), else at each figure (key: (id, column))."""
    said = {
        (ident, key): source_text(bronnen.at[ident, key], peildata.at[ident, key])
        for ident in bronnen.index
        for key in bronnen.columns
        if bool(present.at[ident, key])
    }
    distinct = set(said.values())
    if not distinct - {None}:
        return {}
    if len(distinct) == 1:
        return {None: str(distinct.pop())}
    out: dict[object, str] = {}
    for ident in bronnen.index:
        mine = {k: t for (i, k), t in said.items() if i == ident}
        if len(set(mine.values())) == 1:
            text = next(iter(mine.values()))
            if text is not None:
                out[ident] = text
            continue
        out.update({(ident, k): t for k, t in mine.items() if t is not None})
    return out


def _extra(
    status: object, bron: object, peildatum: object, said: dict[str, bool]
) -> tuple[tuple[str, str], ...]:
    """What the open data says of a value beside it: its status, source and peildatum (a
    column each when the data has it)."""
    day = _day(peildatum)
    texts = {
        "status": status if _text(status) else "",
        "bron": bron if _text(bron) else "",
        "peildatum": day,
    }
    return tuple((name, str(texts[name])) for name in ("status", "bron", "peildatum") if said[name])


def indicatoren_block(inputs: Inputs) -> BlockResult:
    """The indicator table, and the years that ``jaren`` leaves out of it (a warning)."""
    config, frame = inputs.config, inputs.frames["indicatoren"]
    table = indicator_table(frame, soort=config.soort, jaar=config.jaar, jaren=config.jaren)
    file = inputs.display("indicatoren")
    problems = jaren_problems(frame, jaar=config.jaar, jaren=config.jaren, file=file)
    return BlockResult((table,), tuple(problems))
