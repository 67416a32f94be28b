"""Safe by construction (issue 10): the build never destroys, never leaks, never hangs.

Each case is typed as a careless user or an attacker would, as a real ``python -m jaarverslag``
process: source folders survive every ``-o``, nothing from outside the rapport folder reaches an
output, every bomb is refused within seconds and a bounded amount of memory, every row of every
sheet arrives, a build killed at any step of its write leaves ``OUT/R`` whole, Ctrl-C exits 130.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from support.commands import Run
from support.commands import jaarverslag as run_command
from support.helpers import DATA, MINIMAL_YAML, ROOT, interruptible, sample, write_rapport
from support.hostile import MAIN_NS, one_sheet_parts, rewritten

from jaarverslag.build import outfolder as output
from jaarverslag.build import pipeline
from jaarverslag.build.outfolder import MARKER

pytestmark = pytest.mark.slow

SRC = ROOT / "src"
OUTSIDE = "verwijst naar een bestand buiten de rapportmap"
BOMB_SECONDS, BOMB_MB = 10, 500

INDICATOREN = (
    "id;indicator;jaar;soort;waarde\n"
    "p;Aantal P-banen;2016;realisatie;400\n"
    "p;Aantal P-banen;2017;begroting;500\n"
    "p;Aantal P-banen;2017;realisatie;559\n"
)


def jaarverslag(*args: str | Path, cwd: Path | None = None, timeout: float = 120) -> Run:
    """Run the command as a user does (:func:`support.commands.jaarverslag`: its time and peak
    memory measured, under the attacker's memory cap); never a traceback."""
    run = run_command(*args, cwd=cwd, timeout=timeout)
    assert "Traceback" not in run.err, run.err
    return run


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (symlinks as their target)."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(folder))] = b"-> " + os.fsencode(os.readlink(path))
        elif path.is_file():
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


def rapport(folder: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    return write_rapport(
        folder, {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": INDICATOREN, **(extra or {})}
    )


def outputs_text(folder: Path) -> str:
    """Everything a build wrote, as text (PDF and DOCX through their readers)."""
    from docx import Document
    from pypdf import PdfReader

    parts = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".pdf":
            parts += [page.extract_text() for page in PdfReader(path).pages]
        elif path.suffix == ".docx":
            parts += [p.text for p in Document(str(path)).paragraphs]
        elif path.is_file():
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


# -- 1. write only what is ours ----------------------------------------------------------------


def test_building_into_the_folder_above_keeps_the_rapport(tmp_path: Path) -> None:
    """``cd projecten; jaarverslag build mijn-rapport -o .`` used to replace mijn-rapport."""
    projecten = tmp_path / "projecten"
    source = rapport(projecten / "mijn-rapport", {"teksten/inleiding.md": "# Inleiding\n"})
    before = snapshot(projecten)
    run = jaarverslag("build", "mijn-rapport", "-o", ".", "-f", "html", cwd=projecten)
    assert run.code == 1
    assert "de rapportmap zelf" in run.err and "kies met -o" in run.err
    assert snapshot(projecten) == before
    assert (source / "rapport.yaml").is_file()


@pytest.mark.parametrize("where", ["inside", "equal"])
def test_output_in_or_over_a_rapport_folder_is_refused(tmp_path: Path, where: str) -> None:
    source = rapport(tmp_path / "r")
    out = source / "uitvoer" if where == "inside" else tmp_path
    before = snapshot(tmp_path)
    run = jaarverslag("build", source, "-o", out, "-f", "html")
    assert run.code == 1, run.text
    assert "rapportmap" in run.err
    assert snapshot(tmp_path) == before


def test_output_over_a_rapport_folder_further_down_is_refused(tmp_path: Path) -> None:
    """OUT/<name> would hold another rapport of the run: replacing it would delete that one."""
    first = rapport(tmp_path / "a")
    second = rapport(tmp_path / "out" / "a" / "b")
    before = snapshot(tmp_path)
    run = jaarverslag("build", first, second, "-o", tmp_path / "out", "-f", "html")
    assert run.code == 1
    assert f"in of over de rapportmap {second.resolve()}" in run.err
    # the other rapport of the run was built beside it; the one inside OUT/a is untouched
    assert {k: v for k, v in snapshot(tmp_path).items() if not k.startswith("out/b/")} == before


@pytest.mark.parametrize("kind", ["folder", "file", "symlink"])
def test_what_sits_at_the_output_path_is_never_replaced(tmp_path: Path, kind: str) -> None:
    source = rapport(tmp_path / "r")
    out = tmp_path / "out"
    out.mkdir()
    if kind == "folder":
        write_rapport(out / "r", {"belangrijk.txt": "mijn werk"})
    elif kind == "file":
        (out / "r").write_text("mijn werk", encoding="utf-8")
    else:
        (tmp_path / "elders").mkdir()
        (out / "r").symlink_to(tmp_path / "elders")
    before = snapshot(tmp_path)
    run = jaarverslag("build", source, "-o", out, "-f", "html")
    assert run.code == 1
    assert f"{out / 'r'}: " in run.err
    assert "jaarverslag" in run.err
    assert snapshot(tmp_path) == before


def test_an_output_folder_of_ours_is_replaced_and_carries_the_marker(tmp_path: Path) -> None:
    source = rapport(tmp_path / "r")
    out = tmp_path / "out"
    for _ in range(2):
        run = jaarverslag("build", source, "-o", out, "-f", "html")
        assert run.code == 0, run.text
    assert (out / "r" / MARKER).is_file()
    assert "gemaakt_door" in (out / "r" / MARKER).read_text(encoding="utf-8")
    assert sorted(os.listdir(out)) == ["r"]


def test_two_rapports_with_one_name_are_both_refused(tmp_path: Path) -> None:
    first = rapport(tmp_path / "a" / "r")
    second = rapport(tmp_path / "b" / "r")
    for jobs in ("1", "2"):
        run = jaarverslag("build", first, second, "-o", tmp_path / "out", "-f", "html", "-j", jobs)
        assert run.code == 1
        assert run.err.count("twee rapporten met de naam 'r'") == 2, run.err
        assert str(first) in run.err and str(second) in run.err
        assert not (tmp_path / "out" / "r").exists()


# -- 2. contained reading ------------------------------------------------------------------------


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside every rapport folder, whose content must never be published."""
    path = tmp_path / "geheim" / "wachtwoorden.txt"
    path.parent.mkdir()
    path.write_text("GEHEIM-4711 root:x:0:0\n", encoding="utf-8")
    return path


def _link(path: Path, target: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


@pytest.mark.parametrize(
    "link",
    [
        "teksten/x.md",
        "templates/base.html",
        "verdeelsleutel.csv",
        "rapport.yaml",
        "huisstijl.docx",
        "indicatoren.xlsx",
    ],
)
def test_a_symlink_out_of_the_rapport_is_refused(tmp_path: Path, secret: Path, link: str) -> None:
    source = rapport(tmp_path / "r")
    if link in ("rapport.yaml", "indicatoren.xlsx"):
        (source / link.replace("xlsx", "csv")).unlink()
    target = secret
    if link == "verdeelsleutel.csv":
        target = secret.with_name("sleutel.csv")
        target.write_text("partij;aandeel\nGEHEIM-4711;100\n", encoding="utf-8")
    _link(source / link, target)
    out = tmp_path / "out"
    for command in (["check", source], ["build", source, "-o", out]):
        run = jaarverslag(*command)
        assert run.code == 1, run.text
        assert f"{source / link}: {OUTSIDE}" in run.err, run.err
        assert "GEHEIM" not in run.text
    assert not out.exists()


@pytest.mark.parametrize("folder", ["teksten", "templates"])
def test_a_symlinked_folder_out_of_the_rapport_is_refused(
    tmp_path: Path, secret: Path, folder: str
) -> None:
    shutil.copy(secret, secret.with_name("x.md"))
    shutil.copy(secret, secret.with_name("base.html"))
    source = rapport(tmp_path / "r")
    _link(source / folder, secret.parent)
    run = jaarverslag("build", source, "-o", tmp_path / "out")
    assert run.code == 1
    assert f"{source / folder}: verwijst naar een map buiten de rapportmap" in run.err
    assert "GEHEIM" not in run.text
    assert not (tmp_path / "out").exists()


def test_a_symlink_that_stays_inside_is_followed(tmp_path: Path) -> None:
    source = rapport(tmp_path / "r", {"gedeeld/inleiding.md": "Gedeelde tekst 8127.\n"})
    _link(source / "teksten" / "inleiding.md", Path("../gedeeld/inleiding.md"))
    run = jaarverslag("build", source, "-o", tmp_path / "out", "-f", "html")
    assert run.code == 0, run.text
    assert "Gedeelde tekst 8127" in (tmp_path / "out" / "r" / "r.html").read_text("utf-8")


def test_a_fifo_is_refused_instead_of_hanging(tmp_path: Path) -> None:
    source = rapport(tmp_path / "r")
    (source / "teksten").mkdir()
    os.mkfifo(source / "teksten" / "x.md")
    run = jaarverslag("check", source, timeout=30)
    assert run.code == 1
    assert "teksten/x.md: is geen gewoon bestand" in run.err
    assert run.seconds < BOMB_SECONDS


def test_a_template_fetching_a_fifo_is_refused(tmp_path: Path) -> None:
    template = (DATA.parent / "src/jaarverslag/render/templates/base.html").read_text(
        encoding="utf-8"
    )
    base = template.replace("</body>", '<img src="pijp.png" alt="x"></body>')
    source = rapport(tmp_path / "r", {"templates/base.html": base})
    os.mkfifo(source / "pijp.png")
    run = jaarverslag("build", source, "-o", tmp_path / "out", "-f", "pdf", timeout=60)
    assert run.code == 1, run.text
    assert "pijp.png" in run.err
    assert run.seconds < 30


# -- 3. bounded work -----------------------------------------------------------------------------


def assert_refused_quickly(run: Run, message: str) -> None:
    assert run.code == 1, run.text
    assert message in run.err, run.err
    assert run.seconds < BOMB_SECONDS, f"{run.seconds:.1f} s"
    assert run.peak_mb < BOMB_MB, f"{run.peak_mb:.0f} MB"


def _xlsx(rows: list[list[object]], dimension: str | None = None) -> bytes:
    """A workbook written by openpyxl, its ``<dimension>`` optionally replaced by a lie."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    return rewritten(
        buffer.getvalue(),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), xml
        ),
    )


INDICATOR_ROWS: list[list[object]] = [
    ["id", "indicator", "jaar", "soort", "waarde"],
    ["p", "Aantal P-banen", 2016, "realisatie", 400],
    ["p", "Aantal P-banen", 2017, "begroting", 500],
    ["p", "Aantal P-banen", 2017, "realisatie", 35],
]


def test_a_workbook_claiming_the_whole_sheet_costs_nothing(tmp_path: Path) -> None:
    data = _xlsx(INDICATOR_ROWS, dimension="A1:XFD1048576")
    assert len(data) < 10_000
    source = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.xlsx": data})
    run = jaarverslag("build", source, "-o", tmp_path / "out", "-f", "html")
    assert run.code == 0, run.text
    assert run.seconds < BOMB_SECONDS and run.peak_mb < BOMB_MB
    assert ",35" in (tmp_path / "out" / "r" / "tabellen" / "indicatoren.csv").read_text("utf-8")


def test_a_workbook_claiming_too_few_rows_loses_none(tmp_path: Path) -> None:
    """The realisatie of 35 sits below the claimed dimension: it used to vanish."""
    data = _xlsx(INDICATOR_ROWS, dimension="A1:E3")
    source = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.xlsx": data})
    run = jaarverslag("build", source, "-o", tmp_path / "out", "-f", "html")
    assert run.code == 0, run.text
    table = (tmp_path / "out" / "r" / "tabellen" / "indicatoren.csv").read_text("utf-8")
    assert ",35" in table


def _excel_like(rows: list[list[str]], padding: int = 0) -> bytes:
    """A workbook shaped as Excel writes it: every text in the shared-string table (which
    ``padding`` pads with that many empty strings), cells pointing into it."""
    strings = sorted({c for row in rows for c in row})
    index = {s: i for i, s in enumerate(strings)}
    cells = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{chr(65 + c)}{r}" t="s"><v>{index[v]}</v></c>' for c, v in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    parts = one_sheet_parts(f'<dimension ref="A1"/><sheetData>{cells}</sheetData>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, text in parts.items():
            target.writestr(name, text)
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN_NS}">'.encode())
            part.write("".join(f"<si><t>{s}</t></si>" for s in strings).encode())
            chunk = b"<si><t/></si>" * 100_000
            for _ in range(padding // 100_000):
                part.write(chunk)
            part.write(b"<si><t/></si>" * (padding % 100_000) + b"</sst>")
    return out.getvalue()


def _shared_strings_bomb(count: int) -> bytes:
    """A small workbook whose shared-string table holds ``count`` empty strings."""
    rows = [["id", "indicator", "jaar", "soort", "waarde"], ["p", "P", "2017", "realisatie", "1"]]
    return _excel_like(rows, padding=count)


def test_a_workbook_as_excel_writes_it_arrives(tmp_path: Path) -> None:
    rows = [[str(c) for c in row] for row in INDICATOR_ROWS]
    source = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.xlsx": _excel_like(rows)}
    )
    run = jaarverslag("build", source, "-o", tmp_path / "out", "-f", "html")
    assert run.code == 0, run.text
    table = (tmp_path / "out" / "r" / "tabellen" / "indicatoren.csv").read_text("utf-8")
    assert "400" in table and "35" in table


@pytest.mark.slow
def test_thirty_million_shared_strings_are_refused(tmp_path: Path) -> None:
    data = _shared_strings_bomb(30_000_000)
    assert len(data) < 2_000_000
    source = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.xlsx": data})
    run = jaarverslag("check", source)
    assert_refused_quickly(run, "indicatoren.xlsx: pakt uit tot")


def test_shared_strings_are_counted_while_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from jaarverslag.inputs.tables import xlsx
    from jaarverslag.inputs.tables.xlsxcells import XlsxError

    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 1000)
    book = xlsx.Workbook(_excel_like([["a", "b"]], padding=998))  # 1000 in all: allowed
    assert len(book.cells(book.first_sheet()).rows[1]) == 2
    book = xlsx.Workbook(_excel_like([["a", "b"]], padding=999))
    with pytest.raises(XlsxError, match="gedeelde teksten"):
        book.cells(book.first_sheet())


def test_yaml_billion_laughs_is_refused(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    text = MINIMAL_YAML.replace("titel: Test", "titel: *a9") + "\n".join(lines) + "\n"
    source = write_rapport(tmp_path / "r", {"rapport.yaml": text, "indicatoren.csv": INDICATOREN})
    run = jaarverslag("check", source)
    assert_refused_quickly(run, "rapport.yaml:1: YAML-fout: verwijzingen (*alias)")


def test_a_huge_data_file_is_refused_before_reading(tmp_path: Path) -> None:
    source = rapport(tmp_path / "r")
    with (source / "indicatoren.csv").open("r+b") as handle:
        handle.truncate(201 * 1024 * 1024)  # sparse: no disk used, but 201 MB to read
    run = jaarverslag("check", source)
    assert_refused_quickly(run, "indicatoren.csv: is te groot (201 MB; hoogstens 200 MB")


def test_a_markdown_text_over_its_size_is_refused(tmp_path: Path) -> None:
    source = rapport(tmp_path / "r", {"teksten/x.md": "woord " * 2_000_000})
    run = jaarverslag("check", source)
    assert_refused_quickly(run, "teksten/x.md: is te groot (12 MB; hoogstens 1 MB")


@pytest.mark.parametrize("unit", ["a", "[", "!["])
def test_a_markdown_line_over_its_length_is_refused(tmp_path: Path, unit: str) -> None:
    text = "# Tekst\n\nEerste alinea.\n\n" + unit * (900_000 // len(unit)) + "\n"
    source = rapport(tmp_path / "r", {"teksten/x.md": text})
    run = jaarverslag("check", source)
    assert_refused_quickly(run, "teksten/x.md:5: regel is te lang (900000 tekens; hoogstens 10000)")


@pytest.mark.parametrize("shape", ["quotes", "lists"])
def test_markdown_nested_deeper_than_rendered_is_refused(tmp_path: Path, shape: str) -> None:
    if shape == "quotes":
        text = "Inleiding.\n\n" + ">" * 40 + " diep verstopt\n"
    else:
        text = "Inleiding.\n\n" + "".join("  " * i + f"- niveau {i}\n" for i in range(30))
    source = rapport(tmp_path / "r", {"teksten/x.md": text})
    run = jaarverslag("check", source)
    line = 3 if shape == "quotes" else 12  # where the nesting goes too deep
    assert_refused_quickly(run, f"teksten/x.md:{line}: is te diep genest")


@pytest.mark.parametrize(
    "expression",
    ['{{ "x" * 10**10 }}', "{{ 2 ** (10**9) }}", "{{ ([1] * 10**6) * 10**6 }}"],
)
def test_a_live_figure_that_builds_too_much_is_refused(tmp_path: Path, expression: str) -> None:
    source = rapport(tmp_path / "r", {"teksten/x.md": f"Zie:\n\n{expression}\n"})
    run = jaarverslag("check", source)
    assert_refused_quickly(run, "teksten/x.md:3: sjabloonfout:")


def test_a_render_that_runs_too_long_is_stopped() -> None:
    from jaarverslag.core.sandbox import BoundedSandbox, TooMuchWork, deadline

    template = BoundedSandbox().from_string(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    start = time.monotonic()
    with pytest.raises(TooMuchWork), deadline(0.5):
        template.render()
    assert time.monotonic() - start < 5


def test_a_text_cell_has_a_length_limit(tmp_path: Path) -> None:
    rows = INDICATOREN + "q;" + "lang " * 200_000 + ";2017;realisatie;1\n"
    source = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": rows})
    run = jaarverslag("check", source)
    assert_refused_quickly(run, "indicatoren.csv:5: indicator: tekst is te lang (999999 tekens")


def test_a_zipped_house_style_bomb_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(100):
                part.write(b" " * 10_000_000)
    source = rapport(tmp_path / "r", {"huisstijl.docx": out.getvalue()})
    run = jaarverslag("check", source)
    assert_refused_quickly(run, "huisstijl.docx: pakt uit tot 953 MB")


# -- 4. nothing silently lost --------------------------------------------------------------------


@pytest.mark.parametrize("megabytes", [2, 12])
def test_the_docx_keeps_a_long_paragraph(megabytes: int) -> None:
    """lxml's default parser cuts a text node over 10 MB and drops all after it; ours never
    cuts. (python-docx can't read such a file back either, so the XML is read directly.)"""
    from lxml import etree

    from jaarverslag.core.model import Document
    from jaarverslag.render.docx.writer import render_docx

    long = "woord " * (megabytes * 1024 * 1024 // 6)
    html = f"<html><body><p>{long}</p><p>daarna</p></body></html>"
    document = Document(
        titel="T", organisatie="O", soort="jaarverslag", jaar=2017, datum="2017-01-01", sections=()
    )
    data = render_docx(html, document, {})
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    body = etree.fromstring(xml, etree.XMLParser(huge_tree=True))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in body.iter(f"{w}p")]
    assert paragraphs[-2].strip() == long.strip()
    assert paragraphs[-1] == "daarna"


def test_a_text_above_the_limit_is_a_clear_error_not_a_cut(tmp_path: Path) -> None:
    source = rapport(tmp_path / "r", {"teksten/x.md": "woord " * 200_000})  # 1,2 MB
    run = jaarverslag("build", source, "-o", tmp_path / "out")
    assert run.code == 1
    assert "teksten/x.md: is te groot" in run.err
    assert not (tmp_path / "out").exists()


def test_cells_outside_the_header_are_not_dropped(tmp_path: Path) -> None:
    rows = [*INDICATOR_ROWS[:2], ["p", "Aantal P-banen", 2017, "realisatie", 35, "", "", "let op"]]
    source = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.xlsx": _xlsx(rows)}
    )
    run = jaarverslag("check", source)
    assert run.code == 1
    assert "indicatoren.xlsx:3: cel H3 heeft een waarde, maar de kolom heeft geen kop" in run.err


def test_a_column_without_a_name_but_with_values_is_not_dropped(tmp_path: Path) -> None:
    rows = "id;indicator;jaar;soort;waarde;\np;P;2017;realisatie;1;vergeten\n"
    source = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": rows})
    run = jaarverslag("check", source)
    assert run.code == 1
    assert "indicatoren.csv:2: kolom 6 heeft waarden maar geen naam in de kop" in run.err


def test_an_unknown_column_is_named_by_check(tmp_path: Path) -> None:
    rows = "id;indicator;jaar;soort;waarde;opmerking\np;P;2017;realisatie;1;x\n"
    source = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": rows})
    run = jaarverslag("check", source)
    assert run.code == 0, run.text
    assert "indicatoren.csv:1: opmerking: waarschuwing: kolom wordt niet gebruikt" in run.err


def test_a_formula_without_its_saved_value_is_reported(tmp_path: Path) -> None:
    rows = [*INDICATOR_ROWS[:3], ["p", "Aantal P-banen", 2017, "realisatie", "=E2+E3"]]
    source = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.xlsx": _xlsx(rows)}
    )
    run = jaarverslag("check", source)
    assert run.code == 1
    assert "indicatoren.xlsx:4: waarde: cel E4: formule zonder opgeslagen uitkomst" in run.err


# -- 5. no window without output -----------------------------------------------------------------

FAULT_CALLS = ("mkdir", "open", "rename", "replace", "unlink", "rmdir")


def _killed_build(source: Path, out: Path, step: int) -> bool:
    """Build in a forked child that SIGKILLs itself at filesystem call ``step`` of the write;
    True when it died there (False: the write needed fewer calls and finished)."""
    pid = os.fork()
    if pid == 0:  # the child: count the write's filesystem calls, die at the chosen one
        try:
            calls = [0]

            def counted(function):  # type: ignore[no-untyped-def]
                def call(*args, **kwargs):  # type: ignore[no-untyped-def]
                    if calls[0] >= 0:
                        calls[0] += 1
                        if calls[0] == step:
                            os.kill(os.getpid(), signal.SIGKILL)
                    return function(*args, **kwargs)

                return call

            for name in FAULT_CALLS:
                setattr(os, name, counted(getattr(os, name)))
            output._rename = counted(output._rename)  # type: ignore[attr-defined]
            shutil.rmtree = counted(shutil.rmtree)
            calls[0] = -1  # count only inside the write
            write = output.write

            def counting_write(target, files):  # type: ignore[no-untyped-def]
                calls[0] = 0
                return write(target, files)

            output.write = counting_write
            outcome = pipeline.build_one(source, out, ("html",), use_cache=False)
            os._exit(0 if outcome.ok else 3)
        except BaseException:
            os._exit(4)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.waitstatus_to_exitcode(status) == 0
    return False


def test_a_build_killed_at_any_step_of_its_write_leaves_the_output_whole(tmp_path: Path) -> None:
    source = rapport(tmp_path / "r")
    out = tmp_path / "out"
    assert pipeline.build_one(source, out, ("html",), use_cache=False).ok
    old = snapshot(out / "r")
    (source / "indicatoren.csv").write_text(INDICATOREN.replace("559", "601"), encoding="utf-8")
    fresh = tmp_path / "fresh"
    assert pipeline.build_one(source, fresh, ("html",), use_cache=False).ok
    new = snapshot(fresh / "r")
    assert old != new
    step = 0
    while True:
        step += 1
        trial = tmp_path / f"trial-{step}"
        shutil.copytree(out, trial, symlinks=True)
        died = _killed_build(source, trial, step)
        state = snapshot(trial / "r")
        assert state in (old, new), f"killed at step {step}: OUT/R is neither whole old nor new"
        # the next build removes or restores whatever the killed one left
        assert pipeline.build_one(source, trial, ("html",), use_cache=False).ok
        assert snapshot(trial / "r") == new
        assert sorted(os.listdir(trial)) == ["r"], f"leftovers after step {step}"
        if not died:
            break
    assert step > 8  # the write has many steps, and each was a kill point


def test_leftovers_of_an_earlier_version_are_restored_and_removed(tmp_path: Path) -> None:
    """The previous version left ``.R.old.xxxxxxxx/previous`` when killed between renames."""
    out = tmp_path / "out"
    write_rapport(out / ".r.old.abcd1234" / "previous", {"r.html": "<p>eerder</p>", MARKER: "{}"})
    write_rapport(out / ".r.k3j4l5m6", {"r.html": "<p>half</p>", MARKER: "{}"})
    output.recover(out, "r")
    assert (out / "r" / "r.html").read_text(encoding="utf-8") == "<p>eerder</p>"
    assert sorted(os.listdir(out)) == ["r"]


def test_exchange_is_atomic_here() -> None:
    """On this machine the swap is a single renameat2(RENAME_EXCHANGE), not two renames."""
    assert output.exchange_supported()


# -- 6. a cache that can't be fooled -------------------------------------------------------------


EXAMPLES = sorted(p.name for p in DATA.iterdir() if p.is_dir())


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_file_the_build_reads_is_in_the_cache_key(
    example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key hashes the rapport folder; every read resolves inside it (or is ours)."""
    from jaarverslag.build import cache
    from jaarverslag.core import files
    from jaarverslag.render.html import builtin_templates

    read: list[Path] = []
    original = files.read

    def spy(folder: Path, path: Path, kind: str, display: str):  # type: ignore[no-untyped-def]
        read.append(Path(path).resolve())
        return original(folder, path, kind, display)

    monkeypatch.setattr(files, "read", spy)
    source = tmp_path / example
    shutil.copytree(DATA / example, source)
    formats = ("html", "docx")
    assert pipeline.build_one(
        source, tmp_path / "out", formats, use_cache=False, gemeenten=sample(example)
    ).ok
    ours = builtin_templates().resolve()
    from_rapport = {p for p in read if not p.is_relative_to(ours)}
    hashed = {p.resolve() for p in cache.tree_entries(source)}
    assert from_rapport, "the spy saw no reads"
    assert from_rapport <= hashed


@pytest.mark.parametrize("folder", [".cache", "__pycache__", ".git"])
def test_a_text_in_any_folder_reaches_the_cache_key(tmp_path: Path, folder: str) -> None:
    yaml = MINIMAL_YAML + f"secties:\n  - titel: Tekst\n    tekst: {folder}/x.md\n"
    source = write_rapport(
        tmp_path / "r",
        {"rapport.yaml": yaml, "indicatoren.csv": INDICATOREN, f"{folder}/x.md": "Versie een.\n"},
    )
    out = tmp_path / "out"
    assert jaarverslag("build", source, "-o", out, "-f", "html").code == 0
    (source / folder / "x.md").write_text("Versie twee.\n", encoding="utf-8")
    assert jaarverslag("build", source, "-o", out, "-f", "html").code == 0
    assert "Versie twee." in (out / "r" / "r.html").read_text(encoding="utf-8")


def test_a_changed_house_style_rebuilds(tmp_path: Path) -> None:
    from docx import Document as Word

    source = rapport(tmp_path / "r")
    out = tmp_path / "out"
    for size in (10, 14):
        style = Word()
        style.styles["Normal"].font.name = f"Huisletter{size}"
        style.save(str(source / "huisstijl.docx"))
        assert jaarverslag("build", source, "-o", out, "-f", "docx").code == 0
        fonts = Word(str(out / "r" / "r.docx")).styles["Normal"].font.name
        assert fonts == f"Huisletter{size}"


def test_a_retargeted_symlink_inside_rebuilds(tmp_path: Path) -> None:
    source = rapport(tmp_path / "r", {"versies/a.md": "Versie A.\n", "versies/b.md": "Versie B.\n"})
    _link(source / "teksten" / "x.md", Path("../versies/a.md"))
    out = tmp_path / "out"
    assert jaarverslag("build", source, "-o", out, "-f", "html").code == 0
    (source / "teksten" / "x.md").unlink()
    _link(source / "teksten" / "x.md", Path("../versies/b.md"))
    assert jaarverslag("build", source, "-o", out, "-f", "html").code == 0
    assert "Versie B." in (out / "r" / "r.html").read_text(encoding="utf-8")


# -- 7. Ctrl-C -----------------------------------------------------------------------------------


def _session_processes(session: int) -> list[int]:
    """The live processes of a session (a build and every helper it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def test_ctrl_c_during_an_import_still_exits_130(tmp_path: Path) -> None:
    """A Ctrl-C lands wherever the build is, also in code an import runs through ``exec`` (the
    methods dataclasses make): CPython then ended ``python -m jaarverslag`` by SIGINT, ``-2``
    to its parent instead of the 130 it says (1 in 30 of the test below, under load)."""
    (tmp_path / "interrupted_in_exec.py").write_text(
        "import click\n"
        "from jaarverslag import cli\n"
        "@click.command()\n"
        "def main() -> None:\n"
        "    exec('raise KeyboardInterrupt')  # as if Ctrl-C came while a dataclass was made\n"
        "cli.main = main\n"
        "cli.run()\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "JAARVERSLAG_CACHE_DIR": ""}
    done = subprocess.run(
        [sys.executable, "-m", "interrupted_in_exec"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (done.returncode, done.stderr.strip()) == (130, "afgebroken")


@pytest.mark.slow
@pytest.mark.parametrize(("jobs", "to"), [("1", "group"), ("2", "group"), ("2", "command")])
def test_ctrl_c_exits_130_and_keeps_the_previous_output(tmp_path: Path, jobs: str, to: str) -> None:
    """Ctrl-C reaches the whole foreground group; ``kill -INT`` only the command itself."""
    source = tmp_path / "beleidsplan"
    shutil.copytree(DATA / "beleidsplan-wassenaar-2024", source)
    partners = "partij;aandeel\n" + "".join(f"Gemeente {i};2\n" for i in range(50))
    (source / "verdeelsleutel.csv").write_text(partners, encoding="utf-8")
    # the example's text prints the parts of its own three partners: not of these
    (source / "teksten" / "verdeling.md").write_text("De verdeling.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert jaarverslag("build", source, "-o", out, "-f", "html").code == 0
    before = snapshot(out)
    env = {**os.environ, "PYTHONPATH": str(SRC), "JAARVERSLAG_CACHE_DIR": ""}
    command = [sys.executable, "-m", "jaarverslag", "build", str(source), "-o", str(out)]
    process = subprocess.Popen(
        [*command, "--per-partij", "-j", jobs],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=interruptible,
    )
    deadline = time.monotonic() + 60
    while len(_session_processes(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # wait for the helper or the workers: the build is under way
    time.sleep(1.0)
    if to == "group":
        os.killpg(process.pid, signal.SIGINT)  # as a terminal does: the whole foreground group
    else:
        os.kill(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err.decode()
    assert snapshot(out) == before
    deadline = time.monotonic() + 10
    while _session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session_processes(process.pid) == []
