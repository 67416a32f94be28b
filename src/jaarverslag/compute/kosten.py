"""Turn ``kosten.csv`` (lasten and baten per post, jaar and stand) into the kosten table.

The table answers "wat mag het kosten" (begroting) or "wat heeft het gekost" (jaarverslag):
lasten, baten and saldo per post with totals, and the verschil between the report column and
its reference, printed so that a positive verschil is voordelig (V) and a negative one nadelig
(N). Total lines in the input are not printed; they are checked against the sum of the posts.

It adds up on paper, as a controller checks it: every printed total is the sum of the printed
posts, every verschil the difference of the printed columns (no data counting as 0, so a post
without a begroting has verschil −realisatie), saldo is baten − lasten in every column. A post
without a begroting na wijziging shows its primitieve begroting carried forward in that column,
in italics and with a footnote, and that is what its verschil is measured against.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from jaarverslag.compute.bedragen import (
    PRECISION,
    amount_cell,
    blank_cells,
    check_severity,
    plain,
    table_decimals,
    total_kind,
)
from jaarverslag.compute.codes import Renamed, by_code, code_problems, footnote, latest_names
from jaarverslag.compute.kosten_checks import (
    BATEN,
    BEGROTING,
    LASTEN,
    NA_WIJZIGING,
    REALISATIE,
    check_totals,
    left_out,
    negative_baten,
    replaced_primitief,
)
from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import Bedragen, Soort
from jaarverslag.core.model import BlockResult, Cell, Column, Row, Table
from jaarverslag.core.numbers import amount_note, footnote_markers
from jaarverslag.inputs.folder import Inputs
from jaarverslag.inputs.reeks import Reeks

__all__ = ["kosten_table", "total_kind"]

CARRIED = "Geen begroting na wijziging: de primitieve begroting is overgenomen (cursief)."


@dataclass(frozen=True, eq=False)
class _Values:
    """One value column: its header, its amounts per (soort, post), and where an amount is a
    primitieve begroting carried forward into a na-wijziging column."""

    key: str
    label: str
    values: pd.Series
    carried: pd.Series | None = None


@dataclass(frozen=True, eq=False)
class _Layout:
    """The value columns in print order; Verschil and V/N follow the report column, measured
    against the printed reference column. ``used``: the (jaar, stand) the table shows."""

    columns: list[_Values]
    report: _Values
    reference: _Values
    used: frozenset[tuple[int, str]]


def kosten_table(
    frame: pd.DataFrame,
    *,
    soort: Soort,
    jaar: int,
    file: str,
    bedragen_in: Bedragen = 1,
    totals: str = "error",
    names: Mapping[str, str] | None = None,
) -> tuple[Table, list[Problem]]:
    """Build the kosten table of a ``begroting`` or ``jaarverslag`` for report year ``jaar``.

    Returns the table and the problems: the input's own total lines (severity ``totals``), and
    warnings for baten entered with the ledger's negative sign and for data the table leaves out.
    With a ``code`` column, posts are matched by code and printed under their latest name
    (``names``: code → name, else the latest in ``frame``), a footnote giving the earlier one.
    """
    severity = check_severity(totals)
    frame = frame.sort_values("_line", kind="stable")
    frame, renamed = by_code(frame, names)
    kind = total_kind(frame["post"])
    problems = check_totals(frame, kind, file=file, severity=severity)
    real = frame.loc[(kind == "").to_numpy()]
    real = real.assign(bedrag=real["bedrag"].astype(float).round(PRECISION))
    wide = real.pivot(index=["soort", "post"], columns=["stand", "jaar"], values="bedrag")
    layout = _layout(wide, soort, jaar)
    problems += negative_baten(real, file) + left_out(real, layout.used, soort, jaar, file)
    problems += replaced_primitief(wide, soort, jaar, file)

    shown = [c for c in layout.columns if c.values.notna().any()]
    columns = [Column(c.label, c.key) for c in shown]
    keys = [c.key for c in shown]
    with_verschil = layout.report.key in keys and layout.reference.key in keys
    if with_verschil:
        at = keys.index(layout.report.key) + 1
        columns[at:at] = [Column("Verschil", "verschil"), Column("V/N", "vn", numeric=False)]

    data = pd.DataFrame({c.key: c.values for c in shown}, index=wide.index)
    carried = pd.DataFrame(
        {c.key: c.carried for c in shown if c.carried is not None}, index=wide.index
    ).reindex(columns=keys, fill_value=False)
    blocks = _blocks(data, real)
    if with_verschil:
        for name, _, block in blocks:
            block["verschil"] = _verschil(
                block[layout.reference.key], block[layout.report.key], lasten=name == "Lasten"
            )
    decimals = table_decimals([block for _, _, block in blocks], bedragen_in)
    rows, footnotes = _footnotes(_rows(blocks, columns, carried, decimals, CARRIED), renamed)
    table = Table(
        name="kosten",
        caption="Wat mag het kosten?" if soort == "begroting" else "Wat heeft het gekost?",
        stub="Post",
        columns=tuple(columns),
        rows=tuple(rows),
        footnotes=footnotes,
        note=amount_note(bedragen_in),
    )
    return table, problems


def _footnotes(rows: list[Row], renamed: Renamed) -> tuple[list[Row], tuple[tuple[str, str], ...]]:
    """Markers in reading order, row by row: a renamed post's label (its earlier name), then a
    carried-forward amount (``*`` when there is one footnote, else ``a``, ``b``, …). The cells
    arrive marked with the footnote's text; here each text gets its marker."""
    texts: list[str] = []
    marked = []
    for row in rows:
        label = (
            (footnote(renamed[row.label]),) if row.kind == "post" and row.label in renamed else ()
        )
        marked.append(replace(row, markers=label))
        for text in (*label, *(m for c in row.cells for m in c.markers)):
            if text not in texts:
                texts.append(text)
    markers = dict(zip(texts, footnote_markers(len(texts)), strict=True))
    result = [
        replace(
            row,
            markers=tuple(markers[t] for t in row.markers),
            cells=tuple(
                replace(c, markers=tuple(markers[t] for t in c.markers)) for c in row.cells
            ),
        )
        for row in marked
    ]
    return result, tuple((markers[t], t) for t in texts)


def _rows(
    blocks: list[tuple[str, str, pd.DataFrame]],
    columns: list[Column],
    carried: pd.DataFrame,
    decimals: int,
    mark: str,
) -> list[Row]:
    """The printed rows: a group header, its posts and its total; a carried-forward amount in
    italics, marked with ``mark`` (the footnote's text, until :func:`_footnotes` numbers it)."""
    rows: list[Row] = []
    for name, total_label, block in blocks:
        rows.append(Row(name, blank_cells(len(columns)), kind="groep"))
        flags = carried.xs(name.lower(), level="soort") if name != "Saldo" else None
        for label, values in block.iterrows():  # the posts of the printed table
            is_total = label == total_label
            cells: list[Cell] = []
            for column in columns:
                if column.key == "vn":
                    cells.append(_vn_cell(values["verschil"]))
                    continue
                moved = (
                    flags is not None
                    and not is_total
                    and column.key in flags.columns
                    and bool(flags.at[label, column.key])
                )
                markers = (mark,) if moved else ()
                value = values[column.key]
                cells.append(amount_cell(value, decimals=decimals, emphasis=moved, markers=markers))
            rows.append(Row(str(label), tuple(cells), kind="totaal" if is_total else "post"))
    return rows


def _layout(wide: pd.DataFrame, soort: Soort, jaar: int) -> _Layout:
    """The columns a document kind shows, with its report and reference column."""

    def stand(name: str, year: int) -> pd.Series:
        if (name, year) in wide.columns:
            return wide[(name, year)].astype(float)
        return pd.Series(np.nan, index=wide.index, dtype=float)

    def latest(key: str, label: str, year: int) -> _Values:
        """Na wijziging where a post has it, else its primitieve begroting, carried forward."""
        primitief, gewijzigd = stand(BEGROTING, year), stand(NA_WIJZIGING, year)
        carried = gewijzigd.isna() & primitief.notna()
        return _Values(key, label, gewijzigd.combine_first(primitief), carried)

    if soort == "begroting":
        before = jaar - 1
        if stand(NA_WIJZIGING, before).notna().any():
            key, label = f"begroting_na_wijziging_{before}", f"Begroting {before} na wijziging"
            reference = latest(key, label, before)
        else:
            reference = _Values(
                f"begroting_{before}", f"Begroting {before}", stand(BEGROTING, before)
            )
        report = _Values(f"begroting_{jaar}", f"Begroting {jaar}", stand(BEGROTING, jaar))
        realisatie = _Values(
            f"realisatie_{jaar - 2}", f"Realisatie {jaar - 2}", stand(REALISATIE, jaar - 2)
        )
        meerjaren = [
            _Values(f"begroting_{y}", f"Begroting {y}", stand(BEGROTING, y))
            for y in range(jaar + 1, jaar + 4)
        ]
        shown = {(jaar - 2, REALISATIE), (before, BEGROTING), (before, NA_WIJZIGING)}
        shown |= {(y, BEGROTING) for y in range(jaar, jaar + 4)}
        columns = [realisatie, reference, report, *meerjaren]
        return _Layout(columns, report, reference, frozenset(shown))
    if soort == "jaarverslag":
        vorig = _Values(
            f"realisatie_{jaar - 1}", f"Realisatie {jaar - 1}", stand(REALISATIE, jaar - 1)
        )
        primitief = _Values(
            f"begroting_{jaar}", f"Primitieve begroting {jaar}", stand(BEGROTING, jaar)
        )
        report = _Values(f"realisatie_{jaar}", f"Realisatie {jaar}", stand(REALISATIE, jaar))
        used = frozenset(
            {(jaar - 1, REALISATIE), (jaar, BEGROTING), (jaar, NA_WIJZIGING), (jaar, REALISATIE)}
        )
        if not stand(NA_WIJZIGING, jaar).notna().any():
            return _Layout([vorig, primitief, report], report, primitief, used)
        gewijzigd = latest(f"begroting_na_wijziging_{jaar}", f"Begroting {jaar} na wijziging", jaar)
        return _Layout([vorig, primitief, gewijzigd, report], report, gewijzigd, used)
    raise ValueError(f"een kostentabel hoort bij een begroting of jaarverslag, niet bij {soort!r}")


def _blocks(data: pd.DataFrame, real: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """Lasten, baten and saldo: one row per post in file order, then the total row.

    A total is the sum of the amounts present, and no data when none is; the saldo of a post
    is its baten minus its lasten by the same rule, and the saldo total is the sum of those.
    """
    posts = real.groupby("soort", sort=False)["post"].unique()
    order = list(pd.unique(real["post"]))
    empty = pd.DataFrame(np.nan, index=pd.Index([], name="post"), columns=data.columns)

    def part(soort: str) -> pd.DataFrame:  # lasten or baten
        if soort not in posts.index:
            return empty
        return pd.DataFrame(data.xs(soort, level="soort")).reindex(list(posts[soort]))

    lasten, baten = part(LASTEN), part(BATEN)
    saldo = baten.reindex(order).sub(lasten.reindex(order), fill_value=0)
    blocks = [
        ("Lasten", "Totaal lasten", lasten),
        ("Baten", "Totaal baten", baten),
        ("Saldo", "Saldo van baten en lasten", saldo),
    ]
    result = []
    for name, total_label, block in blocks:
        if block.empty:
            continue
        total = block.sum(min_count=1)
        with_total = pd.concat([block, total.to_frame(total_label).T]).astype(float)
        result.append((name, total_label, with_total.round(PRECISION)))
    return result


def _verschil(reference: pd.Series, report: pd.Series, *, lasten: bool) -> pd.Series:
    """Reference − report for lasten, report − reference for baten and saldo, so positive is
    voordelig. A side without data counts as 0 (a post without begroting: −realisatie), and
    with neither side there is no verschil."""
    either = reference.notna() | report.notna()
    a, b = reference.fillna(0), report.fillna(0)
    return (a - b if lasten else b - a).where(either).round(PRECISION)


def _vn_cell(verschil: object) -> Cell:
    """V for voordelig (positive verschil), N for nadelig, nothing for 0 or no data."""
    number = plain(verschil)
    text = "" if number is None or number == 0 else ("V" if number > 0 else "N")
    return Cell(text, "tekst")


def kosten_block(inputs: Inputs) -> BlockResult:
    """The kosten table; a beleidsplan looks ahead like a begroting. In a reeks, posts take
    their latest name from the whole national file (checked there, once)."""
    config = inputs.config
    frame, file = inputs.frames["kosten"], inputs.display("kosten")
    if inputs.reeks is None:
        names, found = None, code_problems(frame, file)
        if found:
            return BlockResult((), tuple(found))
    else:
        names, found = national_names(inputs.reeks), []
    table, problems = kosten_table(
        frame,
        soort="jaarverslag" if config.soort == "jaarverslag" else "begroting",
        jaar=config.jaar,
        file=file,
        bedragen_in=config.bedragen_in,
        totals=config.totaalcontrole,
        names=names,
    )
    return BlockResult((table,), tuple(problems))


@functools.lru_cache(maxsize=4)
def national_names(reeks: Reeks) -> dict[str, str]:
    """The latest name of every code in the national file of a reeks (worked out once)."""
    frame = reeks.national.get("kosten")
    return latest_names(frame) if frame is not None else {}
