"""The file store: every content the werkplek keeps, once, under its SHA-256.

A content is written to a temporary file beside its place, flushed to disk and renamed to
``inhoud/ab/abcdef…`` (its hash), and the folder it was renamed into is synced too (else a
power cut could take the name of a content whose save was answered): a name in the store is
always a whole, never-changing file, so a backup that copies the store while the server writes
to it copies only whole files, and two uploads of the same bytes share one file. The database
says which content each version of a file of a rapport has (:mod:`.versions`); the store never
deletes anything.

A rapport is *materialised* — its files of one moment written into a folder of its name — for a
worker to check, build or preview it with the command line's own functions, under the same
rules as any rapport folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from jaarverslag.core.atomic import sync, sync_folder

HASH = "sha256"


class Store:
    """The content-addressed files under ``root`` (``DIR/inhoud``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
            raise ValueError(f"geen SHA-256: {digest!r}")
        return self.root / digest[:2] / digest

    def has(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def put(self, data: bytes) -> str:
        """Keep ``data``; its hash."""
        digest = hashlib.sha256(data).hexdigest()
        if self.has(digest):
            return digest

        def fill(stream: BinaryIO) -> str:
            stream.write(data)
            return digest

        return self._keep(fill)

    def put_file(self, source: Path) -> tuple[str, int]:
        """Keep the content of the file ``source`` (read in pieces); its hash and size."""
        size = 0

        def fill(stream: BinaryIO) -> str:
            nonlocal size
            digest = hashlib.sha256()
            with open(source, "rb") as reading:
                while chunk := reading.read(1 << 20):
                    digest.update(chunk)
                    size += len(chunk)
                    stream.write(chunk)
            return digest.hexdigest()

        return self._keep(fill), size

    def _keep(self, fill: Callable[[BinaryIO], str]) -> str:
        """A content ``fill`` writes to a temporary file in the store (and says the hash of),
        synced and put in its place, unless the store holds it already; its hash."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".nieuw-", dir=self.root)
        temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as stream:
                digest = fill(stream)
                stream.flush()
                os.fsync(stream.fileno())
            if self.has(digest):  # the same content, stored and synced already
                temporary.unlink()
            else:
                self._place(temporary, digest)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return digest

    def adopt(self, source: Path, digest: str) -> None:
        """Move the finished file ``source`` (on the same file system, whose content has the
        hash ``digest``) into the store."""
        if self.has(digest):  # the same content, stored and synced already
            source.unlink(missing_ok=True)
            return
        sync(source)
        self._place(source, digest)

    def _place(self, source: Path, digest: str) -> None:
        """Rename the synced file ``source`` to the place of ``digest``, and put the rename on
        the disk: its folder synced, and the store's too when that folder is new."""
        target = self.path(digest)
        new_folder = not target.parent.is_dir()
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(source, 0o600)
        os.replace(source, target)
        sync_folder(target.parent)
        if new_folder:
            sync_folder(self.root)

    def get(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()

    def all(self) -> Iterator[str]:
        """Every content's hash, in a stable order (temporary files left out)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and len(folder.name) == 2:
                for item in sorted(folder.iterdir()):
                    if len(item.name) == 64 and not item.name.startswith("."):
                        yield item.name

    def materialise(self, files: Mapping[str, str], folder: Path) -> None:
        """Make ``folder`` hold exactly ``files`` (path → hash): what differs is written (a
        new file renamed into place), what is not in ``files`` removed. What was written is
        recorded beside the folder (never in it: the folder holds the rapport only), so a
        large data file is not read again to know it is unchanged."""
        folder.mkdir(parents=True, exist_ok=True)
        record_path = folder.parent / f".{folder.name}.inhoud.json"
        try:
            record: dict[str, list[Any]] = json.loads(record_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {}
        wanted = {folder / path: digest for path, digest in files.items()}
        holding = {parent for path in wanted for parent in path.parents}  #: folders kept
        for here, dirs, names in os.walk(folder, topdown=False):
            for name in names:
                path = Path(here) / name
                if path not in wanted:
                    path.unlink()
            for name in dirs:
                sub = Path(here) / name
                if sub.is_symlink():
                    sub.unlink()
                elif sub not in holding:
                    shutil.rmtree(sub)
        written: dict[str, list[Any]] = {}
        for path, digest in sorted(wanted.items()):
            key = path.relative_to(folder).as_posix()
            known = record.get(key)
            if known is not None and known[0] == digest and known[1:] == _signature(path):
                written[key] = known
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.nieuw")
            shutil.copyfile(self.path(digest), temporary)
            os.replace(temporary, path)
            written[key] = [digest, *_signature(path)]
        if written != record:  # most jobs find the folder as the last one left it
            record_path.write_text(json.dumps(written), encoding="utf-8")


def _signature(path: Path) -> list[int]:
    """What changes when a file is written: inode, size and times (empty when it is gone)."""
    try:
        info = path.lstat()
    except OSError:
        return []
    return [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
