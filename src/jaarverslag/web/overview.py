"""The beheerder's view of the whole werkplek: the users (how they log in, when they last did,
their rapports and roles), every rapport with the storage it uses, the builds that wait or run
now and the build queues — as a page (``/beheer``) and as JSON for IT's scripts:

- ``GET /api/beheer/gebruikers`` → ``{"gebruikers": [...]}``
- ``GET /api/beheer/overzicht`` → ``{"gebruikers", "rapporten", "builds", "wachtrij",
  "opslag"}``

Beheerders only; anyone else gets 403 (they know the page exists: it is in the manual). The
storage of a rapport is the size of the distinct contents its versions hold (the store keeps
each content once, so rapports that share a file share its bytes); ``opslag`` is the file
store on disk as a whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web.api.common import in_db
from jaarverslag.web.auth import Caller, werkplek
from jaarverslag.web.context import Werkplek
from jaarverslag.web.errors import Refused
from jaarverslag.web.models import Build, Identity, Member, Rapport, User, Version

router = APIRouter()

ADMINS_ONLY = "alleen een beheerder kan dit zien"
RUNNING = ("wachtrij", "bezig")


def _moment(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def users(db: DbSession) -> list[dict[str, Any]]:
    """Every user, with how they log in and their rapports (name → role)."""
    sso = set(db.scalars(select(Identity.user_id)))
    roles: dict[int, dict[str, str]] = {}
    for user_id, name, role in db.execute(
        select(Member.user_id, Rapport.name, Member.role)
        .join(Rapport, Rapport.id == Member.rapport_id)
        .order_by(Rapport.name)
    ):
        roles.setdefault(user_id, {})[name] = role
    return [
        {
            "naam": u.name,
            "weergavenaam": u.display_name,
            "email": u.email,
            "beheerder": u.admin,
            "actief": u.active,
            "sso": u.id in sso,
            "wachtwoord": u.password is not None,
            "aangemaakt": _moment(u.created),
            "laatst_ingelogd": _moment(u.last_login),
            "rapporten": roles.get(u.id, {}),
        }
        for u in db.scalars(select(User).order_by(User.name))
    ]


def rapporten(db: DbSession) -> list[dict[str, Any]]:
    """Every rapport: its members, versions, the bytes of its distinct contents, last change."""
    distinct_sizes = (
        select(Version.rapport_id, Version.digest, func.max(Version.size).label("size"))
        .where(Version.digest.is_not(None))
        .group_by(Version.rapport_id, Version.digest)
        .subquery()
    )
    sizes = dict(
        db.execute(
            select(distinct_sizes.c.rapport_id, func.sum(distinct_sizes.c.size)).group_by(
                distinct_sizes.c.rapport_id
            )
        ).all()
    )
    counts = {
        rapport_id: (number, last)
        for rapport_id, number, last in db.execute(
            select(Version.rapport_id, func.count(Version.id), func.max(Version.at)).group_by(
                Version.rapport_id
            )
        )
    }
    members = dict(
        db.execute(
            select(Member.rapport_id, func.count(distinct(Member.user_id))).group_by(
                Member.rapport_id
            )
        ).all()
    )
    return [
        {
            "naam": r.name,
            "aangemaakt": _moment(r.created),
            "leden": int(members.get(r.id, 0)),
            "versies": int(counts.get(r.id, (0, None))[0]),
            "laatst_gewijzigd": _moment(counts.get(r.id, (0, None))[1]),
            "opslag": int(sizes.get(r.id) or 0),
        }
        for r in db.scalars(select(Rapport).order_by(Rapport.name))
    ]


def running_builds(db: DbSession) -> list[dict[str, Any]]:
    rows = db.execute(
        select(Build, Rapport.name)
        .join(Rapport, Rapport.id == Build.rapport_id)
        .where(Build.state.in_(RUNNING))
        .order_by(Build.id)
    )
    return [
        {
            "id": b.id,
            "rapport": name,
            "door": b.user.name,
            "formaten": list(b.formats),
            "status": b.state,
            "aangemaakt": _moment(b.created),
            "gestart": _moment(b.started),
        }
        for b, name in rows
    ]


def store_size(root: Path) -> int:
    """Bytes of the file store on disk."""
    if not root.is_dir():
        return 0
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def _overview(session: DbSession, place: Werkplek) -> dict[str, Any]:
    return {
        "gebruikers": users(session),
        "rapporten": rapporten(session),
        "builds": running_builds(session),
        "opslag": store_size(place.store.root),
    }


async def _everything(request: Request, who: Any) -> dict[str, Any]:
    if not who.admin:
        raise Refused(403, ADMINS_ONLY)
    found = await in_db(request, _overview, write=False)
    found["wachtrij"] = werkplek(request).workers.stats()
    return found


@router.get("/api/beheer/gebruikers")
async def users_api(request: Request, who: Caller) -> Any:
    if not who.admin:
        raise Refused(403, ADMINS_ONLY)
    return {"gebruikers": await in_db(request, lambda s, _p: users(s), write=False)}


@router.get("/api/beheer/overzicht")
async def overview_api(request: Request, who: Caller) -> Any:
    return await _everything(request, who)


@router.get("/beheer")
async def overview_page(request: Request) -> Response:
    from jaarverslag.web.pages import render, who

    found = await _everything(request, await who(request))
    return render(request, "beheer.html", **found)
