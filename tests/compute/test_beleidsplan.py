"""The beleidsplan's financial chapter: maatregelen, the verdeelsleutel and the cost split.

The seed figures are those of the participatie beleidsplan of Leidschendam-Voorburg, Wassenaar
and Voorschoten (chapter 9, Financiën).
"""

from __future__ import annotations

import itertools
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from random import Random

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaarverslag.compute.afronding import NOTE
from jaarverslag.compute.beleidsplan import (
    check_verdeelsleutel,
    maatregelen_table,
    round_total,
    split_amount,
    verdeling_table,
)
from jaarverslag.core.errors import Problem
from jaarverslag.core.model import Table
from jaarverslag.core.numbers import format_cell
from jaarverslag.core.slugs import slug

NAN = math.nan


def maatregelen(*rows: tuple[str, str, int, float]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["post", "karakter", "jaar", "bedrag"])
    frame["jaar"] = frame["jaar"].astype("int64")
    frame["bedrag"] = frame["bedrag"].astype("float64")
    frame["_line"] = range(2, 2 + len(frame))
    return frame


def sleutel(*rows: tuple[str, float]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["partij", "aandeel"])
    frame["aandeel"] = frame["aandeel"].astype("float64")
    frame["_line"] = range(2, 2 + len(frame))
    return frame


def values(table: Table) -> dict[str, list[object]]:
    return {row.label: [c.value for c in row.cells] for row in table.rows if row.kind != "groep"}


def seed_maatregelen() -> pd.DataFrame:
    rows = []
    for jaar in (2024, 2025, 2026):
        rows += [
            ("Eén participatieconsulent", "structureel", jaar, 95_000),
            ("Matchmakers en leerwerkmakelaar", "structureel", jaar, 120_000),
            ("Keuringen en opleidingen", "structureel", jaar, 32_000),
        ]
    for jaar in (2024, 2025):
        rows += [
            ("Twee participatieconsulenten", "incidenteel", jaar, 190_000),
            ("Participatietrajecten", "incidenteel", jaar, 50_000),
        ]
    return maatregelen(*rows)


SEED_KEY = sleutel(("Leidschendam-Voorburg", 74), ("Wassenaar", 14), ("Voorschoten", 12))


# -- maatregelen ------------------------------------------------------------------------------


def test_seed_maatregelen_figures() -> None:
    table, problems = maatregelen_table(seed_maatregelen(), file="maatregelen.csv")
    assert problems == []
    assert table.name == "maatregelen"
    assert [c.label for c in table.columns] == ["2024", "2025", "2026 e.v."]
    assert [c.key for c in table.columns] == ["2024", "2025", "2026"]
    got = values(table)
    # 95.000 + 120.000 + 32.000 = 247.000 every year.
    assert got["Subtotaal structureel"] == [247_000, 247_000, 247_000]
    # 190.000 + 50.000 = 240.000 in 2024 and 2025; nothing incidenteel in 2026.
    assert got["Subtotaal incidenteel"] == [240_000, 240_000, None]
    # 247.000 + 240.000 = 487.000; 2026 only structureel: 247.000.
    assert got["Totale lasten"] == [487_000, 487_000, 247_000]
    assert [(r.kind, r.label) for r in table.rows] == [
        ("groep", "Structureel"),
        ("post", "Eén participatieconsulent"),
        ("post", "Matchmakers en leerwerkmakelaar"),
        ("post", "Keuringen en opleidingen"),
        ("subtotaal", "Subtotaal structureel"),
        ("groep", "Incidenteel"),
        ("post", "Twee participatieconsulenten"),
        ("post", "Participatietrajecten"),
        ("subtotaal", "Subtotaal incidenteel"),
        ("totaal", "Totale lasten"),
    ]
    total = next(r for r in table.rows if r.label == "Totale lasten")
    assert [format_cell(c) for c in total.cells] == ["€ 487.000", "€ 487.000", "€ 247.000"]


def test_structureel_comes_first_whatever_the_file_order() -> None:
    frame = maatregelen(
        ("Incidenteel ding", "incidenteel", 2024, 1),
        ("Vast ding", "structureel", 2024, 2),
    )
    table, _ = maatregelen_table(frame, file="m.csv")
    assert [r.label for r in table.rows] == [
        "Structureel",
        "Vast ding",
        "Subtotaal structureel",
        "Incidenteel",
        "Incidenteel ding",
        "Subtotaal incidenteel",
        "Totale lasten",
    ]


def test_ev_label() -> None:
    frame = seed_maatregelen()
    label = lambda ev: maatregelen_table(frame, file="m.csv", ev_label=ev)[0].columns[-1].label  # noqa: E731
    assert label("auto") == "2026 e.v."
    assert label(False) == "2026"
    assert label(True) == "2026 e.v."
    assert label("en verder") == "2026 en verder"
    # A structureel post without an amount in the last year: "auto" says no e.v.
    stopped = frame.loc[~((frame["post"] == "Keuringen en opleidingen") & (frame["jaar"] == 2026))]
    table, _ = maatregelen_table(stopped, file="m.csv")
    assert table.columns[-1].label == "2026"


def test_ev_only_heads_a_column_of_structural_amounts() -> None:
    """Issue 26: "2026 e.v." stood above an incidental amount of 2026, which doesn't run on.
    Then the column is a plain year and the note says which amounts run on; in every mode."""
    frame = pd.concat(
        [seed_maatregelen(), maatregelen(("Eenmalig onderzoek", "incidenteel", 2026, 30_000))]
    )
    frame["_line"] = range(2, 2 + len(frame))
    note = (
        "De structurele bedragen van 2026 gelden ook voor de jaren daarna (2026 e.v.); "
        "de incidentele bedragen van 2026 niet."
    )
    for ev in ("auto", True):
        table, _ = maatregelen_table(frame, file="m.csv", ev_label=ev)
        assert table.columns[-1].label == "2026"
        assert table.note == note
        split = verdeling_table(frame, SEED_KEY, afronding=1000, ev_label=ev)
        assert split.columns[-1].label == "2026" and split.note == note
    # an incidental 0 (or no amount) in the last year is no amount: e.v. stays
    zero = frame.assign(bedrag=frame["bedrag"].where(frame["post"] != "Eenmalig onderzoek", 0))
    assert maatregelen_table(zero, file="m.csv")[0].columns[-1].label == "2026 e.v."
    table, _ = maatregelen_table(frame, file="m.csv", ev_label=False)
    assert table.columns[-1].label == "2026" and table.note is None


def test_parts_that_print_rounded_get_a_rounding_note() -> None:
    """Issue 26: money never past the cent, in thousands whole: printed parts can then add up
    to another figure than their printed total, and the table says so at that total."""
    cents = maatregelen(*((p, "structureel", 2024, 0.333) for p in ("A", "B", "C")))
    table, _ = maatregelen_table(cents, file="m.csv")
    shown = {r.label: (format_cell(r.cells[0]), r.cells[0].markers) for r in table.rows}
    assert shown["A"] == ("€ 0,33", ())
    assert shown["Subtotaal structureel"] == ("€ 1,00", ("*",))  # 0,33 × 3 = 0,99
    assert shown["Totale lasten"] == ("€ 1,00", ())  # its part, the subtotal, prints 1,00
    assert table.footnotes == (("*", NOTE),)
    thousands = maatregelen(("A", "structureel", 2024, 12.5), ("B", "structureel", 2024, 12.5))
    table, _ = maatregelen_table(thousands, file="m.csv", bedragen_in=1000)
    shown = {r.label: (format_cell(r.cells[0]), r.cells[0].markers) for r in table.rows}
    assert shown["A"] == ("€ 13", ())  # whole thousands, half away from zero
    assert shown["Subtotaal structureel"] == ("€ 25", ("*",))  # 13 + 13 = 26
    whole, _ = maatregelen_table(seed_maatregelen(), file="m.csv")
    assert whole.footnotes == ()  # the seed adds up on paper


def test_shares_print_with_one_number_of_decimals() -> None:
    """Issue 26: ``74,1% / 13,9% / 12%`` mixed decimals in one column; a share typed ``12,0``
    keeps its decimal."""
    key = sleutel(("A", 74.1), ("B", 13.9), ("C", 12))
    table = verdeling_table(seed_maatregelen(), key, afronding=1000)
    assert [format_cell(r.cells[0]) for r in table.rows] == ["74,1%", "13,9%", "12,0%", "100,0%"]
    typed = sleutel(("A", 74), ("B", 14), ("C", 12)).assign(_aandeel_decimals=[1, 0, 0])
    table = verdeling_table(seed_maatregelen(), typed, afronding=1000)
    assert [format_cell(r.cells[0]) for r in table.rows] == ["74,0%", "14,0%", "12,0%", "100,0%"]


def test_maatregelen_are_printed_unrounded() -> None:
    frame = maatregelen(("Post", "structureel", 2024, 95_000.5))
    table, _ = maatregelen_table(frame, file="m.csv")
    # Unrounded, and with cents: two decimals, as money with cents always is.
    assert format_cell(table.rows[1].cells[0]) == "€ 95.000,50"


def test_maatregelen_total_lines_are_checked_and_not_printed() -> None:
    frame = maatregelen(
        ("A", "structureel", 2024, 95_000),
        ("B", "structureel", 2024, 120_000),
        ("Subtotaal structureel", "structureel", 2024, 215_000),
        ("C", "incidenteel", 2024, 50_000),
        ("Subtotaal incidenteel", "incidenteel", 2024, 60_000),  # line 6
        ("Totale lasten", "structureel", 2024, 265_000),
        ("Totaal", "incidenteel", 2024, 265_000),
    )
    table, problems = maatregelen_table(frame, file="maatregelen.csv", totals="warning")
    assert problems == [
        Problem(
            "maatregelen.csv",
            6,
            "bedrag",
            "Subtotaal incidenteel is 60.000, maar de som van de posten is 50.000",
            "warning",
        )
    ]
    assert [r.label for r in table.rows if r.kind == "post"] == ["A", "B", "C"]
    assert values(table)["Totale lasten"] == [265_000]


# -- split_amount: the seed -------------------------------------------------------------------


def test_seed_split_by_hand() -> None:
    # 487.000 at 74/14/12: exact 360.380 / 68.180 / 58.440. In thousands: floors 360 + 68 + 58
    # = 486, one thousand left, for the largest remainder: 0,44 (Voorschoten) beats 0,38 and
    # 0,18. So 360.000 / 68.000 / 59.000, not the published 361.000 / 68.000 / 58.000.
    assert [Fraction(487_000) * s / 100 for s in (74, 14, 12)] == [360_380, 68_180, 58_440]
    assert split_amount(487_000, [74, 14, 12], 1000) == [360_000, 68_000, 59_000]
    # 247.000: exact 182.780 / 34.580 / 29.640; floors 182 + 34 + 29 = 245, two left: 0,78
    # (Leidschendam-Voorburg) and 0,64 (Voorschoten) beat 0,58.
    assert [Fraction(247_000) * s / 100 for s in (74, 14, 12)] == [182_780, 34_580, 29_640]
    assert split_amount(247_000, [74, 14, 12], 1000) == [183_000, 34_000, 30_000]


def test_seed_verdeling_table() -> None:
    table = verdeling_table(seed_maatregelen(), SEED_KEY, afronding=1000, partij="wassenaar")
    assert table.name == "verdeling"
    assert [c.key for c in table.columns] == ["aandeel", "2024", "2025", "2026"]
    assert table.columns[-1].label == "2026 e.v."
    assert values(table) == {
        "Leidschendam-Voorburg": [74, 360_000, 360_000, 183_000],
        "Wassenaar": [14, 68_000, 68_000, 34_000],
        "Voorschoten": [12, 59_000, 59_000, 30_000],
        "Totaal": [100, 487_000, 487_000, 247_000],
    }
    highlighted = [r.label for r in table.rows if r.highlight]
    assert highlighted == ["Wassenaar"]
    assert all(c.highlight for c in table.rows[1].cells)
    assert not any(c.highlight for c in table.rows[0].cells)
    assert [format_cell(c) for c in table.rows[1].cells] == [
        "14%",
        "€ 68.000",
        "€ 68.000",
        "€ 34.000",
    ]
    assert table.rows[-1].kind == "totaal"


def test_verdeling_in_thousands() -> None:
    frame = maatregelen(("A", "structureel", 2024, 487), ("B", "incidenteel", 2025, NAN))
    table = verdeling_table(frame, SEED_KEY, afronding=1000, bedragen_in=1000)
    assert values(table)["Voorschoten"] == [12, 59, None]
    assert values(table)["Totaal"] == [100, 487, None]
    assert table.note == "(x € 1.000)"


def test_verdeling_unknown_partner() -> None:
    with pytest.raises(ValueError):
        verdeling_table(seed_maatregelen(), SEED_KEY, afronding=1000, partij="Katwijk")


# -- split_amount: by hand --------------------------------------------------------------------


def test_tie_goes_to_the_partner_listed_first() -> None:
    assert split_amount(1000, [50, 50], 1000) == [1000, 0]
    assert split_amount(3, [25, 25, 25, 25], 1) == [1, 1, 1, 0]


def test_float_noise_cannot_decide_a_tie() -> None:
    # 0.3 / 0.1 is 2.9999999999999996 in floats; exactly 3 units of 0.1, 1.5 each: a tie.
    assert split_amount(0.3, [50, 50], 0.1) == [0.2, 0.1]


def test_total_rounds_half_away_from_zero() -> None:
    assert round_total(2500, 1000) == 3000
    assert round_total(-2500, 1000) == -3000
    assert round_total(2499.99, 1000) == 2000
    assert sum(split_amount(2500, [74, 14, 12], 1000)) == 3000
    assert sum(split_amount(-2500, [74, 14, 12], 1000)) == -3000


def test_negative_total() -> None:
    # -360.380 / -68.180 / -58.440: floors -361 / -69 / -59 (thousands) = -489, two left for the
    # largest remainders 0,82 (Wassenaar) and 0,62 (Leidschendam-Voorburg).
    assert split_amount(-487_000, [74, 14, 12], 1000) == [-360_000, -68_000, -59_000]


def test_types_follow_the_rounding_unit() -> None:
    whole = split_amount(100.0, [33.3, 33.3, 33.4], 1.0)
    assert whole == [33, 33, 34] and all(type(p) is int for p in whole)
    cents = split_amount(100, [33.3, 33.3, 33.4], 0.01)
    assert cents == [33.3, 33.3, 33.4] and all(type(p) is float for p in cents)


def test_bad_split_arguments() -> None:
    with pytest.raises(ValueError):
        split_amount(100, [50, 49], 1)
    with pytest.raises(ValueError):
        split_amount(100, [], 1)
    with pytest.raises(ValueError):
        split_amount(100, [110, -10], 1)
    with pytest.raises(ValueError):
        split_amount(100, [100], 0)
    # Within the tolerance of 0,001 the key is accepted and the parts still add up.
    assert sum(split_amount(100, [33.333, 33.333, 33.3335], 1)) == 100


# -- split_amount: properties -----------------------------------------------------------------

UNITS = ["0.01", "0.05", "0.1", "0.25", "1", "5", "10", "1000"]


@st.composite
def splits(draw: st.DrawFn, max_partners: int = 6) -> tuple[Fraction, list[Fraction], Fraction]:
    """An exact total (in cents), shares in hundredths of a percent summing to 100, a unit."""
    n = draw(st.integers(1, max_partners))
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=n - 1, max_size=n - 1)))
    points = [0, *cuts, 10_000]
    shares = [Fraction(b - a, 100) for a, b in itertools.pairwise(points)]
    total = Fraction(draw(st.integers(-(10**11), 10**11)), 100)
    unit = Fraction(Decimal(draw(st.sampled_from(UNITS))))
    return total, shares, unit


def as_float(x: Fraction) -> float:
    return float(x)  # the decimals used here all survive a round trip through repr


def run(total: Fraction, shares: list[Fraction], unit: Fraction) -> list[Fraction]:
    parts = split_amount(as_float(total), [as_float(s) for s in shares], as_float(unit))
    return [Fraction(repr(p)) for p in parts]


def rounded_total(total: Fraction, unit: Fraction) -> Fraction:
    """Half away from zero, independently through Decimal."""
    units = Decimal(total.numerator) / Decimal(total.denominator) / Decimal(str(float(unit)))
    return Fraction(units.quantize(Decimal(1), rounding=ROUND_HALF_UP)) * unit


def remainders(total: Fraction, shares: list[Fraction], unit: Fraction) -> list[Fraction]:
    exact = [s * total / 100 / unit for s in shares]
    return [e - math.floor(e) for e in exact]


@given(splits())
def test_parts_add_up_to_the_rounded_total(case: tuple) -> None:
    total, shares, unit = case
    parts = run(total, shares, unit)
    assert sum(parts) == rounded_total(total, unit)
    assert all((p / unit).denominator == 1 for p in parts)


@given(splits())
def test_each_part_within_one_unit_of_its_exact_share(case: tuple) -> None:
    total, shares, unit = case
    for part, share in zip(run(total, shares, unit), shares, strict=True):
        assert abs(part - share * total / 100) < unit


@given(splits(max_partners=5))
def test_matches_a_brute_force_search(case: tuple) -> None:
    """Largest remainder is the split nearest to the exact shares (least squares) that adds up;
    among equally near splits, the one that gives the partners listed first the larger amount
    (for a saving: the larger saving, the mirror image of a cost)."""
    total, shares, unit = case
    sign = -1 if total < 0 else 1
    exact = [s * total / 100 / unit for s in shares]
    target = rounded_total(total, unit) / unit
    candidates = [
        list(c)
        for c in itertools.product(*[range(math.floor(e) - 1, math.floor(e) + 3) for e in exact])
        if sum(c) == target
    ]
    best = min(
        candidates,
        key=lambda c: (
            sum((p - e) ** 2 for p, e in zip(c, exact, strict=True)),
            [-sign * p for p in c],
        ),
    )
    assert run(total, shares, unit) == [p * unit for p in best]


@given(splits(), st.randoms(use_true_random=False))
def test_permuting_partners_permutes_their_parts(case: tuple, random: Random) -> None:
    total, shares, unit = case
    parts = run(total, shares, unit)
    order = list(range(len(shares)))
    random.shuffle(order)
    permuted = run(total, [shares[i] for i in order], unit)
    rests = remainders(total, shares, unit)
    for position, i in enumerate(order):
        if rests.count(rests[i]) == 1:  # only a tie may be decided by the order
            assert permuted[position] == parts[i]
        else:
            assert abs(permuted[position] - parts[i]) <= unit


@given(splits())
def test_a_negative_amount_splits_as_the_mirror_image(case: tuple) -> None:
    """SPEC: split(-x) = -split(x) for every key, ties and halves included (a saving is
    shared exactly as the same cost would be)."""
    total, shares, unit = case
    assert run(-total, shares, unit) == [-p for p in run(total, shares, unit)]


def test_issue_12_minus_101_over_50_50() -> None:
    # +101 gives 51/50 (the tie goes to the partner listed first); -101 its mirror image.
    assert split_amount(101, [50, 50], 1) == [51, 50]
    assert split_amount(-101, [50, 50], 1) == [-51, -50]


@given(splits())
def test_zero_total_gives_zero_parts(case: tuple) -> None:
    _, shares, unit = case
    assert run(Fraction(0), shares, unit) == [0] * len(shares)


@given(splits())
def test_one_partner_at_100_percent_gets_the_rounded_total(case: tuple) -> None:
    total, _, unit = case
    assert run(total, [Fraction(100)], unit) == [rounded_total(total, unit)]
    # Partners at 0% beside it get nothing.
    assert run(total, [Fraction(0), Fraction(100), Fraction(0)], unit) == [
        0,
        rounded_total(total, unit),
        0,
    ]


# -- verdeelsleutel ---------------------------------------------------------------------------


def test_valid_key_has_no_problems() -> None:
    assert check_verdeelsleutel(SEED_KEY, file="verdeelsleutel.csv") == []
    thirds = sleutel(("A", 33.333), ("B", 33.333), ("C", 33.3335))
    assert check_verdeelsleutel(thirds, file="v.csv") == []


def test_shares_must_sum_to_100() -> None:
    key = sleutel(("Leidschendam-Voorburg", 74), ("Wassenaar", 14), ("Voorschoten", 11))
    problems = check_verdeelsleutel(key, file="verdeelsleutel.csv")
    assert problems == [
        Problem("verdeelsleutel.csv", None, "aandeel", "de aandelen tellen op tot 99, niet tot 100")
    ]
    assert str(problems[0]) == (
        "verdeelsleutel.csv: aandeel: de aandelen tellen op tot 99, niet tot 100"
    )
    off = sleutel(("A", 50), ("B", 50.002))
    assert [p.message for p in check_verdeelsleutel(off, file="v.csv")] == [
        "de aandelen tellen op tot 100,002, niet tot 100"
    ]


def test_negative_and_missing_shares_and_double_partners() -> None:
    key = sleutel(("A", 110), ("B", -10), ("C", NAN), ("a ", 0))
    problems = check_verdeelsleutel(key, file="v.csv")
    assert sorted((p.line, p.column) for p in problems) == [
        (3, "aandeel"),
        (4, "aandeel"),
        (5, "partij"),
    ]
    assert all(p.severity == "error" for p in problems)
    double = next(p for p in problems if p.column == "partij")
    assert "regel 2" in double.message


# -- slug -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Leidschendam-Voorburg", "leidschendam-voorburg"),
        ("../../x", "x"),
        ("Súdwest-Fryslân", "sudwest-fryslan"),
        ("'s-Hertogenbosch", "s-hertogenbosch"),
        ("Gemeente  Den Haag", "gemeente-den-haag"),
        ("..", "partij"),
        (".", "partij"),
        ("", "partij"),
        ("/", "partij"),
        ("CON", "con-partij"),
    ],
)
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


@given(st.text())
def test_slug_is_always_a_safe_file_name(name: str) -> None:
    result = slug(name)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", result)
    assert len(result) <= 80
