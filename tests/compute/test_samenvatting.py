"""A summary table given as input (seed 003's age table) is checked against its own sums."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.helpers import MINIMAL_YAML, RAPPORTS, ROOT, write_rapport

from jaarverslag.analysis.analyse import load_rapport
from jaarverslag.compute.samenvatting import check_leeftijdsgroepen
from jaarverslag.core.errors import InputError
from jaarverslag.inputs.tables.schemas import read_and_validate

SEED003 = RAPPORTS / "samenvatting-seed003"

# Seed 003, "Groeipotentieel: verdeling naar leeftijdscategorie", as printed there.
# Rows: 10 + 66 + 143 = 219 (Totaal says 209); 10 + 33 + 38 = 81 (right);
# 0 + 33 + 105 = 138 (Totaal says 128).
SEED_CSV = (
    "leeftijdscategorie;aantal;met_groeipotentieel;zonder_groeipotentieel\n"
    "> 16 - < 27 jaar;10;10;0\n"
    "> 27 jaar - < 45 jaar;66;33;33\n"
    "> 45 jaar;143;38;105\n"
    "Totaal;209;81;128\n"
)


def problems_of(tmp_path: Path, csv: str, yaml: str = MINIMAL_YAML) -> list[str]:
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": yaml, "leeftijdsgroepen.csv": csv})
    with pytest.raises(InputError) as raised:
        load_rapport(folder)
    prefix = str(folder / "leeftijdsgroepen.csv")
    return [str(p).replace(prefix, "F") for p in raised.value.problems]


def test_seed_003_totals_reported_with_file_and_line(tmp_path: Path) -> None:
    assert problems_of(tmp_path, SEED_CSV) == [
        "F:5: aantal: Totaal is 209, maar de som van de rijen is 219",
        "F:5: zonder_groeipotentieel: Totaal is 128, maar de som van de rijen is 138",
    ]


def test_row_that_does_not_split_into_met_and_zonder(tmp_path: Path) -> None:
    csv = "leeftijdscategorie,aantal,met_groeipotentieel,zonder_groeipotentieel\n"
    csv += "jong,10,4,5\noud,20,10,10\nTOTAAL,30,14,15\n"
    # The columns add up (10 + 20 = 30, 4 + 10 = 14, 5 + 10 = 15); rows 2 and 4 don't split.
    assert problems_of(tmp_path, csv) == [
        "F:2: aantal: 10 is niet gelijk aan met + zonder groeipotentieel (4 + 5 = 9)",
        "F:4: aantal: 30 is niet gelijk aan met + zonder groeipotentieel (14 + 15 = 29)",
    ]


def test_consistent_summary_loads(tmp_path: Path) -> None:
    csv = SEED_CSV.replace("Totaal;209;81;128", "Totaal;219;81;138")
    folder = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "leeftijdsgroepen.csv": csv}
    )
    rapport = load_rapport(folder)
    assert rapport.frames["leeftijdsgroepen"]["aantal"].tolist() == [10, 66, 143, 219]


def test_warning_when_totaalcontrole_is_warning(tmp_path: Path) -> None:
    yaml = MINIMAL_YAML + "totaalcontrole: warning\n"
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": yaml, "leeftijdsgroepen.csv": SEED_CSV})
    rapport = load_rapport(folder)
    assert [(p.line, p.column, p.severity) for p in rapport.warnings] == [
        (5, "aantal", "warning"),
        (5, "zonder_groeipotentieel", "warning"),
    ]


def test_empty_cells_and_missing_columns_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "leeftijdsgroepen.csv"
    # No met/zonder columns, and one row without data: nothing can be added up.
    path.write_text("leeftijdscategorie,aantal\njong,-\noud,20\nTotaal,25\n", encoding="utf-8")
    frame, found = read_and_validate(path, "leeftijdsgroepen")
    assert found == []
    assert check_leeftijdsgroepen(frame, file="F") == []
    # Only an aantal column, complete: the Totaal is checked.
    path.write_text("leeftijdscategorie,aantal\njong,5\noud,20\nTotaal,24\n", encoding="utf-8")
    frame, _ = read_and_validate(path, "leeftijdsgroepen")
    assert [str(p) for p in check_leeftijdsgroepen(frame, file="F")] == [
        "F:4: aantal: Totaal is 24, maar de som van de rijen is 25"
    ]


@pytest.mark.slow
def test_check_command_on_the_seed_rapport() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jaarverslag", "check", str(SEED003)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if "leeftijdsgroepen.csv" in line]
    assert [line.split("leeftijdsgroepen.csv")[1] for line in lines] == [
        ":5: aantal: Totaal is 209, maar de som van de rijen is 219",
        ":5: zonder_groeipotentieel: Totaal is 128, maar de som van de rijen is 138",
    ]
