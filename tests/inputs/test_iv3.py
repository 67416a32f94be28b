"""An Iv3 delivery (iv3.json) checked as CBS checks it, then read as kosten rows.

The deliveries in ``tests/rapports/iv3/`` are small hand-built files (README there): valid ones, and one
per CBS error. Messages are pinned verbatim: they quote CBS's own wording from fouten.json.
"""

from __future__ import annotations

import copy
import csv
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.helpers import DATA, RAPPORTS

from jaarverslag.core.errors import Problem
from jaarverslag.inputs.iv3.checks import definities
from jaarverslag.inputs.iv3.delivery import (
    BEDRAGEN_IN,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_REPORTED,
    read_kosten,
    read_kosten_reeks,
    validate,
)

FIXTURES = RAPPORTS / "iv3"
VALID = [
    "begroting_2025.json",
    "jaarrekening_2024.json",
    "groningen_begroting_2025.json",
    "gr_begroting_2025.json",
    "kwartaal.json",
]
PF_TAIL = "terwijl {} maximaal is toegestaan."


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def doc(name: str) -> dict[str, Any]:
    return json.loads(raw(name))


def messages(data: bytes | dict[str, Any]) -> list[str]:
    if isinstance(data, dict):
        data = json.dumps(data).encode()
    return [str(p) for p in validate(data, "iv3.json")]


@pytest.mark.parametrize("name", VALID)
def test_a_valid_delivery_passes_every_check(name: str) -> None:
    assert messages(raw(name)) == []


def test_schema_failures_carry_cbs_foutcodes_all_at_once() -> None:
    assert messages(raw("schema.json")) == [
        "iv3.json: metadata.periode: foutcode SF004: Binnen de metadata is de waarde bij sleutel periode niet van het juiste type: getal werd verwacht.",
        "iv3.json: metadata.status: foutcode SF002: Binnen de metadata is sleutel status niet aangetroffen.",
        "iv3.json: metadata.versie: foutcode SF003: Er is een onbekende sleutel versie aangetroffen binnen metadata.",
        "iv3.json: contact.naam: foutcode SF009: Binnen het element contactpersoon is niks ingevuld bij de sleutel naam",
        'iv3.json: data.lasten[0].bedrag: moet een getal zijn, niet de tekst "1.000"',
        "iv3.json: data.lasten[1].taakveld: foutcode SF016: Binnen het onderdeel lasten ontbreekt de sleutel taakveld.",
        "iv3.json: data.baten[0].bedrag: foutcode SF017: Het bedrag is niet gevuld in onderdeel baten.",
        "iv3.json: data.balans_standen: foutcode SF015: binnen het element data is het verplichte element balans_standen niet aangetroffen.",
    ]


def test_the_top_level_parts_and_wrong_values_without_a_foutcode() -> None:
    delivery = doc("begroting_2025.json")
    del delivery["contact"], delivery["data"]
    delivery["extra"] = 1
    delivery["metadata"]["overheidslaag"] = "Gemeenten"
    delivery["metadata"]["datum"] = "14-11-2024"
    assert messages(delivery) == [
        "iv3.json: metadata.datum: foutcode SF004: Binnen de metadata is de waarde bij sleutel datum niet van het juiste type: een datum met tijd, zoals 2025-11-14T10:30:00 werd verwacht.",
        "iv3.json: metadata.overheidslaag: foutcode SF004: Binnen de metadata is de waarde bij sleutel overheidslaag niet van het juiste type: een van Gemeente, Provincie, GR werd verwacht.",
        "iv3.json: contact: foutcode SF005: Het verplichte element contactpersoon is niet aangetroffen.",
        "iv3.json: data: foutcode SF010: Het verplichte element data is niet aangetroffen.",
        "iv3.json: extra: onbekende sleutel extra; toegestaan zijn metadata, contact, opmerkingen, data",
    ]


def test_a_failing_row_is_named_by_its_own_index() -> None:
    """Rows that pass their schema are left out of the validator's work: the rest keep their place."""
    delivery = doc("jaarrekening_2024.json")
    delivery["data"]["lasten"][4]["bedrag"] = None
    delivery["data"]["baten"][3]["categorie"] = 7.1
    assert messages(delivery) == [
        "iv3.json: data.lasten[4].bedrag: foutcode SF017: Het bedrag is niet gevuld in onderdeel lasten.",
        "iv3.json: data.baten[3].categorie: moet tekst zijn, niet het getal 7.1",
    ]


def test_a_contact_value_of_the_wrong_kind() -> None:
    delivery = doc("begroting_2025.json")
    delivery["contact"]["email"] = "p.afzender"
    assert messages(delivery) == [
        'iv3.json: contact.email: foutcode SF008: Binnen het element contactpersoon is de waarde bij sleutel email niet van het juiste type: een e-mailadres werd verwacht, maar de tekst "p.afzender" is aangetroffen.'
    ]


def test_codes_not_in_the_code_lists_of_that_year() -> None:
    assert messages(raw("onbekende_code.json")) == [
        "iv3.json: data.lasten[0].taakveld: foutcode DF001: Binnen het onderdeel lasten is de code 6.33 niet toegestaan als taakveld. Zie de codelijst taakveld van Gemeente 2024.",
        "iv3.json: data.lasten[2].categorie: foutcode DF002: Binnen het onderdeel lasten is de code 4.5.3 niet toegestaan als categorie. Zie de codelijst categorie_lasten van Gemeente 2024.",
        "iv3.json: data.balans_standen[0].standper: foutcode DF004: Binnen het onderdeel balans_standen is de code 1-1-2025 niet toegestaan als standper. Zie de codelijst standper van Gemeente 2024.",
    ]


def test_a_code_of_one_year_is_checked_against_that_year() -> None:
    """4.6.8 is a category of 2025's list, not of 2024's."""
    delivery = doc("jaarrekening_2024.json")
    delivery["data"]["lasten"][0]["categorie"] = "4.6.8"
    delivery["data"]["balans_standen"] = []
    assert [m.split(": ")[2] for m in messages(delivery)] == ["foutcode DF002"]
    delivery["metadata"]["boekjaar"] = 2025
    assert messages(delivery) == []


def test_a_filled_grey_cell() -> None:
    assert messages(raw("grijze_cel.json")) == [
        "iv3.json: data.lasten[1]: grijze cel: taakveld 6.3 Inkomensregelingen met categorie 5.1 Rente moet leeg blijven in lasten (codelijst Gemeente 2024), maar heeft bedrag 200"
    ]


def test_a_grey_cell_holding_0_is_empty() -> None:
    delivery = doc("grijze_cel.json")
    delivery["data"]["lasten"][1]["bedrag"] = 0
    delivery["data"]["lasten"][0]["bedrag"] = 1200
    assert messages(delivery) == []


def test_pf004_verrekencategorieen() -> None:
    assert messages(raw("pf004.json")) == [
        "iv3.json: data: foutcode PF004: Controle: Verrekencategorieën. Het gevonden percentage is 30,4%, "
        + PF_TAIL.format("1,0%")
        + " (categorie 7.1 Mutatie reserves: lasten 160, baten 230)"
    ]


def test_pf005_categorie_6_1_outside_the_financial_balance() -> None:
    assert messages(raw("pf005.json")) == [
        "iv3.json: data.baten[4]: grijze cel: taakveld 6.3 Inkomensregelingen met categorie 6.1 Financiële transacties moet leeg blijven in baten (codelijst Gemeente 2024), maar heeft bedrag 25",
        "iv3.json: data: foutcode PF005: Controle: Categorie 6.1 buiten financiële balans. Het gevonden percentage is 100,0%, "
        + PF_TAIL.format("1,0%")
        + " (categorie 6.1 in data.baten[4])",
    ]


def test_pf005_leaves_taakveld_0_5_treasury_and_the_financial_balance_alone() -> None:
    delivery = doc("jaarrekening_2024.json")
    delivery["data"]["baten"].append({"taakveld": "0.5", "categorie": "6.1", "bedrag": 40})
    delivery["data"]["lasten"].append({"taakveld": "0.5", "categorie": "5.1", "bedrag": 40})
    delivery["data"]["balans_lasten"].append(
        {"balanscode": "A1311", "categorie": "6.1", "bedrag": 40}
    )
    assert messages(delivery) == []


def test_pf006_lasten_and_baten_of_all_taakvelden_differ() -> None:
    assert messages(raw("pf006.json")) == [
        "iv3.json: data: foutcode PF006: Controle: Totaal lasten taakvelden is niet gelijk aan totaal baten taakvelden. Het gevonden verschil is 25, "
        + PF_TAIL.format("0")
        + " (totaal lasten 1.845, totaal baten 1.820)"
    ]


def test_pf009_onverdeeld_in_a_jaarrekening_but_not_in_a_begroting() -> None:
    assert messages(raw("pf009.json")) == [
        "iv3.json: data.lasten[2]: foutcode PF009: Controle: Juist gebruik van categorieën 4.3.9 en 4.4.9 De gevonden waarde is 300, "
        + PF_TAIL.format("0")
    ]
    begroting = doc("begroting_2025.json")
    assert begroting["data"]["lasten"][2]["categorie"] == "4.3.9"
    assert messages(begroting) == []


def test_controls_run_only_for_the_periodes_their_definition_names() -> None:
    """PF006 is defined for periodes 0 and 5; a quarter (2) may be out of balance."""
    kwartaal = doc("kwartaal.json")
    assert messages(kwartaal) == []
    kwartaal["metadata"]["periode"] = 5
    assert [m.split(": ")[2] for m in messages(kwartaal)] == ["foutcode PF006"]


def test_a_year_without_definitions_is_cbs_sf888() -> None:
    assert messages(raw("onbekend_jaar.json")) == [
        "iv3.json: metadata.boekjaar: foutcode SF888: Het bestand iv3_definities_Gemeente_2031.json is niet gevonden. Mogelijk zijn de metadata sleutels “boekjaar” en/of overheidslaag in het databestand niet correct! Definities zijn er voor Gemeente 2023, 2024, 2025; GR 2025."
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'{\n  "metadata": {\n    "a": [1,,2]}}',
            "iv3.json:3: kolom 13: ongeldige JSON: hier wordt een waarde verwacht",
        ),
        (b'{"a": 1 "b": 2}', "iv3.json:1: kolom 9: ongeldige JSON: hier wordt een komma verwacht"),
        (
            b'{"a": "x',
            "iv3.json:1: kolom 7: ongeldige JSON: een tekst tussen aanhalingstekens wordt niet afgesloten",
        ),
        (
            b"{} {}",
            "iv3.json:1: kolom 4: ongeldige JSON: na het einde van het JSON-document staat nog iets",
        ),
        (b"", "iv3.json:1: kolom 1: ongeldige JSON: hier wordt een waarde verwacht"),
        (
            b'{\n"a": "caf\xe9"}',
            "iv3.json:2: kolom 10: is geen UTF-8: een JSON-levering aan CBS is in UTF-8 gecodeerd",
        ),
        (b'{"a": NaN}', "iv3.json: ongeldige JSON: NaN is geen getal in JSON"),
        (b'{"a": 1e400}', "iv3.json: ongeldige JSON: het getal 1e400 is te groot"),
        (
            b'{"a": ' + b"9" * 5000 + b"}",
            "iv3.json: ongeldige JSON: een getal heeft te veel cijfers",
        ),
    ],
)
def test_json_that_cannot_be_read(data: bytes, expected: str) -> None:
    assert messages(data) == [expected]


def test_a_key_twice_in_one_object() -> None:
    text = raw("begroting_2025.json").replace(
        b'"boekjaar": 2025', b'"boekjaar": 2024, "boekjaar": 2025'
    )
    assert messages(text) == [
        "iv3.json: metadata.boekjaar: de sleutel boekjaar staat meer dan eens in hetzelfde object"
    ]


def test_a_utf8_bom_is_allowed() -> None:
    assert messages(b"\xef\xbb\xbf" + raw("begroting_2025.json")) == []


def test_a_document_over_the_byte_limit_is_refused_unread() -> None:
    assert messages(b" " * (MAX_BYTES + 1)) == [
        "iv3.json: is te groot (21 MB; hoogstens 20 MB voor een Iv3-levering)"
    ]


@pytest.mark.parametrize("opener", [b"[", b'{"a":'])
def test_deep_nesting_is_refused_before_parsing(opener: bytes) -> None:
    closer = b"]" if opener == b"[" else b"}"
    deep = (
        opener * 200_000 + b"1" + closer * 200_000
    )  # the parser itself would raise RecursionError
    expected = f"iv3.json: is dieper genest dan {MAX_DEPTH} niveaus: dit is geen Iv3-levering"
    assert messages(deep) == [expected]
    assert messages(opener * (MAX_DEPTH + 1) + b"1" + closer * (MAX_DEPTH + 1)) == [expected]
    assert expected not in messages(opener * MAX_DEPTH + b"1" + closer * MAX_DEPTH)


def test_brackets_inside_a_text_are_not_nesting() -> None:
    delivery = doc("begroting_2025.json")
    delivery["opmerkingen"] = [{"tekst": '[{"\\' * 40, "auteur": "]"}]
    assert messages(delivery) == []


def test_millions_of_values_are_refused_before_parsing() -> None:
    assert messages(b"[" + b"0," * 600_000 + b"0]") == [
        "iv3.json: bevat meer dan 500.000 waarden: dit is geen Iv3-levering"
    ]


def test_many_failures_of_one_kind_are_counted_after_the_first_ones() -> None:
    delivery = doc("begroting_2025.json")
    delivery["data"]["lasten"] += [{"taakveld": "9.9", "categorie": "1.1", "bedrag": 0}] * 30
    found = messages(delivery)
    assert len(found) == MAX_REPORTED + 1
    assert found[0].startswith("iv3.json: data.lasten[6].taakveld: foutcode DF001:")
    assert found[-1] == "iv3.json: data.lasten: nog 20 keer dezelfde fout (foutcode DF001)"


def test_problems_are_problems_with_the_path_as_column() -> None:
    [problem] = validate(raw("pf009.json"), "leveringen/groningen.json")
    assert problem.file == "leveringen/groningen.json" and problem.line is None
    assert problem.column == "data.lasten[2]" and problem.message.startswith("foutcode PF009: ")
    assert isinstance(problem, Problem) and problem.severity == "error"


# --- reading kosten -------------------------------------------------------------------------


def test_read_kosten_of_a_begroting() -> None:
    got = read_kosten(raw("begroting_2025.json"), ["6.3", "6.4", "6.5"])
    assert got.problems == [] and got.bedragen_in == BEDRAGEN_IN == 1000
    assert [(r["post"], r["soort"], r["bedrag"]) for r in got.rows] == [
        ("6.3 Inkomensregelingen", "lasten", 1200),
        ("6.3 Inkomensregelingen", "baten", 900),
        ("6.4 WSW en beschut werk", "lasten", 300),
        ("6.4 WSW en beschut werk", "baten", 0),
        ("6.5 Arbeidsparticipatie", "lasten", 150.5),
        ("6.5 Arbeidsparticipatie", "baten", 50),
    ]
    assert got.rows[0] == {
        "code": "6.3",
        "post": "6.3 Inkomensregelingen",
        "soort": "lasten",
        "jaar": 2025,
        "stand": "begroting",
        "bedrag": 1200,
    }


def test_read_kosten_of_a_jaarrekening_with_reserve_mutations() -> None:
    got = read_kosten(raw("jaarrekening_2024.json"), ["0.10", "6.3"], gemeente=True)
    assert got.problems == []
    assert [
        (r["gemeente"], r["code"], r["soort"], r["jaar"], r["stand"], r["bedrag"]) for r in got.rows
    ] == [
        ("Voorbeeldstad", "0.10", "toevoeging", 2024, "realisatie", 120),
        ("Voorbeeldstad", "0.10", "onttrekking", 2024, "realisatie", 70),
        ("Voorbeeldstad", "6.3", "lasten", 2024, "realisatie", 1210),
        ("Voorbeeldstad", "6.3", "baten", 2024, "realisatie", 900),
    ]
    assert got.rows[0]["post"] == "0.10 Mutaties reserves"


def test_a_real_begroting_reads_back_cbs_totals() -> None:
    """Groningen's begroting 2025 as CBS publishes it (data/iv3-begroting-2025/kosten.csv)."""
    with (DATA / "iv3-begroting-2025" / "kosten.csv").open(encoding="utf-8") as f:
        published = {
            (r["post"], r["soort"]): int(r["bedrag"])
            for r in csv.DictReader(f, delimiter=";")
            if r["gemeente"] == "Groningen" and r["jaar"] == "2025"
        }
    got = read_kosten(raw("groningen_begroting_2025.json"), ["6.3", "6.4", "6.5"], gemeente=True)
    assert got.problems == []
    assert {(r["post"], r["soort"]): r["bedrag"] for r in got.rows} == published
    assert {(r["gemeente"], r["jaar"], r["stand"]) for r in got.rows} == {
        ("Groningen", 2025, "begroting")
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"periode": 2},
            "iv3.json: metadata.periode: periode 2 is de kwartaalopgave van kwartaal 2 van 2024, geen begroting of jaarrekening: de kosten van een jaarverslag komen uit de jaarrekening (periode 5), die van een begroting uit de begroting (periode 0)",
        ),
        (
            {"status": "Begroting"},
            "iv3.json: metadata.status: status Begroting hoort bij periode 0, maar de levering heeft periode 5",
        ),
        (
            {"periode": 0},
            "iv3.json: metadata.status: status Realisatie hoort bij periode 1 t/m 5, maar de levering heeft periode 0",
        ),
    ],
)
def test_read_kosten_refuses_what_is_no_begroting_or_jaarrekening(
    change: dict[str, Any], expected: str
) -> None:
    delivery = doc("jaarrekening_2024.json")
    delivery["metadata"].update(change)
    data = json.dumps(delivery).encode()
    got = read_kosten(data, ["6.3"])
    assert (got.rows, [str(p) for p in got.problems]) == ([], [expected])


@pytest.mark.parametrize(
    ("taakvelden", "expected"),
    [
        (
            ["6.3", "6.33"],
            ["taakveld 6.33 staat niet in de Iv3-codelijst taakveld van Gemeente 2025"],
        ),
        (
            [6.3, 0.1],
            [
                '6.3 is als getal gelezen; zet elke taakveldcode tussen aanhalingstekens, zoals "6.3" en "0.10" (als getal is 0.10 hetzelfde als 0.1)',
                '0.1 is als getal gelezen; zet elke taakveldcode tussen aanhalingstekens, zoals "6.3" en "0.10" (als getal is 0.10 hetzelfde als 0.1)',
            ],
        ),
        (["6.3", "6.3"], ["taakveld 6.3 staat meer dan eens in de lijst"]),
        (
            ["0.11"],
            [
                "taakveld 0.11 Resultaat van de rekening van baten en lasten is het saldo van de hele gemeente; de kosten-tabel berekent het resultaat zelf"
            ],
        ),
        ([], ['noem de taakvelden als lijst: ["6.3", "6.4"]']),
        ("6.3", ['noem de taakvelden als lijst: ["6.3", "6.4"]']),
    ],
)
def test_the_rapports_taakvelden_are_checked_against_the_year(
    taakvelden: Any, expected: list[str]
) -> None:
    got = read_kosten(raw("begroting_2025.json"), taakvelden)
    assert got.rows == []
    assert [str(p) for p in got.problems] == [f"rapport.yaml: taakvelden: {m}" for m in expected]


def test_read_kosten_reads_nothing_from_a_delivery_that_fails_a_check() -> None:
    got = read_kosten(raw("pf006.json"), ["6.3"])
    assert got.rows == [] and [p.column for p in got.problems] == ["data"]


def test_a_folder_of_deliveries_is_a_reeks() -> None:
    got = read_kosten_reeks(
        [
            ("groningen.json", raw("groningen_begroting_2025.json")),
            ("voorbeeldstad.json", raw("begroting_2025.json")),
        ],
        ["6.3"],
    )
    assert got.problems == []
    assert [(r["gemeente"], r["soort"], r["bedrag"]) for r in got.rows] == [
        ("Groningen", "lasten", 228102),
        ("Groningen", "baten", 177918),
        ("Voorbeeldstad", "lasten", 1200),
        ("Voorbeeldstad", "baten", 900),
    ]


def test_a_reeks_refuses_one_gemeente_twice_and_an_empty_folder() -> None:
    same = raw("begroting_2025.json")
    got = read_kosten_reeks([("a.json", same), ("b.json", same)], ["6.3"])
    assert [str(p) for p in got.problems] == [
        "b.json: metadata.overheidsnaam: Voorbeeldstad, begroting 2025 staat ook in a.json; lever per gemeente, jaar en stand één bestand"
    ]
    assert [str(p) for p in read_kosten_reeks([], ["6.3"]).problems] == [
        "rapport.yaml: taakvelden: geen Iv3-levering gevonden (een .json-bestand per gemeente)"
    ]


# --- properties -----------------------------------------------------------------------------

PARTS = ("lasten", "baten", "balans_lasten", "balans_baten", "balans_standen")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(VALID), st.data())
def test_a_valid_delivery_stays_valid_in_any_row_order(name: str, data: st.DataObject) -> None:
    delivery = doc(name)
    for part in PARTS:
        delivery["data"][part] = data.draw(st.permutations(delivery["data"][part]))
    keys = data.draw(st.permutations(list(delivery["metadata"])))
    delivery["metadata"] = {k: delivery["metadata"][k] for k in keys}
    assert messages(delivery) == []


def _open(part: str, taakveld: str, jaar: int) -> list[str]:
    """The categories a test delivery may use on a taakveld: not grey, no control triggered."""
    d = definities("Gemeente", jaar)
    assert d is not None
    cats = d.codes["categorie_lasten" if part == "lasten" else "categorie_baten"]
    avoid = ("4.3.9", "4.4.9", "6.1")
    grey = d.grijs[part]
    return [
        c for c in cats if (taakveld, c) not in grey and c not in avoid and not c.startswith("7.")
    ]


AMOUNT = st.one_of(st.integers(-2_000, 500_000), st.decimals(-2_000, 500_000, places=3).map(float))


@st.composite
def deliveries(draw: st.DrawFn) -> dict[str, Any]:
    """A valid delivery: random amounts on open cells of 6.3-6.5, reserve mutations, and a
    balancing algemene uitkering or resultaat (PF006); a jaarrekening books 7.1 on the balance."""
    jaar, periode = draw(st.sampled_from([(2024, 5), (2025, 0), (2025, 5)]))
    delivery = doc("jaarrekening_2024.json")
    delivery["metadata"].update(
        boekjaar=jaar, periode=periode, status="Begroting" if periode == 0 else "Realisatie"
    )
    data = delivery["data"] = {p: [] for p in PARTS}
    for part in ("lasten", "baten"):
        for taakveld in ("6.3", "6.4", "6.5"):
            for cat in draw(st.lists(st.sampled_from(_open(part, taakveld, jaar)), max_size=4)):
                data[part].append({"taakveld": taakveld, "categorie": cat, "bedrag": draw(AMOUNT)})
        for _ in range(draw(st.integers(0, 2))):
            amount = draw(st.integers(0, 10_000))
            data[part].append({"taakveld": "0.10", "categorie": "7.1", "bedrag": amount})
            other = "balans_baten" if part == "lasten" else "balans_lasten"
            data[other].append({"balanscode": "P112", "categorie": "7.1", "bedrag": amount})
    gap = math.fsum(r["bedrag"] for r in data["lasten"]) - math.fsum(
        r["bedrag"] for r in data["baten"]
    )
    if gap > 0:
        data["baten"].append({"taakveld": "0.7", "categorie": "4.3.1", "bedrag": gap})
    elif gap < 0:
        data["lasten"].append({"taakveld": "0.11", "categorie": "7.1", "bedrag": -gap})
        data["balans_baten"].append({"balanscode": "P111", "categorie": "7.1", "bedrag": -gap})
    return delivery


@settings(max_examples=150, deadline=None)
@given(
    deliveries(), st.lists(st.sampled_from(["6.3", "6.4", "6.5", "0.10"]), unique=True, min_size=1)
)
def test_read_kosten_sums_the_delivery_per_taakveld_and_soort(
    delivery: dict[str, Any], asked: list[str]
) -> None:
    assert messages(delivery) == []
    got = read_kosten(json.dumps(delivery).encode(), asked)
    assert got.problems == []
    soorten = {"lasten": ("lasten", "toevoeging"), "baten": ("baten", "onttrekking")}
    for part, names in soorten.items():
        expected = math.fsum(r["bedrag"] for r in delivery["data"][part] if r["taakveld"] in asked)
        total = math.fsum(r["bedrag"] for r in got.rows if r["soort"] in names)
        assert math.isclose(total, expected, abs_tol=1e-6)
    assert [r["code"] for r in got.rows] == [t for t in asked for _ in (0, 1)]


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(VALID), st.data())
def test_any_value_anywhere_gives_problems_never_an_exception(
    name: str, data: st.DataObject
) -> None:
    delivery: Any = copy.deepcopy(doc(name))
    node = delivery
    while True:  # down to a random place, where a random value replaces what was there
        key = data.draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
        child = node[key]
        if not (isinstance(child, dict | list) and child and data.draw(st.booleans())):
            break
        node = child
    node[key] = data.draw(JSON)
    for problem in validate(json.dumps(delivery).encode(), "iv3.json"):
        assert str(problem).startswith("iv3.json: ") and "\n" not in str(problem)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_problems_never_an_exception(data: bytes) -> None:
    assert all(isinstance(p, Problem) for p in validate(data))


def test_the_definitions_readme_lists_each_file_s_checksum() -> None:
    """The build cache hashes the shipped definitions through their README's checksums
    (build/cache.py BY_README): the README must name every file with its sha256."""
    import hashlib
    import re

    from jaarverslag.build.cache import PACKAGE

    folder = PACKAGE / "inputs" / "iv3" / "definities"
    listed = dict(
        re.findall(
            r"\| `([^`]+\.json)` \|[^|]*\| `([0-9a-f]{16})` \|", (folder / "README.md").read_text()
        )
    )
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in folder.glob("*.json")}
    assert listed == files
