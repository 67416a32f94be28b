"""``jaarverslag verify OUTPUT RAPPORT`` (issue 27, items 4 and 6): every output records the
fingerprint of its inputs; a matching folder exits 0, a changed byte in any input exits 1 and
names the input, and so does a tampered record."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.helpers import DATA

from jaarverslag.cli import main
from jaarverslag.core.fingerprint import PROPERTY
from jaarverslag.inputs.fingerprint import fingerprint

EXAMPLE = DATA / "jaarverslag-2017"


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the example and its HTML, DOCX and open data."""
    work = tmp_path_factory.mktemp("verify")
    rapport = work / "jaarverslag-2017"
    shutil.copytree(EXAMPLE, rapport)
    code, output = run("build", rapport, "-o", work / "out", "-f", "html,docx")
    assert code == 0, output
    return rapport, work / "out" / "jaarverslag-2017"


OUTPUTS = [
    "jaarverslag-2017.html",
    "jaarverslag-2017.docx",
    "tabellen/csv-metadata.json",
    "tabellen/indicatoren.csv",
]


@pytest.mark.parametrize("output", OUTPUTS)
def test_an_output_matches_its_inputs(built: tuple[Path, Path], output: str) -> None:
    rapport, out = built
    code, text = run("verify", out / output, rapport)
    assert code == 0, text
    assert fingerprint(rapport).sha256 in text


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_changed_byte_in_any_input_fails_and_is_named(
    built: tuple[Path, Path], output: str
) -> None:
    rapport, out = built
    for path in sorted(p for p in rapport.rglob("*") if p.is_file()):
        original = path.read_bytes()
        path.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
        try:
            code, text = run("verify", out / output, rapport)
        finally:
            path.write_bytes(original)
        assert code == 1, (path, text)
        assert f"gewijzigd: {path.relative_to(rapport).as_posix()}" in text


def test_a_file_added_or_gone_is_named(built: tuple[Path, Path]) -> None:
    rapport, out = built
    extra = rapport / "teksten" / "05-extra.md"
    extra.write_text("# Extra\n")
    try:
        code, text = run("verify", out / "jaarverslag-2017.html", rapport)
    finally:
        extra.unlink()
    assert code == 1 and "nieuw in de map: teksten/05-extra.md" in text
    moved = rapport / "teksten" / "04-conclusie.md"
    moved.rename(rapport / "conclusie.md.bak~")
    try:
        code, text = run("verify", out / "jaarverslag-2017.docx", rapport)
    finally:
        (rapport / "conclusie.md.bak~").rename(moved)
    assert code == 1 and "ontbreekt in de map: teksten/04-conclusie.md" in text


def test_a_tampered_record_fails(built: tuple[Path, Path], tmp_path: Path) -> None:
    """Someone who edits the record to match other inputs, but not the fingerprint itself."""
    rapport, out = built
    html = (out / "jaarverslag-2017.html").read_text(encoding="utf-8")
    forged = html.replace("&#34;rapport.yaml&#34;:&#34;", "&#34;rapport.yaml&#34;:&#34;0", 1)
    assert forged != html
    (tmp_path / "forged.html").write_text(forged, encoding="utf-8")
    code, text = run("verify", tmp_path / "forged.html", rapport)
    assert code == 1 and "bewerkt" in text


def test_an_edited_csv_fails(built: tuple[Path, Path], tmp_path: Path) -> None:
    rapport, out = built
    shutil.copytree(out / "tabellen", tmp_path / "tabellen")
    csv = tmp_path / "tabellen" / "indicatoren.csv"
    csv.write_text(csv.read_text().replace("559", "560"))
    code, text = run("verify", csv, rapport)
    assert code == 1 and "niet het bestand" in text


def test_an_output_without_fingerprint_fails(built: tuple[Path, Path], tmp_path: Path) -> None:
    rapport, _ = built
    (tmp_path / "ander.html").write_text("<html><head><title>x</title></head></html>")
    code, text = run("verify", tmp_path / "ander.html", rapport)
    assert code == 1 and "geen vingerafdruk" in text
    code, text = run("verify", tmp_path / "ander.txt", rapport)
    assert code == 1


def test_the_metadata_records_every_csv_and_the_inputs(built: tuple[Path, Path]) -> None:
    rapport, out = built
    meta = json.loads((out / "tabellen" / "csv-metadata.json").read_text(encoding="utf-8"))
    assert [t["url"] for t in meta["tables"]] == ["indicatoren.csv"]
    assert meta["dc:source"]["@id"] == f"urn:sha256:{fingerprint(rapport).sha256}"
    assert PROPERTY in (out / "jaarverslag-2017.html").read_text(encoding="utf-8")


def test_the_same_inputs_give_the_same_bytes(built: tuple[Path, Path], tmp_path: Path) -> None:
    rapport, out = built
    code, output = run("build", rapport, "-o", tmp_path, "-f", "html,docx")
    assert code == 0, output
    for name in OUTPUTS:
        assert (tmp_path / "jaarverslag-2017" / name).read_bytes() == (out / name).read_bytes()


@pytest.mark.slow
def test_the_pdf_records_it_too(built: tuple[Path, Path], tmp_path: Path) -> None:
    rapport, _ = built
    code, output = run("build", rapport, "-o", tmp_path, "-f", "pdf")
    assert code == 0, output
    pdf = tmp_path / "jaarverslag-2017" / "jaarverslag-2017.pdf"
    assert run("verify", pdf, rapport)[0] == 0
    text = rapport / "teksten" / "01-inleiding.md"
    original = text.read_bytes()
    text.write_bytes(original + b" ")
    try:
        code, output = run("verify", pdf, rapport)
    finally:
        text.write_bytes(original)
    assert code == 1 and "gewijzigd: teksten/01-inleiding.md" in output
