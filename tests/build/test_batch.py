"""Batches: failures are collected not fatal, -j 2 gives the same files, progress only on a TTY."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.helpers import MINIMAL_YAML, write_rapport

from jaarverslag.build import pipeline
from jaarverslag.cli import main
from jaarverslag.commands import build as batch

pytestmark = pytest.mark.slow

CSV = "id;indicator;jaar;soort;waarde\na;Aantal A;2016;realisatie;3\na;Aantal A;2017;realisatie;4\n"
YAML = MINIMAL_YAML + "grafieken: false\n"
BELEID = (
    "titel: Plan\norganisatie: Gemeente Test\nsoort: beleidsplan\njaar: 2024\nformaten: [html]\n"
)
MAATREGELEN = "post;karakter;jaar;bedrag\nLoonkosten;structureel;2024;1000\n"


def _good(folder: Path) -> Path:
    return write_rapport(folder, {"rapport.yaml": YAML, "indicatoren.csv": CSV})


def _bad(folder: Path) -> Path:
    return write_rapport(folder, {"rapport.yaml": YAML, "indicatoren.csv": CSV.replace(";4", ";x")})


def _partners(folder: Path, count: int) -> Path:
    shares = [100 // count + (1 if i < 100 % count else 0) for i in range(count)]
    rows = "".join(f"Gemeente {i:03d};{share}\n" for i, share in enumerate(shares))
    return write_rapport(
        folder,
        {
            "rapport.yaml": BELEID,
            "maatregelen.csv": MAATREGELEN,
            "verdeelsleutel.csv": "partij;aandeel\n" + rows,
        },
    )


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["build", *args], catch_exceptions=False)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_failure_does_not_stop_the_others(tmp_path: Path, jobs: str) -> None:
    a, b, c = _good(tmp_path / "a"), _bad(tmp_path / "b"), _good(tmp_path / "c")
    out = tmp_path / "out"
    result = _run(str(a), str(b), str(c), "-o", str(out), "-f", "html", "-j", jobs)
    assert result.exit_code == 1
    assert (out / "a" / "a.html").is_file() and (out / "c" / "c.html").is_file()
    assert not (out / "b").exists()
    assert f"{b / 'indicatoren.csv'}:3: waarde: 'x' is geen getal" in result.stderr
    assert "1 van 3 rapporten niet gebouwd:" in result.stderr
    assert f"  {b}: invoerfouten" in result.stderr
    assert result.stdout.split() == [str(out / "a"), str(out / "c")]


def _crash_in_c(folder, *args, **kwargs):  # type: ignore[no-untyped-def]
    """A worker that dies the hard way (like the kernel's out-of-memory killer) on rapport c."""
    if Path(folder).name == "c":
        os._exit(9)
    return REAL_PREPARE(folder, *args, **kwargs)


def _bug_in_c(folder, *args, **kwargs):  # type: ignore[no-untyped-def]
    if Path(folder).name == "c":
        raise ZeroDivisionError("deling door nul")
    return REAL_PREPARE(folder, *args, **kwargs)


REAL_PREPARE = pipeline.prepare


@pytest.mark.parametrize(
    ("jobs", "culprit"), [("2", _crash_in_c), ("2", _bug_in_c), ("1", _bug_in_c)]
)
def test_a_crash_or_bug_becomes_a_failure_line(tmp_path: Path, monkeypatch, jobs, culprit) -> None:
    monkeypatch.setattr(pipeline, "prepare", culprit)
    folders = [_good(tmp_path / name) for name in "abcd"]
    out = tmp_path / "out"
    result = _run(*map(str, folders), "-o", str(out), "-f", "html", "-j", jobs)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert [p.name for p in sorted(out.iterdir()) if not p.name.startswith(".")] == ["a", "b", "d"]
    assert "1 van 4 rapporten niet gebouwd:" in result.stderr
    line = next(x for x in result.stderr.splitlines() if x.startswith(f"  {folders[2]}: "))
    if culprit is _crash_in_c:
        assert "werkproces afgebroken" in line
    else:  # the one guard's message above, asking to report it; the failure line points to it
        assert "interne fout (1, zie hierboven)" in line
        assert (
            f"{folders[2]}: interne fout van jaarverslag (ZeroDivisionError: deling door nul); "
            "dit is een fout in jaarverslag, niet in uw invoer: meld het"
        ) in result.stderr


def test_per_partner_variants_with_two_jobs_equal_one_job(tmp_path: Path) -> None:
    rapport = _partners(tmp_path / "plan", 30)
    one, two = tmp_path / "one", tmp_path / "two"
    assert _run(str(rapport), "-o", str(one), "--per-partij").exit_code == 0
    assert _run(str(rapport), "-o", str(two), "--per-partij", "-j", "2").exit_code == 0
    files = sorted(p.relative_to(one) for p in (one / "plan").rglob("*") if p.is_file())
    assert len([f for f in files if f.name.startswith("plan-gemeente-")]) == 30
    assert files == sorted(p.relative_to(two) for p in (two / "plan").rglob("*") if p.is_file())
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_quiet_in_a_pipe(tmp_path: Path) -> None:
    a, b = _good(tmp_path / "a"), _good(tmp_path / "b")
    result = _run(str(a), str(b), "-o", str(tmp_path / "out"), "-f", "html")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_progress_bar_with_counts_on_a_terminal(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(batch, "show_progress", lambda: True)
    rapport = _partners(tmp_path / "plan", 4)
    result = _run(str(rapport), "-o", str(tmp_path / "out"), "--per-partij")
    assert result.exit_code == 0
    assert "5/5" in result.stderr  # the main document and 4 partner variants
    assert "doc/s" in result.stderr or "s/doc" in result.stderr


def test_ci_means_no_progress_bar(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert batch.show_progress() is False
