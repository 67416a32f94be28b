"""The checks of a kosten file that the table itself doesn't show: the input's own total lines
against the sum of its posts, baten and onttrekkingen entered negative as the ledger has them,
and the data the table has no column for (a warning each, so nothing given disappears without a
word)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jaarverslag.compute.bedragen import total_problems
from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import Severity, Soort

LASTEN, BATEN = "lasten", "baten"
#: The reserve mutations: a toevoeging weighs like lasten, an onttrekking like baten.
TOEVOEGING, ONTTREKKING = "toevoeging", "onttrekking"
BEGROTING, NA_WIJZIGING, REALISATIE = "begroting", "begroting_na_wijziging", "realisatie"
STAND_LABEL = {
    BEGROTING: "begroting",
    NA_WIJZIGING: "begroting na wijziging",
    REALISATIE: "realisatie",
}


def negative_baten(real: pd.DataFrame, file: str) -> list[Problem]:
    """Baten (or onttrekkingen) entered as the ledger has them (negative, credit) would print
    the saldo as the sum of lasten and baten: warn when every such amount is ≤ 0 and one is
    below it."""
    problems = []
    for soort, plural, rule in (
        (BATEN, "baten", "saldo = baten − lasten"),
        (ONTTREKKING, "onttrekkingen", "resultaat = saldo − toevoegingen + onttrekkingen"),
    ):
        amounts = real.loc[real["soort"] == soort, "bedrag"].dropna()
        if amounts.empty or not (amounts <= 0).all() or not (amounts < 0).any():
            continue
        message = (
            f"alle {plural} zijn negatief ingevoerd, zoals in het grootboek; de tabel telt "
            f"{plural} positief ({rule}): voer {plural} als positieve bedragen in"
        )
        problems.append(Problem(file, None, "bedrag", message, "warning"))
    return problems


def left_out(
    real: pd.DataFrame, used: frozenset[tuple[int, str]], soort: Soort, jaar: int, file: str
) -> list[Problem]:
    """A warning for the (jaar, stand) of the data the table has no column for."""
    pairs = real[["jaar", "stand"]].astype({"jaar": int})
    key = pd.Series(list(zip(pairs["jaar"], pairs["stand"], strict=True)), index=pairs.index)
    outside = key[~key.isin(used)]
    if outside.empty:
        return []
    names = sorted(set(outside), key=lambda p: (p[0], p[1]))
    listed = [f"{STAND_LABEL[stand]} {year}" for year, stand in names]
    text = ", ".join(listed[:-1]) + (" en " if len(listed) > 1 else "") + listed[-1]
    rows = len(outside)
    message = (
        f"{text} {'staat' if len(listed) == 1 else 'staan'} niet in de kostentabel van "
        f"een {soort} {jaar} ({rows} {'regel' if rows == 1 else 'regels'})"
    )
    return [Problem(file, None, "jaar", message, "warning")]


def replaced_primitief(wide: pd.DataFrame, soort: Soort, jaar: int, file: str) -> list[Problem]:
    """A begroting compares with the previous year's latest stand: a post's primitieve
    begroting of that year, where it has a na wijziging too, is not printed. Say so."""
    both = [(BEGROTING, jaar - 1), (NA_WIJZIGING, jaar - 1)]
    if soort != "begroting" or not all(key in wide.columns for key in both):
        return []
    rows = int(wide[both].notna().all(axis=1).sum())
    if rows == 0:
        return []
    message = (
        f"de primitieve begroting {jaar - 1} staat niet in de kostentabel waar een post een "
        f"begroting {jaar - 1} na wijziging heeft ({rows} {'regel' if rows == 1 else 'regels'}): "
        f"een begroting zet de begroting {jaar} naast de laatste stand van {jaar - 1}"
    )
    return [Problem(file, None, "stand", message, "warning")]


def check_totals(
    frame: pd.DataFrame, kind: pd.Series, *, file: str, severity: Severity
) -> list[Problem]:
    """Check the input's total lines per soort, jaar and stand.

    ``Totaal...`` must equal the sum of all posts; ``Subtotaal...`` the posts since the previous
    total line (as in a spreadsheet); ``Saldo`` the baten minus the lasten; ``Resultaat`` the
    saldo minus the toevoegingen plus the onttrekkingen.
    """
    is_total = (kind != "").to_numpy()
    if not is_total.any():
        return []
    keys = ["soort", "jaar", "stand"]
    marks = pd.Series(is_total.astype(int), index=frame.index)
    segment = marks.groupby([frame[k] for k in keys]).cumsum() - marks
    frame = frame.assign(_segment=segment)
    real, totals = frame.loc[~is_total], frame.loc[is_total]
    kinds = kind.to_numpy()[is_total]

    def lookup(sums: pd.Series, by: list[str]) -> np.ndarray:
        wanted = pd.MultiIndex.from_frame(totals[by]) if len(by) > 1 else pd.Index(totals[by[0]])
        return sums.reindex(wanted).to_numpy(dtype=float)

    whole = real.groupby(keys)["bedrag"].sum(min_count=1)
    segments = real.groupby([*keys, "_segment"])["bedrag"].sum(min_count=1)
    per_soort = (
        real.groupby(["jaar", "stand", "soort"])["bedrag"]
        .sum(min_count=1)
        .unstack("soort")
        .reindex(columns=[LASTEN, BATEN, TOEVOEGING, ONTTREKKING])
    )
    saldo = per_soort[BATEN].sub(per_soort[LASTEN], fill_value=0)
    resultaat = saldo.sub(per_soort[TOEVOEGING], fill_value=0).add(
        per_soort[ONTTREKKING], fill_value=0
    )
    expected = np.select(
        [kinds == "totaal", kinds == "subtotaal", kinds == "saldo"],
        [
            lookup(whole, keys),
            lookup(segments, [*keys, "_segment"]),
            lookup(saldo, ["jaar", "stand"]),
        ],
        default=lookup(resultaat, ["jaar", "stand"]),
    )
    return total_problems(totals, expected, file=file, severity=severity)
