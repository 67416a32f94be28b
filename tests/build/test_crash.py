"""A render that dies in its C libraries is retried once in a fresh process (issue 11 item 7):
the PDF helper and the batch workers alike; a second death is that rapport's failure, never a
hang."""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.helpers import MINIMAL_YAML, write_rapport

from jaarverslag.build import pdfworker, pipeline
from jaarverslag.cli import main
from jaarverslag.render import pdf

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forked helpers: Linux only")

INDICATOREN = "id;indicator;jaar;soort;waarde\np;P;2017;realisatie;1\n"


def _dying(counter: Path, deaths: int, real):  # type: ignore[no-untyped-def]
    """A function that kills its own process the first ``deaths`` times it is called (counted
    in a file, so the count survives the process), then does the real work."""

    def call(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls = int(counter.read_text()) if counter.exists() else 0
        counter.write_text(str(calls + 1))
        if calls < deaths:
            faulthandler.disable()  # pytest's crash report would only clutter the output
            os.kill(os.getpid(), signal.SIGSEGV)  # as pango or harfbuzz would
        return real(*args, **kwargs)

    return call


@pytest.mark.parametrize(("deaths", "survives"), [(1, True), (2, False)])
def test_the_pdf_helper_retries_a_crashed_render_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deaths: int, survives: bool
) -> None:
    counter = tmp_path / "calls"
    monkeypatch.setattr(pdf, "render_pdf", _dying(counter, deaths, pdf.render_pdf))
    helper = pdfworker.PdfWorker()
    try:
        if survives:
            assert helper.render("<p>Hallo</p>", tmp_path).startswith(b"%PDF-")
        else:
            with pytest.raises(pdfworker.RenderCrashed, match="twee keer"):
                helper.render("<p>Hallo</p>", tmp_path)
    finally:
        helper.close()
    assert int(counter.read_text()) == 2  # one death, one retry in a fresh child


@pytest.mark.parametrize("deaths", [1, 2])
def test_a_build_survives_one_crashed_render_and_reports_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deaths: int
) -> None:
    """The whole command with its PDF helper: one crash is absorbed, two fail the rapport."""
    counter = tmp_path / "calls"
    monkeypatch.setattr(pdf, "render_pdf", _dying(counter, deaths, pdf.render_pdf))
    monkeypatch.setenv("JAARVERSLAG_PDF_HELPER", "1")
    source = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": INDICATOREN}
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(out), "-f", "pdf"])
    if deaths == 1:
        assert result.exit_code == 0, result.output
        assert (out / "r" / "r.pdf").read_bytes().startswith(b"%PDF-")
    else:
        assert result.exit_code == 1
        assert "de PDF-opmaak is twee keer afgebroken" in result.output
        assert not out.exists()


REAL_PREPARE = pipeline.prepare


def _dies_once_on_c(folder, *args, **kwargs):  # type: ignore[no-untyped-def]
    """A batch worker that dies (as the out-of-memory killer would) the first time it builds c."""
    counter = Path(folder).parent / "c-calls"
    if Path(folder).name == "c" and not counter.exists():
        counter.write_text("1")
        os._exit(9)
    return REAL_PREPARE(folder, *args, **kwargs)


def test_a_batch_worker_that_dies_once_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "prepare", _dies_once_on_c)
    folders = [
        write_rapport(tmp_path / n, {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": INDICATOREN})
        for n in "abcd"
    ]
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", *map(str, folders), "-o", str(out), "-f", "html", "-j", "2"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a", "b", "c", "d"]
