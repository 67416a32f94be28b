"""Turns indicator rows into facts (realisatie and target per year) and Dutch conclusions.

A conclusion is written from two facts, both computed here so prose, tables and tests share
them: the change against the previous realisatie (gelijk, licht / duidelijk / fors gestegen or
gedaald, thresholds from rapport.yaml's ``drempels``) and the verdict against the target of the
same year (gehaald / niet gehaald, honouring ``richting: lager``; no verdict when a value is
missing). Words are decided on the exact values; every figure printed beside them gets as many
decimals as it takes to stay on the same side of the norm or threshold
(:func:`jaarverslag.core.numbers.decimals_apart`), so a conclusion can never contradict its own
figures: 1.999 against a target of 2.000 is "niet gehaald: 1 onder het doel, 99,95% van het
doel". A change of a percentage is in procentpunt; its relative change says "relatief".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from jaarverslag.core.kinds import Soort
from jaarverslag.core.numbers import (
    MAX_DECIMALS,
    MONEY_DECIMALS,
    decimals_of,
    format_change,
    format_share,
    format_signed,
    format_value,
    money_decimals,
    round_half_up,
    typographic,
    unbreakable,
)
from jaarverslag.inputs.config.keys import DREMPELS
from jaarverslag.inputs.tables.raw import decimals_column

#: Values are compared at the precision they are printed with (at most six decimals).
PRECISION = 6
DEFAULT_DREMPELS = DREMPELS  # declared once, with the rapport.yaml key drempels
TARGET_LABEL = {"begroting": "begroot", "beoogd": "beoogd"}
#: Words for a change in realisatie, and for a change in a target from one year to the next.
RISE_WORDS = ("gestegen", "gedaald", "gelijk gebleven")
TARGET_WORDS = ("verhoogd", "verlaagd", "gelijk gebleven")


@dataclass(frozen=True)
class Indicator:
    """One indicator's facts: realisatie and target (``begroting``, else ``beoogd``) per year.

    A year is present in ``realisatie`` / ``doel`` when the data has a row for it; the value is
    ``None`` when that row says "no data".
    """

    id: str
    label: str
    eenheid: str
    richting: str
    realisatie: Mapping[int, float | None]
    doel: Mapping[int, tuple[str, float | None]]
    voetnoten: tuple[str, ...] = ()
    typed: int | None = None  #: the most decimals any of its values was typed with
    #: (jaar, soort) of its values with status voorlopig: with a value it may still change,
    #: without one it is not yet known (n.n.b.)
    voorlopig: frozenset[tuple[int, str]] = frozenset()

    def __post_init__(self) -> None:
        """An amount is compared and printed to the cent, never more (``€ 100,405`` is
        ``€ 100,41``), so no word is decided on a decimal the reader doesn't see."""
        if self.eenheid == "euro":
            realisatie = {y: _money(v) for y, v in self.realisatie.items()}
            doel = {y: (s, _money(v)) for y, (s, v) in self.doel.items()}
            object.__setattr__(self, "realisatie", realisatie)
            object.__setattr__(self, "doel", doel)

    @property
    def decimals(self) -> int | None:
        """Decimals of every value of the indicator (:func:`series_decimals`)."""
        values = [*self.realisatie.values(), *(v for _, v in self.doel.values())]
        return series_decimals(self.eenheid, values, self.typed)


def series_decimals(
    eenheid: str, values: Iterable[float | None], typed: int | None = None
) -> int | None:
    """One number of decimals for all values of an indicator, in its table row, its chart and
    its sentences: the most any of them was typed with (``49,0`` beside ``51,5``: one), or needs
    when that is not known; an amount whole or with cents (``€ 100,00`` beside ``€ 100,40``)."""
    if eenheid == "euro":
        return money_decimals([*values, *([] if typed is None else [Fraction(1, 10**typed)])])
    needed = max((decimals_of(v) for v in values if v is not None), default=0)
    return min(max(needed, typed or 0), MAX_DECIMALS)


@dataclass(frozen=True)
class Change:
    """The change from ``old`` to ``new``: word, exact difference and exact percent change."""

    word: str  # e.g. "licht gestegen", "gelijk gebleven"
    verschil: Decimal
    procent: Fraction | None  # None when old is 0
    drempels: tuple[float, ...] = ()  # the thresholds the word was judged against

    def procent_text(self) -> str:
        """The percent change as printed, on the same side of every threshold as the word."""
        return "" if self.procent is None else format_change(self.procent, self.drempels)


def indicators(frame: pd.DataFrame) -> dict[str, Indicator]:
    """The facts of every indicator in ``indicatoren.csv``, in file order.

    A handful of rows per indicator: these are read as dicts, not as client-sized frames.
    """
    values = {
        (i, int(y), s): (None if pd.isna(v) else float(v))
        for i, y, s, v in zip(
            frame["id"], frame["jaar"], frame["soort"], frame["waarde"], strict=True
        )
    }
    typed = typed_places(frame)
    voorlopig: dict[str, frozenset[tuple[int, str]]] = {}
    if "status" in frame:
        rows = frame.loc[frame["status"].eq("voorlopig").fillna(False).to_numpy(dtype=bool)]
        for ident, group in rows.groupby("id"):
            pairs = zip(group["jaar"].astype(int), group["soort"], strict=True)
            voorlopig[str(ident)] = frozenset((int(y), str(s)) for y, s in pairs)
    first = frame.drop_duplicates("id", keep="first").set_index("id")
    labels = frame.groupby("id")["indicator"].last()
    notes = (
        frame.dropna(subset=["voetnoot"]).groupby("id")["voetnoot"].unique()
        if "voetnoot" in frame
        else pd.Series(dtype=object)
    )
    result = {}
    for ident in first.index:
        mine = {(y, s): v for (i, y, s), v in values.items() if i == ident}
        realisatie = {y: v for (y, s), v in sorted(mine.items()) if s == "realisatie"}
        doel: dict[int, tuple[str, float | None]] = {}
        for soort in ("beoogd", "begroting"):  # begroting wins over beoogd when it has a value
            for (year, s), value in sorted(mine.items()):
                if s == soort and (value is not None or doel.get(year, (s, None))[1] is None):
                    doel[year] = (soort, value)
        result[ident] = Indicator(
            id=ident,
            label=str(labels[ident]),
            eenheid=str(first.loc[ident, "eenheid"]),
            richting=str(first.loc[ident, "richting"]),
            realisatie=realisatie,
            doel=dict(sorted(doel.items())),
            voetnoten=tuple(str(n) for n in notes.get(ident, ())),
            typed=typed.get(ident),
            voorlopig=voorlopig.get(ident, frozenset()),
        )
    return result


def typed_places(frame: pd.DataFrame) -> dict[str, int]:
    """Per indicator the most decimals any of its values was typed with (none known: absent)."""
    column = decimals_column("waarde")
    if column not in frame:
        return {}
    most = frame.groupby("id")[column].max()
    return {str(i): int(v) for i, v in most.items() if not pd.isna(v)}


def _money(value: float | None) -> float | None:
    """An amount as compared and printed: to the cent (never more decimals)."""
    return None if value is None else float(round_half_up(value, MONEY_DECIMALS))


def exact(value: float) -> Decimal:
    """A value as it is compared and printed: rounded to :data:`PRECISION` decimals."""
    return round_half_up(value, PRECISION).normalize()


def change(
    old: float,
    new: float,
    drempels: Mapping[str, float] | None = None,
    words: tuple[str, str, str] = RISE_WORDS,
) -> Change:
    """Name the change from ``old`` to ``new``.

    The size is licht up to ``licht`` percent, fors from ``fors`` percent, duidelijk between,
    judged on the exact percentage; the printed one keeps to the same side of each threshold
    (:meth:`Change.procent_text`). From 0 there is no percentage and no size.
    """
    limits = DEFAULT_DREMPELS | dict(drempels or {})
    thresholds = (float(limits["licht"]), float(limits["fors"]))
    a, b = exact(old), exact(new)
    verschil = b - a
    up, down, same = words
    if verschil == 0:
        return Change(same, verschil, Fraction(0) if a != 0 else None, thresholds)
    direction = up if verschil > 0 else down
    if a == 0:
        return Change(direction, verschil, None, thresholds)
    procent = Fraction(verschil) / abs(Fraction(a)) * 100
    size = abs(procent)
    if size <= Fraction(repr(thresholds[0])):
        adverb = "licht"
    elif size < Fraction(repr(thresholds[1])):
        adverb = "duidelijk"
    else:
        adverb = "fors"
    return Change(f"{adverb} {direction}", verschil, procent, thresholds)


def verdict(realisatie: float | None, doel: float | None, richting: str = "hoger") -> bool | None:
    """Gehaald (True) when realisatie ≥ doel (≤ for ``richting: lager``); None if one is missing."""
    if realisatie is None or doel is None:
        return None
    r, d = exact(realisatie), exact(doel)
    return r <= d if richting == "lager" else r >= d


def change_detail(ind: Indicator, step: Change) -> str:
    """``+159; +39,8%``; for a percentage ``+2,5 procentpunt; relatief +5,0%``."""
    detail = typographic(format_signed(step.verschil, ind.eenheid, ind.decimals))
    if step.procent is not None:
        relatief = "relatief " if ind.eenheid == "percentage" else ""
        detail += f"; {relatief}{typographic(step.procent_text())}"
    return detail


def change_sentence(ind: Indicator, year: int, drempels: Mapping[str, float]) -> str | None:
    """The realisatie of ``year`` against the previous realisatie with a value."""
    new = ind.realisatie.get(year)
    if new is None:
        return None
    earlier = [y for y, v in ind.realisatie.items() if y < year and v is not None]
    shown = _fmt(ind, new)
    if not earlier:
        return (
            f"{ind.label}: {shown} in {year}; er is geen eerdere realisatie om mee te vergelijken."
        )
    prev = max(earlier)
    old = ind.realisatie[prev]
    assert old is not None
    step = change(old, new, drempels)
    if step.verschil == 0:
        return f"{ind.label}: gelijk gebleven op {shown} in {year} (ook {shown} in {prev})."
    return (
        f"{ind.label}: {step.word} van {_fmt(ind, old)} in {prev} "
        f"naar {shown} in {year} ({change_detail(ind, step)})."
    )


def verdict_sentence(ind: Indicator, year: int) -> str | None:
    """Realisatie against the target of the same year, saying by how much."""
    if year not in ind.doel:
        return None
    soort, target = ind.doel[year]
    new = ind.realisatie.get(year)
    what = f"Het doel voor {year} ({TARGET_LABEL[soort]}: {_fmt(ind, target)})"
    if target is None:
        return f"Voor {year} is geen doel vastgesteld; er is dus geen oordeel."
    if new is None:
        if (year, "realisatie") in ind.voorlopig:
            return f"{what} is nog niet te beoordelen: de realisatie van {year} is nog niet bekend."
        return f"{what} is niet te beoordelen: de realisatie van {year} ontbreekt."
    gehaald = verdict(new, target, ind.richting)
    verschil = exact(new) - exact(target)
    lager = " (lager is beter)" if ind.richting == "lager" else ""
    if verschil == 0:
        return f"{what} is precies gehaald{lager}."
    side = "boven" if verschil > 0 else "onder"
    amount = typographic(format_signed(verschil, ind.eenheid, ind.decimals, sign=False))
    of_target = ""
    if exact(target) > 0 and ind.eenheid != "percentage":
        # Printed on the same side of 100% as the verdict; a share of a negative target, or
        # a percentage of a percentage, would read the wrong way round, so neither is printed.
        share = Fraction(exact(new)) / Fraction(exact(target)) * 100
        of_target = f", {typographic(format_share(share))} van het doel"
    word = "gehaald" if gehaald else "niet gehaald"
    return f"{what} is {word}{lager}: {amount} {side} het doel{of_target}."


def target_sentence(ind: Indicator, year: int, drempels: Mapping[str, float]) -> str | None:
    """For a begroting: the target of ``year`` against that of the year before."""
    soort, target = ind.doel.get(year, ("beoogd", None))
    if target is None:
        return None
    label = TARGET_LABEL[soort]
    before = ind.doel.get(year - 1, ("beoogd", None))[1]
    if before is None:
        return f"{ind.label}: {label} voor {year}: {_fmt(ind, target)}."
    step = change(before, target, drempels, TARGET_WORDS)
    return (
        f"{ind.label}: het doel is {step.word}, van {_fmt(ind, before)} voor {year - 1} "
        f"naar {_fmt(ind, target)} voor {year}."
    )


def conclusion(
    ind: Indicator, soort: Soort, jaar: int, drempels: Mapping[str, float] | None = None
) -> str:
    """The conclusion for one indicator in a document of kind ``soort`` about year ``jaar``."""
    limits = DEFAULT_DREMPELS | dict(drempels or {})
    known = [y for y, v in ind.realisatie.items() if v is not None and y <= jaar]
    parts: list[str | None] = []
    year = jaar if soort == "jaarverslag" or not known else max(known)
    if soort != "jaarverslag" and not known:
        parts.append(target_sentence(ind, jaar, limits))
    else:
        sentence = change_sentence(ind, year, limits)
        nnb = (year, "realisatie") in ind.voorlopig and ind.realisatie.get(year) is None
        if sentence is None:
            known_yet = (
                "de realisatie nog niet bekend (n.n.b.)" if nnb else "geen realisatie bekend"
            )
            sentence = f"{ind.label}: voor {year} is {known_yet}."
        parts += [sentence, verdict_sentence(ind, year)]
        if (year, "realisatie") in ind.voorlopig and not nnb:
            parts.append(f"De realisatie van {year} is voorlopig.")
        if soort != "jaarverslag" and year != jaar:
            parts.append(target_sentence(ind, jaar, limits))
    text = " ".join(p for p in parts if p)
    if not text:
        text = f"{ind.label}: geen cijfers beschikbaar"
        text += f" ({'; '.join(n.rstrip('.') for n in ind.voetnoten)})." if ind.voetnoten else "."
    return unbreakable(text)


def _fmt(ind: Indicator, value: float | None) -> str:
    shown = format_value(None if value is None else exact(value), ind.eenheid, ind.decimals)
    return typographic(shown)
