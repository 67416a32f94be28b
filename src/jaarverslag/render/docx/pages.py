"""The page each bookmark of a DOCX is on, as LibreOffice lays the file out — when it can.

A table of contents needs the page of each heading, and only a word processor knows those: the
DOCX has no pages until one lays it out. LibreOffice does it without a screen: it converts the
file to PDF with every bookmark as a named destination, and each destination says its page.
Those are the pages the table of contents gets. Word lays out the same file nearly the same way;
where it breaks a page differently, Word's "Update table" (F9) corrects its numbers.

LibreOffice is optional: ``JAARVERSLAG_SOFFICE`` names the program to use (empty: none), else
``soffice`` or ``libreoffice`` on the PATH. Without it, or when it fails or takes longer than
:data:`TIMEOUT` seconds, there are no pages (:func:`bookmark_pages` gives None) and the table of
contents lists its entries without them. Every run has a LibreOffice profile of its own, in a
temporary folder removed after it, so builds running side by side never share one (a shared
profile hands the work to the other's LibreOffice) and nothing is left behind.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

#: Seconds LibreOffice may take to lay a document out.
TIMEOUT = 180
#: The PDF export's options: bookmarks as named destinations, nothing else that costs time.
EXPORT = {
    "ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"},
    "ExportNotes": {"type": "boolean", "value": "false"},
    "UseTaggedPDF": {"type": "boolean", "value": "false"},
}


def soffice() -> str | None:
    """The LibreOffice program to lay documents out with, or None."""
    chosen = os.environ.get("JAARVERSLAG_SOFFICE")
    if chosen is not None:
        return shutil.which(chosen) if chosen.strip() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def bookmark_pages(docx: bytes, names: set[str]) -> dict[str, int] | None:
    """The page (from 1) of each bookmark of ``names`` in ``docx`` as LibreOffice lays it out;
    None when LibreOffice isn't there or fails."""
    program = soffice()
    if program is None or not names:
        return None
    with tempfile.TemporaryDirectory(prefix="jaarverslag-pages-") as work:
        source = Path(work) / "document.docx"
        source.write_bytes(docx)
        command = [
            program,
            "--headless",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation={(Path(work) / 'profiel').as_uri()}",
            "--convert-to",
            "pdf:writer_pdf_Export:" + json.dumps(EXPORT),
            "--outdir",
            work,
            str(source),
        ]
        try:
            _run(command)
            pdf = (Path(work) / "document.pdf").read_bytes()
        except (OSError, subprocess.SubprocessError):
            return None
    return _destinations(pdf, names)


def _run(command: list[str]) -> None:
    """Run LibreOffice in a process group of its own: on a timeout the whole group goes (the
    ``soffice`` script and the office it started), never an office left running."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        process.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def _destinations(pdf: bytes, names: set[str]) -> dict[str, int] | None:
    """The page of each named destination that is one of ``names`` (LibreOffice writes a
    ``_`` of a bookmark's name as ``5F``)."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        found = {
            str(name).lstrip("/"): page + 1
            for name, target in reader.named_destinations.items()
            if (page := reader.get_destination_page_number(target)) is not None
        }
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError):
        return None
    pages = {}
    for name in names:
        for written in (name, name.replace("_", "5F"), name.replace("_", "#5F")):
            if written in found:
                pages[name] = found[written]
                break
    return pages
