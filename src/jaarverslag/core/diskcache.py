"""A cache on disk that nothing else can fool: what it hands back is what this tool stored.

The folder holds what a build would otherwise have to make again (drawn charts). It lies outside
the rapport folder, so it is trusted only as far as it is checked:

- the folder is used only when it is a real folder (not a symlink), owned by this user and
  writable by no one else (as ssh treats ``~/.ssh``); a folder shared with others — a server's
  ``$JAARVERSLAG_CACHE_DIR`` for a whole team — is not used at all;
- an entry is opened from the folder's descriptor without following a link (``O_NOFOLLOW``),
  must be a regular file of this user within :data:`MAX_ENTRY`, and carries the SHA-256 of its
  key and content: an entry that doesn't match (damaged, cut short, copied under another name)
  is a miss, and is made and written again;
- an entry is written to a temporary file beside it and renamed into place, so a reader never
  sees half of one.

Any failure of the cache (no permission, a full disk) is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
from pathlib import Path

MAX_ENTRY = 32 * 1024 * 1024  #: bytes of one entry
HEADER = b"jaarverslag-cache 1\n"
_DIGEST = 64  #: hex characters of a SHA-256
_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _seal(key: str, data: bytes) -> str:
    return hashlib.sha256(key.encode() + b"\0" + data).hexdigest()


def _open_folder(folder: Path) -> int | None:
    """A descriptor of ``folder`` (made if missing, private) when it may be trusted."""
    with contextlib.suppress(OSError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | _CLOEXEC
    try:
        fd = os.open(folder, flags)
    except OSError:
        return None
    info = os.fstat(fd)
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        os.close(fd)
        return None
    return fd


def trusted(folder: Path) -> bool:
    """Whether ``folder`` would be used (see the module's rules)."""
    fd = _open_folder(folder)
    if fd is None:
        return False
    os.close(fd)
    return True


def get(folder: Path, key: str, name: str) -> bytes | None:
    """The content stored under ``key`` as file ``name``, verified; None for a miss."""
    fd = _open_folder(folder)
    if fd is None:
        return None
    try:
        entry = os.open(name, _READ | _CLOEXEC, dir_fd=fd)
    except OSError:
        os.close(fd)
        return None
    try:
        info = os.fstat(entry)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.getuid()
            or info.st_size > MAX_ENTRY + len(HEADER) + _DIGEST + 1
        ):
            return None
        with os.fdopen(entry, "rb", closefd=False) as handle:
            raw = handle.read(MAX_ENTRY + len(HEADER) + _DIGEST + 2)
    except OSError:
        return None
    finally:
        os.close(entry)
        os.close(fd)
    start = len(HEADER) + _DIGEST + 1
    if not raw.startswith(HEADER) or len(raw) < start:
        return None
    seal, data = raw[len(HEADER) : start - 1].decode("ascii", "replace"), raw[start:]
    return data if seal == _seal(key, data) else None


def put(folder: Path, key: str, name: str, data: bytes) -> None:
    """Store ``data`` under ``key`` as file ``name``: all of it or nothing (best effort)."""
    if len(data) > MAX_ENTRY:
        return
    fd = _open_folder(folder)
    if fd is None:
        return
    temporary = f".{name}.{secrets.token_hex(6)}.tmp"
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | _CLOEXEC
        entry = os.open(temporary, flags, 0o600, dir_fd=fd)
        with os.fdopen(entry, "wb") as handle:
            handle.write(HEADER + _seal(key, data).encode() + b"\n" + data)
        os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=fd)
    finally:
        os.close(fd)


def folder_of(kind: str) -> Path | None:
    """Where entries of ``kind`` (``charts``, ``templates``) are kept between builds:
    ``$JAARVERSLAG_CACHE_DIR``, else the user's cache folder (``$XDG_CACHE_HOME`` or
    ``~/.cache``) with ``jaarverslag/<kind>`` under it; ``JAARVERSLAG_CACHE_DIR=`` (empty) turns
    the cache off. A folder is used only while it is the user's own (see above)."""
    configured = os.environ.get("JAARVERSLAG_CACHE_DIR")
    if configured is not None:
        return Path(configured) / kind if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "jaarverslag" / kind
