"""A rapport whose kosten come from the municipality's Iv3 delivery: ``iv3.json`` (or a folder
``iv3/`` of deliveries) and ``taakvelden`` in rapport.yaml, read as if it were kosten.csv.

The deliveries are the hand-built ones of ``tests/rapports/iv3/`` (README there).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from support.helpers import RAPPORTS, write_rapport

from jaarverslag.analysis.analyse import load_rapport
from jaarverslag.core.errors import InputError
from jaarverslag.inputs.folder import read_inputs

FIXTURES = RAPPORTS / "iv3"
BEGROTING = (
    "titel: Begroting 2025\norganisatie: Gemeente Voorbeeldstad\nsoort: begroting\njaar: 2025\n"
)
JAARVERSLAG = (
    "titel: Jaarverslag 2024\norganisatie: Gemeente Voorbeeldstad\nsoort: jaarverslag\njaar: 2024\n"
)
TAAKVELDEN = 'taakvelden: ["6.3", "6.4", "6.5"]\n'


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def doc(name: str) -> dict[str, Any]:
    return json.loads(raw(name))


def messages(folder: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_rapport(folder)
    return [str(p) for p in caught.value.problems]


def kosten_rows(folder: Path) -> list[tuple[Any, ...]]:
    inputs, problems = read_inputs(folder)
    assert inputs is not None, problems
    frame = inputs.frames["kosten"]
    return [tuple(r) for r in frame.drop(columns="_line").itertuples(index=False)]


def test_a_begroting_takes_its_kosten_from_iv3_json(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "r",
        {"rapport.yaml": BEGROTING + TAAKVELDEN, "iv3.json": raw("begroting_2025.json")},
    )
    inputs, problems = read_inputs(folder)
    assert problems == [] and inputs is not None
    assert inputs.config.bedragen_in == 1000  # Iv3's unit, as rapport.yaml doesn't say
    assert inputs.display("kosten") == f"{folder}/iv3.json"
    assert list(inputs.frames["kosten"].columns) == [
        "_line",
        "code",
        "post",
        "soort",
        "jaar",
        "stand",
        "bedrag",
    ]
    assert kosten_rows(folder) == [
        ("6.3", "6.3 Inkomensregelingen", "lasten", 2025, "begroting", 1200.0),
        ("6.3", "6.3 Inkomensregelingen", "baten", 2025, "begroting", 900.0),
        ("6.4", "6.4 WSW en beschut werk", "lasten", 2025, "begroting", 300.0),
        ("6.4", "6.4 WSW en beschut werk", "baten", 2025, "begroting", 0.0),
        ("6.5", "6.5 Arbeidsparticipatie", "lasten", 2025, "begroting", 150.5),
        ("6.5", "6.5 Arbeidsparticipatie", "baten", 2025, "begroting", 50.0),
    ]
    analysis = load_rapport(folder)
    [table] = analysis.results["kosten"].blocks
    assert table.note == "(x € 1.000)"
    assert [(r.label, r.cells[0].value) for r in table.rows if r.kind == "totaal"] == [
        ("Totaal lasten", 1650.5),  # 1.200 + 300 + 150,5
        ("Totaal baten", 950),
        ("Saldo van baten en lasten", -700.5),
    ]


def test_bedragen_in_1_prints_the_iv3_amounts_in_euros(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": BEGROTING + TAAKVELDEN + "bedragen_in: 1\n",
            "iv3.json": raw("begroting_2025.json"),
        },
    )
    inputs, _ = read_inputs(folder)
    assert inputs is not None and inputs.config.bedragen_in == 1
    amounts = list(inputs.frames["kosten"]["bedrag"])
    assert amounts == [1_200_000, 900_000, 300_000, 0, 150_500, 50_000]


def test_the_reserves_of_taakveld_0_10_give_the_resultaat(tmp_path: Path) -> None:
    """A jaarverslag 2024 from two deliveries of one gemeente: its begroting and its
    jaarrekening 2024; 0.10 Mutaties reserves gives toevoegingen (its lasten) and onttrekkingen
    (its baten), so the table runs on to the gerealiseerd resultaat."""
    begroting = doc("begroting_2025.json")
    begroting["metadata"]["boekjaar"] = 2024
    begroting["data"]["lasten"][2]["categorie"] = "4.3.3"  # a code of 2024's list
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": JAARVERSLAG + 'taakvelden: ["6.3", "0.10"]\n',
            "iv3/begroting-2024.json": json.dumps(begroting),
            "iv3/jaarrekening-2024.json": raw("jaarrekening_2024.json"),
        },
    )
    inputs, problems = read_inputs(folder)
    assert problems == [] and inputs is not None
    assert inputs.reeks is None  # one gemeente: one document
    assert "gemeente" not in inputs.frames["kosten"].columns
    assert inputs.display("kosten") == f"{folder}/iv3"
    [table] = load_rapport(folder).results["kosten"].blocks
    assert [c.key for c in table.columns] == ["begroting_2024", "realisatie_2024", "verschil", "vn"]
    last = table.rows[-1]
    # begroting: 900 − 1.200 − 120 + 70 = −350; realisatie: 900 − 1.210 − 120 + 70 = −360
    assert (last.label, [c.value for c in last.cells]) == (
        "Gerealiseerd resultaat",
        [-350, -360, -10, "N"],
    )


def test_a_folder_of_deliveries_of_several_gemeenten_is_a_reeks(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": "titel: T\nsoort: begroting\njaar: 2025\n" + TAAKVELDEN,
            "iv3/groningen.json": raw("groningen_begroting_2025.json"),
            "iv3/voorbeeldstad.json": raw("begroting_2025.json"),
        },
    )
    inputs, problems = read_inputs(folder)
    assert problems == [] and inputs is not None and inputs.reeks is not None
    assert [g.naam for g in inputs.reeks.gemeenten] == ["Groningen", "Voorbeeldstad"]
    assert inputs.config.organisatie == "Gemeente {gemeente}"
    rows = inputs.frames["kosten"]
    assert rows.loc[rows["gemeente"] == "Groningen", "bedrag"].iloc[0] == 228102


def test_a_delivery_that_fails_cbss_checks_is_reported_as_cbs_reports_it(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "r", {"rapport.yaml": BEGROTING + TAAKVELDEN, "iv3.json": raw("pf006.json")}
    )
    assert messages(folder) == [
        f"{folder}/iv3.json: data: foutcode PF006: Controle: Totaal lasten taakvelden is niet "
        "gelijk aan totaal baten taakvelden. Het gevonden verschil is 25, terwijl 0 maximaal is "
        "toegestaan. (totaal lasten 1.845, totaal baten 1.820)"
    ]


def test_failing_rows_are_listed_in_the_order_of_the_delivery(tmp_path: Path) -> None:
    delivery = doc("begroting_2025.json")
    lasten = delivery["data"]["lasten"]
    lasten += [{"taakveld": "6.3", "categorie": "4.1.1", "bedrag": 0}] * 7
    for i in (2, 12):
        lasten[i] = {**lasten[i], "taakveld": "6.33"}
    folder = write_rapport(
        tmp_path / "r", {"rapport.yaml": BEGROTING + TAAKVELDEN, "iv3.json": json.dumps(delivery)}
    )
    assert [m.split(": ")[1] for m in messages(folder)] == [
        "data.lasten[2].taakveld",
        "data.lasten[12].taakveld",
    ]


def test_kosten_csv_and_iv3_json_together_are_an_error(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": BEGROTING + TAAKVELDEN,
            "iv3.json": raw("begroting_2025.json"),
            "kosten.csv": "post,soort,jaar,stand,bedrag\nA,lasten,2025,begroting,1\n",
        },
    )
    assert messages(folder) == [
        f"{folder}/iv3.json: de kosten staan ook in {folder}/kosten.csv; een rapport haalt zijn "
        "kosten uit één bron: houd kosten.csv of iv3.json"
    ]


def test_iv3_json_and_a_folder_iv3_together_are_an_error(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": BEGROTING + TAAKVELDEN,
            "iv3.json": raw("begroting_2025.json"),
            "iv3/a.json": raw("begroting_2025.json"),
        },
    )
    assert messages(folder) == [
        f"{folder}/iv3.json: er is ook een map {folder}/iv3; houd één Iv3-bron: iv3.json voor één "
        "levering, de map iv3/ voor meer"
    ]


def test_taakvelden_are_needed_with_a_delivery_and_checked_against_its_year(
    tmp_path: Path,
) -> None:
    folder = write_rapport(
        tmp_path / "r", {"rapport.yaml": BEGROTING, "iv3.json": raw("begroting_2025.json")}
    )
    assert messages(folder) == [
        f"{folder}/rapport.yaml: taakvelden: noem de taakvelden die de kostentabel uit "
        'iv3.json haalt, zoals taakvelden: ["6.3", "6.4", "6.5"]'
    ]
    (folder / "rapport.yaml").write_text(BEGROTING + 'taakvelden: ["6.3", "6.33"]\n')
    assert messages(folder) == [
        f"{folder}/rapport.yaml:5: taakvelden: taakveld 6.33 staat niet in de Iv3-codelijst "
        "taakveld van Gemeente 2025"
    ]


def test_taakvelden_typed_as_numbers_are_caught_in_rapport_yaml(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": BEGROTING + "taakvelden: [6.3, 0.10]\n",
            "iv3.json": raw("begroting_2025.json"),
        },
    )
    assert messages(folder) == [
        f"{folder}/rapport.yaml:5: taakvelden: 0.1 is als getal gelezen; zet elke taakveldcode "
        'tussen aanhalingstekens, zoals "6.3" en "0.10" (als getal is 0.10 hetzelfde als 0.1)',
        f"{folder}/rapport.yaml:5: taakvelden: 6.3 is als getal gelezen; zet elke taakveldcode "
        'tussen aanhalingstekens, zoals "6.3" en "0.10" (als getal is 0.10 hetzelfde als 0.1)',
    ]


def test_taakvelden_without_a_delivery_are_a_warning(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": BEGROTING + TAAKVELDEN,
            "kosten.csv": "post,soort,jaar,stand,bedrag\nA,lasten,2025,begroting,1\n",
        },
    )
    _, problems = read_inputs(folder)
    assert [str(p) for p in problems] == [
        f"{folder}/rapport.yaml:5: taakvelden: waarschuwing: taakvelden wordt alleen gebruikt met "
        "een Iv3-levering (iv3.json, of een map iv3/ met leveringen)"
    ]


def test_what_a_folder_iv3_holds_besides_deliveries(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": BEGROTING + TAAKVELDEN,
            "iv3/levering.json": raw("begroting_2025.json"),
            "iv3/toelichting.txt": "geen levering",
        },
    )
    _, problems = read_inputs(folder)
    assert [str(p) for p in problems] == [
        f"{folder}/iv3/toelichting.txt: waarschuwing: wordt niet gelezen: een Iv3-levering is "
        "een .json-bestand"
    ]
    empty = write_rapport(tmp_path / "leeg", {"rapport.yaml": BEGROTING + TAAKVELDEN})
    (empty / "iv3").mkdir()
    assert messages(empty) == [
        f"{empty}/iv3: bevat geen Iv3-levering (een .json-bestand per gemeente en stand)"
    ]


def test_a_delivery_outside_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elders.json"
    outside.write_bytes(raw("begroting_2025.json"))
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": BEGROTING + TAAKVELDEN})
    os.symlink(outside, folder / "iv3.json")
    assert messages(folder) == [
        f"{folder}/iv3.json: verwijst naar een bestand buiten de rapportmap"
    ]


def test_a_gemeente_of_a_delivery_missing_from_gemeenten_csv_names_its_delivery(
    tmp_path: Path,
) -> None:
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": "titel: T\nsoort: begroting\njaar: 2025\n" + TAAKVELDEN,
            "iv3/groningen.json": raw("groningen_begroting_2025.json"),
            "iv3/voorbeeldstad.json": raw("begroting_2025.json"),
            "gemeenten.csv": "gemeente,inwoners\nGroningen,243768\n",
        },
    )
    _, problems = read_inputs(folder)
    assert [str(p) for p in problems] == [
        f"{folder}/iv3/voorbeeldstad.json: gemeente: 'Voorbeeldstad' staat niet in "
        f"{folder}/gemeenten.csv"
    ]


def test_a_delivery_over_its_size_limit_is_refused_unread(tmp_path: Path) -> None:
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": BEGROTING + TAAKVELDEN})
    with (folder / "iv3.json").open("wb") as f:
        f.truncate(21 * 1024 * 1024)
    assert messages(folder) == [
        f"{folder}/iv3.json: is te groot (21 MB; hoogstens 20 MB voor een Iv3-bestand)"
    ]
