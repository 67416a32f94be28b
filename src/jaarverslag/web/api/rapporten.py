"""``/api/rapporten``: the rapporten you may see, a new one from the starter, and its members.

- ``GET /api/rapporten`` → ``{"rapporten": [{"naam", "rol"}]}``
- ``POST /api/rapporten`` ``{"naam": N, "excel": bool}`` → 201, the rapport (its files are
  ``jaarverslag new N [--excel]``'s, made by the same function)
- ``GET /api/rapporten/N`` → the rapport, your role, its members
- ``GET /api/rapporten/N/leden``; ``PUT /api/rapporten/N/leden/<gebruiker>`` ``{"rol":
  "schrijver"|"lezer"}``; ``DELETE`` likewise (a rapport keeps at least one schrijver)
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web import access, audit, names, versions
from jaarverslag.web.access import Access
from jaarverslag.web.accounts import find_user
from jaarverslag.web.api.common import in_db, json_body_object, visible
from jaarverslag.web.auth import Caller
from jaarverslag.web.context import Werkplek
from jaarverslag.web.errors import Refused
from jaarverslag.web.models import ROLES, Member, Rapport

router = APIRouter(prefix="/api/rapporten")

TAKEN = "de naam {naam} is al in gebruik; kies een andere"
LAST_WRITER = "een rapport houdt minstens één schrijver"


async def json_body(request: Request) -> dict[str, Any]:
    try:
        return json_body_object(json.loads(await request.body() or b"{}"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(400, f"de inhoud van het verzoek is geen JSON ({exc})") from exc


def rapport_json(session: DbSession, found: Access) -> dict[str, Any]:
    return {
        "naam": found.rapport.name,
        "rol": found.role,
        "aangemaakt": found.rapport.created.isoformat(),
        "leden": [
            {"gebruiker": m.user.name, "rol": m.role}
            for m in access.members(session, found.rapport.id)
        ],
        "staat": versions.state(session, found.rapport.id),
    }


@router.get("")
async def list_rapporten(request: Request, who: Caller) -> dict[str, Any]:
    def work(session: DbSession, _place: Werkplek) -> dict[str, Any]:
        seen = access.rapporten(session, who)
        return {"rapporten": [{"naam": a.rapport.name, "rol": a.role} for a in seen]}

    return await in_db(request, work, write=False)


@router.post("", status_code=201)
async def create(request: Request, response: Response, who: Caller) -> Any:
    body = await json_body(request)
    unknown = sorted(set(body) - {"naam", "excel", "leeg"})
    if unknown:
        raise Refused(422, f"onbekend veld: {', '.join(unknown)} (wel: naam, excel, leeg)")
    try:
        name = names.rapport_name(body.get("naam", ""))
    except names.NameRefused as exc:
        raise Refused(422, str(exc)) from exc
    excel, empty = body.get("excel", False), body.get("leeg", False)
    if not isinstance(excel, bool) or not isinstance(empty, bool):
        raise Refused(422, "excel en leeg zijn true of false")
    files: dict[str, bytes] = {}
    if not empty:
        from jaarverslag.commands.new import starter

        files = starter(name, name, excel=excel)

    def work(session: DbSession, place: Werkplek) -> dict[str, Any]:
        if session.scalar(select(Rapport.id).where(Rapport.name == name)) is not None:
            raise Refused(409, TAKEN.format(naam=name))
        rapport = Rapport(name=name, created_by=who.id)
        session.add(rapport)
        try:
            session.flush()
        except IntegrityError as exc:  # made by someone else a moment ago
            raise Refused(409, TAKEN.format(naam=name)) from exc
        session.add(Member(rapport_id=rapport.id, user_id=who.id, role="schrijver"))
        for path, content in sorted(files.items()):
            digest = place.store.put(content)
            versions.save(
                session, rapport.id, path, digest, len(content), who.id, kind="aangemaakt"
            )
        audit.record(
            session, "rapport-aangemaakt", who.name, name, who.address, excel=excel, leeg=empty
        )
        session.flush()
        return rapport_json(session, Access(rapport, "schrijver"))

    made = await in_db(request, work, write=True)
    response.headers["Location"] = f"/api/rapporten/{name}"
    return made


@router.get("/{naam}")
async def show(naam: str, request: Request, who: Caller) -> dict[str, Any]:
    def work(session: DbSession, _place: Werkplek) -> dict[str, Any]:
        return rapport_json(session, visible(session, who, naam))

    return await in_db(request, work, write=False)


@router.get("/{naam}/leden")
async def list_members(naam: str, request: Request, who: Caller) -> Any:
    def work(session: DbSession, _place: Werkplek) -> dict[str, Any]:
        found = visible(session, who, naam)
        return {"leden": rapport_json(session, found)["leden"]}

    return await in_db(request, work, write=False)


@router.put("/{naam}/leden/{gebruiker}")
async def set_member(naam: str, gebruiker: str, request: Request, who: Caller) -> dict[str, Any]:
    body = await json_body(request)
    role = body.get("rol")
    if role not in ROLES:
        raise Refused(422, "rol: kies schrijver of lezer")

    def work(session: DbSession, _place: Werkplek) -> dict[str, Any]:
        found = visible(session, who, naam, write=True)
        user = find_user(session, gebruiker)
        if user is None or not user.active:
            raise Refused(404, f"er is geen gebruiker {names.shown(gebruiker)}")
        member = session.get(Member, (found.rapport.id, user.id))
        if member is None:
            session.add(Member(rapport_id=found.rapport.id, user_id=user.id, role=role))
        else:
            if member.role == "schrijver" and role != "schrijver":
                _keep_a_writer(session, found.rapport.id, user.id)
            member.role = role
        audit.record(
            session, "lid-gewijzigd", who.name, naam, who.address, gebruiker=user.name, rol=role
        )
        session.flush()
        return rapport_json(session, visible(session, who, naam))

    return await in_db(request, work, write=True)


@router.delete("/{naam}/leden/{gebruiker}")
async def remove_member(naam: str, gebruiker: str, request: Request, who: Caller) -> dict[str, Any]:
    def work(session: DbSession, _place: Werkplek) -> dict[str, Any]:
        found = visible(session, who, naam, write=True)
        user = find_user(session, gebruiker)
        member = session.get(Member, (found.rapport.id, user.id)) if user is not None else None
        if user is None or member is None:
            raise Refused(404, f"{names.shown(gebruiker)} is geen lid van dit rapport")
        if member.role == "schrijver":
            _keep_a_writer(session, found.rapport.id, user.id)
        session.delete(member)
        audit.record(session, "lid-verwijderd", who.name, naam, who.address, gebruiker=user.name)
        session.flush()
        if user.id == who.id and not who.admin:
            return {"leden": []}
        return rapport_json(session, visible(session, who, naam))

    return await in_db(request, work, write=True)


def _keep_a_writer(session: DbSession, rapport_id: int, leaving: int) -> None:
    others = session.scalars(
        select(Member.user_id).where(
            Member.rapport_id == rapport_id, Member.role == "schrijver", Member.user_id != leaving
        )
    ).all()
    if not others:
        raise Refused(409, LAST_WRITER)
