"""Reads the files of a rapport folder — and nothing outside it, nothing unbounded.

Every reader goes through :func:`read` (or :func:`inside` to vet a path first): the path must
resolve inside the rapport folder, so a symlink that leads out is refused; it must be a regular
file, because a FIFO or a device would hang the build; and it must stay under the size limit of
its kind, checked before reading and again while reading, so a file that grows cannot slip past.
The limits are documented in the README ("Safe by construction").
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

from jaarverslag.core.errors import Problem

MB = 1024 * 1024

#: The largest file of each kind a build reads, in bytes.
LIMITS: dict[str, int] = {
    "data": 200 * MB,  # a data file (.csv or .xlsx)
    "Iv3-": 20 * MB,  # an Iv3 delivery (.json; real ones are under 2 MB); "een Iv3-bestand"
    "tekst": 1 * MB,  # a Markdown text
    "afbeelding": 50 * MB,  # a picture a text or template shows
    "rapport.yaml": 1 * MB,
    "sjabloon": 1 * MB,  # a template of the rapport's own
    "huisstijl": 50 * MB,  # the house-style Word document
    "document": 200 * MB,  # the user's own Word document that ``insert`` writes a copy of
}

#: A zipped file (.xlsx, .docx) may unpack to at most this much, and at most MAX_RATIO times its
#: own size (real workbooks stay far below it; a few kilobytes unpacking to gigabytes is a bomb).
MAX_UNPACKED = 1024 * MB
MAX_RATIO = 100
MIN_ALLOWANCE = 20 * MB  #: a small file may always unpack to this much
MAX_PARTS = 10_000

OUTSIDE = "verwijst naar een bestand buiten de rapportmap"
OUTSIDE_FOLDER = "verwijst naar een map buiten de rapportmap"


def inside(folder: Path, path: Path) -> Path | None:
    """``path`` resolved (symlinks followed), or None when that lands outside ``folder``."""
    root = Path(folder).resolve()
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return resolved if resolved == root or resolved.is_relative_to(root) else None


def vet(folder: Path, path: Path, kind: str, display: str) -> tuple[Path | None, list[Problem]]:
    """The resolved path of a file the build may read, or the problem that forbids it."""
    resolved = inside(folder, path)
    if resolved is None:
        return None, [Problem(display, message=OUTSIDE)]
    try:
        info = resolved.stat()
    except OSError as exc:
        return None, [Problem(display, message=f"kan het bestand niet lezen ({exc.strerror})")]
    if not stat.S_ISREG(info.st_mode):
        return None, [Problem(display, message="is geen gewoon bestand")]
    if info.st_size > LIMITS[kind]:
        return None, [Problem(display, message=too_large(info.st_size, kind))]
    return resolved, []


def too_large(size: int, kind: str) -> str:
    """The message for a file over its limit (sizes in whole MB, rounded up)."""
    limit = LIMITS[kind]
    shown = max(1, -(-size // MB))
    return f"is te groot ({shown} MB; hoogstens {limit // MB} MB voor een {kind}bestand)"


def read(folder: Path, path: Path, kind: str, display: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a file of the rapport folder, or the problems that forbid reading it."""
    resolved, problems = vet(folder, path, kind, display)
    if resolved is None:
        return None, problems
    limit = LIMITS[kind]
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO after the check, open doesn't hang
        fd = os.open(resolved, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None, [Problem(display, message="is geen gewoon bestand")]
            data = handle.read(limit + 1)
    except OSError as exc:
        return None, [Problem(display, message=f"kan het bestand niet lezen ({exc.strerror})")]
    if len(data) > limit:
        return None, [Problem(display, message=too_large(len(data), kind))]
    return data, []


def folder_problem(folder: Path, sub: Path, display: str) -> list[Problem]:
    """A sub-folder the build lists (``teksten/``, ``templates/``) must stay inside too."""
    if (sub.is_symlink() or sub.exists()) and inside(folder, sub) is None:
        return [Problem(display, message=OUTSIDE_FOLDER)]
    return []


def unpacked_problem(data: bytes, kind: str) -> str | None:
    """Why a zipped ``kind`` ("Excel-bestand", "Word-bestand") must not be unpacked, judged
    on its declared sizes before anything is unpacked; None when it may be. Python's zipfile
    never unpacks more than a part declares (it stops and fails the checksum), so the declared
    sizes bound the work."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return f"is geen leesbaar {kind} (geen zip-archief)"
    if len(infos) > MAX_PARTS:
        return f"bevat {len(infos)} onderdelen (hoogstens {MAX_PARTS})"
    unpacked = sum(i.file_size for i in infos)
    allowed = min(MAX_UNPACKED, max(MIN_ALLOWANCE, MAX_RATIO * len(data)))
    if unpacked > allowed:
        return (
            f"pakt uit tot {unpacked // MB} MB, meer dan de {allowed // MB} MB die een bestand "
            f"van deze grootte mag hebben; geen gewoon {kind}"
        )
    return None
