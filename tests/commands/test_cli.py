"""The command as a whole: heavy libraries only when used, the PDF helper changes no byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.helpers import DATA, MINIMAL_YAML, ROOT, write_rapport

from jaarverslag.build import pdfworker
from jaarverslag.core.errors import InputError

SRC = ROOT / "src"
HEAVY = ("pandas", "weasyprint", "matplotlib", "docx", "openpyxl", "jinja2", "jsonschema")
PROBE = """
import json, sys
from jaarverslag.cli import main
try:
    main(sys.argv[2:])
except SystemExit as exit:
    code = exit.code
heavy = sys.argv.pop(1).split(",")
print(json.dumps({"code": code, "modules": sorted(m for m in heavy if m in sys.modules)}))
"""


def _imports(*args: str, env: dict[str, str] | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(HEAVY), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(SRC), "JAARVERSLAG_PDF_HELPER": "0", **(env or {})},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_html_build_imports_neither_weasyprint_nor_docx_nor_openpyxl(tmp_path: Path) -> None:
    rapport = DATA / "beleidsplan-wassenaar-2024"
    found = _imports("build", str(rapport), "-f", "html", "-o", str(tmp_path))
    assert found["code"] == 0
    assert found["modules"] == ["jinja2", "pandas"]  # no jsonschema: no Iv3 delivery to check


def test_an_iv3_delivery_brings_its_checker(tmp_path: Path) -> None:
    found = _imports("check", str(DATA / "jaarverslag-iv3-2024"))
    assert found["code"] == 0
    assert "jsonschema" in found["modules"]


def test_unchanged_rebuild_imports_nothing_heavy(tmp_path: Path) -> None:
    rapport = DATA / "beleidsplan-wassenaar-2024"
    assert _imports("build", str(rapport), "-f", "html", "-o", str(tmp_path))["code"] == 0
    found = _imports("build", str(rapport), "-f", "html", "-o", str(tmp_path))
    assert found == {"code": 0, "modules": []}


@pytest.mark.slow
def test_pdf_helper_gives_the_same_bytes(tmp_path: Path) -> None:
    rapport = DATA / "beleidsplan-wassenaar-2024"
    outputs = []
    for helper in ("1", "0"):
        out = tmp_path / helper
        subprocess.run(
            [
                sys.executable,
                "-m",
                "jaarverslag",
                "build",
                str(rapport),
                "-f",
                "pdf",
                "-o",
                str(out),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(SRC), "JAARVERSLAG_PDF_HELPER": helper},
        )
        outputs.append((out / rapport.name / f"{rapport.name}.pdf").read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"%PDF-")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the helper is forked on Linux only")
def test_pdf_helper_renders_reports_errors_and_survives_its_child(tmp_path: Path) -> None:
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML})
    helper = pdfworker.PdfWorker()
    try:
        assert helper.render("<p>Hallo</p>", folder).startswith(b"%PDF-")
        with pytest.raises(InputError):  # a file outside the rapport folder is refused
            helper.render('<img src="file:///etc/passwd">', folder)
        first = helper.pid
        os.kill(helper.pid, 9)  # type: ignore[arg-type]
        assert helper.render("<p>Hallo</p>", folder).startswith(b"%PDF-")  # a fresh child
        assert helper.pid not in (None, first)
    finally:
        helper.close()


@pytest.mark.parametrize(
    ("command", "module", "function"),
    [
        ("check", "jaarverslag.build.pipeline", "check"),
        ("build", "jaarverslag.build.pipeline", "build"),
        ("insert", "jaarverslag.commands.insert", "insert_chapter"),
        ("serve", "jaarverslag.serve", "Preview"),
        ("new", "jaarverslag.commands.new", "new_rapport"),
    ],
)
def test_a_bug_is_one_dutch_message_never_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
    module: str,
    function: str,
) -> None:
    """Issue 22: every command shares one guard: an exception nobody expected is a message
    asking to report it, exit 1."""
    import importlib

    from jaarverslag import cli

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("stuk")

    monkeypatch.setattr(importlib.import_module(module), function, broken)
    source = write_rapport(
        tmp_path / "r",
        {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": "id;indicator;jaar;soort;waarde\n"},
    )
    document = tmp_path / "d.docx"
    document.write_bytes(b"")
    arguments = {
        "check": [str(source)],
        "build": [str(source), "-o", str(tmp_path / "out")],
        "insert": [str(source), str(document), "--heading", "H"],
        "serve": [str(source), "--port", "0"],
        "new": [str(tmp_path / "nieuw")],
    }[command]
    monkeypatch.setattr(sys, "argv", ["jaarverslag", command, *arguments])
    monkeypatch.delenv("JAARVERSLAG_TRACEBACK", raising=False)
    with pytest.raises(SystemExit) as exit_:
        cli.run()
    err = capsys.readouterr().err
    assert exit_.value.code == 1
    assert "interne fout van jaarverslag (RuntimeError: stuk)" in err
    assert "meld het" in err and "Traceback" not in err
