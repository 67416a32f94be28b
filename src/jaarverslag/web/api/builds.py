"""``/api/rapporten/N/builds``: build the rapport in any formats, and download what it made.

- ``POST …/builds`` ``{"formaten": [...], "gemeenten": [...]}`` → 202 ``{"id": …}`` (the
  formats of ``rapport.yaml`` when none are given; ``gemeenten``: of a reeks, only these)
- ``GET …/builds`` → the builds of the rapport, newest first
- ``GET …/builds/<id>`` → its status (``wachtrij``, ``bezig``, ``klaar``, ``mislukt``), messages
  and files
- ``GET …/builds/<id>/<bestand>`` → a file it made (``N.pdf``, ``tabellen/kosten.csv``), or a
  folder of them as a zip (``tabellen.zip``: the open data)
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from jaarverslag.core.kinds import FORMATS
from jaarverslag.web import audit, builds, names, versions
from jaarverslag.web.access import Actor
from jaarverslag.web.api.common import disposition, download, in_db, visible
from jaarverslag.web.api.rapporten import json_body
from jaarverslag.web.auth import Caller, werkplek
from jaarverslag.web.context import Werkplek
from jaarverslag.web.errors import Refused
from jaarverslag.web.models import Build

router = APIRouter(prefix="/api/rapporten")

NO_BUILD = "dit rapport heeft geen bouw {id}"
KEPT = 50  #: builds listed


def _formats(body: dict[str, Any]) -> list[str]:
    chosen = body.get("formaten", [])
    if chosen is None:
        return []
    wrong = not isinstance(chosen, list) or any(f not in FORMATS for f in chosen)
    if wrong or len(set(chosen)) != len(chosen):
        raise Refused(422, f"formaten: kies uit {', '.join(FORMATS)}")
    return [f for f in FORMATS if f in chosen]


def _gemeenten(body: dict[str, Any]) -> list[str] | None:
    chosen = body.get("gemeenten")
    if chosen is None:
        return None
    if not isinstance(chosen, list) or not all(isinstance(g, str) and g for g in chosen):
        raise Refused(422, "gemeenten: een lijst van namen van gemeenten")
    return chosen


@router.post("/{naam}/builds", status_code=202)
async def start(naam: str, request: Request, who: Caller) -> Any:
    body = await json_body(request)
    unknown = sorted(set(body) - {"formaten", "gemeenten"})
    if unknown:
        raise Refused(422, f"onbekend veld: {', '.join(unknown)} (wel: formaten, gemeenten)")
    formats, gemeenten = _formats(body), _gemeenten(body)

    def work(session: DbSession, _place: Werkplek) -> Build:
        found = visible(session, who, naam, write=True)
        build = Build(
            rapport_id=found.rapport.id,
            user_id=who.id,
            formats=formats,
            gemeenten=gemeenten,
            inputs=versions.snapshot(session, found.rapport.id),
        )
        session.add(build)
        session.flush()
        audit.record(
            session, "bouw-gestart", who.name, naam, who.address, bouw=build.id, formaten=formats
        )
        return build

    build = await in_db(request, work, write=True)
    builds.submit(werkplek(request), build, who.name, naam)

    def show_it(session: DbSession, place: Werkplek) -> dict[str, Any]:
        found = session.get(Build, build.id)
        assert found is not None
        return builds.as_json(place, found, naam)

    shown = await in_db(request, show_it, write=False)
    location = {"Location": f"/api/rapporten/{naam}/builds/{build.id}"}
    return JSONResponse(shown, status_code=202, headers=location | ask_again(shown))


@router.get("/{naam}/builds")
async def list_builds(naam: str, request: Request, who: Caller) -> Any:
    def work(session: DbSession, place: Werkplek) -> dict[str, Any]:
        found = visible(session, who, naam)
        rows = session.scalars(
            select(Build)
            .where(Build.rapport_id == found.rapport.id)
            .order_by(Build.id.desc())
            .limit(KEPT)
        )
        return {"builds": [builds.as_json(place, b, naam) for b in rows]}

    return await in_db(request, work, write=False)


def ask_again(shown: dict[str, Any]) -> dict[str, str]:
    """While a build waits or runs, its ``opnieuw_over`` also as ``Retry-After``."""
    after = shown.get("opnieuw_over")
    return {"Retry-After": str(after)} if after else {}


def _build(session: DbSession, who: Actor, naam: str, build_id: int) -> Build:
    found = visible(session, who, naam)
    build = session.get(Build, build_id)
    if build is None or build.rapport_id != found.rapport.id:
        raise Refused(404, NO_BUILD.format(id=build_id))
    return build


@router.get("/{naam}/builds/{build_id}")
async def show(naam: str, build_id: int, request: Request, who: Caller) -> Any:
    def work(session: DbSession, place: Werkplek) -> dict[str, Any]:
        return builds.as_json(place, _build(session, who, naam, build_id), naam)

    found = await in_db(request, work, write=False)
    return JSONResponse(found, headers=ask_again(found))


@router.get("/{naam}/builds/{build_id}/{bestand:path}")
async def file(naam: str, build_id: int, bestand: str, request: Request, who: Caller) -> Any:
    def work(session: DbSession, _place: Werkplek) -> Build:
        return _build(session, who, naam, build_id)

    build = await in_db(request, work, write=False)
    place = werkplek(request)
    for made in build.files:
        if made["pad"] == bestand:
            return download(place, made["sha256"], made["pad"])
    if bestand.endswith(".zip"):
        content = builds.zipped(place, build, bestand.removesuffix(".zip"))
        if content is not None:
            name = bestand.replace("/", "-")
            return Response(
                content,
                media_type="application/zip",
                headers={
                    "Content-Disposition": disposition(f"{naam}-{name}"),
                    "Content-Security-Policy": "default-src 'none'; sandbox",
                },
            )
    raise Refused(404, f"bouw {build_id} maakte geen {names.shown(bestand)}")
