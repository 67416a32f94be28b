"""Random kosten files as the loader gives them (hypothesis), and printed amounts read back:
shared by the kosten properties and the live amounts' tests."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import pandas as pd
from hypothesis import strategies as st

JAAR = 2020
POSTS = ["6.1 Samenkracht", "6.3 Inkomensregelingen", "6.4 Begeleide participatie", "Overig"]
#: Reserve mutations are booked per reserve or on a post (a taakveld) of the table.
RESERVES = ["Reserve sociaal domein", "Reserve re-integratie", "6.4 Begeleide participatie"]
SOORTEN = ["lasten", "baten", "toevoeging", "onttrekking"]
STANDS = {
    "jaarverslag": [
        (JAAR - 1, "realisatie"),
        (JAAR, "begroting"),
        (JAAR, "begroting_na_wijziging"),
        (JAAR, "realisatie"),
    ],
    "begroting": [
        (JAAR - 2, "realisatie"),
        (JAAR - 1, "begroting"),
        (JAAR - 1, "begroting_na_wijziging"),
        *((y, "begroting") for y in range(JAAR, JAAR + 4)),
    ],
}
#: Whole euros, cents, or an amount with one decimal (printed with two), some negative.
AMOUNTS = st.one_of(
    st.integers(-(10**7), 10**8).map(float),
    st.integers(-(10**9), 10**10).map(lambda c: c / 100),
    st.integers(0, 10**6).map(lambda d: d / 10),
)


@st.composite
def kosten_files(draw: st.DrawFn) -> tuple[str, pd.DataFrame]:
    """A kosten file as the loader gives it: some posts, some stands, gaps and empty cells;
    half of them with reserve mutations."""
    soort = draw(st.sampled_from(["jaarverslag", "begroting"]))
    posts = draw(st.lists(st.sampled_from(POSTS), min_size=1, max_size=4, unique=True))
    reserves = draw(st.lists(st.sampled_from(RESERVES), max_size=3, unique=True))
    rows = []
    for post, kinds in [(p, ["lasten", "baten"]) for p in posts] + [
        (r, ["toevoeging", "onttrekking"]) for r in reserves
    ]:
        for kind in draw(st.sets(st.sampled_from(kinds), min_size=1)):
            for year, stand in STANDS[soort]:
                if draw(st.integers(0, 3)) == 0:
                    continue  # no row: this stand is missing for the post
                amount = draw(st.one_of(st.just(float("nan")), AMOUNTS, AMOUNTS, AMOUNTS))
                rows.append((post, kind, year, stand, amount))
    if not rows:
        year, stand = STANDS[soort][-1]
        rows.append((posts[0], "lasten", year, stand, 1.0))
    return soort, kosten_frame(rows)


def kosten_frame(rows: Sequence[tuple[str, str, int, str, float]]) -> pd.DataFrame:
    """A validated kosten frame as the loader gives it: (post, soort, jaar, stand, bedrag)
    rows, the first on line 2 of the file."""
    frame = pd.DataFrame(rows, columns=["post", "soort", "jaar", "stand", "bedrag"])
    frame = frame.astype({"jaar": "int64", "bedrag": "float64"})
    frame["_line"] = range(2, 2 + len(frame))
    return frame


def number(text: str) -> Fraction | None:
    """A printed amount (``€ -1.234,50``, also with a no-break space and a typographic minus
    as a document prints it) back to its value; the dash is no data."""
    if text == "-":
        return None
    plain = text.replace("\u00a0", " ").removeprefix("€ ").replace("\u2212", "-")
    return Fraction(plain.replace(".", "").replace(",", "."))
