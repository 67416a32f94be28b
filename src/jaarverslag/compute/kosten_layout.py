"""The columns of a kosten table per document kind, and which of them Verschil and V/N compare.

A jaarverslag of year t shows Realisatie t−1, Primitieve begroting t, Begroting t na wijziging
(where the data has one) and Realisatie t, measured against the latest begroting stand. A
begroting of year t shows Realisatie t−2, the latest stand of t−1, Begroting t, measured against
that stand, and the meerjarenraming: the years t+1 … t+3, headed *Raming* (they are estimates of
the years after the begrotingsjaar, not their begroting).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jaarverslag.compute.kosten_checks import BEGROTING, NA_WIJZIGING, REALISATIE
from jaarverslag.core.kinds import Soort

#: The years after the begrotingsjaar that a begroting shows: its meerjarenraming.
MEERJAREN = 3


@dataclass(frozen=True, eq=False)
class Values:
    """One value column: its header, its amounts per (soort, post), and where an amount is a
    primitieve begroting carried forward into a na-wijziging column."""

    key: str
    label: str
    values: pd.Series
    carried: pd.Series | None = None


@dataclass(frozen=True, eq=False)
class Layout:
    """The value columns in print order; Verschil and V/N follow the report column, measured
    against the printed reference column. ``used``: the (jaar, stand) the table shows."""

    columns: list[Values]
    report: Values
    reference: Values
    used: frozenset[tuple[int, str]]


def layout(wide: pd.DataFrame, soort: Soort, jaar: int) -> Layout:
    """The columns a document kind shows, with its report and reference column."""

    def stand(name: str, year: int) -> pd.Series:
        if (name, year) in wide.columns:
            return wide[(name, year)].astype(float)
        return pd.Series(np.nan, index=wide.index, dtype=float)

    def latest(key: str, label: str, year: int) -> Values:
        """Na wijziging where a post has it, else its primitieve begroting, carried forward."""
        primitief, gewijzigd = stand(BEGROTING, year), stand(NA_WIJZIGING, year)
        carried = gewijzigd.isna() & primitief.notna()
        return Values(key, label, gewijzigd.combine_first(primitief), carried)

    if soort == "begroting":
        before = jaar - 1
        if stand(NA_WIJZIGING, before).notna().any():
            key, label = f"begroting_na_wijziging_{before}", f"Begroting {before} na wijziging"
            reference = latest(key, label, before)
        else:
            reference = Values(
                f"begroting_{before}", f"Begroting {before}", stand(BEGROTING, before)
            )
        report = Values(f"begroting_{jaar}", f"Begroting {jaar}", stand(BEGROTING, jaar))
        realisatie = Values(
            f"realisatie_{jaar - 2}", f"Realisatie {jaar - 2}", stand(REALISATIE, jaar - 2)
        )
        later = range(jaar + 1, jaar + 1 + MEERJAREN)
        meerjaren = [Values(f"begroting_{y}", f"Raming {y}", stand(BEGROTING, y)) for y in later]
        shown = {(jaar - 2, REALISATIE), (before, BEGROTING), (before, NA_WIJZIGING)}
        shown |= {(y, BEGROTING) for y in range(jaar, jaar + 1 + MEERJAREN)}
        columns = [realisatie, reference, report, *meerjaren]
        return Layout(columns, report, reference, frozenset(shown))
    if soort == "jaarverslag":
        vorig = Values(
            f"realisatie_{jaar - 1}", f"Realisatie {jaar - 1}", stand(REALISATIE, jaar - 1)
        )
        primitief = Values(
            f"begroting_{jaar}", f"Primitieve begroting {jaar}", stand(BEGROTING, jaar)
        )
        report = Values(f"realisatie_{jaar}", f"Realisatie {jaar}", stand(REALISATIE, jaar))
        used = frozenset(
            {(jaar - 1, REALISATIE), (jaar, BEGROTING), (jaar, NA_WIJZIGING), (jaar, REALISATIE)}
        )
        if not stand(NA_WIJZIGING, jaar).notna().any():
            return Layout([vorig, primitief, report], report, primitief, used)
        gewijzigd = latest(f"begroting_na_wijziging_{jaar}", f"Begroting {jaar} na wijziging", jaar)
        return Layout([vorig, primitief, gewijzigd, report], report, gewijzigd, used)
    raise ValueError(f"een kostentabel hoort bij een begroting of jaarverslag, niet bij {soort!r}")
