"""Writes a rapport's output folder: only over a folder the tool made, in one atomic step.

Every output folder holds a marker file, :data:`MARKER`, that says jaarverslag made it (and
records the build for the cache). A build replaces ``OUT/R`` only when it is absent or carries
that marker, and never when it would land in or over a rapport folder. The new folder is written
beside the old one and swapped in with a single ``renameat2(RENAME_EXCHANGE)``, so ``OUT/R`` is
never missing, even when the build is killed half-way; the next build removes or restores what
an interrupted one left (hidden folders named ``.R.jaarverslag-…``). Builds writing into the same
output folder take turns (an advisory lock on it).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from jaarverslag.core.errors import Problem

MARKER = ".jaarverslag"
NEW, OLD, TRASH = "nieuw", "oud", "weg"  # staging, the previous output (fallback), to delete

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2


class OutputRefused(Exception):
    """The output folder is not ours to replace; carries the problems to report."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def is_ours(path: Path) -> bool:
    """A real folder (no symlink) holding our marker as a regular file."""
    marker = path / MARKER
    return path.is_dir() and not path.is_symlink() and marker.is_file() and not marker.is_symlink()


def target_problems(folders: Sequence[Path], out_dir: Path) -> dict[int, list[Problem]]:
    """Why each rapport of a run may not be written to ``out_dir/<name>`` (by index)."""
    out_dir = Path(out_dir)
    roots = [Path(f).resolve() for f in folders]
    names: dict[str, list[int]] = {}
    for index, root in enumerate(roots):
        names.setdefault(root.name, []).append(index)
    found: dict[int, list[Problem]] = {}
    if out_dir.exists() and not out_dir.is_dir():
        problem = Problem(str(out_dir), message="is geen map; kies met -o een uitvoermap")
        return {i: [problem] for i in range(len(roots))}
    place = out_dir.resolve()
    for index, root in enumerate(roots):
        target = out_dir / root.name
        problems = _overlap(target, place / root.name, roots)
        twins = names[root.name]
        if len(twins) > 1:
            others = ", ".join(str(folders[i]) for i in twins)
            message = (
                f"twee rapporten met de naam '{root.name}' ({others}) zouden elkaars uitvoer "
                "overschrijven; bouw ze naar verschillende uitvoermappen (-o)"
            )
            problems.append(Problem(str(target), message=message))
        problems += foreign_problems(target)
        if problems:
            found[index] = problems
    return found


def _overlap(target: Path, place: Path, roots: Sequence[Path]) -> list[Problem]:
    for root in roots:
        if place == root or place.is_relative_to(root) or root.is_relative_to(place):
            where = "de rapportmap zelf" if place == root else "in of over de rapportmap"
            message = (
                f"de uitvoer zou {where} {root} komen en die vervangen; "
                "kies met -o een uitvoermap buiten de rapportmappen"
            )
            return [Problem(str(target), message=message)]
    return []


def foreign_problems(target: Path) -> list[Problem]:
    """Why ``target`` is not ours to replace (nothing when it is absent or ours)."""
    if target.is_symlink():
        message = "is een symlink; jaarverslag vervangt alleen mappen die het zelf maakte"
        return [Problem(str(target), message=message)]
    if target.exists() and not is_ours(target):
        message = (
            f"bestaat al en is niet door jaarverslag gemaakt (er staat geen {MARKER} in); "
            "kies een andere uitvoermap, of ruim deze map zelf op"
        )
        return [Problem(str(target), message=message)]
    return []


def write(target: Path, files: Mapping[str, bytes]) -> None:
    """Replace ``target`` by a folder holding ``files`` (the marker among them) atomically."""
    if MARKER not in files:
        raise ValueError(f"an output folder needs its {MARKER}")
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    with _lock(parent):
        recover(parent, target.name)
        problems = foreign_problems(target)
        if problems:
            raise OutputRefused(problems)
        staging = _temporary(parent, target.name, NEW)
        os.mkdir(staging, 0o755)
        try:
            _fill(staging, files)
        except BaseException:
            _discard(staging, parent, target.name)
            raise
        if target.exists():
            _swap(staging, target)
        elif not _rename(staging, target, _RENAME_NOREPLACE):
            os.rename(staging, target)


def _fill(staging: Path, files: Mapping[str, bytes]) -> None:
    """The marker first: every staging folder is recognisably ours from its first byte on."""
    for relative in sorted(files, key=lambda name: name != MARKER):
        path = staging / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(files[relative])


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` in place of ``target`` with no moment where ``target`` is missing."""
    parent, name = target.parent, target.name
    if _rename(staging, target, _RENAME_EXCHANGE):
        _discard(staging, parent, name)  # staging now holds the previous output
        return
    # no atomic exchange here: two renames, and recover() restores the previous output if
    # the build dies between them
    old = _temporary(parent, name, OLD)
    os.rename(target, old)
    os.rename(staging, target)
    _discard(old, parent, name)


def _discard(path: Path, parent: Path, name: str) -> None:
    """Rename to a trash name first, so a folder half-deleted is still known to be trash."""
    trash = _temporary(parent, name, TRASH)
    os.rename(path, trash)
    shutil.rmtree(trash, ignore_errors=True)


def recover(parent: Path, name: str) -> None:
    """Clean up after an interrupted build of ``name``: restore the previous output if it is
    missing, remove staging and trash folders (also those of earlier versions of the tool)."""
    if not parent.is_dir():
        return
    target = parent / name
    ours = re.compile(rf"\.{re.escape(name)}\.jaarverslag-({NEW}|{OLD}|{TRASH})-[0-9a-f]+")
    legacy_old = re.compile(rf"\.{re.escape(name)}\.old\.[a-z0-9_]{{8}}")
    legacy_new = re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}")
    leftovers: list[tuple[str, Path]] = []
    for entry in sorted(parent.iterdir()):
        if match := ours.fullmatch(entry.name):
            leftovers.append((match.group(1), entry))
        elif legacy_old.fullmatch(entry.name):
            previous = entry / "previous"
            if not target.exists() and not target.is_symlink() and previous.is_dir():
                os.rename(previous, target)
            leftovers.append((TRASH, entry))
        elif legacy_new.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
            leftovers.append((TRASH, entry))
    for kind, entry in leftovers:
        if kind == OLD and not target.exists() and not target.is_symlink() and is_ours(entry):
            os.rename(entry, target)
            continue
        if entry.is_symlink() or not entry.is_dir():
            entry.unlink()
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _temporary(parent: Path, name: str, kind: str) -> Path:
    return parent / f".{name}.jaarverslag-{kind}-{secrets.token_hex(6)}"


@contextlib.contextmanager
def _lock(folder: Path) -> Iterator[None]:
    """An advisory lock on the output folder, so concurrent builds into it take turns."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _rename(source: Path, destination: Path, flags: int) -> bool:
    """``renameat2`` with ``flags``; False where the system or file system lacks it."""
    function = _renameat2()
    if function is None:
        return False
    result = function(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(destination), flags)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(destination))


def exchange_supported() -> bool:
    """Whether this system swaps folders in one atomic step (else: two renames + recovery)."""
    return _renameat2() is not None


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """glibc's ``renameat2`` (Linux), looked up once; None elsewhere."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    renameat2: Callable[..., int] = function
    return renameat2
