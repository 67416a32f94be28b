"""The build cache: unchanged inputs reuse the output untouched; any change rebuilds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.helpers import MINIMAL_YAML, write_rapport

from jaarverslag.build import cache
from jaarverslag.build.options import BuildOptions
from jaarverslag.build.pipeline import build_one
from jaarverslag.cli import main

CSV = "id;indicator;jaar;soort;waarde\na;Aantal A;2016;realisatie;3\na;Aantal A;2017;realisatie;4\n"
YAML = MINIMAL_YAML + "grafieken: false\n"


@pytest.fixture
def rapport(tmp_path: Path) -> Path:
    return write_rapport(
        tmp_path / "r",
        {"rapport.yaml": YAML, "indicatoren.csv": CSV, "teksten/a.md": "# A\n\nTekst.\n"},
    )


def _build(rapport: Path, out: Path, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("formats", ("html",))
    return build_one(rapport, out, **kwargs)


def _stamp(folder: Path) -> dict[str, tuple[int, int]]:
    """Inode and modification time of every output file: equal only if nothing was rewritten."""
    return {
        str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_unchanged_rapport_is_reused_and_output_untouched(rapport: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _build(rapport, out)
    assert first.ok and not first.reused
    before = _stamp(out / "r")
    second = _build(rapport, out)
    assert second.ok and second.reused
    assert second.files == first.files
    assert _stamp(out / "r") == before


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("indicatoren.csv", lambda b: b.replace(b"realisatie;4", b"realisatie;5")),
        ("teksten/a.md", lambda b: b + b" "),
        ("rapport.yaml", lambda b: b.replace(b"2017", b"2018", 1)),
    ],
)
def test_one_changed_byte_of_an_input_rebuilds(rapport: Path, tmp_path: Path, path, change) -> None:
    out = tmp_path / "out"
    _build(rapport, out)
    file = rapport / path
    file.write_bytes(change(file.read_bytes()))
    assert not _build(rapport, out).reused


def test_a_new_file_and_the_rapports_own_template_rebuild(rapport: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(rapport, out)
    (rapport / "templates").mkdir()
    (rapport / "templates" / "style.css").write_text("body { color: black; }\n", encoding="utf-8")
    assert not _build(rapport, out).reused
    assert _build(rapport, out).reused
    (rapport / "templates" / "style.css").write_text("body { color: blacK; }\n", encoding="utf-8")
    assert not _build(rapport, out).reused


def test_settings_rebuild(rapport: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    _build(rapport, out)
    assert not _build(rapport, out, per_partij=False).reused
    assert not _build(rapport, out, formats=("html", "docx")).reused
    assert _build(rapport, out, formats=("docx", "html")).reused  # order of -f doesn't matter
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1500000000")
    assert not _build(rapport, out, formats=("docx", "html")).reused


def test_package_version_or_builtin_template_rebuilds(tmp_path: Path) -> None:
    package = cache.PACKAGE
    copy = tmp_path / "pkg"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    digest = cache.package_digest(copy, "1.0")
    assert cache.package_digest(copy, "1.0") == digest
    assert cache.package_digest(copy, "1.1") != digest
    css = copy / "render" / "templates" / "style.css"
    css.write_bytes(css.read_bytes() + b"\n")
    assert cache.package_digest(copy, "1.0") != digest


def test_another_package_digest_rebuilds(rapport: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    _build(rapport, out)
    monkeypatch.setattr(cache, "_PACKAGE_DIGEST", "een andere versie")
    assert not _build(rapport, out).reused


def test_edited_or_deleted_output_is_rebuilt(rapport: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _build(rapport, out)
    html = out / "r" / "r.html"
    original = html.read_bytes()
    html.write_bytes(b"kapot")
    assert not _build(rapport, out).reused
    assert html.read_bytes() == original
    html.unlink()
    assert not _build(rapport, out).reused
    assert html.read_bytes() == original
    (out / "r" / "extra.txt").write_text("x")
    assert not _build(rapport, out).reused
    assert _build(rapport, out).files == first.files


def test_bad_input_is_reported_every_time(rapport: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["build", str(rapport), "-o", str(out), "-f", "html"]
    assert runner.invoke(main, args).exit_code == 0
    good = (out / "r" / "r.html").read_bytes()
    (rapport / "indicatoren.csv").write_text(CSV.replace(";4", ";veel"), encoding="utf-8")
    for _ in range(2):
        result = runner.invoke(main, args)
        assert result.exit_code == 1
        assert "indicatoren.csv:3: waarde: 'veel' is geen getal" in result.stderr
        assert (out / "r" / "r.html").read_bytes() == good
    (rapport / "indicatoren.csv").write_text(CSV, encoding="utf-8")
    result = runner.invoke(main, args)
    assert result.exit_code == 0
    assert result.stdout.strip() == str(out / "r")


def test_warnings_are_repeated_on_reuse(rapport: Path, tmp_path: Path) -> None:
    (rapport / "rapport.yaml").write_text(YAML + "onbekend: 1\n", encoding="utf-8")
    runner = CliRunner()
    args = ["build", str(rapport), "-o", str(tmp_path / "out"), "-f", "html"]
    first = runner.invoke(main, args)
    second = runner.invoke(main, args)
    assert first.exit_code == second.exit_code == 0
    assert "onbekend" in first.stderr
    assert second.stderr == first.stderr


@pytest.mark.parametrize("what", ["marker", "output"])
def test_a_file_of_the_output_swapped_for_a_fifo_neither_hangs_nor_hits(
    rapport: Path, tmp_path: Path, what: str
) -> None:
    """Issue 22: the marker of the output folder was read by name after a look at it; a FIFO
    in its place (or in an output file's) held the build forever."""
    import os
    import threading

    out = tmp_path / "out"
    assert _build(rapport, out).ok
    key = cache.build_key(rapport, BuildOptions(("html",)))
    assert cache.lookup(out, rapport, key) is not None
    path = out / "r" / (".jaarverslag" if what == "marker" else "r.html")
    path.unlink()
    os.mkfifo(path)
    found: list[object] = []
    looking = threading.Thread(target=lambda: found.append(cache.lookup(out, rapport, key)))
    looking.start()
    looking.join(timeout=10)
    hung = looking.is_alive()
    if hung:  # let it go: open the FIFO for writing once
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        looking.join()
    assert not hung, "the cache lookup waited on the FIFO"
    assert found == [None]
