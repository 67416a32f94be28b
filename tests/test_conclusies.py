"""Computed conclusions: hand-checked sentences, and properties that tie words to arithmetic."""

from __future__ import annotations

import re
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaarverslag.compute.conclusies import Indicator, change, conclusion, indicators, verdict

DREMPELS = {"licht": 5.0, "fors": 15.0}


def ind(realisatie, doel=None, richting="hoger", eenheid="aantal", soort="begroting"):
    return Indicator(
        "x",
        "Aantal X",
        eenheid,
        richting,
        realisatie,
        {y: (soort, v) for y, v in (doel or {}).items()},
    )


# -- hand-checked ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "word"),
    [
        (400, 559, "fors gestegen"),  # +39,75% (seed 000: "fors gestegen tot 559")
        (399, 400, "licht gestegen"),  # +0,25% (seed 000: "licht gestegen")
        (17, 35, "fors gestegen"),  # +105,9%
        (100, 105, "licht gestegen"),  # exactly the licht threshold is still licht
        (100, 105.1, "duidelijk gestegen"),
        (100, 114.9, "duidelijk gestegen"),
        (100, 115, "fors gestegen"),  # exactly fors is fors
        (100, 95, "licht gedaald"),
        (455, 425, "duidelijk gedaald"),  # -6,6%
        (7, 7, "gelijk gebleven"),
        (0, 5, "gestegen"),  # no percentage from 0, so no size either
        (-10, -5, "fors gestegen"),  # +50% of |-10|
    ],
)
def test_change_words(old, new, word):
    assert change(old, new, DREMPELS).word == word


def test_thresholds_come_from_the_rapport():
    assert change(100, 101.5, {"licht": 1, "fors": 2}).word == "duidelijk gestegen"
    assert change(100, 101.5, {"licht": 2, "fors": 3}).word == "licht gestegen"


def test_verdicts():
    assert verdict(559, 500) is True
    assert verdict(35, 44) is False
    assert verdict(44, 44) is True
    assert verdict(8, 10, "lager") is True
    assert verdict(12, 10, "lager") is False
    assert verdict(None, 10) is None
    assert verdict(10, None) is None


def test_seed_000_conclusions():
    """Hand-checked against the seed: 559 vs 500 (+59, 111,8%); 35 vs 44 (-9, 79,5%)."""
    p = conclusion(ind({2016: 400, 2017: 559}, {2017: 500}), "jaarverslag", 2017)
    assert p == (
        "Aantal X: fors gestegen van 400 in 2016 naar 559 in 2017 (+159; +39,8%). "
        "Het doel voor 2017 (begroot: 500) is gehaald: 59 boven het doel, 111,8% van het doel."
    )
    n = conclusion(ind({2016: 17, 2017: 35}, {2017: 44}), "jaarverslag", 2017)
    assert "fors gestegen van 17 in 2016 naar 35 in 2017 (+18; +105,9%)" in n
    assert "is niet gehaald: 9 onder het doel, 79,5% van het doel." in n


def test_lager_is_beter():
    text = conclusion(ind({2016: 12, 2017: 8}, {2017: 10}, "lager"), "jaarverslag", 2017)
    assert "is gehaald (lager is beter): 2 onder het doel" in text
    assert "fors gedaald" in text  # -33,3%


def test_no_verdict_without_realisatie_or_target():
    text = conclusion(ind({2016: 12, 2017: None}, {2017: 10}), "jaarverslag", 2017)
    assert "geen realisatie" in text and "gehaald" not in text
    text = conclusion(ind({2016: 12, 2017: 14}, {2017: None}), "jaarverslag", 2017)
    assert "geen doel" in text and "gehaald" not in text


def test_begroting_without_realisatie_describes_the_targets():
    text = conclusion(ind({}, {2019: 96, 2020: 118}, soort="beoogd"), "begroting", 2020)
    assert text == "Aantal X: het doel is fors verhoogd, van 96 voor 2019 naar 118 voor 2020."


def test_units_and_tiny_changes():
    text = conclusion(
        ind({2016: 50.0, 2017: 52.5}, {2017: 55}, eenheid="percentage"), "jaarverslag", 2017
    )
    assert "van 50% in 2016 naar 52,5% in 2017 (+2,5%; +5,0%)" in text
    tiny = conclusion(ind({2016: 100000, 2017: 100001}), "jaarverslag", 2017)
    assert "(+1; minder dan 0,1%)" in tiny


def test_no_data_at_all_says_so_with_the_footnote():
    frame = pd.DataFrame(
        {
            "id": ["p", "p"],
            "indicator": ["P-banen", "P-banen"],
            "jaar": [2019, 2020],
            "soort": ["beoogd", "beoogd"],
            "waarde": [float("nan")] * 2,
            "eenheid": ["aantal"] * 2,
            "richting": ["hoger"] * 2,
            "voetnoot": [None, "afgesproken is niet te sturen op het aantal P-banen."],
        }
    )
    facts = indicators(frame)
    assert facts["p"].doel == {2019: ("beoogd", None), 2020: ("beoogd", None)}
    assert conclusion(facts["p"], "begroting", 2020) == (
        "P-banen: geen cijfers beschikbaar (afgesproken is niet te sturen op het aantal P-banen)."
    )


# -- properties: a conclusion never contradicts its numbers ---------------------------------

VALUES = st.decimals(min_value=-(10**6), max_value=10**6, places=2).map(float)
MAYBE = st.one_of(st.none(), VALUES)


def dutch(text: str) -> Fraction:
    return Fraction(text.replace(".", "").replace(",", "."))


@settings(max_examples=400)
@given(old=VALUES, new=VALUES, licht=st.integers(0, 40), extra=st.integers(0, 40))
def test_change_word_follows_the_arithmetic(old, new, licht, extra):
    fors = licht + extra
    step = change(old, new, {"licht": licht, "fors": fors})
    a, b = Fraction(str(old)), Fraction(str(new))
    if b > a:
        assert step.word.endswith("gestegen")
    elif b < a:
        assert step.word.endswith("gedaald")
    else:
        assert step.word == "gelijk gebleven"
    assert step.verschil == b - a
    if a != 0 and b != a:
        tenths = int(abs(b - a) / abs(a) * 1000 + Fraction(1, 2))  # percent, 1 decimal, half up
        size = step.word.split()[0]
        expected = (
            "licht" if tenths <= 10 * licht else "fors" if tenths >= 10 * fors else "duidelijk"
        )
        assert size == expected


@settings(max_examples=400)
@given(old=MAYBE, new=MAYBE, target=MAYBE, richting=st.sampled_from(["hoger", "lager"]))
def test_sentences_agree_with_their_printed_numbers(old, new, target, richting):
    text = conclusion(ind({2016: old, 2017: new}, {2017: target}, richting), "jaarverslag", 2017)
    moved = re.search(r"(gestegen|gedaald) van (\S+) in 2016 naar (\S+) in 2017 \(([+-])", text)
    if moved:
        word, a, b, sign = moved.groups()
        assert (dutch(b) > dutch(a)) == (word == "gestegen") == (sign == "+")
    assert bool(re.search(r"\b(gestegen|gedaald|gelijk gebleven)\b", text)) == (
        old is not None and new is not None
    )
    if new is None or target is None:
        assert "gehaald" not in text
        return
    r, d = Fraction(str(new)), Fraction(str(target))
    good = r >= d if richting == "hoger" else r <= d
    assert ("niet gehaald" in text) == (not good)
    assert ("is gehaald" in text or "is precies gehaald" in text) == good
    assert ("boven het doel" in text) == (r > d)
    assert ("onder het doel" in text) == (r < d)
    shown = re.search(r"\(begroot: (\S+)\)", text)
    assert shown and dutch(shown.group(1)) == d
