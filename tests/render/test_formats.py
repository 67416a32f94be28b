"""A deadline and a size for every render (issue 22, case 7): a document too large to lay out is
refused before layout, naming its largest table or text; a layout that still takes too long or
too much memory is stopped with a message naming the document — the PDF helper included."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from support.helpers import MINIMAL_YAML, write_rapport

from jaarverslag.build import pdfworker
from jaarverslag.build.stages import Target, analyse, make
from jaarverslag.core.errors import InputError
from jaarverslag.core.limits import TooLong
from jaarverslag.render import formats

INDICATOREN = "id;indicator;jaar;soort;waarde\n" + "".join(
    f"i{n};Indicator {n};{year};realisatie;{n}\n" for n in range(40) for year in range(2010, 2018)
)


def test_a_table_too_large_to_lay_out_is_refused_before_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": INDICATOREN}
    )
    analysis = analyse(source)
    monkeypatch.setattr(formats, "MAX_CELLS", 100)
    with pytest.raises(InputError) as caught:
        make(analysis, Target(("pdf",)))
    message = str(caught.value.problems[0])
    assert message.startswith(f"{source}: het document is te groot om op te maken: ")
    assert "(hoogstens 100); de grootste is '" in message
    monkeypatch.undo()
    assert make(analysis, Target(("html",))).html  # the HTML (and serve's page) is made


def test_too_much_text_is_refused_naming_its_section(monkeypatch: pytest.MonkeyPatch) -> None:
    from jaarverslag.core.model import Document, Prose, Section

    monkeypatch.setattr(formats, "MAX_TEXT", 1000)
    document = Document(
        titel="T",
        organisatie="O",
        soort="jaarverslag",
        jaar=2017,
        datum="2017-01-01",
        sections=(Section("Kort", (Prose("<p>a</p>"),)), Section("Lang", (Prose("x" * 2000),))),
    )
    with pytest.raises(InputError, match=r"de meeste staan in de sectie 'Lang' \(2\.000\)"):
        formats.size_problems(document, Path("r"))


@pytest.mark.skipif(sys.platform != "linux", reason="forked helper: Linux only")
def test_the_pdf_helper_stops_a_layout_that_takes_too_long(tmp_path: Path) -> None:
    helper = pdfworker.PdfWorker(seconds=1)
    try:
        long = "<p>" + "woord " * 150_000 + "</p>"  # a paragraph takes seconds
        start = time.monotonic()
        with pytest.raises(TooLong):
            helper.render(f"<html><body>{long}</body></html>", tmp_path)
        assert time.monotonic() - start < 30
        assert helper.pid is None  # stopped …
        helper.seconds = 120  # (a fresh one imports WeasyPrint first)
        assert helper.render("<p>Hallo</p>", tmp_path).startswith(b"%PDF-")  # … and fresh
    finally:
        helper.close()


def test_a_writer_past_its_deadline_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(rendering: formats.Rendering) -> dict[str, bytes]:
        time.sleep(5)
        return {}

    monkeypatch.setitem(formats.WRITERS, "docx", formats.Writer("docx", slow))
    monkeypatch.setitem(formats.RENDER_LIMITS, "docx", (0.3, 512 * 1024 * 1024))
    source = write_rapport(
        tmp_path / "r",
        {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": INDICATOREN.split("i1;")[0]},
    )
    with pytest.raises(InputError, match=r"de DOCX van r is na 0\.3 seconden nog niet klaar"):
        make(source, Target(("docx",)))


def test_a_writer_that_needs_too_much_memory_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def greedy(rendering: formats.Rendering) -> dict[str, bytes]:
        return {"x": b" " * (400 * 1024 * 1024)}

    monkeypatch.setitem(formats.WRITERS, "docx", formats.Writer("docx", greedy))
    monkeypatch.setitem(formats.RENDER_LIMITS, "docx", (60, 64 * 1024 * 1024))
    source = write_rapport(
        tmp_path / "r",
        {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": INDICATOREN.split("i1;")[0]},
    )
    with pytest.raises(InputError, match="de DOCX van r vraagt meer dan 64 MB geheugen"):
        make(source, Target(("docx",)))
