"""Importing WeasyPrint without its slow search for its C libraries.

WeasyPrint opens gobject, pango, harfbuzz and fontconfig through cffi, trying the names of
several platforms in turn (``libgobject-2.0-0``, ``gobject-2.0-0``, ``gobject-2.0``…). For each
name that isn't this platform's, :func:`ctypes.util.find_library` runs ``ldconfig``, ``gcc`` and
``ld`` before it gives up: ≈ 11 ms a name, 22 names on Linux, ≈ 0.2 s of the ≈ 0.55 s the
import takes — and a single PDF build waits for that import. :func:`load_weasyprint` imports
WeasyPrint with ``find_library`` answered from one reading of ``ldconfig``'s cache, the way
``find_library`` reads it first itself, when that cache lists every library WeasyPrint needs;
otherwise (no ``ldconfig``, libraries found some other way) the search is left as it is. Either
way the same libraries are opened: a name is answered with the soname ``find_library`` gives.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator

from jaarverslag.core.startup import quiet_imports

#: The libraries WeasyPrint can't do without, by the name ``find_library`` is asked.
NEEDED = ("gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0")

_SONAME = re.compile(r"^\s+(lib\S+\.so\S*)\s+\(", re.MULTILINE)


def ldconfig_sonames() -> list[str]:
    """The sonames in this machine's ``ldconfig`` cache (empty when it can't be read)."""
    for program in ("/sbin/ldconfig", "/usr/sbin/ldconfig"):
        if not os.path.exists(program):
            continue
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(
                [program, "-p"],
                capture_output=True,
                env={"LC_ALL": "C", "LANG": "C"},
                timeout=10,
                check=False,
            )
            if done.returncode == 0:
                return _SONAME.findall(done.stdout.decode("utf-8", "replace"))
    return []


def lookup_from(sonames: list[str]) -> Callable[[str], str | None] | None:
    """A ``find_library`` answered from ``sonames`` as ``find_library`` answers from the same
    cache (the first soname ``lib<name>.…``); None when a library WeasyPrint needs is not in
    it."""

    def find(name: str) -> str | None:
        prefix = f"lib{name}."
        return next((s for s in sonames if s.startswith(prefix)), None)

    return find if all(find(name) for name in NEEDED) else None


@contextlib.contextmanager
def quick_lookup() -> Iterator[None]:
    find = lookup_from(ldconfig_sonames())
    if find is None:
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = find  # type: ignore[assignment]  # the same signature, as a def
    try:
        yield
    finally:
        ctypes.util.find_library = original


def load_weasyprint() -> None:
    """Import WeasyPrint (once per process), its libraries looked up quickly where possible."""
    if "weasyprint" in sys.modules:
        return
    with quiet_imports(), quick_lookup():
        import weasyprint  # noqa: F401
