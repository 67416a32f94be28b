"""Writes a rapport's output folder: only over a folder the tool made, in one atomic step.

Every output folder holds a marker file, :data:`MARKER`, that says jaarverslag made it (and
records the build for the cache). A build replaces ``OUT/R`` only when it is absent or carries
that marker, and never when it would land in or over a rapport folder. The new folder is written
beside the old one and swapped in with a single ``renameat2(RENAME_EXCHANGE)``, so ``OUT/R`` is
never missing, even when the build is killed half-way; the next build removes or restores what
an interrupted one left (hidden folders named ``.R.jaarverslag-…``) — only a real folder holding
the marker, through descriptors that never follow a link, so a user's ``.R.original/`` or a
symlink with a leftover's name is never touched. Builds writing into the same output folder take
turns (an advisory lock on it).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import re
import secrets
import stat
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
    with _folder(parent) as parent_fd:
        if parent_fd is not None:
            _remove_ours(parent_fd, trash.name, empty_is_ours=True)


def recover(parent: Path, name: str) -> None:
    """Clean up after an interrupted build of ``name``: restore the previous output if it is
    missing, remove staging and trash folders (also those of earlier versions of the tool).

    Only what is recognisably ours is touched: a real folder (never through a symlink) with a
    leftover's name that holds our marker — or, for a staging or trash folder of this version,
    nothing at all (killed before the marker was written, or after the last file was deleted;
    the marker is written first and deleted last). A user's ``.R.original/`` stays.
    """
    with _folder(parent) as parent_fd:
        if parent_fd is not None:
            _recover(parent_fd, name)


def _recover(parent_fd: int, name: str) -> None:
    ours = re.compile(rf"\.{re.escape(name)}\.jaarverslag-({NEW}|{OLD}|{TRASH})-[0-9a-f]+")
    legacy_old = re.compile(rf"\.{re.escape(name)}\.old\.[a-z0-9_]{{8}}")
    legacy_new = re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}")
    for entry in sorted(os.listdir(parent_fd)):
        if match := ours.fullmatch(entry):
            if (
                match.group(1) == OLD
                and _absent(parent_fd, name)
                and _holds_marker(parent_fd, entry)
            ):
                os.rename(entry, name, src_dir_fd=parent_fd, dst_dir_fd=parent_fd)
            else:
                _remove_ours(parent_fd, entry, empty_is_ours=True)
        elif legacy_old.fullmatch(entry):
            _recover_legacy(parent_fd, entry, name)
        elif legacy_new.fullmatch(entry):
            _remove_ours(parent_fd, entry, empty_is_ours=False)


def _recover_legacy(parent_fd: int, entry: str, name: str) -> None:
    """An earlier version's ``.R.old.xxxxxxxx/previous``: the previous output, put back when
    ``R`` is missing, else removed; the folder around it goes once it is empty."""
    fd = _open_folder(entry, parent_fd)
    if fd is None:
        return
    try:
        if _holds_marker(fd, "previous"):
            if _absent(parent_fd, name):
                os.rename("previous", name, src_dir_fd=fd, dst_dir_fd=parent_fd)
            else:
                _remove_ours(fd, "previous", empty_is_ours=False)
        if not os.listdir(fd):
            with contextlib.suppress(OSError):
                os.rmdir(entry, dir_fd=parent_fd)
    finally:
        os.close(fd)


def _absent(parent_fd: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
    except FileNotFoundError:
        return True
    return False


def _open_folder(name: str, dir_fd: int) -> int | None:
    """A descriptor of the real folder ``name`` in ``dir_fd``; None for a symlink or a file."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except OSError:
        return None


def _holds_marker(dir_fd: int, name: str) -> bool:
    """Whether ``name`` in ``dir_fd`` is a real folder holding our marker as a regular file."""
    fd = _open_folder(name, dir_fd)
    if fd is None:
        return False
    try:
        return _marker_in(fd)
    finally:
        os.close(fd)


def _marker_in(fd: int) -> bool:
    try:
        info = os.stat(MARKER, dir_fd=fd, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode)


def _remove_ours(parent_fd: int, name: str, *, empty_is_ours: bool) -> None:
    """Delete the folder ``name`` if it is ours (it holds the marker, or is empty and
    ``empty_is_ours``): through descriptors, never following a link, its marker last."""
    fd = _open_folder(name, parent_fd)
    if fd is None:
        return
    try:
        if _marker_in(fd):
            _empty(fd, keep=MARKER)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(MARKER, dir_fd=fd)
        elif not (empty_is_ours and not os.listdir(fd)):
            return
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):  # not empty (someone wrote into it meanwhile): left
        os.rmdir(name, dir_fd=parent_fd)


def _empty(fd: int, keep: str | None = None) -> None:
    """Delete everything inside the folder ``fd`` (but ``keep``), links as links."""
    for entry in os.listdir(fd):
        if entry == keep:
            continue
        try:
            info = os.stat(entry, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            continue
        if stat.S_ISDIR(info.st_mode):
            inner = _open_folder(entry, fd)
            if inner is not None:
                try:
                    _empty(inner)
                finally:
                    os.close(inner)
            with contextlib.suppress(OSError):
                os.rmdir(entry, dir_fd=fd)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry, dir_fd=fd)


@contextlib.contextmanager
def _folder(path: Path) -> Iterator[int | None]:
    """A descriptor of the folder ``path`` (None when it is not there)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        yield None
        return
    try:
        yield fd
    finally:
        os.close(fd)


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
