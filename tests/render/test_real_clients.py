"""Real clients read what we write: poppler reads every example PDF, LibreOffice opens every
example DOCX, and both find every figure of every table.

The figures to find come from the open data (``tabellen/*.csv``), printed the Dutch way with
:mod:`jaarverslag.core.numbers`; a row is found when its figures appear in the extracted text one
after the other, in order. LibreOffice converts all example DOCX files in one run per test
session (it is slow to start). A missing tool fails loudly: ``make test`` installs them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support.helpers import DATA, main_document, pdf_text
from support.readback import missing_rows, printed_forms, table_rows

pytestmark = pytest.mark.slow

EXAMPLES = sorted(p.name for p in DATA.iterdir() if (p / "rapport.yaml").is_file())


def test_the_figure_matcher_can_fail() -> None:
    rows = [("t.csv", "Post", [{"95.000"}, {"120.000"}])]
    assert missing_rows("Post 95.000 120.000", rows) == []
    assert missing_rows("Post 95.000 12.000", rows)  # a wrong figure
    assert missing_rows("Post 120.000 95.000", rows)  # the wrong order
    assert printed_forms("15.3") >= {"15,3"}
    assert printed_forms("100") >= {"100", "100,0"}
    assert printed_forms("-97306") >= {"-97.306"}
    assert printed_forms("<5") == {"5"}
    assert printed_forms("x") is None and printed_forms("") is None


@pytest.mark.parametrize("name", EXAMPLES)
def test_pdftotext_finds_every_figure(built, name: str) -> None:  # type: ignore[no-untyped-def]
    document = built(name).output / main_document(name)
    rows = table_rows(document.parent)
    assert rows, f"{name} has no table figures to look for"
    missing = missing_rows(pdf_text(document.with_suffix(".pdf")), rows)
    assert not missing, "pdftotext does not find:\n" + "\n".join(missing)


@pytest.fixture(scope="session")
def libreoffice(built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """Every example DOCX converted to PDF by LibreOffice, in one soffice run."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed: `make test` installs libreoffice-writer")
    docx = [built(name).output / f"{main_document(name)}.docx" for name in EXAMPLES]
    work = tmp_path_factory.mktemp("libreoffice")
    out = work / "pdf"
    command = [
        soffice,
        "--headless",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(out),
        *map(str, docx),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Error" not in done.stdout + done.stderr, done.stdout + done.stderr
    return {name: out / f"{Path(main_document(name)).name}.pdf" for name in EXAMPLES}


@pytest.mark.parametrize("name", EXAMPLES)
def test_libreoffice_reads_every_docx(built, libreoffice, name: str) -> None:  # type: ignore[no-untyped-def]
    converted = libreoffice[name]
    assert converted.is_file() and converted.stat().st_size > 1000, f"{name}.docx not converted"
    rows = table_rows((built(name).output / main_document(name)).parent)
    missing = missing_rows(pdf_text(converted), rows)
    assert not missing, "LibreOffice's rendering of the DOCX lacks:\n" + "\n".join(missing)
