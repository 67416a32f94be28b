"""Files written in one step: whoever reads the path sees the old content whole or the new
content whole, never a half-written file, and a crash leaves no temporary file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: bytes, mode: int = 0o644) -> None:
    """Write ``content`` to ``path`` in one step: a temporary file beside it, flushed to disk,
    then a rename; an earlier file there stays whole until the new one replaces it."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sync(path: Path) -> None:
    """Put what was written to the file ``path`` so far on the disk (``fsync``)."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def sync_folder(folder: Path) -> None:
    """Put the names in ``folder`` on the disk: a file renamed into it or made in it is there
    after a power cut only once its folder is synced. Not on Windows, which cannot open a
    folder to sync it (NTFS journals the names itself)."""
    if os.name != "nt":
        sync(folder)
