"""The portal of a reeks (``R/site/``): find a gemeente as you type, the gemeenten grouped by
grootteklasse, one page comparing them all (a plain table that the site's script can sort), and
the search and accessibility pages that every gemeente's site shares. Each gemeente's own site
(``R/<gemeente>/site/``) stands in it (:func:`gemeente_place`): it links back to the portal and
to the gemeenten of its size.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from jaarverslag.core.model import Member, Overzicht
from jaarverslag.core.slugs import slug
from jaarverslag.render.site.pages import Chrome, about, assets, render_page
from jaarverslag.render.site.place import SITE, Link, Place

#: The portal as its gemeenten's pages name it.
PORTAL = "Alle gemeenten"
#: The group of gemeenten that gemeenten.csv gives no grootteklasse.
NO_GROUP = "Zonder grootteklasse"


@dataclass(frozen=True)
class Group:
    """The gemeenten of one grootteklasse, as the portal lists them (with their hrefs)."""

    name: str
    anchor: str
    members: tuple[tuple[Member, str], ...]


def gemeente_place(member: Member, members: Sequence[Member]) -> Place:
    """Where a gemeente's site stands in the portal of its reeks: its peers are the other
    gemeenten of ``members`` (those built) of its grootteklasse."""
    peers = tuple(
        Link(m.naam, f"../../{m.slug}/{SITE}/index.html")
        for m in sorted(members, key=order)
        if member.grootteklasse is not None
        and m.grootteklasse == member.grootteklasse
        and m.slug != member.slug
    )
    return Place(
        up="../../",
        shared=f"../../{SITE}/",
        portal=Link(PORTAL, f"../../{SITE}/index.html"),
        peers=peers,
        group=member.grootteklasse,
        scope=Link(member.naam, member.slug),
    )


def order(member: Member) -> tuple[str, str]:
    """Gemeenten in alphabetical order, as a reader looks them up ('s-Gravenhage under G)."""
    name = member.naam.lstrip("'’ ")
    if name[:2].lower() == "s-":
        name = name[2:]
    return slug(name, ""), member.slug


def groups(members: Sequence[Member]) -> list[Group]:
    """The gemeenten by grootteklasse, the largest gemeenten's group first; within a group
    alphabetically."""
    found: dict[str, list[Member]] = {}
    for member in members:
        found.setdefault(member.grootteklasse or NO_GROUP, []).append(member)

    def size(name: str) -> tuple[bool, int, str]:
        most = max((m.inwoners or 0) for m in found[name])
        return (name == NO_GROUP, -most, name)

    anchors = {name: f"groep-{slug(name, 'groep')}" for name in found}
    return [
        Group(
            name,
            anchors[name],
            tuple((m, f"../{m.slug}/{SITE}/index.html") for m in sorted(found[name], key=order)),
        )
        for name in sorted(found, key=size)
    ]


def portal_chrome(overview: Overzicht, pages: Collection[str]) -> Chrome:
    menu = [Link("Gemeenten", "index.html")]
    if "vergelijking.html" in pages:
        menu.append(Link("Vergelijking", "vergelijking.html"))
    menu.append(Link("Zoeken", "zoeken.html"))
    return Chrome(
        name=overview.titel,
        owner=PORTAL,
        home="index.html",
        menu=tuple(menu),
        downloads=(),
        shared="",
        up="../",
        datum=overview.datum,
    )


def reeks_portal(overview: Overzicht, folder: Path | None) -> dict[str, bytes]:
    """The portal's files under the reeks's folder (``site/…``): its pages, the pages every
    gemeente's site shares (search, accessibility), the stylesheet and the script."""
    names = ["index.html", "zoeken.html", "toegankelijkheid.html"]
    if overview.table is not None:
        names.append("vergelijking.html")
    chrome = portal_chrome(overview, names)
    hrefs = {m.naam: f"../{m.slug}/{SITE}/index.html" for m in overview.members}
    context = {
        "chrome": chrome,
        "ov": overview,
        "groups": groups(overview.members),
        "hrefs": hrefs,
        "chapters": (),
        "csv": None,
        "doc": None,
    }
    titles = {
        "index.html": overview.titel,
        "vergelijking.html": f"Vergelijking van alle gemeenten — {overview.titel}",
        "zoeken.html": f"Zoeken — {overview.titel}",
        "toegankelijkheid.html": f"Toegankelijkheid — {overview.titel}",
    }
    templates = {
        "index.html": "site/portal.html",
        "vergelijking.html": "site/vergelijking.html",
        "zoeken.html": "site/zoeken.html",
        "toegankelijkheid.html": "site/toegankelijkheid.html",
    }
    files = {
        f"{SITE}/{name}": render_page(
            templates[name], folder, {**context, "title": titles[name], "current": name}
        )
        for name in names
    }
    files[f"{SITE}/site.json"] = about_portal(overview)
    return files | assets(folder)


def about_portal(overview: Overzicht) -> bytes:
    """``site.json`` of the portal: a reeks of ``gemeenten`` documents."""
    from jaarverslag.core.model import Document

    document = Document(
        titel=overview.titel,
        organisatie=PORTAL,
        soort=overview.soort,
        jaar=overview.jaar,
        datum=overview.datum,
        ondertitel=overview.ondertitel,
    )
    return about(document, gemeenten=len(overview.members))
