"""The document templates compiled once, not in every build.

Compiling the built-in templates to Python takes ≈ 50 ms of every build, on the path to the
HTML a single PDF build waits for. Jinja keeps what it compiled in a *bytecode cache*: this one
stores it in the tool's own cache (:mod:`jaarverslag.core.diskcache`: a folder of this user's
that no one else may write, every entry sealed and verified), under
``$JAARVERSLAG_CACHE_DIR/templates`` or ``~/.cache/jaarverslag/templates``. An entry is found
by the template's name, file and exact source, Jinja's and Python's versions and the kind of
environment: a changed template (a rapport's own, too) is compiled again, never served stale.
Any failure of the cache is a miss.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from jaarverslag.core import diskcache


class DiskBytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates in ``folder``, for environments of one ``kind``."""

    def __init__(self, folder: Path, kind: str) -> None:
        self.folder = folder
        self.kind = kind

    def _key(self, bucket: Bucket) -> str:
        said = "\0".join((self.kind, jinja2.__version__, sys.version, bucket.key, bucket.checksum))
        return hashlib.sha256(said.encode()).hexdigest()

    def load_bytecode(self, bucket: Bucket) -> None:
        key = self._key(bucket)
        stored = diskcache.get(self.folder, key, f"{key}.jinja")
        if stored is not None:
            bucket.bytecode_from_string(stored)  # Jinja checks its header and checksum again

    def dump_bytecode(self, bucket: Bucket) -> None:
        key = self._key(bucket)
        diskcache.put(self.folder, key, f"{key}.jinja", bucket.bytecode_to_string())


def bytecode_cache(kind: str) -> DiskBytecodeCache | None:
    """The bytecode cache for environments of ``kind``; None when the cache is off."""
    folder = diskcache.folder_of("templates")
    return None if folder is None else DiskBytecodeCache(folder, kind)
