"""Hostile content is printed, never obeyed.

The rapports under tests/rapports/hostile/ put HTML, Jinja syntax and spreadsheet formulas in
every printed field and ``../../x`` in partner names. They must build, show the text literally
in HTML, PDF and DOCX, write no formula into the open data, and write nothing outside the
output folder. Templates that ask WeasyPrint for a file elsewhere or for the network fail the
build with a message, and nothing is written.
"""

from __future__ import annotations

import csv
import html as htmllib
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as DocxDocument
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.helpers import RAPPORTS, pdf_text, write_rapport

from jaarverslag.build.pipeline import build_one
from jaarverslag.cli import main
from jaarverslag.render.opendata import neutralise

HOSTILE = RAPPORTS / "hostile"
LABELS = ("labels-beleidsplan", "labels-jaarverslag")
FETCHES = sorted(p.name for p in HOSTILE.iterdir() if p.name.startswith("fetch-"))

#: text from the data that must appear exactly so in every format
LITERAL = {
    "labels-beleidsplan": [
        "<b>Vet</b> & <i>schuin</i>",
        "{{ 6*7007 }}",
        '=HYPERLINK("http://evil.example";"klik")',
        "@SUM(A1:A9)",
        "../../x",
        "<img src=x onerror=alert(1)>",
        "<script>alert('titel')</script> Plan",
        "Gemeente <b>Vet</b> & Co",
    ],
    "labels-jaarverslag": [
        "<script>alert(1)</script>",
        "{{ 6*7007 }}",
        "=cmd|' /C calc'!A0",
        "@SOM(1",
        '<a href="javascript:alert(1)">klik</a>',
        "{% raw %}x",
        '<script>alert("md")</script>',
    ],
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both label rapports built (with a document per partner) into a fresh folder."""
    root = tmp_path_factory.mktemp("hostile")
    out = root / "out"
    for name in LABELS:
        outcome = build_one(HOSTILE / name, out, per_partij=True if "beleid" in name else None)
        assert outcome.ok, "\n".join(map(str, outcome.problems))
    return out


def listing(folder: Path) -> list[str]:
    """The entries of ``folder``."""
    return sorted(os.listdir(folder))


def all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def docx_text(path: Path) -> str:
    doc = DocxDocument(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize("name", LABELS)
def test_html_escapes_everything(out: Path, name: str) -> None:
    html = (out / name / f"{name}.html").read_text(encoding="utf-8")
    # the data's markup is never markup: no script element at all, no injected img or link
    assert "<script" not in html.lower()
    assert "<b>Vet" not in html and "<img src=x" not in html
    assert 'href="javascript' not in html
    assert "&lt;b&gt;Vet&lt;/b&gt; &amp; &lt;i&gt;schuin&lt;/i&gt;" in html or name != LABELS[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or name != LABELS[1]
    # Jinja in data is printed, never run: 6*7007 is 42042
    assert "{{ 6*7007 }}" in html
    assert "42042" not in html and "42.042" not in html


@pytest.mark.slow
@pytest.mark.parametrize("name", LABELS)
def test_pdf_shows_text_literally(out: Path, name: str) -> None:
    text = " ".join(pdf_text(out / name / f"{name}.pdf").split())
    for literal in LITERAL[name]:
        assert " ".join(literal.split()) in text, literal
    assert "42042" not in text and "42.042" not in text


@pytest.mark.slow
@pytest.mark.parametrize("name", LABELS)
def test_docx_shows_text_literally(out: Path, name: str) -> None:
    text = docx_text(out / name / f"{name}.docx")
    for literal in LITERAL[name]:
        assert literal in text, literal
    assert "42042" not in text and "42.042" not in text


@pytest.mark.slow
def test_partner_documents_show_the_partner_literally(out: Path) -> None:
    folder = out / "labels-beleidsplan"
    texts = [docx_text(p) for p in folder.glob("labels-beleidsplan-*.docx")]
    assert len(texts) == 3
    assert any("Uitgave voor <img src=x onerror=alert(1)>" in t for t in texts)
    assert any("Uitgave voor ../../x" in t for t in texts)


NUMBER = re.compile(r"-?\d+(\.\d+)?")


@pytest.mark.slow
@pytest.mark.parametrize("name", LABELS)
def test_open_data_has_no_formula(out: Path, name: str) -> None:
    tables = sorted((out / name / "tabellen").glob("*.csv"))
    assert tables
    cells = []
    for table in tables:
        rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"), newline="")))
        cells += [c for row in rows for c in row]
    for cell in cells:
        if cell and not NUMBER.fullmatch(cell):
            assert cell[0] not in "=+-@\t\r", f"{cell!r} would run as a formula"
    # the neutralised text is still all there, behind one quote
    wanted = {
        "labels-beleidsplan": [
            '\'=HYPERLINK("http://evil.example";"klik")',
            "'+31 612345678",
            "'-1+1",
            "'@SUM(A1:A9)",
            "'=1+1",
            "{{ 6*7007 }}",
        ],
        "labels-jaarverslag": ["'=cmd|' /C calc'!A0", "'@SOM(1", "<script>alert(1)</script>"],
    }[name]
    for text in wanted:
        assert text in cells, text


def test_neutralise_every_formula_start() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise("Totaal") == "Totaal"
    assert neutralise("") == ""
    assert neutralise("a=1") == "a=1"


@pytest.mark.slow
def test_nothing_is_written_outside_the_output_folder(out: Path) -> None:
    # only the two rapport folders, and the partner files sit inside their rapport's folder
    assert listing(out) == sorted(LABELS)
    assert sorted(os.listdir(out.parent)) == ["out"]
    partner = sorted(
        p.name
        for p in (out / "labels-beleidsplan").iterdir()
        if p.is_file() and p.name != ".jaarverslag"
    )
    assert all(
        re.fullmatch(r"labels-beleidsplan(-[a-z0-9-]+)?\.(pdf|docx|html)", n) for n in partner
    )
    for path in all_files(out):
        assert path.resolve().is_relative_to(out.resolve())


ODD_NAMES = ["rapport met spaties", "ünïcödé-rapport", "..rapport", "-rf", "a;b'c\"d", "x" * 120]


@pytest.mark.parametrize("odd", ODD_NAMES)
def test_odd_rapport_folder_names_stay_inside(tmp_path: Path, odd: str) -> None:
    """The output folder is named after the rapport folder, never a path made from it."""
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    source = work / odd
    shutil.copytree(HOSTILE / "labels-jaarverslag", source)
    out = tmp_path / "out"
    # reached through "sub/..": the name is still just the folder's own name
    given = work / "sub" / ".." / odd
    result = CliRunner().invoke(main, ["build", str(given), "-o", str(out), "-f", "html"])
    assert result.exit_code == 0, result.output
    assert listing(out) == [odd]
    assert sorted(os.listdir(tmp_path)) == ["out", "work"]
    assert sorted(os.listdir(work)) == sorted(["sub", odd])
    assert (out / odd / f"{odd}.html").is_file()


def test_rapport_given_as_dot_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``jaarverslag build ..`` from inside a rapport's subfolder writes to OUT/<its name>."""
    source = tmp_path / "mijn-rapport"
    shutil.copytree(HOSTILE / "labels-jaarverslag", source)
    monkeypatch.chdir(source / "teksten")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "..", "-o", str(out), "-f", "html"])
    assert result.exit_code == 0, result.output
    assert listing(out) == ["mijn-rapport"]


@pytest.mark.slow
@pytest.mark.parametrize("case", FETCHES)
def test_pdf_fetches_nothing_outside(case: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(HOSTILE / case), "-o", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"{case}/templates: de PDF mag alleen bestanden uit de rapportmap gebruiken" in (
        result.output
    )
    assert "is geweigerd" in result.output
    assert listing(tmp_path) == []  # not even the HTML or DOCX


def test_a_symlink_out_of_the_rapport_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "r"
    shutil.copytree(HOSTILE / "local-image", source)
    (source / "logo.svg").unlink()
    secret = tmp_path / "geheim.svg"
    secret.write_text((HOSTILE / "local-image" / "logo.svg").read_text(), encoding="utf-8")
    (source / "logo.svg").symlink_to(secret)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(out), "-f", "pdf"])
    assert result.exit_code == 1, result.output
    assert "is geweigerd" in result.output
    assert not out.exists()


def test_a_file_inside_the_rapport_may_be_used(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", str(HOSTILE / "local-image"), "-o", str(tmp_path), "-f", "pdf"]
    )
    assert result.exit_code == 0, result.output
    pdf = (tmp_path / "local-image" / "local-image.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")


def test_a_missing_local_file_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "r"
    shutil.copytree(HOSTILE / "local-image", source)
    (source / "logo.svg").unlink()
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1, result.output
    assert "logo.svg' kan niet worden gelezen voor de PDF" in result.output


def csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.mark.slow
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "125")) // 5 or 1,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(post=st.text(min_size=1, max_size=30), partij=st.text(min_size=1, max_size=20))
def test_any_text_is_printed_or_refused(post: str, partij: str) -> None:
    """Whatever text a post or partner has, the build prints it literally or refuses it with
    a Problem — never an internal error in the HTML or DOCX writer."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_rapport(
            Path(tmp) / "r",
            {
                "rapport.yaml": "titel: T\norganisatie: O\nsoort: beleidsplan\njaar: 2024\n",
                "maatregelen.csv": f"post;karakter;jaar;bedrag\n{csv_field(post)};structureel;2024;5\n",
                "verdeelsleutel.csv": f"partij;aandeel\n{csv_field(partij)};100\n",
            },
        )
        outcome = build_one(folder, Path(tmp) / "out", formats=("html", "docx"))
        if not outcome.ok:
            assert outcome.problems and all(p.message for p in outcome.problems)
            return
        html = htmllib.unescape((outcome.output / "r.html").read_text(encoding="utf-8"))
        docx = docx_text(outcome.output / "r.docx")
        for text in (post, partij):
            shown = " ".join(text.split())
            if shown and shown != "-":
                assert shown in " ".join(html.split())
                assert shown in " ".join(docx.split())


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "template-sandbox-escape",
            "templates/jaarverslag.html:1: sjabloonfout: access to attribute '__class__'",
        ),
        (
            "template-include-outside",
            "templates/jaarverslag.html:1: sjabloonfout: sjabloon '../../../../etc/passwd' bestaat niet",
        ),
    ],
)
def test_a_template_cannot_reach_python_or_other_files(
    case: str, message: str, tmp_path: Path
) -> None:
    """Rapport templates run sandboxed and load only from the template folders."""
    result = CliRunner().invoke(main, ["build", str(HOSTILE / case), "-o", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert message in result.output
    assert "root:" not in result.output and "Traceback" not in result.output
    assert listing(tmp_path) == []
