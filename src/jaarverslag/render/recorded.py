"""Reads back the fingerprint an output records, whatever its format.

Every writer records the fingerprint of the inputs (:mod:`jaarverslag.core.fingerprint`) and
the hash of every input file: the HTML in two ``<meta>`` elements of its head, the PDF in its
document information (WeasyPrint copies those ``<meta>`` there), the DOCX in its custom
properties, the open data in ``tabellen/csv-metadata.json`` — and a CSV file through that
metadata beside it, which records the CSV's own hash too.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from jaarverslag.core.fingerprint import PROPERTY, RECORD, Fingerprint
from jaarverslag.render.opendata import METADATA, metadata_fingerprint

#: How WeasyPrint names a ``<meta>`` in the PDF's document information: letters and digits.
PDF_KEYS = tuple("/" + "".join(c for c in key if c.isalnum()) for key in (PROPERTY, RECORD))


@dataclass(frozen=True)
class Recorded:
    """What an output says it was made from: the fingerprint, and the record of every input
    file when it has one (None: the fingerprint only)."""

    sha256: str
    record: Fingerprint | None


class Unreadable(Exception):
    """The file is not an output whose fingerprint can be read; the message says why."""


def recorded(path: Path, data: bytes) -> Recorded | None:
    """The fingerprint ``data`` (the file at ``path``) records; None when it records none."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _pdf(data)
    if suffix == ".docx":
        from jaarverslag.render.docx.settings import custom_properties

        found = custom_properties(data)
        return _pair(found.get(PROPERTY), found.get(RECORD))
    if suffix in (".html", ".htm"):
        return _html(data)
    if path.name == METADATA:
        pair = metadata_fingerprint(data)
        return None if pair is None else Recorded(*pair)
    if suffix == ".csv":
        return _csv(path, data)
    raise Unreadable("is geen PDF, DOCX, HTML, CSV of csv-metadata.json van jaarverslag")


def _pair(sha256: str | None, record: str | None) -> Recorded | None:
    if not sha256:
        return None
    return Recorded(sha256.strip(), Fingerprint.from_record(record) if record else None)


def _pdf(data: bytes) -> Recorded | None:
    import pypdf

    try:
        info = pypdf.PdfReader(io.BytesIO(data)).metadata
        values = [None if info is None else info.get(key) for key in PDF_KEYS]
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise Unreadable(f"is geen leesbare PDF ({exc})") from None
    return _pair(*(None if v is None else str(v) for v in values))


def _html(data: bytes) -> Recorded | None:
    from lxml import html

    try:
        root = html.document_fromstring(data)
    except (ValueError, TypeError) as exc:  # lxml: empty or not a document
        raise Unreadable(f"is geen leesbare HTML ({exc})") from None
    metas = {m.get("name"): m.get("content") for m in root.iter("meta") if m.get("name")}
    return _pair(metas.get(PROPERTY), metas.get(RECORD))


def _csv(path: Path, data: bytes) -> Recorded | None:
    """A CSV of the open data: the metadata beside it must list it with this very content."""
    metadata = path.with_name(METADATA)
    try:
        described = metadata.read_bytes()
    except OSError:
        raise Unreadable(f"heeft geen {METADATA} ernaast, die de vingerafdruk vastlegt") from None
    import json

    try:
        tables = json.loads(described).get("tables", [])
        listed = {t.get("url"): t.get("schema:sha256") for t in tables if isinstance(t, dict)}
    except (ValueError, AttributeError):
        raise Unreadable(f"{metadata} is geen leesbare JSON") from None
    if path.name not in listed:
        raise Unreadable(f"staat niet in {metadata}")
    if listed[path.name] != hashlib.sha256(data).hexdigest():
        raise Unreadable(f"is niet het bestand dat {metadata} beschrijft: de inhoud is veranderd")
    pair = metadata_fingerprint(described)
    return None if pair is None else Recorded(*pair)
