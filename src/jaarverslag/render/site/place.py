"""Where a document's site stands: alone in ``R/site/``, or in a reeks's portal
(``R/<gemeente>/site/`` beside ``R/site/``) — the relative links that differ between the two.

Every link of a site is relative, so the folder can be put anywhere on any host; the search
index's addresses start at the rapport's output folder ``R/`` (:data:`INDEX_ROOT`).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The Content-Security-Policy of every page: its own files only. Scripts: the site's own
#: (Pagefind compiles its WebAssembly search, which needs ``'wasm-unsafe-eval'``); images may be
#: inline (``data:``: the charts and pictures are part of the page); nothing is fetched from or
#: sent to elsewhere.
CSP = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'"
)

#: The folder of a rapport's site under its output folder; its search index is ``site/pagefind``.
SITE = "site"
#: Names a section's page may not take in a site folder (its own pages and folders).
RESERVED = ("index", "zoeken", "toegankelijkheid", "vergelijking", "assets", "pagefind", "site")


@dataclass(frozen=True)
class Link:
    """A link as a page shows it: its text and its (relative) address."""

    text: str
    href: str


@dataclass(frozen=True)
class Place:
    """Where a document's site stands. Hrefs are relative to its site folder.

    ``up``: from the site folder to the rapport's output folder (where the search index's
    addresses start); ``shared``: the folder with the stylesheet, the script, the search page
    and the accessibility page (the portal's, in a reeks); ``portal``: the start page of the
    portal above it; ``peers``: the other documents of its group (``group``: its name, the
    grootteklasse); ``scope``: the name on its pages (a gemeente's) and the folder of its
    pages in the search index's addresses, so a search can keep to them.
    """

    up: str = "../"
    shared: str = ""
    portal: Link | None = None
    peers: tuple[Link, ...] = ()
    group: str | None = None
    scope: Link | None = None

    @property
    def own_assets(self) -> bool:
        """The site carries its own stylesheet, script and search page (it stands alone)."""
        return self.shared == ""


ALONE = Place()
