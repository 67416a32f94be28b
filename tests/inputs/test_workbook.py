"""One workbook for the data (issue 15, item 1): ``rapport.xlsx``, a sheet per data file.

The examples' published tables, kept in one workbook as a controller keeps them (title rows,
native numbers and dates, ``74%``, subtotals as formulas), build to exactly the open data their
CSV files give; every mistake is named by workbook, sheet, row and column, all in one run.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from support.helpers import DATA, MINIMAL_YAML, SNAPSHOTS, write_rapport
from support.workbooks import as_workbook, with_cached_values

from jaarverslag.build.pipeline import build_one
from jaarverslag.inputs.folder import read_inputs
from jaarverslag.inputs.tables.schemas import DATA_FILES

KOSTEN_HEADER = ["post", "soort", "jaar", "stand", "bedrag"]
KOSTEN = [
    ["6.3 Inkomensregelingen", "lasten", 2017, "begroting", 520000],
    ["6.3 Inkomensregelingen", "lasten", 2017, "realisatie", 560000],
    ["6.3 Inkomensregelingen", "baten", 2017, "begroting", 250000],
    ["6.3 Inkomensregelingen", "baten", 2017, "realisatie", 300000],
]


def workbook(sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems_of(folder: Path) -> list[str]:
    _, problems = read_inputs(folder)
    return sorted(str(p).removeprefix(f"{folder}/") for p in problems)


def test_a_sheet_is_its_data_file_with_title_rows_above_the_header(tmp_path: Path) -> None:
    rows = [["Lasten en baten 2017"], [None, "bron: grootboek"], KOSTEN_HEADER, *KOSTEN]
    folder = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "rapport.xlsx": workbook({"Kosten": rows})}
    )
    inputs, problems = read_inputs(folder)
    assert problems == []
    assert inputs is not None
    frame = inputs.frames["kosten"]
    assert frame["bedrag"].tolist() == [520000, 560000, 250000, 300000]
    assert frame["_line"].tolist() == [4, 5, 6, 7]  # the sheet's own row numbers
    assert inputs.display("kosten") == f"{folder}/rapport.xlsx[Kosten]"


def test_mistakes_are_named_by_workbook_sheet_row_and_column_all_at_once(
    tmp_path: Path,
) -> None:
    rows = [["Kosten"], KOSTEN_HEADER, *KOSTEN]
    rows[3] = ["6.3 Inkomensregelingen", "lasten", 2017, "realisatie", "abc"]
    rows[4] = ["6.3 Inkomensregelingen", "baten", 2017, "begrooting", 250000]
    rows.append(["6.3 Inkomensregelingen", "baten", 2017, "realisatie", "=E4*2"])
    book = workbook({"kosten": rows, "indicatoren": [["id", "indicator", "jaar"], ["a", "A", 1]]})
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "rapport.xlsx": book})
    assert problems_of(folder) == [
        "rapport.xlsx[indicatoren]:1: soort: verplichte kolom ontbreekt",
        "rapport.xlsx[indicatoren]:1: waarde: verplichte kolom ontbreekt",
        "rapport.xlsx[kosten]:4: bedrag: 'abc' is geen getal (de cel bevat tekst; typ er een getal in)",
        "rapport.xlsx[kosten]:5: stand: 'begrooting' is geen toegestane waarde (realisatie, begroting, begroting_na_wijziging)",
        "rapport.xlsx[kosten]:7: bedrag: cel E7: formule zonder opgeslagen uitkomst; open het bestand in Excel en sla het op",
        "rapport.xlsx[kosten]:7: dubbele regel: dezelfde post, soort, jaar, stand als regel 6",
    ]


def test_a_header_too_far_down_is_named_where_it_is(tmp_path: Path) -> None:
    rows: list[list[object]] = [[f"toelichting regel {n}"] for n in range(1, 12)]
    book = workbook({"kosten": [*rows, KOSTEN_HEADER, *KOSTEN]})
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "rapport.xlsx": book})
    assert problems_of(folder) == [
        "rapport.xlsx[kosten]:12: de kopregel staat in rij 12; zet hem in een van de eerste 10 rijen"
    ]


def test_a_check_of_the_data_names_the_sheet_and_row(tmp_path: Path) -> None:
    """Problems found after reading (a total that doesn't add up) name the sheet too."""
    rows = [["post", "karakter", "jaar", "bedrag"]]
    rows += [["Consulent", "structureel", 2024, 95000], ["Trajecten", "structureel", 2024, 5000]]
    rows += [["Subtotaal structureel", "structureel", 2024, 99000]]
    yaml = MINIMAL_YAML.replace("jaarverslag", "beleidsplan").replace("2017", "2024")
    folder = write_rapport(
        tmp_path / "r", {"rapport.yaml": yaml, "rapport.xlsx": workbook({"Maatregelen": rows})}
    )
    outcome = build_one(folder, tmp_path / "out", ["html"], use_cache=False)
    assert not outcome.ok
    assert any(
        str(p).startswith(f"{folder}/rapport.xlsx[Maatregelen]:4: bedrag: ")
        and "99.000" in p.message
        for p in outcome.problems
    ), outcome.problems


def test_hidden_and_unknown_sheets_are_left_out_with_a_warning(tmp_path: Path) -> None:
    sheets = {
        "Toelichting": [["Uitleg bij de werkbladen"]],  # the starter's own: no warning
        "kosten": [KOSTEN_HEADER, *KOSTEN],
        "Oude kosten": [KOSTEN_HEADER, *KOSTEN],
        "indicatoren": [["id", "indicator", "jaar", "soort", "waarde"], ["a", "A", 2017, "x", 1]],
        "Blad3": [],  # Excel's empty extra sheet: nothing in it to lose
    }
    book = workbook(sheets, hidden=("indicatoren",))
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "rapport.xlsx": book})
    inputs, problems = read_inputs(folder)
    assert inputs is not None and set(inputs.frames) == {"kosten"}
    assert all(p.severity == "warning" for p in problems)
    found = [str(p).removeprefix(f"{folder}/") for p in problems]
    assert found == [
        "rapport.xlsx[Oude kosten]: waarschuwing: werkblad wordt niet gelezen: de naam is geen "
        f"gegevensbestand ({', '.join(DATA_FILES)})",
        "rapport.xlsx[indicatoren]: waarschuwing: werkblad is verborgen en wordt niet gelezen "
        "(maak het zichtbaar om het te gebruiken)",
    ]


def test_a_data_file_as_sheet_and_as_file_is_an_error(tmp_path: Path) -> None:
    csv = "post,soort,jaar,stand,bedrag\nA,lasten,2017,realisatie,1\n"
    book = workbook({"Kosten": [KOSTEN_HEADER, *KOSTEN]})
    folder = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "rapport.xlsx": book, "kosten.csv": csv}
    )
    assert problems_of(folder) == [
        "rapport.xlsx[Kosten]: kosten staat zowel in dit werkblad als in kosten.csv; houd er één"
    ]


def test_two_sheets_for_one_data_file_is_an_error(tmp_path: Path) -> None:
    book = workbook({"kosten": [KOSTEN_HEADER, *KOSTEN], "Kosten ": [KOSTEN_HEADER, *KOSTEN]})
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "rapport.xlsx": book})
    assert problems_of(folder) == [
        "rapport.xlsx[Kosten ]: twee werkbladen voor kosten: 'kosten' en 'Kosten '; houd er één"
    ]


def test_a_sheet_with_only_its_header_is_an_unused_data_file(tmp_path: Path) -> None:
    book = workbook({"kosten": [KOSTEN_HEADER, *KOSTEN], "clienten": [["client", "peildatum"]]})
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "rapport.xlsx": book})
    inputs, problems = read_inputs(folder)
    assert problems == [] and inputs is not None
    assert set(inputs.files) == {"kosten"}


def test_native_dates_percentages_and_numbers_arrive_as_shown(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "verdeelsleutel"
    sheet.append(["partij", "aandeel"])
    for partij, share in (("A", 0.74), ("B", 0.14), ("C", 0.12)):
        sheet.append([partij, share])
        sheet.cell(sheet.max_row, 2).number_format = "0%"
    clients = book.create_sheet("clienten")
    clients.append(["client", "peildatum", "trede", "leeftijd"])
    clients.append(["c1", dt.date(2017, 1, 1), 3, 30])
    clients.append(["c1", dt.datetime(2017, 12, 31), 4.0, 31])
    clients["B2"].number_format = "dd-mm-yyyy"
    buffer = io.BytesIO()
    book.save(buffer)
    folder = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "rapport.xlsx": buffer.getvalue()}
    )
    inputs, problems = read_inputs(folder)
    assert problems == [] and inputs is not None
    assert inputs.frames["verdeelsleutel"]["aandeel"].tolist() == [74, 14, 12]  # not 74.00000001
    frame = inputs.frames["clienten"]
    assert [d.date() for d in frame["peildatum"]] == [dt.date(2017, 1, 1), dt.date(2017, 12, 31)]
    assert frame["trede"].tolist() == [3, 4]


def test_a_number_typed_as_text_that_reads_two_ways_is_refused(tmp_path: Path) -> None:
    """'95.000' as text is 95 to a computer and 95000 to a Dutch reader: never guessed. A native
    1.234 (three decimals, as an exact number) still arrives as 1.234."""
    rows = [["id", "indicator", "jaar", "soort", "waarde"]]
    rows += [["a", "A", 2017, "realisatie", "95.000"], ["a", "A", 2016, "realisatie", 1.234]]
    rows += [["a", "A", 2015, "realisatie", "1500"]]  # text, but only one way to read it
    book = workbook({"indicatoren": rows})
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "rapport.xlsx": book})
    assert problems_of(folder) == [
        "rapport.xlsx[indicatoren]:2: waarde: '95.000' is geen getal: als tekst leest het twee "
        "kanten op (met een punt als decimaalteken, of als Nederlands getal met een punt voor de "
        "duizendtallen); typ er een getal in"
    ]
    rows[1][4] = 95000
    write_rapport(folder, {"rapport.xlsx": workbook({"indicatoren": rows})})
    inputs, _ = read_inputs(folder)
    assert inputs is not None
    assert inputs.frames["indicatoren"]["waarde"].tolist() == [95000, 1.234, 1500]


def test_an_error_value_in_a_cell_is_named(tmp_path: Path) -> None:
    rows = [KOSTEN_HEADER, *KOSTEN]
    rows[1] = [*rows[1][:4], "=1/0"]
    book = with_cached_values(workbook({"kosten": rows}), ["kosten"], {"kosten": {"E2": "#DIV/0!"}})
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "rapport.xlsx": book})
    assert problems_of(folder) == [
        "rapport.xlsx[kosten]:2: bedrag: cel E2: de cel toont de Excel-fout #DEEL/0! (#DIV/0!); "
        "herstel die in Excel"
    ]


def test_the_workbook_is_read_within_the_folder_and_its_limits(tmp_path: Path) -> None:
    outside = tmp_path / "elders.xlsx"
    outside.write_bytes(workbook({"kosten": [KOSTEN_HEADER, *KOSTEN]}))
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML})
    os.symlink(outside, folder / "rapport.xlsx")
    assert problems_of(folder) == ["rapport.xlsx: verwijst naar een bestand buiten de rapportmap"]
    (folder / "rapport.xlsx").unlink()
    (folder / "rapport.xlsx").write_bytes(b"PK\x03\x04 geen zip")
    assert problems_of(folder) == [
        "rapport.xlsx: is geen leesbaar Excel-bestand (geen zip-archief)"
    ]


@pytest.mark.parametrize(
    "example", ["beleidsplan-wassenaar-2024", "jaarverslag-2017", "begroting-2020"]
)
def test_the_published_tables_in_one_workbook_give_every_figure(
    example: str, tmp_path: Path
) -> None:
    """The seeds' published tables (data/*), kept in one workbook as a controller keeps them,
    build to byte for byte the open data of the CSV files: every figure arrives."""
    folder = tmp_path / example
    shutil.copytree(DATA / example, folder)
    data, formulas = as_workbook(folder)
    if example.startswith("beleidsplan"):
        assert formulas["maatregelen"]  # the subtotals are formulas with saved values
    for csv in folder.glob("*.csv"):
        csv.unlink()
    (folder / "rapport.xlsx").write_bytes(data)
    outcome = build_one(folder, tmp_path / "out", ["html"], use_cache=False)
    assert outcome.ok, outcome.problems
    expected = SNAPSHOTS / example / "tabellen"
    built = tmp_path / "out" / example / "tabellen"
    assert sorted(p.name for p in built.iterdir()) == sorted(p.name for p in expected.iterdir())
    for table in expected.glob("*.csv"):  # csv-metadata.json: other inputs, other fingerprint
        assert (built / table.name).read_bytes() == table.read_bytes(), table.name


@pytest.mark.slow
def test_thousands_of_client_rows_in_a_sheet_give_every_figure(tmp_path: Path) -> None:
    folder = tmp_path / "participatie-2017"
    shutil.copytree(DATA / "participatie-2017", folder)
    data, _ = as_workbook(folder)
    (folder / "clienten.csv").unlink()
    (folder / "rapport.xlsx").write_bytes(data)
    outcome = build_one(folder, tmp_path / "out", ["html"], use_cache=False)
    assert outcome.ok, outcome.problems
    expected = SNAPSHOTS / "participatie-2017" / "tabellen"
    for table in expected.glob("*.csv"):  # csv-metadata.json: other inputs, other fingerprint
        built = tmp_path / "out" / "participatie-2017" / "tabellen" / table.name
        assert built.read_bytes() == table.read_bytes(), table.name


def test_a_number_typed_as_text_reads_as_a_csv_cell_of_either_notation(tmp_path: Path) -> None:
    """Issue 22: text ``1234.5`` was read as a number but ``1,5`` refused. A text cell is now
    read as a CSV cell would be, either way: Dutch notation as in a ``;`` file, a decimal point as
    in a ``,`` file — and refused only when the two read it as different numbers."""
    rows: list[list[object]] = [["id", "indicator", "jaar", "soort", "waarde"]]
    typed = ["1234.5", "1,5", "1.234,5", "€ 2.500,00", "-0,25", "7", "12%"]
    rows += [["a", "A", 2000 + n, "realisatie", value] for n, value in enumerate(typed)]
    book = workbook({"indicatoren": rows})
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "rapport.xlsx": book})
    inputs, problems = read_inputs(folder)
    assert inputs is not None and [p for p in problems if p.severity == "error"] == []
    read = inputs.frames["indicatoren"]["waarde"].tolist()
    assert read == [1234.5, 1.5, 1234.5, 2500, -0.25, 7, 12]
