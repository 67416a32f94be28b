"""The fingerprint of a rapport folder: every input file by its path and its SHA-256.

The inputs are every file in the rapport folder and its subfolders — ``rapport.yaml``, the data
files, the texts and their pictures, the rapport's own ``templates/``, its ``huisstijl.docx``
— except what no build reads and a computer leaves behind: names that start with ``.``
(``.DS_Store``, ``.git/``) or ``~$`` (the lock file Word and Excel keep beside an open file) or
end with ``~`` (an editor's backup). The built-in templates belong to the tool: its version in
the fingerprint stands for them. A symbolic link counts as the text of its target (the build
refuses one that leads out of the folder). See :mod:`jaarverslag.core.fingerprint` for how the
hashes are combined.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from jaarverslag.core.fingerprint import Fingerprint
from jaarverslag.core.version import VERSION


def counted(name: str) -> bool:
    """Whether a file or folder of this name is an input (not hidden, no lock or backup)."""
    return not (name.startswith((".", "~$")) or name.endswith("~"))


def input_files(folder: Path) -> list[Path]:
    """Every input file under ``folder``, in a stable order (symlinked folders are entries,
    not descended into)."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if counted(d))
        found += [here / d for d in dirnames if (here / d).is_symlink()]
        found += [here / f for f in filenames if counted(f)]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes; of a link, of ``link:`` and its target; of something
    else (a FIFO, a device), of its kind — never read, so it can't hang."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            return hashlib.sha256(b"link:" + os.fsencode(os.readlink(path))).hexdigest()
        if not stat.S_ISREG(info.st_mode):
            return hashlib.sha256(f"special:{stat.S_IFMT(info.st_mode)}".encode()).hexdigest()
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:  # the build itself reports what it cannot read
        return hashlib.sha256(f"onleesbaar:{exc.strerror}".encode()).hexdigest()


def fingerprint(folder: Path, version: str = VERSION) -> Fingerprint:
    """The fingerprint of the rapport in ``folder``, for the tool of ``version``."""
    files = tuple((p.relative_to(folder).as_posix(), file_hash(p)) for p in input_files(folder))
    return Fingerprint(version, files)


def after_texts_changed(earlier: Fingerprint | None, folder: Path) -> Fingerprint:
    """The fingerprint of ``folder`` after a change to its Markdown texts only (the preview's
    rebuild on a keystroke): the other files' hashes are kept from ``earlier`` and only the
    texts are read again, so a large data file isn't hashed on every save. Without an earlier
    fingerprint (its inputs had errors), the whole folder is hashed."""
    if earlier is None:
        return fingerprint(folder)
    kept = [(path, sha) for path, sha in earlier.files if not path.endswith(".md")]
    texts = [
        (path.relative_to(folder).as_posix(), file_hash(path))
        for path in input_files(folder)
        if path.name.endswith(".md")
    ]
    return Fingerprint(earlier.version, tuple(sorted(kept + texts)))
