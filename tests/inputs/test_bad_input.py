"""Bad input: every malformed rapport under tests/rapports/bad/ fails cleanly.

Each case folder is wrong in exactly one way and holds an ``expected.txt`` with a piece of the
message it must give. For ``check`` and ``build`` alike: exit status 1, that message (which
names the file, and the line where there is one), no traceback, nothing written for the
rapport, and a previous output in the same folder left byte for byte as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.helpers import MINIMAL_YAML, RAPPORTS, ROOT, write_rapport

from jaarverslag.cli import main

BAD = RAPPORTS / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())
SRC = ROOT / "src"


def expected(case: str) -> str:
    return (BAD / case / "expected.txt").read_text(encoding="utf-8").strip()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden staging folders included) with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def previous_output(out: Path, name: str) -> dict[str, bytes]:
    """A stand-in for an earlier good build of rapport ``name``."""
    write_rapport(
        out / name,
        {
            f"{name}.pdf": b"%PDF-1.7 earlier build\n",
            f"{name}.html": "<!DOCTYPE html><p>eerder</p>",
            "tabellen/indicatoren.csv": "omschrijving\r\nP\r\n",
            ".jaarverslag": "{}",  # the marker: an output folder the tool made, so replaceable
        },
    )
    return snapshot(out)


def test_the_suite_is_big_enough() -> None:
    assert len(CASES) >= 30
    for case in CASES:
        assert expected(case), f"{case}: expected.txt is empty"


def assert_clean_failure(output: str, case: str, exit_code: int) -> None:
    assert exit_code == 1, output
    assert "Traceback" not in output, output
    assert expected(case) in output, f"{case}: wanted {expected(case)!r} in\n{output}"
    # the message names the file inside the rapport folder, not just a bare file name
    assert str(Path("tests") / "rapports" / "bad" / case) in output or str(BAD / case) in output


@pytest.mark.parametrize("case", CASES)
def test_check_rejects(case: str) -> None:
    result = CliRunner().invoke(main, ["check", str(BAD / case)])
    assert isinstance(result.exception, SystemExit), result.exception
    assert_clean_failure(result.output, case, result.exit_code)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_build_rejects_and_keeps_previous_output(case: str, tmp_path: Path) -> None:
    before = previous_output(tmp_path, case)
    result = CliRunner().invoke(main, ["build", str(BAD / case), "-o", str(tmp_path)])
    assert isinstance(result.exception, SystemExit), result.exception
    assert_clean_failure(result.output, case, result.exit_code)
    assert snapshot(tmp_path) == before  # nothing new, nothing changed, no staging left over
    assert sorted(os.listdir(tmp_path)) == [case]


@pytest.mark.slow
@pytest.mark.parametrize("case", ["binary-garbage", "impossible-date", "yaml-syntax-error"])
def test_real_process(case: str, tmp_path: Path) -> None:
    """As a user runs it: a separate Python process, stderr as printed."""
    before = previous_output(tmp_path, case)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    for command in (["check"], ["build", "-o", str(tmp_path)]):
        done = subprocess.run(
            [sys.executable, "-m", "jaarverslag", *command, str(BAD / case)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert_clean_failure(done.stdout + done.stderr, case, done.returncode)
        assert done.stdout == ""  # no output path printed: nothing was built
    assert snapshot(tmp_path) == before


@pytest.mark.slow
def test_a_real_earlier_build_survives_a_bad_one(tmp_path: Path) -> None:
    """Build a good rapport, break one cell, build again: the old files stay byte-identical."""
    good = "id;indicator;jaar;soort;waarde\np;Aantal P-banen;2016;realisatie;400\n"
    rapport = write_rapport(
        tmp_path / "mijn-rapport", {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": good}
    )
    out = tmp_path / "out"
    first = CliRunner().invoke(main, ["build", str(rapport), "-o", str(out), "-f", "html,docx"])
    assert first.exit_code == 0, first.output
    before = snapshot(out)
    assert "mijn-rapport/mijn-rapport.html" in before
    (rapport / "indicatoren.csv").write_text(good.replace("400", "vierhonderd"), encoding="utf-8")
    second = CliRunner().invoke(main, ["build", str(rapport), "-o", str(out), "-f", "html,docx"])
    assert second.exit_code == 1
    assert "indicatoren.csv:2: waarde: 'vierhonderd' is geen getal" in second.output
    assert snapshot(out) == before


def test_one_bad_rapport_does_not_stop_the_others(tmp_path: Path) -> None:
    good = write_rapport(
        tmp_path / "goed",
        {
            "rapport.yaml": MINIMAL_YAML,
            "indicatoren.csv": "id;indicator;jaar;soort;waarde\np;P;2017;realisatie;1\n",
        },
    )
    bad = tmp_path / "kapot"
    shutil.copytree(BAD / "trede-7", bad)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(bad), str(good), "-o", str(out), "-f", "html"])
    assert result.exit_code == 1
    assert "clienten.csv:5: trede: 7 is groter dan 6" in result.output
    assert sorted(os.listdir(out)) == ["goed"]
