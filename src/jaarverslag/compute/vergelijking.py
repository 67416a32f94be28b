"""Block ``vergelijking``: a gemeente's lasten and baten per inwoner beside those of the others.

Per post (matched by code) the amount of the report column — the begroting of the year in a
begroting, the realisatie in a jaarverslag — divided by the inwoners of ``gemeenten.csv``; for
this gemeente the median of its grootteklasse and of all gemeenten, Nederland's own figure
(its total per inwoner) and its place in its class, highest first (``plaats 14 van 45``). A
gemeente without a grootteklasse is compared with all gemeenten only, and the text says so.

The national figures are worked out once per reeks (:func:`comparison`), vectorised over every
gemeente; a document only looks up its own row. Words (*hoger*, *lager*, *gelijk aan*) are
decided on the exact values and every figure beside them is printed with as many decimals as it
takes to show the same order (:func:`jaarverslag.core.numbers.decimals_ordered`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jaarverslag.compute.bedragen import blank_cells, plain, total_kind
from jaarverslag.compute.codes import by_code, latest_names
from jaarverslag.compute.vergelijking_tekst import chart, sentence
from jaarverslag.core.errors import Problem
from jaarverslag.core.model import BlockResult, Cell, Column, Row, Table, Text
from jaarverslag.core.numbers import decimals_ordered, format_number
from jaarverslag.core.slugs import unique_slugs
from jaarverslag.inputs.folder import Inputs
from jaarverslag.inputs.reeks import Gemeente, Reeks, is_nederland, key

SOORTEN = (("lasten", "Lasten"), ("baten", "Baten"))
#: Cents, or more where two figures compared in words would otherwise read the same.
MIN_DECIMALS = 2


@dataclass(frozen=True, eq=False)
class Comparison:
    """The per-inwoner figures of every gemeente of a reeks, and what they are compared with.

    ``values``: gemeente key × (post, soort), euros per inwoner (NaN: no data); ``klasse``: the
    grootteklasse per gemeente key (None: unknown); ``place`` and ``size``: the place in its
    class (highest first) and how many of the class have data; ``mediaan_klasse`` per class ×
    (post, soort); ``mediaan``, ``nederland``: per (post, soort) over all gemeenten, and
    Nederland's total per inwoner; ``kolom``: the column compared (``Begroting 2025``).
    """

    posts: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    values: pd.DataFrame
    klasse: pd.Series
    place: pd.DataFrame
    size: pd.DataFrame
    mediaan_klasse: pd.DataFrame
    mediaan: pd.Series
    nederland: pd.Series
    kolom: str


def report_column(soort: str, jaar: int) -> tuple[str, str]:
    """(stand, label) of the column a document reports: realisatie in a jaarverslag, else the
    begroting of the year."""
    if soort == "jaarverslag":
        return "realisatie", f"Realisatie {jaar}"
    return "begroting", f"Begroting {jaar}"


@functools.lru_cache(maxsize=4)
def comparison(reeks: Reeks, soort: str, jaar: int, bedragen_in: int) -> Comparison:
    """Every gemeente's figures, once per reeks (a Reeks is hashed by identity)."""
    stand, kolom = report_column(soort, jaar)
    national = reeks.national["kosten"]
    names = latest_names(national)
    frame, _ = by_code(national, names)
    frame = frame.loc[(total_kind(frame["post"]) == "").to_numpy()]
    posts = tuple(str(p) for p in pd.unique(frame["post"]))
    present = set(frame["soort"])
    soorten = tuple(s for s, _ in SOORTEN if s in present)
    columns = pd.MultiIndex.from_product([posts, soorten], names=["post", "soort"])
    chosen = frame.loc[(frame["jaar"] == jaar) & (frame["stand"] == stand)]
    ned = is_nederland(chosen["gemeente"])
    amounts = (
        chosen.loc[~ned]
        .assign(_key=chosen.loc[~ned, "gemeente"].map(key))
        .pivot_table(
            index="_key", columns=["post", "soort"], values="bedrag", aggfunc="sum", dropna=False
        )
        .reindex(index=[key(g.naam) for g in reeks.gemeenten], columns=columns)
        .astype(float)
    )
    inwoners = pd.Series(
        [np.nan if g.inwoners is None else float(g.inwoners) for g in reeks.gemeenten],
        index=amounts.index,
    )
    values = amounts.mul(bedragen_in).div(inwoners, axis=0)
    klasse = pd.Series([g.grootteklasse for g in reeks.gemeenten], index=amounts.index)
    grouped = values.groupby(klasse.fillna("\0"), sort=False)  # one group for "unknown"
    place = grouped.rank(method="min", ascending=False)
    size = grouped.transform("count")
    mediaan_klasse = values.groupby(klasse, sort=False).median()
    everyone = values.rank(method="min", ascending=False)
    unknown = klasse.isna().to_numpy()
    place.loc[unknown] = everyone.loc[unknown]  # without a class: a place among all gemeenten
    size.loc[unknown] = np.broadcast_to(values.count().to_numpy(), size.loc[unknown].shape)
    ned_amounts = _nederland(chosen.loc[ned], amounts, columns)
    total = (
        float(reeks.inwoners_nederland[0])
        if reeks.inwoners_nederland is not None
        else float(inwoners.sum())
    )
    # a post and soort no gemeente has a figure for is left out (baten of a post without any)
    pairs = tuple((str(p), str(s)) for p, s in columns[values.notna().any().to_numpy()])
    shown = tuple(p for p in posts if any(p == q for q, _ in pairs))
    return Comparison(
        shown,
        pairs,
        values,
        klasse,
        place,
        size,
        mediaan_klasse,
        values.median(),
        ned_amounts.mul(bedragen_in).div(total),
        kolom,
    )


def _nederland(rows: pd.DataFrame, amounts: pd.DataFrame, columns: pd.MultiIndex) -> pd.Series:
    """Nederland's own totals where the file has them (checked against the sum), else the sum."""
    summed = amounts.sum(min_count=1)
    if rows.empty:
        return summed
    own = rows.groupby(["post", "soort"])["bedrag"].sum(min_count=1).reindex(columns)
    return own.combine_first(summed).astype(float)


def vergelijking_block(inputs: Inputs) -> BlockResult:
    """The comparison of this gemeente: a table, one sentence per post, a chart per post."""
    reeks, gemeente = inputs.reeks, inputs.gemeente
    if reeks is None or gemeente is None or "kosten" not in reeks.files:
        message = "blok 'vergelijking' hoort bij een reeks: kosten.csv met een kolom gemeente"
        return BlockResult((), (Problem(inputs.display_yaml, None, "secties", message),))
    config = inputs.config
    data = comparison(reeks, config.soort, config.jaar, config.bedragen_in)
    mine = key(gemeente.naam)
    klasse = gemeente.grootteklasse
    figures = _figures(data, mine, klasse)
    decimals = max(
        [MIN_DECIMALS]
        + [decimals_ordered([f.value, f.mediaan_klasse], MIN_DECIMALS) for f in figures]
        + [decimals_ordered([f.value, f.mediaan], MIN_DECIMALS) for f in figures]
    )
    table = _table(data, figures, gemeente, decimals)
    lines: list[str] = []
    if klasse is None:
        lines.append(
            f"Voor {gemeente.naam} is geen grootteklasse bekend: de vergelijking is alleen met "
            "alle gemeenten."
        )
    lines += [
        sentence(post, [f for f in figures if f.post == post], gemeente, decimals)
        for post in data.posts
    ]
    charts = tuple(
        chart(
            f"vergelijking-{number}",
            post,
            [f for f in figures if f.post == post],
            gemeente,
            decimals,
            data.kolom,
        )
        for number, post in enumerate(data.posts, start=1)
    )
    return BlockResult((table, Text("conclusie", tuple(lines)), *charts))


@dataclass(frozen=True)
class Figure:
    """One post and soort of one gemeente, and what it is compared with; ``group``: the values
    of every gemeente it is ranked among (its class, or all), sorted."""

    post: str
    soort: str
    value: float | None
    mediaan_klasse: float | None
    mediaan: float | None
    nederland: float | None
    place: int | None
    size: int
    group: tuple[float, ...]


def _figures(data: Comparison, mine: str, klasse: str | None) -> list[Figure]:
    values = data.values
    if klasse is None:
        members = values
        medians: pd.Series = pd.Series(np.nan, index=values.columns)
    else:
        members = values.loc[(data.klasse == klasse).to_numpy()]
        medians = data.mediaan_klasse.loc[[klasse]].iloc[0]
    result = []
    for column in data.pairs:  # a handful of posts: the national work is done, vectorised
        post, soort = column
        group = np.sort(members[column].dropna().to_numpy(dtype=float))
        place = _number(data.place.at[mine, column])
        result.append(
            Figure(
                post,
                soort,
                _number(values.at[mine, column]),
                _number(medians[column]),
                _number(data.mediaan[column]),
                _number(data.nederland[column]),
                None if place is None else int(place),
                int(_number(data.size.at[mine, column]) or 0) if place is not None else len(group),
                tuple(float(v) for v in group),
            )
        )
    return result


def _number(value: object) -> float | None:
    """A float as it is (not rounded: the printed decimals are chosen on the exact values), or
    None for no data (NaN, None)."""
    if plain(value) is None:
        return None
    return float(value)  # type: ignore[arg-type]  # a real number: plain() said so


def _table(data: Comparison, figures: list[Figure], gemeente: Gemeente, decimals: int) -> Table:
    klasse = gemeente.grootteklasse
    columns = [Column(gemeente.naam, "per_inwoner")]
    if klasse is not None:
        columns.append(Column(f"Mediaan {klasse}", "mediaan_grootteklasse"))
    columns += [
        Column("Mediaan alle gemeenten", "mediaan_alle_gemeenten"),
        Column("Nederland", "nederland"),
        Column(
            "Plaats in grootteklasse" if klasse is not None else "Plaats in Nederland",
            "plaats",
            numeric=False,
        ),
    ]
    rows: list[Row] = []
    for soort, label in SOORTEN:
        mine = [f for f in figures if f.soort == soort]
        if not mine:
            continue
        rows.append(Row(label, blank_cells(len(columns)), kind="groep"))
        for f in mine:
            cells = [_euro(f.value, decimals)]
            if klasse is not None:
                cells.append(_euro(f.mediaan_klasse, decimals))
            cells += [
                _euro(f.mediaan, decimals),
                _euro(f.nederland, decimals),
                Cell(place_text(f.place, f.size), "tekst"),
            ]
            rows.append(Row(f.post, tuple(cells)))
    return Table(
        name="vergelijking",
        caption=f"Lasten en baten per inwoner vergeleken ({data.kolom})",
        stub="Post",
        columns=tuple(columns),
        rows=tuple(rows),
        note="(€ per inwoner; plaats: hoogste eerst)",
    )


def _euro(value: float | None, decimals: int) -> Cell:
    return Cell(value, "euro", decimals=decimals)


def place_text(place: int | None, size: int) -> str | None:
    """``14 van 45``; None (printed ``-``, empty in the open data) without data."""
    if place is None:
        return None
    return f"{format_number(place)} van {format_number(size)}"


def overview_table(data: Comparison, reeks: Reeks) -> Table:
    """Every gemeente of the reeks in one table (the index page and ``tabellen/overzicht.csv``):
    provincie, grootteklasse, inwoners and each post's lasten and baten per inwoner, then
    Nederland's figures."""
    columns = [
        Column("Provincie", "provincie", numeric=False),
        Column("Grootteklasse", "grootteklasse", numeric=False),
        Column("Inwoners", "inwoners"),
    ]
    pairs = list(data.pairs)
    keys = _keys(data.posts)
    columns += [
        Column(f"{post}: {soort} per inwoner", f"{keys[post]}_{soort}") for post, soort in pairs
    ]
    matrix = data.values[pairs].to_numpy(dtype=float)
    rows = [
        Row(
            g.naam,
            (
                Cell(g.provincie, "tekst"),
                Cell(g.grootteklasse, "tekst"),
                Cell(g.inwoners, "aantal"),
                *(_euro(_number(v), MIN_DECIMALS) for v in matrix[i]),
            ),
        )
        for i, g in enumerate(reeks.gemeenten)
    ]
    total = reeks.inwoners_nederland[0] if reeks.inwoners_nederland is not None else None
    ned = [_number(data.nederland[pair]) for pair in pairs]
    rows.append(
        Row(
            "Nederland",
            (
                Cell(None, "tekst"),
                Cell(None, "tekst"),
                Cell(total if total is not None else sum(g.inwoners or 0 for g in reeks.gemeenten)),
                *(_euro(v, MIN_DECIMALS) for v in ned),
            ),
            kind="totaal",
        )
    )
    return Table(
        name="overzicht",
        caption=f"Lasten en baten per inwoner van alle gemeenten ({data.kolom})",
        stub="Gemeente",
        columns=tuple(columns),
        rows=tuple(rows),
        note="(€ per inwoner)",
    )


def _keys(posts: tuple[str, ...]) -> dict[str, str]:
    """Each post as part of an open-data column name, unique: ``6.3 Inkomensregelingen`` →
    ``6_3_inkomensregelingen``."""
    return {p: k.replace("-", "_") for p, k in zip(posts, unique_slugs(posts, "post"), strict=True)}
