"""The words and the chart of the block ``vergelijking``: one sentence per post and one dot
chart per post, made from the figures :mod:`.vergelijking` printed in its table.

Every comparison word (*hoger dan*, *lager dan*, *gelijk aan*) is decided on the two figures
as they are printed beside it (with the table's decimals: cents), so a word never contradicts
them: € 34,87 against a median of € 34,87 is *gelijk aan*, whatever the third decimal.
"""

from __future__ import annotations

from collections.abc import Sequence

from jaarverslag.compute.vergelijking_cijfers import Figure
from jaarverslag.core.model import DotChart, Strip
from jaarverslag.core.numbers import (
    exact,
    format_number,
    format_value,
    round_half_up,
    typographic,
    unbreakable,
)
from jaarverslag.inputs.reeks import Gemeente

LABELS = {"lasten": "lasten", "baten": "baten"}


def word(value: float, other: float, decimals: int) -> str:
    """How ``value`` stands to ``other``, as both are printed with ``decimals``."""
    shown, compared = (round_half_up(exact(v), decimals) for v in (value, other))
    if shown > compared:
        return "hoger dan"
    if shown < compared:
        return "lager dan"
    return "gelijk aan"


def euro(value: float | None, decimals: int) -> str:
    return typographic(format_value(value, "euro", decimals))


def place_words(f: Figure, klasse: str | None) -> str:
    """``plaats 14 van 45 in de grootteklasse (hoogste eerst)``; ``gedeelde plaats`` on a tie."""
    if f.place is None or f.value is None:
        return ""
    shared = sum(1 for v in f.group if v == f.value) > 1
    where = "in de grootteklasse" if klasse is not None else "van alle gemeenten"
    noun = "gedeelde plaats" if shared else "plaats"
    return f"{noun} {format_number(f.place)} van {format_number(f.size)} {where} (hoogste eerst)"


def _compared(f: Figure, klasse: str | None, decimals: int) -> str:
    """``hoger dan de mediaan van de grootteklasse X (€ 280,10) en lager dan die van alle
    gemeenten (€ 330,00)``."""
    assert f.value is not None
    parts: list[tuple[str, str, float]] = []
    if klasse is not None and f.mediaan_klasse is not None:
        versus = word(f.value, f.mediaan_klasse, decimals)
        parts.append((versus, f"grootteklasse {klasse}", f.mediaan_klasse))
    if f.mediaan is not None:
        parts.append((word(f.value, f.mediaan, decimals), "alle gemeenten", f.mediaan))
    if not parts:
        return ""
    (w1, who1, m1), *rest = parts
    text = f"{w1} de mediaan van de {who1} ({euro(m1, decimals)})"
    if klasse is None:
        text = f"{w1} de mediaan van {who1} ({euro(m1, decimals)})"
    if rest:
        w2, who2, m2 = rest[0]
        if w2 == w1:
            text += f" en van {who2} ({euro(m2, decimals)})"
        else:
            text += f" en {w2} die van {who2} ({euro(m2, decimals)})"
    return text


def sentence(post: str, figures: Sequence[Figure], gemeente: Gemeente, decimals: int) -> str:
    """One sentence for one post: each soort's figure per inwoner, how it compares with the
    medians, and its place."""
    klasse = gemeente.grootteklasse
    parts = []
    for f in figures:
        soort = LABELS.get(f.soort, f.soort)
        if f.value is None:
            parts.append(f"{soort}: geen gegevens")
            continue
        bits = [f"{soort} {euro(f.value, decimals)} per inwoner"]
        compared = _compared(f, klasse, decimals)
        if compared:
            bits.append(compared)
        place = place_words(f, klasse)
        if place:
            bits.append(place)
        parts.append(", ".join(bits))
    return unbreakable(f"{post}: {'; '.join(parts)}.")


def chart(
    name: str,
    post: str,
    figures: Sequence[Figure],
    gemeente: Gemeente,
    decimals: int,
    kolom: str,
) -> DotChart:
    """A dot per gemeente of the class (or of all gemeenten), this one highlighted, a strip per
    soort; the alt text states this gemeente's figures, the median and the range."""
    klasse = gemeente.grootteklasse
    members = (
        f"de gemeenten in de grootteklasse {klasse}" if klasse is not None else "alle gemeenten"
    )
    strips: list[Strip] = []
    said = []
    for f in figures:
        median = f.mediaan_klasse if klasse is not None else f.mediaan
        label = f"{LABELS.get(f.soort, f.soort).capitalize()} per inwoner"
        strips.append(Strip(label, f.group, f.value, median))
        if f.value is None:
            said.append(f"{label}: van {gemeente.naam} geen gegevens.")
            continue
        lo, hi = (f.group[0], f.group[-1]) if f.group else (None, None)
        place = place_words(f, klasse)
        said.append(
            f"{label}: {gemeente.naam} {euro(f.value, decimals)}"
            + (f", {place}" if place else "")
            + f"; mediaan {euro(median, decimals)}; laagste {euro(lo, decimals)}, "
            f"hoogste {euro(hi, decimals)}."
        )
    count = max((len(f.group) for f in figures), default=0)
    alt = (
        f"Stippendiagram van de lasten en baten per inwoner van {post} ({kolom}): elke stip is "
        f"een van de {format_number(count)} gemeenten"
        + (f" in de grootteklasse {klasse}" if klasse is not None else "")
        + f", {gemeente.naam} is "
        f"gemarkeerd en de mediaan is een lijn. " + " ".join(said)
    )
    caption = (
        f"{post}, per inwoner: {gemeente.naam} vergeleken met {members}. Elke blauwe stip is "
        f"een gemeente, de oranje ruit {gemeente.naam}, de stippellijn de mediaan."
    )
    return DotChart(name, caption, unbreakable(alt), gemeente.naam, tuple(strips), decimals)
