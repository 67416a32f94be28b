"""Reads the files of a rapport folder — and nothing outside it, nothing unbounded.

Every reader goes through :func:`read` (or :func:`inside` to vet a path first): the path must
resolve inside the rapport folder, so a symlink that leads out is refused; the file is then opened
once, from the folder's descriptor without following any link (:func:`open_beneath`), so a file
swapped for a symlink meanwhile is refused, not followed; what was opened must be a regular file,
because a FIFO or a device would hang the build; and it must stay under the size limit of its
kind, checked on the open file and again while reading, so a file that grows cannot slip past.
The limits are documented in the README ("Safe by construction").
"""

from __future__ import annotations

import ctypes
import errno
import functools
import io
import os
import stat
import sys
import zipfile
from collections.abc import Callable
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
NOT_A_FILE = "is geen gewoon bestand"


def inside(folder: Path, path: Path) -> Path | None:
    """``path`` resolved (symlinks followed), or None when that lands outside ``folder``."""
    root = Path(folder).resolve()
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return resolved if resolved == root or resolved.is_relative_to(root) else None


def vet(folder: Path, path: Path, kind: str, display: str) -> tuple[Path | None, list[Problem]]:
    """The resolved path of a file the build may read, or the problem that forbids it (a first
    look only: :func:`read` checks again what it opened)."""
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
    _, data, problems = read_resolved(folder, path, kind, display)
    return data, problems


def read_resolved(
    folder: Path, path: Path, kind: str, display: str
) -> tuple[Path | None, bytes | None, list[Problem]]:
    """The path a file of the rapport folder really has (symlinks inside it followed) and its
    bytes, or the problems that forbid reading it.

    The file is opened once, from a descriptor of the folder, refusing a link at every step of
    the resolved path (``openat2`` with ``RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS``, else
    ``openat`` with ``O_NOFOLLOW`` one step at a time), and what was opened is checked — a
    regular file, within its limit — not the name: a file swapped for a symlink or a FIFO
    while it is read is refused, never followed.
    """
    problems: list[Problem] = []
    for _attempt in (1, 2):  # a link swapped meanwhile: look once more, then say so
        resolved = inside(folder, path)
        if resolved is None:
            return None, None, [Problem(display, message=OUTSIDE)]
        data, problems = _read_beneath(Path(folder).resolve(), resolved, kind, display)
        if data is not None:
            return resolved, data, []
        if problems:
            return None, None, problems
    return None, None, [Problem(display, message=CHANGED)]


CHANGED = (
    "veranderde terwijl het werd gelezen (werd het vervangen door een symlink?); probeer opnieuw"
)


def _read_beneath(
    root: Path, resolved: Path, kind: str, display: str
) -> tuple[bytes | None, list[Problem]]:
    """Read ``resolved`` below ``root``; (None, []) when a step turned out to be a link."""
    limit = LIMITS[kind]
    try:
        fd = open_beneath(root, resolved.relative_to(root))
    except _Swapped:
        return None, []
    except OSError as exc:
        return None, [Problem(display, message=f"kan het bestand niet lezen ({exc.strerror})")]
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        os.close(fd)
        message = too_large(info.st_size, kind) if stat.S_ISREG(info.st_mode) else NOT_A_FILE
        return None, [Problem(display, message=message)]
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            return None, [Problem(display, message=f"kan het bestand niet lezen ({exc.strerror})")]
    if len(data) > limit:
        return None, [Problem(display, message=too_large(len(data), kind))]
    return data, []


class _Swapped(Exception):
    """A step of a resolved path is a link (now): the path changed since it was resolved."""


#: Reading flags: O_NONBLOCK, so a file swapped for a FIFO doesn't hang the open.
_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_STEP = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_LINK_ERRORS = (errno.ELOOP, errno.ENOTDIR, errno.EXDEV, errno.EMLINK)


def open_beneath(root: Path, relative: Path) -> int:
    """A read descriptor of ``root/relative``, opened without following any link on the way;
    raises :class:`_Swapped` when a step is a link."""
    folder = os.open(root, _STEP)
    try:
        fd = _openat2(folder, relative)
        if fd is not None:
            return fd
        parts = relative.parts
        if not parts:
            raise OSError(errno.EISDIR, os.strerror(errno.EISDIR))
        current = folder
        try:
            for part in parts[:-1]:
                step = _step(part, current, _STEP | _NOFOLLOW)
                if current != folder:
                    os.close(current)
                current = step
            return _step(parts[-1], current, _READ | _NOFOLLOW)
        finally:
            if current != folder:
                os.close(current)
    finally:
        os.close(folder)


def _step(name: str, dir_fd: int, flags: int) -> int:
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in _LINK_ERRORS:
            raise _Swapped from exc
        raise


_SYS_OPENAT2 = 437  #: the same on every Linux architecture (since 5.6)
_RESOLVE_NO_SYMLINKS, _RESOLVE_BENEATH = 0x04, 0x08


class _OpenHow(ctypes.Structure):
    _fields_ = (("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64))


def _openat2(folder: int, relative: Path) -> int | None:
    """Linux's ``openat2``: one call that refuses every link and anything not beneath
    ``folder``; None where the system doesn't have it (the caller walks step by step)."""
    syscall = _syscall()
    if syscall is None:
        return None
    how = _OpenHow(_READ, 0, _RESOLVE_BENEATH | _RESOLVE_NO_SYMLINKS)
    fd = int(syscall(_SYS_OPENAT2, folder, os.fsencode(relative), ctypes.byref(how), 24))
    if fd >= 0:
        return fd
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EPERM, errno.E2BIG):  # no openat2, or a seccomp filter
        _NO_OPENAT2.append(True)
        return None
    if code in _LINK_ERRORS:
        raise _Swapped
    raise OSError(code, os.strerror(code))


_NO_OPENAT2: list[bool] = []


@functools.cache
def _libc_syscall() -> Callable[..., int] | None:
    if sys.platform != "linux":
        return None
    try:
        function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).syscall
    except (OSError, AttributeError):
        return None
    return function


def _syscall() -> Callable[..., int] | None:
    return None if _NO_OPENAT2 else _libc_syscall()


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
