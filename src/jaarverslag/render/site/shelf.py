"""The portal over the rapports of one run (``OUT/site/``): every document's site, grouped by
organisation, a row per year and a column per kind of the P&C cycle (begroting, jaarverslag,
beleidsplan), so last year's jaarverslag stands beside this year's begroting.

What it lists comes from each rapport's ``site/site.json`` on disk (:mod:`.pages` writes it), so
a rapport the run reused from the cache is listed as one it built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jaarverslag.core.slugs import slug
from jaarverslag.render.site.pages import Chrome, assets, render_page
from jaarverslag.render.site.place import SITE, Link

TITLE = "Alle documenten"
#: The kinds of document in the order of the P&C cycle: the plan, then the account of it.
CYCLE = ("begroting", "jaarverslag", "beleidsplan")


@dataclass(frozen=True)
class Shelved:
    """A rapport's site as the portal lists it: its output folder and what it is."""

    folder: str
    titel: str
    organisatie: str
    soort: str
    jaar: int
    ondertitel: str | None = None
    gemeenten: int | None = None  #: a reeks: its portal over this many gemeenten

    @property
    def href(self) -> str:
        return f"../{self.folder}/{SITE}/index.html"


@dataclass(frozen=True)
class Shelf:
    """One organisation's documents: the kinds it has, and per year (latest first) the
    documents of each kind."""

    organisatie: str
    anchor: str
    soorten: tuple[str, ...]
    years: tuple[tuple[int, tuple[tuple[Shelved, ...], ...]], ...]


def shelves(entries: Sequence[Shelved]) -> list[Shelf]:
    found: dict[str, list[Shelved]] = {}
    for entry in entries:
        found.setdefault(entry.organisatie, []).append(entry)
    result = []
    for organisatie in sorted(found, key=lambda o: (slug(o, ""), o)):
        own = found[organisatie]
        kinds = {e.soort for e in own}
        soorten = tuple(s for s in (*CYCLE, *sorted(kinds - set(CYCLE))) if s in kinds)
        years = tuple(
            (
                jaar,
                tuple(
                    tuple(
                        sorted(
                            (e for e in own if e.jaar == jaar and e.soort == soort),
                            key=lambda e: (e.titel, e.folder),
                        )
                    )
                    for soort in soorten
                ),
            )
            for jaar in sorted({e.jaar for e in own}, reverse=True)
        )
        anchor = f"organisatie-{slug(organisatie, 'organisatie')}"
        result.append(Shelf(organisatie, anchor, soorten, years))
    return result


def shelf_site(entries: Sequence[Shelved], datum: str) -> dict[str, bytes]:
    """The portal's files by path under its folder (``index.html``, ``toegankelijkheid.html``,
    ``assets/…``); ``datum``: the latest of its documents' dates."""
    found = shelves(entries)
    chrome = Chrome(
        name=TITLE,
        owner=None,
        home="index.html",
        menu=tuple(Link(s.organisatie, f"index.html#{s.anchor}") for s in found),
        downloads=(),
        shared="",
        up="../",
        datum=datum,
        search=False,
    )
    context = {"chrome": chrome, "shelves": found, "chapters": (), "doc": None, "csv": None}
    pages = {
        "index.html": ("site/shelf.html", TITLE),
        "toegankelijkheid.html": ("site/toegankelijkheid.html", f"Toegankelijkheid — {TITLE}"),
    }
    files = {
        name: render_page(template, None, {**context, "title": title, "current": name})
        for name, (template, title) in pages.items()
    }
    files |= {path.removeprefix(f"{SITE}/"): data for path, data in assets(None).items()}
    return files
