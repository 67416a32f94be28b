"""Zipped Office files (a Word document, a workbook): whole, and XML as Office writes it.

A zip can lie in more ways than its declared sizes (:func:`files.unpacked_problem`): a part whose
checksum doesn't match (its declared size smaller than what is packed, or bytes flipped), an
archive cut short, a part packed with a method Python can't unpack, an encrypted part. And its
XML can hold what Office never writes: a document type declaration (``<!DOCTYPE …>``) with
entities that the parsers leave unresolved, so a copy written from it is corrupt. Every one of
these is a message here, never an exception escaping from deep inside python-docx or lxml.

:func:`package_problem` unpacks every part once (within the limits the declared sizes passed)
and looks at the start of every XML part; a workbook is read part by part anyway, so its reader
uses :func:`zip_failure` and :func:`doctype_in` where it reads (:mod:`.inputs.tables.xlsx`).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import IO

from jaarverslag.core.files import unpacked_problem

#: What unpacking a damaged zip raises: a bad checksum or header (BadZipFile), a broken deflate
#: stream (zlib.error), an archive cut short (EOFError), an encrypted part (RuntimeError), a
#: method Python lacks (NotImplementedError), and the rest of zipfile's complaints.
ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    OSError,
    KeyError,
)

CHUNK = 1 << 16
#: What may come before an XML part's root element: white space, the declaration, processing
#: instructions and comments.
PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
XML_SUFFIXES = (".xml", ".rels", ".vml")
MAX_PROLOG = 1 << 20


def zip_failure(exc: BaseException, kind: str, part: str | None = None) -> str:
    """The Dutch message for a zip that failed while it was unpacked."""
    where = f" (onderdeel {part})" if part else ""
    if isinstance(exc, RuntimeError) and "encrypt" in str(exc).lower():
        return f"is een versleuteld {kind}{where}; sla het op zonder wachtwoord"
    if isinstance(exc, NotImplementedError):
        return f"is ingepakt op een manier die jaarverslag niet kan uitpakken{where}"
    return f"is een beschadigd {kind}{where}: {_short(exc)}; sla het opnieuw op"


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"


def package_problem(data: bytes, kind: str) -> str | None:
    """Why the zipped ``kind`` (``Word-bestand``) in ``data`` must not be used, or None: its
    declared sizes first, then every part unpacked (its checksum checked) and every XML part
    without a document type declaration."""
    problem = unpacked_problem(data, kind)
    if problem is not None:
        return problem
    part = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                part = info.filename
                if info.is_dir():
                    continue
                xml = part.lower().endswith(XML_SUFFIXES)
                with archive.open(info) as stream:
                    if xml and doctype_in(stream):
                        return dtd_message(kind, part)
                with archive.open(info) as stream:
                    problem = _xml_problem(stream, kind, part) if xml else _read_all(stream)
                if problem is not None:
                    return problem
    except ZIP_ERRORS as exc:
        return zip_failure(exc, kind, part)
    return None


def _read_all(stream: IO[bytes]) -> str | None:
    """Unpack a part to its end (its checksum is checked there); nothing to say of it."""
    while stream.read(CHUNK):
        pass
    return None


def _xml_problem(stream: IO[bytes], kind: str, part: str) -> str | None:
    """Whether an XML part is well-formed, read as it is unpacked (nothing kept)."""
    from lxml import etree

    parser = etree.XMLPullParser(
        events=(), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    try:
        while chunk := stream.read(CHUNK):
            parser.feed(chunk)
        parser.close()
    except etree.XMLSyntaxError as exc:
        return f"is geen leesbaar {kind} (fout in {part}: {exc})"
    return None


def dtd_message(kind: str, part: str) -> str:
    return (
        f"bevat XML met een documenttypedefinitie (<!DOCTYPE>) in {part}; Office schrijft die "
        f"nooit: geen gewoon {kind}"
    )


def doctype_in(stream: IO[bytes]) -> bool:
    """Whether the XML read from ``stream`` declares a document type before its root element
    (reads only as far as the prolog goes; a prolog over :data:`MAX_PROLOG` counts as one)."""
    raw = b""
    while True:
        chunk = stream.read(CHUNK)
        raw += chunk
        text = _decoded(raw)
        end = PROLOG.match(text)
        rest = text[end.end() if end else 0 :]
        if rest.startswith("<!DOCTYPE") or rest.upper().startswith("<!DOCTYPE"):
            return True
        if rest.strip() and not _unfinished(rest):
            return False
        if not chunk:
            return False
        if len(raw) > MAX_PROLOG:  # comments for a megabyte before the root: no Office file
            return True


def _unfinished(rest: str) -> bool:
    """The prolog may go on beyond what was read: a comment or instruction still open, or too
    little read to tell."""
    return rest.startswith(("<!--", "<?")) or len(rest) < len("<!DOCTYPE")


def _decoded(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", "ignore")
    if raw[:2] in (b"<\x00", b"\x00<"):
        return raw.decode("utf-16-le" if raw[:1] == b"<" else "utf-16-be", "ignore")
    return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "ignore")
