"""Pictures a rapport's texts and templates show: checked when read, carried inside the HTML.

A picture is a file of the rapport folder (a path relative to the folder, as WeasyPrint reads
it for the PDF) in one of :data:`KINDS`. The texts' pictures are checked with the inputs, so
``check`` names a missing, foreign or unreadable one by text and line; the HTML renderer then
puts every picture in the page itself (a ``data:`` URL), so the HTML file, the PDF laid out
from it and the DOCX walked from it all show the same pictures, and the HTML needs no file
beside it.
"""

from __future__ import annotations

import base64
import hashlib
import html as htmllib
import io
import re
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from jaarverslag.core import files
from jaarverslag.core.errors import Problem

#: What a picture may be, by its first bytes: the media type. Word takes all but SVG.
KINDS: dict[bytes, str] = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
#: The kinds Word shows (python-docx reads them): every kind but SVG.
RASTER = tuple(dict.fromkeys(KINDS.values()))
SVG = "image/svg+xml"
#: An SVG file: an ``<svg`` element first, after an XML declaration, comments or a doctype.
SVG_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?<svg\b",
    re.S,
)
KIND_NAMES = "PNG, JPEG, GIF of SVG"


def media_type(data: bytes) -> str | None:
    """The picture's media type by its content (never by its name), or None."""
    for magic, kind in KINDS.items():
        if data.startswith(magic):
            return kind
    return SVG if SVG_START.match(data[:4096]) else None


def _readable(data: bytes) -> bool:
    """A raster picture Pillow can open and verify, within its pixel limit (a decompression
    bomb of a few kilobytes that unpacks to gigapixels is refused)."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as picture:
                picture.verify()
        return True
    except Exception:  # a damaged file makes Pillow raise many kinds
        return False


def is_local(src: str) -> bool:
    """A path (not a URL with a scheme, not an anchor, not ``//host``)."""
    return bool(src) and not urlsplit(src).scheme and not src.startswith(("#", "//"))


def local_path(folder: Path, src: str) -> Path:
    return folder / unquote(urlsplit(src).path)


def load(folder: Path, src: str, display: str) -> tuple[str | None, list[Problem]]:
    """The picture at ``src`` as a ``data:`` URL, or the problems that forbid it. The file is
    read every time (once, contained and bounded: :func:`files.read`); its check and encoding
    are kept by the SHA-256 of what was read (see :data:`CACHE_BYTES`), so the check, every
    document of a reeks and every preview of ``serve`` show the same logo without verifying it
    again — and a file that changed, whatever its name, size or time, is a new entry."""
    data, problems = files.read(folder, local_path(folder, src), "afbeelding", display)
    if data is None:
        return None, problems
    digest = hashlib.sha256(data).digest()
    if digest in _CACHE:
        _CACHE.move_to_end(digest)
        url, message = _CACHE[digest]
    else:
        url, message = _encoded(data)
        _remember(digest, url, message)
    if message is not None:
        return None, [Problem(display, message=message)]
    return url, []


#: Encoded pictures kept by the SHA-256 of their bytes, most recently used last, at most this
#: many bytes of them (a picture larger than that is encoded each time it is shown).
CACHE_BYTES = 64 * files.MB
_CACHE: OrderedDict[bytes, tuple[str | None, str | None]] = OrderedDict()


def _remember(digest: bytes, url: str | None, message: str | None) -> None:
    if url is not None and len(url) > CACHE_BYTES:
        return
    _CACHE[digest] = (url, message)
    while sum(len(u or "") for u, _ in _CACHE.values()) > CACHE_BYTES:
        _CACHE.popitem(last=False)


def _encoded(data: bytes) -> tuple[str | None, str | None]:
    """A picture's bytes as a ``data:`` URL, or the message why not."""
    kind = media_type(data)
    if kind is None:
        return None, f"is geen afbeelding ({KIND_NAMES})"
    if kind != SVG and not _readable(data):
        return None, "is beschadigd of te groot (in pixels)"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}", None


def _sources(text: str, tokens: list[Token]) -> Iterator[tuple[str, int]]:
    """Every picture of a Markdown text (its block tokens as parsed by :mod:`.texts`): its
    ``src`` and the line it is on."""
    if "![" not in text:
        return
    lines = text.splitlines()
    at = 0
    for token in tokens:
        for child in token.children or ():
            if child.type != "image":
                continue
            src = str(child.attrs.get("src", ""))
            first = max(token.map[0] if token.map else 0, at)
            last = token.map[1] if token.map else len(lines)
            at = next((n for n in range(first, last) if src in lines[n]), first)
            yield src, at + 1  # pictures come in order: the next is on this line or later


def text_problems(folder: Path, text: str, tokens: list[Token], display: str) -> list[Problem]:
    """What is wrong with the pictures of one text: each named by the text and its line."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for src, line in _sources(text, tokens):
        if src in seen:
            continue  # the first use is named; the same picture again is the same problem
        seen.add(src)
        if src.startswith("data:"):
            continue
        if not is_local(src):
            message = (
                f"afbeelding '{_short(src)}' staat niet in de rapportmap; een rapport haalt "
                "niets van internet: zet het bestand in de rapportmap"
            )
            problems.append(Problem(display, line, None, message))
            continue
        shown = f"afbeelding '{_short(src)}'"
        path = local_path(folder, src)
        if not (path.exists() or path.is_symlink()):
            message = f"{shown} bestaat niet (een pad telt vanaf de rapportmap {folder})"
            problems.append(Problem(display, line, None, message))
            continue
        url, found = load(folder, src, shown)
        problems += [Problem(display, line, None, f"{shown}: {p.message}") for p in found]
        if url is not None and url.startswith(f"data:{SVG};"):
            message = (
                f"{shown} is SVG: PDF en HTML tonen haar, de DOCX alleen haar beschrijving "
                "(Word leest geen SVG); gebruik PNG voor een afbeelding die ook in Word moet staan"
            )
            problems.append(Problem(display, line, None, message, "warning"))
    return problems


def _short(src: str) -> str:
    return src if len(src) <= 120 else src[:119] + "…"


#: A picture's ``src``, in double or single quotes (a class of characters, not ``.*?``: a chart's
#: ``data:`` URI is tens of kilobytes, which a lazy match would test character by character).
IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.I)


def inline(html: str, folder: Path | None) -> str:
    """Every picture of the rapport folder that ``html`` shows, put in the page itself.

    A picture that can't be read is left as it is: a text's picture was checked with the
    inputs; a template's own is then refused by the PDF's fetcher, naming the template.
    """
    if folder is None or "<img" not in html:
        return html

    loaded: dict[str, str | None] = {}

    def replace(match: re.Match[str]) -> str:
        double = match.group(2)
        quote, value = ('"', double) if double is not None else ("'", match.group(3))
        if value.startswith("data:"):  # a chart, or a picture already inside
            return match.group(0)
        src = htmllib.unescape(value)
        if not is_local(src):
            return match.group(0)
        if src not in loaded:
            loaded[src] = load(folder, src, src)[0]
        url = loaded[src]
        return match.group(0) if url is None else f"{match.group(1)}{quote}{url}{quote}"

    return IMG_SRC.sub(replace, html)
