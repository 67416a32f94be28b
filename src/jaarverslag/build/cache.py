"""Build cache: a content hash of everything a build reads → reuse of its finished output.

The key covers every entry of the rapport folder, whatever its name (the build reads nothing
outside it: see files.py), the package's own source and built-in templates, the package version,
the versions of the libraries that shape the output, ``SOURCE_DATE_EPOCH`` and the options of
the command. Symlinks are hashed as links, never followed, so a link to a device or to a file
elsewhere costs nothing and changes the key when it is retargeted. The record of a build is the
output folder's own marker file (output.py): written in the same atomic swap as the files it
describes, with a hash of each, so bad input never matches and an output someone edited or
deleted is rebuilt. Imports nothing heavy: a no-op rebuild never loads pandas.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jaarverslag.build.options import BuildOptions
from jaarverslag.build.outfolder import MARKER

_LIBRARIES = ("weasyprint", "python-docx", "pandas", "jinja2", "babel", "matplotlib", "pikepdf")
_PACKAGE_DIGEST: str | None = None
#: The package folder (this module is in its build/): its source and built-in templates.
PACKAGE = Path(__file__).resolve().parents[1]


def tree_entries(root: Path) -> list[Path]:
    """Every entry under ``root`` that is not a folder (files, links, others), in a stable
    order; symlinked folders are entries, not descended into."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        here = Path(dirpath)
        found.extend(here / name for name in dirnames if (here / name).is_symlink())
        found.extend(here / name for name in sorted(filenames))
    return sorted(found)


#: Package data hashed through the checksums its README lists (1.2 MB of CBS's Iv3 definitions
#: would double the time of hashing the package on every build); a test holds the README to
#: the files (tests/inputs/test_iv3.py).
BY_README = ("inputs/iv3/definities/",)


def _by_readme(relative: str) -> bool:
    return relative.endswith(".json") and relative.startswith(BY_README)


def _hash_tree(digest: Any, root: Path, skip: Callable[[str], bool] = lambda _: False) -> None:
    for path in tree_entries(root):
        relative = path.relative_to(root).as_posix()
        if skip(relative):
            continue
        digest.update(relative.encode() + b"\0")
        digest.update(_entry_digest(path))


def _entry_digest(path: Path) -> bytes:
    """A file's content hash; a link's target; for anything else (FIFO, device) its kind."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            return b"link\0" + os.fsencode(os.readlink(path))
        if not stat.S_ISREG(info.st_mode):
            return f"special {stat.S_IFMT(info.st_mode)}".encode()
        # opened without following a link and without waiting on a FIFO: what was looked at
        # above may have been swapped since
        with os.fdopen(os.open(path, _READ), "rb") as handle:
            kind = stat.S_IFMT(os.fstat(handle.fileno()).st_mode)
            if kind != stat.S_IFREG:
                return f"special {kind}".encode()
            return hashlib.file_digest(handle, "sha256").digest()
    except OSError as exc:  # the build itself reports what it cannot read
        return f"onleesbaar: {exc}".encode()


_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
MAX_MARKER = 16 * 1024 * 1024


def _marker(target: Path) -> bytes:
    """The marker of the output folder ``target``: a regular file in a real folder, opened
    without following a link or waiting on a FIFO, within :data:`MAX_MARKER`; OSError else."""
    folder = os.open(target, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _READ)
    try:
        with os.fdopen(os.open(MARKER, _READ, dir_fd=folder), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MARKER:
                raise OSError(f"{MARKER} is geen gewoon bestand")
            return handle.read(MAX_MARKER + 1)
    finally:
        os.close(folder)


def _library_versions() -> list[str]:
    """``name-version`` of the installed libraries that shape the output, from dist-info names.

    Read from the folder names (one listdir per path entry): importlib.metadata costs 0.1 s.
    """
    wanted = {name.replace("-", "_").lower() for name in _LIBRARIES}
    found = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and name.split("-")[0].lower() in wanted:
                found.append(name.removesuffix(".dist-info"))
    return sorted(found)


def package_digest(root: Path | None = None, version: str | None = None) -> str:
    """The package's version, source, templates and library versions (once per process)."""
    global _PACKAGE_DIGEST
    if root is None and version is None and _PACKAGE_DIGEST is not None:
        return _PACKAGE_DIGEST
    if version is None:
        from jaarverslag.core.version import VERSION as version
    digest = hashlib.sha256(f"jaarverslag {version}\0".encode())
    _hash_tree(digest, root or PACKAGE, skip=lambda r: r.endswith(".pyc") or _by_readme(r))
    digest.update("\0".join(_library_versions()).encode())
    if root is None:
        _PACKAGE_DIGEST = digest.hexdigest()
    return digest.hexdigest()


def _libreoffice() -> str | None:
    """The LibreOffice a DOCX's table of contents gets its pages from (none: no pages)."""
    from jaarverslag.render.docx.pages import soffice

    return soffice()


def build_key(folder: Path, options: BuildOptions) -> str:
    """The content hash of one build: same key, same output."""
    digest = hashlib.sha256(package_digest().encode())
    formats = options.formats
    settings: dict[str, object] = {
        "formats": None if formats is None else sorted(formats),
        "per_partij": options.per_partij,
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"),
        "opmerkingen": options.opmerkingen,
        "libreoffice": _libreoffice(),  # numbers the pages of a DOCX's table of contents
    }
    if options.gemeenten is not None:  # of a reeks, only these gemeenten
        settings["gemeenten"] = list(options.gemeenten)
    digest.update(json.dumps(settings, sort_keys=True).encode())
    _hash_tree(digest, Path(folder))
    return digest.hexdigest()


def record(key: str | None, files: Mapping[str, bytes], warnings: Sequence[str]) -> bytes:
    """The marker file of an output folder: who made it, and the record of this build."""
    from jaarverslag.core.version import VERSION

    content = {
        "gemaakt_door": f"jaarverslag {VERSION}",
        "let_op": "Deze map wordt bij elke build vervangen; zet hier geen eigen bestanden.",
        "sleutel": key,
        "bestanden": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        "waarschuwingen": list(warnings),
    }
    return (json.dumps(content, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def lookup(out_dir: Path, folder: Path, key: str) -> tuple[list[Path], list[str]] | None:
    """The output files and warnings of an earlier build with this key, if all still intact."""
    target = Path(out_dir) / Path(folder).resolve().name
    try:
        content = json.loads(_marker(target))
        if content.get("sleutel") != key:
            return None
        expected: dict[str, str] = content["bestanden"]
        present = {p.relative_to(target).as_posix() for p in tree_entries(target)}
        if present != {*expected, MARKER}:
            return None
        for name, digest in expected.items():
            if _entry_digest(target / name).hex() != digest:
                return None
        files = [target / name for name in sorted(expected)]
        return files, [str(w) for w in content.get("waarschuwingen", [])]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
