"""``/api/rapporten/N/versies``: the history of every file, and restoring any version.

- ``GET …/versies`` (``?pad=`` for one file, ``?voor=<id>``, ``?aantal=``) → the versions,
  newest first, each with whether it is a file's current one, a page at a time: ``meer`` says
  whether older ones follow (ask again with ``voor`` the last one's ``versie``)
- ``GET …/versies/<id>`` → that version's content
- ``POST …/versies/<id>/herstellen`` → a new version with that content (201); the history
  stays as it was
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web import audit, versions
from jaarverslag.web.access import Actor
from jaarverslag.web.api.bestanden import check_after
from jaarverslag.web.api.common import download, in_db, visible
from jaarverslag.web.auth import Caller, werkplek
from jaarverslag.web.context import Werkplek
from jaarverslag.web.errors import Refused
from jaarverslag.web.models import Version

router = APIRouter(prefix="/api/rapporten")

NO_VERSION = "dit rapport heeft geen versie {id}"


PAGE = 1000  #: versions in one answer, at most and by default


@router.get("/{naam}/versies")
async def history(
    naam: str,
    request: Request,
    who: Caller,
    pad: str | None = None,
    voor: int | None = None,
    aantal: int = PAGE,
) -> Any:
    def work(session: DbSession, _place: Werkplek) -> dict[str, Any]:
        found = visible(session, who, naam)
        now = versions.current_ids(session, found.rapport.id)
        page = versions.history(
            session, found.rapport.id, pad, limit=max(1, min(aantal, PAGE)), before=voor
        )
        return {"versies": [versions.as_json(v, now) for v in page.rows], "meer": page.more}

    return await in_db(request, work, write=False)


def _version(session: DbSession, who: Actor, naam: str, version_id: int, write: bool) -> Version:
    found = visible(session, who, naam, write=write)
    version = versions.find(session, found.rapport.id, version_id)
    if version is None:
        raise Refused(404, NO_VERSION.format(id=version_id))
    return version


@router.get("/{naam}/versies/{versie}")
async def content(naam: str, versie: int, request: Request, who: Caller) -> Any:
    def work(session: DbSession, _place: Werkplek) -> Version:
        return _version(session, who, naam, versie, False)

    version = await in_db(request, work, write=False)
    if version.digest is None:
        raise Refused(404, f"versie {versie} is een verwijdering en heeft geen inhoud")
    return download(werkplek(request), version.digest, version.path)


@router.post("/{naam}/versies/{versie}/herstellen")
async def restore(naam: str, versie: int, request: Request, who: Caller) -> Any:
    def work(session: DbSession, _place: Werkplek) -> tuple[dict[str, Any], versions.Snapshot]:
        old = _version(session, who, naam, versie, True)
        new = versions.restore(session, old.rapport_id, old, who.id)
        audit.record(
            session, "versie-hersteld", who.name, naam, who.address, pad=old.path,
            versie=versie, nieuwe_versie=new.id,
        )  # fmt: skip
        return versions.as_json(new), versions.as_now(session, old.rapport_id)

    made, after = await in_db(request, work, write=True)
    result = check_after(werkplek(request), who, naam, after)
    return JSONResponse({"versie": made, "controle": result, "staat": after[2]}, status_code=201)
