"""The search index of a site: Pagefind's, built once over every page of a rapport.

Pagefind (the ``pagefind`` binary of the PyPI package ``pagefind[bin]``) reads the pages and
writes a static index — the words of each page's ``<main>`` (``data-pagefind-body``), stemmed
in Dutch as the pages say ``lang="nl"`` — that its script (``pagefind.js``, with WebAssembly)
searches in the browser; no server does anything. The pages are written to a temporary folder
laid out as the output folder (``site/…``, a reeks's ``<gemeente>/site/…``), so the index's
addresses start at the rapport's output folder; the index is ``site/pagefind/``. The same
pages give the same bytes (Pagefind sorts what it reads and writes no time).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from jaarverslag.render.site.place import SITE

#: Where the index goes, under the rapport's output folder.
INDEX = f"{SITE}/pagefind"
#: Pagefind's own ready-made search interfaces: the site has its own (assets/site.js).
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
#: How long Pagefind may take (a reeks of 342 gemeenten takes seconds).
TIMEOUT = 600
#: A picture inside a page (a chart): Pagefind indexes its alt text, but would also copy the
#: first one whole into the page's entry of the index (as its image) and parse it for nothing.
_PICTURE = re.compile(rb'src="data:image/[a-z+.-]+;base64,[A-Za-z0-9+/=]*"')


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed: the site can't be made (an installation problem)."""


def is_page(path: str) -> bool:
    """A page of a site: ``site/….html``, or of a gemeente ``<slug>/site/….html``."""
    parts = path.split("/")
    return path.endswith(".html") and SITE in parts[:2] and "pagefind" not in parts


def search_index(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The index of every page in ``files`` (by path under the output folder), as
    ``site/pagefind/…``; nothing when there are no pages."""
    pages = {path: data for path, data in files.items() if is_page(path)}
    if not pages:
        return {}
    with tempfile.TemporaryDirectory(prefix="jaarverslag-zoekindex-") as name:
        root = Path(name) / "pagina"
        for path in sorted(pages):
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_PICTURE.sub(b'src=""', pages[path]))
        bundle = Path(name) / "index"
        _run(root, bundle)
        found = {
            p.relative_to(bundle).as_posix(): p.read_bytes()
            for p in sorted(bundle.rglob("*"))
            if p.is_file() and not p.name.startswith(UNUSED)
        }
    return {f"{INDEX}/{path}": data for path, data in found.items()}


def _run(site: Path, bundle: Path) -> None:
    binary = executable()
    command = [str(binary), "--site", str(site), "--output-path", str(bundle)]
    command += ["--keep-index-url", "--quiet"]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env={**os.environ, "NO_COLOR": "1"},
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"pagefind: {exc}") from None
    if done.returncode != 0 or "Error" in done.stderr:
        raise SearchIndexError(f"pagefind ({done.returncode}): {done.stderr.strip()[-2000:]}")


def executable() -> Path:
    """The pagefind binary (``$PAGEFIND_BINARY_PATH``, else the one of ``pagefind[bin]``)."""
    from pagefind.service import get_executable

    found = get_executable()
    if found is None:
        raise SearchIndexError("pagefind is niet geïnstalleerd: pip install 'pagefind[bin]'")
    return Path(found)
