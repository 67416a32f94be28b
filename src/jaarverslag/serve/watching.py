"""Watching a rapport folder: what its files hold now, and a loop that acts on every change.

:class:`Fingerprints` hashes every file of the folder (but :data:`IGNORED_DIRS`), keeping a
file's hash while its inode, size and times stay the same; :func:`follow` calls back after
every batch of changes watchfiles reports *and* every :data:`CHECK_MS` without one, so a change
made before the watcher started (while the first page or site was being built), or on a file
system that sends no notice, is still seen — the callback compares fingerprints and does
nothing when nothing changed. Both ``serve`` and ``serve --site`` watch this way.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

from jaarverslag.core import files

__all__ = ["CHECK_MS", "IGNORED_DIRS", "Fingerprints", "follow"]

#: Folders that are neither watched nor fingerprinted (version control, caches, editors' own).
IGNORED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".idea",
        ".vscode",
        "node_modules",
        ".venv",
    }
)

CHECK_MS = 500  #: the watcher looks at the folder itself this often (ms) when told nothing
RETRY_S = 2.0  #: a watcher that failed (the folder gone, a watch limit) is started again after

#: A file's content hash, kept while its inode, size and times stay the same.
_Stat = tuple[int, int, int, int]


class Fingerprints:
    """The content of a folder's files, as hashes by relative path."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._hashes: dict[str, tuple[_Stat, str]] = {}

    def take(self) -> dict[str, str]:
        """Every file of the folder (but :data:`IGNORED_DIRS`) by relative path → a hash of its
        content; a symlink by its target (and the content, when that is a file inside the
        folder: nothing outside it is read); a FIFO or device by its kind, never opened."""
        prints: dict[str, str] = {}
        hashes: dict[str, tuple[_Stat, str]] = {}
        root = str(self.folder)
        if not os.path.isdir(root):
            return prints
        for here, dirs, names in os.walk(root, onerror=None, followlinks=False):
            dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS)
            for name in [*names, *(d for d in dirs if os.path.islink(os.path.join(here, d)))]:
                path = os.path.join(here, name)
                key = os.path.relpath(path, root)
                prints[key] = self._print(Path(path), key, hashes)
        self._hashes = hashes
        return prints

    def _print(self, path: Path, key: str, hashes: dict[str, tuple[_Stat, str]]) -> str:
        try:
            info = os.lstat(path)
        except OSError:
            return "weg"
        if stat.S_ISLNK(info.st_mode):
            try:
                target = os.readlink(path)
            except OSError:
                return "link"
            resolved = files.inside(self.folder, path)
            if resolved is None or not resolved.is_file():
                return f"link:{target}"
            return f"link:{target}:{self._print(resolved, key + ' →', hashes)}"
        if not stat.S_ISREG(info.st_mode):
            return f"soort:{stat.S_IFMT(info.st_mode)}"
        signature = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        known = self._hashes.get(key)
        digest = known[1] if known is not None and known[0] == signature else _digest(path)
        hashes[key] = (signature, digest)
        return digest


def follow(folder: Path, changed: Callable[[], None], say: Callable[[str], None]) -> None:
    """Call ``changed`` after every batch of changes in ``folder`` (the watcher waits until
    30 ms pass without one) and every :data:`CHECK_MS` without news, until Ctrl-C
    (KeyboardInterrupt); a watcher that fails is started again, said once."""
    from watchfiles import DefaultFilter
    from watchfiles import watch as changes

    wanted = DefaultFilter(ignore_dirs=tuple(IGNORED_DIRS))
    said = ""
    while True:
        try:
            for _batch in changes(
                folder,
                watch_filter=wanted,
                step=30,
                rust_timeout=CHECK_MS,
                yield_on_timeout=True,
                raise_interrupt=True,
            ):
                changed()
        except (OSError, RuntimeError) as exc:  # the folder gone or renamed, a watch limit
            message = f"{folder}: kan de map niet volgen ({exc}); nieuwe poging elke 2 s"
            if message != said:
                say(message)
                said = message
            threading.Event().wait(RETRY_S)
            changed()


def _digest(path: Path) -> str:
    """The SHA-256 of a regular file, read in pieces (O_NONBLOCK: a file swapped for a FIFO
    meanwhile doesn't hang the preview)."""
    digest = hashlib.sha256()
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        )
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return "geen bestand"
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return "onleesbaar"
    return digest.hexdigest()
