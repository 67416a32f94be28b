"""Hardened for a shared server (issue 22): each case as an attacker tries it, against the
commands a werkplek runs — ``check``, ``build``, ``insert`` and ``serve`` — each a real process
under a memory cap and a timeout (:mod:`support.commands`).

Every case ends in a message naming the file, within seconds and bounded memory: never a
traceback, never "interne fout", nothing from outside published, no foreign file touched.
"""

from __future__ import annotations

import base64
import html
import re
import socket
import time
from pathlib import Path

import pytest
from support.commands import Run, Serving, environment, jaarverslag
from support.helpers import write_rapport
from support.hostile import (
    INDICATOR_ROWS,
    INDICATOREN,
    LOOPING_TEXTS,
    WITH_TEXT,
    flipped,
    lying_size,
    rapport_files,
    shared_string_bomb,
    truncated,
    with_doctype,
    word_document,
    workbook,
)

pytestmark = pytest.mark.slow

SECONDS, MEGABYTES = 20, 1500
HEADING = "Participatie"


def assert_message(run: Run, *expected: str) -> None:
    """Exit 1 with every ``expected`` text, quickly, in bounded memory, and no traceback."""
    assert not run.timed_out, f"killed after {run.seconds:.0f} s"
    assert not run.internal, run.text
    assert run.code == 1, run.text
    for text in expected:
        assert text in run.err, run.err
    assert run.seconds < SECONDS, f"{run.seconds:.1f} s"
    assert run.peak_mb < MEGABYTES, f"{run.peak_mb:.0f} MB"


def each_command(tmp_path: Path, source: Path, *expected: str) -> None:
    """``check``, ``build``, ``insert`` (into a good document) and ``serve`` all say it."""
    assert_message(jaarverslag("check", source), *expected)
    assert_message(jaarverslag("build", source, "-o", tmp_path / "out"), *expected)
    assert not (tmp_path / "out" / source.name).exists()
    document = tmp_path / "eigen.docx"
    document.write_bytes(word_document(HEADING))
    assert_message(jaarverslag("insert", source, document, "--heading", HEADING), *expected)
    with Serving(source) as serving:
        status, page = serving.get("/")
        said = serving.errors()
    assert status == 200
    for text in expected:
        assert text.rsplit(": ", 1)[-1] in html.unescape(page), page
    assert "interne fout" not in page and "Traceback" not in said, said


# -- 5. every zip failure is a message -----------------------------------------------------------

WORKBOOK = workbook(INDICATOR_ROWS)
SHEET = "xl/worksheets/sheet1.xml"
BROKEN_WORKBOOKS = {
    "lying-size": (lying_size(WORKBOOK, SHEET), "is een beschadigd Excel-bestand"),
    "bad-crc": (flipped(WORKBOOK, SHEET), "is een beschadigd Excel-bestand"),
    "truncated": (truncated(WORKBOOK), "is geen leesbaar Excel-bestand"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_WORKBOOKS))
def test_a_broken_workbook_is_a_message_everywhere(tmp_path: Path, case: str) -> None:
    data, message = BROKEN_WORKBOOKS[case]
    files = rapport_files({"indicatoren.xlsx": data})
    del files["indicatoren.csv"]
    source = write_rapport(tmp_path / "r", files)
    each_command(tmp_path, source, f"{source / 'indicatoren.xlsx'}: {message}")


DOCUMENT = word_document(HEADING)
BODY = "word/document.xml"
BROKEN_DOCUMENTS = {
    "lying-size": (lying_size(DOCUMENT, BODY), "is een beschadigd Word-bestand"),
    "bad-crc": (flipped(DOCUMENT, BODY), "is een beschadigd Word-bestand"),
    "truncated": (truncated(DOCUMENT), "is geen leesbaar Word-bestand"),
    "dtd": (
        with_doctype(DOCUMENT, BODY),
        "documenttypedefinitie (<!DOCTYPE>) in word/document.xml",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_DOCUMENTS))
def test_a_broken_house_style_is_a_message_everywhere(tmp_path: Path, case: str) -> None:
    data, message = BROKEN_DOCUMENTS[case]
    source = write_rapport(tmp_path / "r", rapport_files({"huisstijl.docx": data}))
    run = jaarverslag("check", source)
    assert_message(run, "huisstijl.docx: ", message)
    assert_message(jaarverslag("build", source, "-o", tmp_path / "out"), message)


@pytest.mark.parametrize("case", sorted(BROKEN_DOCUMENTS))
def test_insert_refuses_a_broken_document(tmp_path: Path, case: str) -> None:
    """A DTD with ``&e;`` in ``document.xml`` used to give exit 0 and a copy Word can't open."""
    data, message = BROKEN_DOCUMENTS[case]
    source = write_rapport(tmp_path / "r", rapport_files())
    document = tmp_path / "eigen.docx"
    document.write_bytes(data)
    run = jaarverslag("insert", source, document, "--heading", HEADING)
    assert_message(run, f"{document}: ", message)
    assert not (tmp_path / "eigen.bijgewerkt.docx").exists()
    assert document.read_bytes() == data


# -- 9. XML as Office writes it ------------------------------------------------------------------


@pytest.mark.parametrize("part", [SHEET, "xl/workbook.xml", "xl/styles.xml", "_rels/.rels"])
def test_a_workbook_part_with_a_dtd_is_refused_everywhere(tmp_path: Path, part: str) -> None:
    files = rapport_files({"indicatoren.xlsx": with_doctype(WORKBOOK, part)})
    del files["indicatoren.csv"]
    source = write_rapport(tmp_path / "r", files)
    each_command(tmp_path, source, f"documenttypedefinitie (<!DOCTYPE>) in {part}")


# -- 7. nothing outside the rapport folder is trusted --------------------------------------------


def test_a_cached_chart_swapped_for_a_symlink_is_never_published(tmp_path: Path) -> None:
    """A cached SVG replaced by a symlink to a secret put that file into the HTML, exit 0."""
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:GEHEIM-4711\n", encoding="utf-8")
    cache = tmp_path / "cache"
    env = {**environment(), "JAARVERSLAG_CACHE_DIR": str(cache)}
    source = write_rapport(tmp_path / "r", rapport_files())
    out = tmp_path / "out"
    first = jaarverslag("build", source, "-o", out, "-f", "html", env=env)
    assert first.code == 0, first.text
    drawn = sorted((cache / "charts").glob("*.svg"))
    assert drawn, "the build drew no chart into the cache"
    for path in drawn:
        path.unlink()
        path.symlink_to(secret)
    (source / "indicatoren.csv").write_text(INDICATOREN + "\n", encoding="utf-8")  # rebuild
    again = jaarverslag("build", source, "-o", out, "-f", "html", env=env)
    assert again.code == 0, again.text
    page = (out / "r" / "r.html").read_text(encoding="utf-8")
    charts = [
        base64.b64decode(data).decode("utf-8", "replace")
        for data in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", page)
    ]
    assert charts and all(chart.lstrip().startswith("<?xml") for chart in charts)
    assert not any("GEHEIM" in text for text in [page, *charts])


# -- 4. workbooks bounded by what they expand to -------------------------------------------------


def test_one_shared_string_in_every_cell_is_refused_within_seconds(tmp_path: Path) -> None:
    """0.8 MB: 40,000 cells all pointing at one 30,000-character string took 1.9–4.8 GB and
    ended in "interne fout: ArrowMemoryError" (``check``: a traceback)."""
    data = shared_string_bomb()
    assert len(data) < 1_000_000
    files = rapport_files({"indicatoren.xlsx": data})
    del files["indicatoren.csv"]
    source = write_rapport(tmp_path / "r", files)
    each_command(
        tmp_path,
        source,
        f"{source / 'indicatoren.xlsx'}: is te groot: de cellen bevatten samen meer dan "
        "50.000.000 tekens",
    )


# -- 2. texts are templates without includes, bounded by what they produce -----------------------


def text_rapport(tmp_path: Path, text: str) -> Path:
    files = rapport_files({"teksten/x.md": text})
    files["rapport.yaml"] = WITH_TEXT
    return write_rapport(tmp_path / "r", files)


@pytest.mark.parametrize(
    ("tag", "text"),
    [
        ("include", '{% include "x" %}'),
        ("extends", '{% extends "x.md" %}'),
        ("import", '{% import "x" as x %}'),
        ("from", '{% from "x" import y %}'),
    ],
)
def test_a_text_that_loads_a_template_is_refused(tmp_path: Path, tag: str, text: str) -> None:
    """They recursed forever: "interne fout: RecursionError" from build, a 2,982-line
    traceback from check and insert."""
    source = text_rapport(tmp_path, f"Inleiding.\n\n{text}\n")
    each_command(
        tmp_path,
        source,
        f"{source / 'teksten' / 'x.md'}:3: sjabloonfout: {{% {tag} %}} kan niet in een tekst",
    )


def test_the_looping_text_of_seventy_bytes_stops_in_milliseconds(tmp_path: Path) -> None:
    """It took 2.7 GB in 15 s ("interne fout: MemoryError"): each expression under its limit,
    the 30 s deadline too late."""
    text = LOOPING_TEXTS["stream"]
    assert len(text.encode()) < 80
    source = text_rapport(tmp_path, text + "\n")
    each_command(tmp_path, source, "teksten/x.md:1: sjabloonfout: de uitkomst wordt langer dan")


@pytest.mark.parametrize("case", ["set-block", "macro", "doubling", "recursion", "nested"])
def test_other_ways_to_loop_are_stopped_too(tmp_path: Path, case: str) -> None:
    source = text_rapport(tmp_path, LOOPING_TEXTS[case] + "\n")
    assert_message(jaarverslag("check", source), "teksten/x.md:1: sjabloonfout: ")


# -- 6. a deadline and a size for every render ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [  # 11 MB from 335 bytes never finished as PDF; 1 MB in one paragraph took 16 s
        (
            "{% for i in range(2000) %}{{ 'Een lange alinea zonder einde. ' * 180 }}{% endfor %}",
            "de uitkomst wordt langer dan 2.097.152 tekens",
        ),
        (
            "{% for i in range(200) %}{{ 'Een lange alinea zonder einde. ' * 160 }}{% endfor %}",
            "na het invullen van de cijfers ontstaat een regel van 1024000 tekens",
        ),
    ],
)
def test_a_paragraph_too_large_for_the_pdf_is_refused_quickly(
    tmp_path: Path, text: str, message: str
) -> None:
    source = text_rapport(tmp_path, text + "\n")
    run = jaarverslag("build", source, "-o", tmp_path / "out", "-f", "pdf")
    assert_message(run, f"{source / 'teksten' / 'x.md'}", message)


# -- 8. serve bounded ----------------------------------------------------------------------------


def _threads_of(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("Threads")))


def test_a_flood_of_connections_slows_the_page_at_worst_and_it_recovers(tmp_path: Path) -> None:
    """200 open event streams or 300 half-sent requests, under a 4 GB address-space limit: the
    page no longer loaded. (127.0.0.1 only.)"""
    source = write_rapport(tmp_path / "r", rapport_files())
    with Serving(source, memory_mb=4096) as serving:
        assert serving.get("/")[0] == 200
        calm = _threads_of(serving.process.pid)
        flood: list[socket.socket] = []
        try:
            for n in range(500):
                sock = socket.create_connection(("127.0.0.1", serving.port), timeout=10)
                if n % 5 < 3:  # slowloris: half a request, then nothing
                    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wacht: ")
                else:
                    sock.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                flood.append(sock)
            start = time.monotonic()
            status, page = serving.get("/", timeout=30)
            assert status == 200 and "Aantal P-banen" in page
            assert time.monotonic() - start < 15
            assert _threads_of(serving.process.pid) < calm + 80
        finally:
            for sock in flood:
                sock.close()
        deadline = time.monotonic() + 30
        while _threads_of(serving.process.pid) > calm + 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _threads_of(serving.process.pid) <= calm + 2
        start = time.monotonic()
        assert serving.get("/")[0] == 200
        assert time.monotonic() - start < 5
        assert "Traceback" not in serving.errors()
