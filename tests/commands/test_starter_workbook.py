"""``jaarverslag new NAME --excel`` (issue 15, item 2): a starter workbook that builds as it is.

Every data file is a sheet with its header and example rows; every column with fixed choices has
a drop-down list holding exactly the spec's choices, and numbers a range check; the header is
frozen; a Toelichting explains every sheet and column in Dutch. The workbook builds unchanged,
and still builds after LibreOffice Calc has opened and saved it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from jaarverslag.build.pipeline import build_one
from jaarverslag.cli import main
from jaarverslag.commands.new_workbook import COLUMNS, SHEETS, columns, starter_workbook
from jaarverslag.inputs.folder import read_inputs
from jaarverslag.inputs.tables.schemas import SPECS


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("new") / "mijn-rapport"
    result = CliRunner().invoke(main, ["new", str(folder), "--excel"])
    assert result.exit_code == 0, result.output
    return folder


def test_new_excel_writes_one_workbook_instead_of_csv_files(starter: Path) -> None:
    assert sorted(p.name for p in starter.iterdir()) == ["rapport.xlsx", "rapport.yaml", "teksten"]
    book = load_workbook(starter / "rapport.xlsx")
    assert book.sheetnames == ["Toelichting", *SHEETS]


def test_it_reads_without_a_single_warning(starter: Path) -> None:
    inputs, problems = read_inputs(starter)
    assert problems == []
    assert inputs is not None and set(inputs.frames) == set(SHEETS)
    assert all(len(frame) >= 3 for frame in inputs.frames.values())


def test_it_builds_as_it_is(starter: Path, tmp_path: Path) -> None:
    outcome = build_one(starter, tmp_path / "out", ["html"], use_cache=False)
    assert outcome.ok, outcome.problems
    assert outcome.problems == []
    html = (tmp_path / "out" / "mijn-rapport" / "mijn-rapport.html").read_text("utf-8")
    for figure in ("559", "€\u00a01.236.500", "€\u00a095.000", "74%", "13,1%", "n.n.b."):
        assert figure in html


def test_every_fixed_choice_is_a_drop_down_list_from_the_spec(starter: Path) -> None:
    book = load_workbook(starter / "rapport.xlsx")
    for name in SHEETS:
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        lists = {}
        for validation in sheet.data_validations.dataValidation:
            letter = str(validation.sqref).split(":")[0].rstrip("0123456789")
            assert str(validation.sqref) == f"{letter}2:{letter}5001"
            lists[header[column_index_from_string(letter) - 1]] = validation
        for column in columns(SPECS[name]):
            if column.choices:
                validation = lists[column.name]
                assert validation.type == "list"
                assert validation.formula1 == '"' + ",".join(column.choices) + '"'
                assert validation.showErrorMessage and validation.allow_blank
            elif column.kind == "int" and column.maximum is not None:
                validation = lists[column.name]
                assert validation.type == "whole"
                assert (validation.formula1, validation.formula2) == (
                    f"{column.minimum:g}",
                    f"{column.maximum:g}",
                )
        assert sheet.freeze_panes == "A2"
        assert all(c.font.b for c in sheet[1])


def test_amounts_and_dates_are_formatted_and_columns_fit(starter: Path) -> None:
    book = load_workbook(starter / "rapport.xlsx")
    kosten = book["kosten"]
    header = [c.value for c in kosten[1]]
    amount = header.index("bedrag")
    assert {row[amount].number_format for row in kosten.iter_rows(min_row=2)} == {"#,##0"}
    clienten = book["clienten"]
    assert clienten["B2"].number_format == "dd-mm-yyyy"
    width = {
        h: kosten.column_dimensions[get_column_letter(i)].width for i, h in enumerate(header, 1)
    }
    assert 10 <= width["jaar"] < width["post"] <= 60


def test_the_toelichting_explains_every_sheet_and_column_in_dutch(starter: Path) -> None:
    sheet = load_workbook(starter / "rapport.xlsx")["Toelichting"]
    text = "\n".join(
        " | ".join(str(c) for c in row if c is not None)
        for row in sheet.iter_rows(values_only=True)
    )
    for name in SHEETS:
        assert f"Werkblad {name}" in text
        for column in columns(SPECS[name]):
            assert column.name in COLUMNS, f"{name}.{column.name} has no Dutch explanation"
            assert f"{column.name} | {'ja' if column.required else 'nee'} | " in text
            if column.choices:
                assert ", ".join(column.choices) in text
    assert "rapport.xlsx[kosten]:5: bedrag: 'abc' is geen getal" in text


def test_the_kosten_sheet_shows_reserves_and_explains_its_own_soort(
    starter: Path, tmp_path: Path
) -> None:
    """The kosten sheet has a toevoeging and an onttrekking, so the starter's table runs on to
    the gerealiseerd resultaat; its soort column is explained as kosten's, not indicatoren's."""
    book = load_workbook(starter / "rapport.xlsx")
    soorten = {row[2] for row in book["kosten"].iter_rows(min_row=2, values_only=True)}
    assert soorten == {"lasten", "baten", "toevoeging", "onttrekking"}
    outcome = build_one(starter, tmp_path / "out", ["html"], use_cache=False)
    assert outcome.ok, outcome.problems
    html = (tmp_path / "out" / "mijn-rapport" / "mijn-rapport.html").read_text("utf-8")
    assert "Gerealiseerd resultaat" in html
    sheet = book["Toelichting"]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    at = rows.index(["Werkblad kosten"])
    soort = next(r for r in rows[at:] if r[:1] == ["soort"])
    assert "reserve" in soort[2] and "beoogd" not in soort[2]


def test_the_example_rows_follow_the_report_year() -> None:
    book = load_workbook(io.BytesIO(starter_workbook(2031)))
    years = {row[2] for row in book["indicatoren"].iter_rows(min_row=2, values_only=True)}
    assert years == {2030, 2031}


@pytest.mark.slow
def test_the_starter_builds_every_format(starter: Path, tmp_path: Path) -> None:
    outcome = build_one(starter, tmp_path / "out", use_cache=False)
    assert outcome.ok, outcome.problems
    assert {p.name for p in outcome.files} >= {"mijn-rapport.pdf", "mijn-rapport.docx"}


@pytest.mark.slow
def test_saved_by_libreoffice_calc_it_still_builds_with_its_lists(
    starter: Path, tmp_path: Path
) -> None:
    """A user may open the workbook in LibreOffice instead of Excel: what it saves still builds,
    and its drop-down lists are still there."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed: `make test` installs libreoffice-calc")
    folder = tmp_path / "mijn-rapport"
    shutil.copytree(starter, folder)
    converted = tmp_path / "calc"
    done = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(converted),
            str(folder / "rapport.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and (converted / "rapport.xlsx").is_file(), done.stderr
    shutil.copy(converted / "rapport.xlsx", folder / "rapport.xlsx")
    lists = [
        v.formula1
        for v in load_workbook(folder / "rapport.xlsx")["kosten"].data_validations.dataValidation
        if v.type == "list"
    ]
    assert '"lasten,baten,toevoeging,onttrekking"' in lists
    outcome = build_one(folder, tmp_path / "out", ["html"], use_cache=False)
    assert outcome.ok, outcome.problems
    built = (tmp_path / "out" / "mijn-rapport" / "tabellen").glob("*.csv")  # not the metadata:
    # it records other inputs (a workbook saved by LibreOffice), so another fingerprint
    before = build_one(starter, tmp_path / "out0", ["html"], use_cache=False)
    assert before.ok
    for table in built:
        expected = tmp_path / "out0" / "mijn-rapport" / "tabellen" / table.name
        assert table.read_bytes() == expected.read_bytes(), table.name
