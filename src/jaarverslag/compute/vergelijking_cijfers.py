"""The figures of the block ``vergelijking``: every gemeente's lasten and baten per inwoner.

:func:`comparison` works them out once per reeks, vectorised over every gemeente: the amount of
the report column — the begroting of the year in a begroting, the realisatie in a jaarverslag —
per post (matched by code), divided by the inwoners of ``gemeenten.csv``; the medians of each
grootteklasse and of all gemeenten, Nederland's own figure (its total per inwoner) and each
gemeente's place in its class, highest first. :func:`figures_of` looks up one gemeente's
:class:`Figure` per post; :mod:`.vergelijking` prints them, :mod:`.vergelijking_tekst` words them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jaarverslag.compute.bedragen import plain, total_kind
from jaarverslag.compute.codes import by_code, latest_names
from jaarverslag.core.kinds import Bedragen, Soort
from jaarverslag.inputs.reeks import Reeks, is_nederland, key

SOORTEN = (("lasten", "Lasten"), ("baten", "Baten"))


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


def report_column(soort: Soort, jaar: int) -> tuple[str, str]:
    """(stand, label) of the column a document reports: realisatie in a jaarverslag, else the
    begroting of the year."""
    if soort == "jaarverslag":
        return "realisatie", f"Realisatie {jaar}"
    return "begroting", f"Begroting {jaar}"


@functools.lru_cache(maxsize=4)
def comparison(reeks: Reeks, soort: Soort, jaar: int, bedragen_in: Bedragen) -> Comparison:
    """Every gemeente's figures, once per reeks (a Reeks is hashed by identity)."""
    stand, kolom = report_column(soort, jaar)
    national = reeks.national["kosten"]
    names = latest_names(national)
    frame, _ = by_code(national, names)
    wanted = frame["soort"].isin([s for s, _ in SOORTEN])  # not the reserve mutations
    frame = frame.loc[(total_kind(frame["post"], resultaat=True) == "").to_numpy() & wanted]
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


@dataclass(frozen=True)
class Figure:
    """One post and soort of one gemeente, and what it is compared with; ``group``: the values
    of every gemeente it is ranked among (its class, or all), sorted."""

    post: str
    soort: str  #: lasten or baten
    value: float | None
    mediaan_klasse: float | None
    mediaan: float | None
    nederland: float | None
    place: int | None
    size: int
    group: tuple[float, ...]


def figures_of(data: Comparison, mine: str, klasse: str | None) -> list[Figure]:
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
        place = number(data.place.at[mine, column])
        result.append(
            Figure(
                post,
                soort,
                number(values.at[mine, column]),
                number(medians[column]),
                number(data.mediaan[column]),
                number(data.nederland[column]),
                None if place is None else int(place),
                int(number(data.size.at[mine, column]) or 0) if place is not None else len(group),
                tuple(float(v) for v in group),
            )
        )
    return result


def number(value: object) -> float | None:
    """A float as it is (not rounded: the printed decimals are chosen on the exact values), or
    None for no data (NaN, None)."""
    if plain(value) is None:
        return None
    return float(value)  # type: ignore[arg-type]  # a real number: plain() said so
