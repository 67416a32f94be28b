"""Computed conclusions: hand-checked sentences, and properties that tie words to arithmetic."""

from __future__ import annotations

import re
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaarverslag.compute.conclusies import Indicator, change, indicators, verdict
from jaarverslag.compute.conclusies import conclusion as generated

DREMPELS = {"licht": 5.0, "fors": 15.0}


def conclusion(*args, **kwargs) -> str:
    """The generated text, read as pdftotext and Word read it: a no-break space is a space."""
    text = generated(*args, **kwargs)
    assert "€ " not in text and " procentpunt" not in text  # a unit never leaves its figure
    assert not re.search(r"-\d", text)  # a figure's sign is a minus (U+2212) that holds to it
    return text.replace("\u00a0", " ")


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
    # Between percentages the difference is in procentpunt; the relative change says so.
    text = conclusion(
        ind({2016: 50.0, 2017: 52.5}, {2017: 55}, eenheid="percentage"), "jaarverslag", 2017
    )
    assert "van 50,0% in 2016 naar 52,5% in 2017 (+2,5 procentpunt; relatief +5,0%)" in text
    assert "niet gehaald: 2,5 procentpunt onder het doel." in text  # no "% van het doel"
    # 100.000 → 100.001 is +0,001%: printed with the decimals it takes not to read 0,0%.
    tiny = conclusion(ind({2016: 100000, 2017: 100001}), "jaarverslag", 2017)
    assert "(+1; +0,001%)" in tiny


def test_issue_12_verdict_and_share_agree():
    """Begroting 2.000, realisatie 1.999 was "niet gehaald: …, 100,0% van het doel"."""
    text = conclusion(ind({2017: 1999}, {2017: 2000}), "jaarverslag", 2017)
    assert "is niet gehaald: 1 onder het doel, 99,95% van het doel." in text
    text = conclusion(ind({2017: 2001}, {2017: 2000}, "lager"), "jaarverslag", 2017)
    assert "niet gehaald (lager is beter): 1 boven het doel, 100,1% van het doel." in text
    # 50% → 55%: "+5 procentpunt", never "+5%".
    text = conclusion(ind({2016: 50, 2017: 55}, {2017: 60}, eenheid="percentage"), "x", 2017)
    assert "(+5 procentpunt; relatief +10,0%)" in text
    assert "5 procentpunt onder het doel" in text


def test_euro_amounts_keep_their_cents():
    text = conclusion(ind({2016: 100, 2017: 100.4}, {2017: 100}, eenheid="euro"), "x", 2017)
    assert "van € 100,00 in 2016 naar € 100,40 in 2017 (€ +0,40; +0,4%)" in text
    assert "(begroot: € 100,00) is gehaald: € 0,40 boven het doel, 100,4% van het doel." in text
    whole = conclusion(ind({2016: 100, 2017: 120}, {2017: 100}, eenheid="euro"), "x", 2017)
    assert "van € 100 in 2016 naar € 120 in 2017 (€ +20; +20,0%)" in whole


def test_no_share_of_a_negative_target():
    # -5 against a target of -10 is gehaald (higher); "50,0% van het doel" would read as a miss.
    text = conclusion(ind({2017: -5}, {2017: -10}), "jaarverslag", 2017)
    assert "is gehaald: 5 boven het doel." in text


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
NUMBER = r"[-\u2212]?[\d.]+(?:,\d+)?"  # a printed minus is U+2212


def dutch(text: str) -> Fraction:
    """A printed Dutch number (``€ 1.234,50``, ``−9``, ``99,95``) back to an exact value."""
    plain = text.replace("€", "").replace(" ", "").replace("\u00a0", "").replace("\u2212", "-")
    return Fraction(plain.replace(".", "").replace(",", "."))


def size_word(percent: Fraction, licht: Fraction, fors: Fraction) -> str:
    size = abs(percent)
    return "licht" if size <= licht else "fors" if size >= fors else "duidelijk"


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
        exact = (b - a) / abs(a) * 100
        assert step.word.split()[0] == size_word(exact, Fraction(licht), Fraction(fors))


@settings(max_examples=400)
@given(old=MAYBE, new=MAYBE, target=MAYBE, richting=st.sampled_from(["hoger", "lager"]))
def test_sentences_agree_with_their_printed_numbers(old, new, target, richting):
    text = conclusion(ind({2016: old, 2017: new}, {2017: target}, richting), "jaarverslag", 2017)
    moved = re.search(
        r"(gestegen|gedaald) van (\S+) in 2016 naar (\S+) in 2017 \(([+\u2212])", text
    )
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


# Near every threshold: values a hair's breadth either side of the norm (gehaald / niet
# gehaald) and of 0, licht and fors (gelijk / licht / duidelijk / fors), in every unit.

SCALE = st.sampled_from([1, 10, 1000, 2000, 123_456, 10**6])
HAIR = st.integers(-50, 50).map(lambda k: Fraction(k, 10**6))  # up to 5e-5 either side
EENHEID = st.sampled_from(["aantal", "euro", "percentage"])


@settings(max_examples=1000)
@given(
    target=st.integers(1, 10**8).map(lambda n: Fraction(n, 100)),
    nudge=st.one_of(HAIR, st.integers(-3, 3).map(lambda k: Fraction(k, 10**4))),
    relative=st.booleans(),
    richting=st.sampled_from(["hoger", "lager"]),
    eenheid=EENHEID,
)
def test_verdicts_near_the_norm_agree_with_the_printed_share(
    target, nudge, relative, richting, eenheid
):
    """gehaald ⇔ the printed share is ≥ 100% (≤ for lager), and it prints 100% only when the
    realisatie is exactly on target; the printed difference is the exact one."""
    new = target * (1 + nudge) if relative else target + nudge
    new = Fraction(round(new * 10**6), 10**6)  # the data's precision
    if eenheid == "euro":  # money is kept and printed to the cent, never more
        new = Fraction(round(new * 100), 100)
    text = conclusion(
        ind({2017: float(new)}, {2017: float(target)}, richting, eenheid), "jaarverslag", 2017
    )
    good = new >= target if richting == "hoger" else new <= target
    assert ("niet gehaald" in text) == (not good)
    if new == target:
        assert "precies gehaald" in text
        return
    amount = re.search(rf"(€\s)?({NUMBER})(\sprocentpunt)? (boven|onder) het doel", text)
    assert amount, text
    assert dutch(amount.group(2)) == abs(new - target)
    assert (amount.group(3) is not None) == (eenheid == "percentage")
    share = re.search(rf"({NUMBER})% van het doel", text)
    if eenheid == "percentage":
        assert share is None
        return
    assert share, text
    printed = dutch(share.group(1))
    assert printed != 100
    assert (printed > 100) == (new > target)
    assert ("niet gehaald" in text) == ((printed < 100) if richting == "hoger" else printed > 100)


@settings(max_examples=1000)
@given(
    old=st.integers(-(10**8), 10**8).filter(bool).map(lambda n: Fraction(n, 100)),
    edge=st.sampled_from(["nul", "licht", "fors"]),
    down=st.booleans(),
    nudge=HAIR,
    licht=st.integers(0, 20).map(lambda n: Fraction(n, 2)),
    extra=st.integers(0, 20).map(lambda n: Fraction(n, 2)),
    eenheid=EENHEID,
)
def test_change_words_near_every_threshold_agree_with_the_printed_percent(
    old, edge, down, nudge, licht, extra, eenheid
):
    """gestegen / gedaald follows the printed sign, licht / duidelijk / fors the printed
    percent (licht: ≤ licht, fors: ≥ fors); the printed difference is the exact one."""
    fors = licht + extra
    percent = {"nul": Fraction(0), "licht": licht, "fors": fors}[edge] + nudge
    new = old + abs(old) * (-percent if down else percent) / 100
    new = Fraction(round(new * 10**6), 10**6)
    if eenheid == "euro":  # money is kept and printed to the cent, never more
        new = Fraction(round(new * 100), 100)
    drempels = {"licht": float(licht), "fors": float(fors)}
    facts = ind({2016: float(old), 2017: float(new)}, eenheid=eenheid)
    text = conclusion(facts, "jaarverslag", 2017, drempels)
    if new == old:
        assert "gelijk gebleven" in text
        return
    found = re.search(
        rf"(licht|duidelijk|fors) (gestegen|gedaald) van .* \((€\s)?([+]?{NUMBER})"
        rf"(\sprocentpunt)?; (relatief )?([+]?{NUMBER})%\)",
        text,
    )
    assert found, text
    size, word, _, difference, procentpunt, relatief, printed = found.groups()
    assert dutch(difference) == new - old
    assert (procentpunt is not None) == (relatief is not None) == (eenheid == "percentage")
    percent_printed = dutch(printed)
    assert percent_printed != 0
    assert (percent_printed > 0) == (word == "gestegen") == (new > old)
    assert size == size_word(percent_printed, licht, fors)
    assert size == size_word((new - old) / abs(old) * 100, licht, fors)
