"""Pagefind, the static search index of the website (issue 23), as the tests and the bench
call it: the binary that the PyPI package ``pagefind[bin]`` (or ``[extended]``) carries, run on
a built site folder, and a digest of its output to check that two builds are byte-identical.

    from support.pagefind_probe import build_index, tree_digest

    stats = build_index(site)               # writes site/pagefind/; {"pages": 3, "words": 38, …}
    assert tree_digest(site / "pagefind") == tree_digest(other / "pagefind")

Searching needs a browser (the index is read by ``pagefind/pagefind.js`` and WebAssembly):
see ``test_pagefind_finds_dutch_words_by_their_stem`` in ``tests/test_support_infra.py``.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path


def pagefind_binary() -> Path | None:
    """The pagefind executable: ``$PAGEFIND_BINARY_PATH``, else the one a PyPI package ships
    (``pagefind_bin_extended`` before ``pagefind_bin``, as ``python -m pagefind`` picks)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    found = get_executable()
    return Path(found) if found else None


def build_index(site: Path, *options: str, timeout: float = 300) -> dict[str, int]:
    """Index every ``*.html`` of ``site`` into ``site/pagefind/``; the counts pagefind reports
    (languages, pages, words, filters, sorts). ``options``: more command-line options, e.g.
    ``--root-selector main`` or ``--force-language nl``. Raises with pagefind's output on an
    error; an HTML page without ``lang`` is indexed as language "unknown" (no stemming)."""
    binary = pagefind_binary()
    if binary is None:
        raise FileNotFoundError("pagefind is not installed: pip install 'pagefind[bin]'")
    done = subprocess.run(
        [str(binary), "--site", str(site), *options],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )
    if done.returncode != 0 or "Error" in done.stderr:
        raise RuntimeError(f"pagefind failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    counts: dict[str, int] = {}
    for number, what in re.findall(r"Indexed (\d+) (language|page|word|filter|sort)", done.stdout):
        counts[what + "s"] = int(number)
    return counts


def tree_digest(folder: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``folder``, for comparing two builds."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
