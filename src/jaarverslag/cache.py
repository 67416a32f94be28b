"""Build cache: a content hash of everything a build reads → reuse of its finished output.

The key covers every file in the rapport folder (data, prose, ``rapport.yaml``, its own
templates, huisstijl), the package's own source and built-in templates, the package version,
the versions of the libraries that shape the output, ``SOURCE_DATE_EPOCH`` and the options of
the command. It is stored in ``OUT/.cache/<rapport>.json`` only after a successful build,
together with a hash of every output file, so bad input never matches and an output someone
edited or deleted is rebuilt. Imports nothing heavy: a no-op rebuild never loads pandas.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

CACHE_DIR = ".cache"
_LIBRARIES = ("weasyprint", "python-docx", "pandas", "jinja2", "babel", "matplotlib")
_PACKAGE_DIGEST: str | None = None


def _tree_files(root: Path) -> list[Path]:
    """Every regular file under ``root``, in a stable order (cache folders left out)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", CACHE_DIR))
        found.extend(Path(dirpath) / name for name in sorted(filenames))
    return found


def _hash_tree(digest: hashlib._Hash, root: Path) -> None:  # type: ignore[name-defined]
    for path in _tree_files(root):
        if path.suffix == ".pyc":
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:  # the build itself reports what it cannot read
            digest.update(f"onleesbaar: {exc}".encode())


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
        from . import __version__ as version
    digest = hashlib.sha256(f"jaarverslag {version}\0".encode())
    _hash_tree(digest, root or Path(__file__).resolve().parent)
    digest.update("\0".join(_library_versions()).encode())
    if root is None:
        _PACKAGE_DIGEST = digest.hexdigest()
    return digest.hexdigest()


def build_key(folder: Path, formats: Sequence[str] | None, per_partij: bool | None) -> str:
    """The content hash of one build: same key, same output."""
    digest = hashlib.sha256(package_digest().encode())
    settings = {
        "formats": None if formats is None else sorted(formats),
        "per_partij": per_partij,
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"),
    }
    digest.update(json.dumps(settings, sort_keys=True).encode())
    _hash_tree(digest, Path(folder))
    return digest.hexdigest()


def _record_path(out_dir: Path, name: str) -> Path:
    return Path(out_dir) / CACHE_DIR / f"{name}.json"


def _file_hashes(target: Path, files: Iterable[Path]) -> dict[str, str]:
    return {
        p.relative_to(target).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    }


def lookup(out_dir: Path, folder: Path, key: str) -> tuple[list[Path], list[str]] | None:
    """The output files and warnings of an earlier build with this key, if all still intact."""
    name = Path(folder).resolve().name
    try:
        record = json.loads(_record_path(out_dir, name).read_text(encoding="utf-8"))
        if record.get("key") != key:
            return None
        target = Path(out_dir) / name
        files = [target / relative for relative in record["files"]]
        if _file_hashes(target, files) != record["files"]:
            return None
        if {p.relative_to(target).as_posix() for p in _tree_files(target)} != set(record["files"]):
            return None
        return files, list(record.get("warnings", []))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(
    out_dir: Path, folder: Path, key: str, files: Sequence[Path], warnings: list[str]
) -> None:
    """Remember a successful build (written atomically; a failure to write only costs speed)."""
    name = Path(folder).resolve().name
    path = _record_path(out_dir, name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "key": key,
            "files": _file_hashes(Path(out_dir) / name, files),
            "warnings": warnings,
        }
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


def forget(out_dir: Path, folder: Path) -> None:
    """Drop the record of a rapport (before rebuilding it)."""
    with contextlib.suppress(OSError):
        _record_path(out_dir, Path(folder).resolve().name).unlink()
