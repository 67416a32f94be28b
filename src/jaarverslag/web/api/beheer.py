"""Who you are, your API tokens, and what a beheerder reads: the audit log and the queues.

- ``GET /api/ik`` → ``{"naam", "beheerder"}``
- ``GET /api/tokens``; ``POST /api/tokens`` → 201 ``{"token": …}`` (shown once);
  ``DELETE /api/tokens/<id>`` revokes it
- ``GET /api/audit`` (``?rapport=``, ``?gebruiker=``, ``?voor=<id>``, ``?aantal=``): beheerders
- ``GET /api/wachtrij``: beheerders — per lane how many jobs wait and run, how many finished,
  failed, took too long or crashed, and the waiting and running times
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web import accounts, audit
from jaarverslag.web.api.common import in_db
from jaarverslag.web.auth import Caller, werkplek
from jaarverslag.web.context import Werkplek
from jaarverslag.web.errors import Refused
from jaarverslag.web.models import User

router = APIRouter(prefix="/api")

ADMINS_ONLY = "alleen een beheerder kan dit zien"


@router.get("/ik")
async def me(who: Caller) -> dict[str, Any]:
    return {"naam": who.name, "beheerder": who.admin, "via": who.via}


@router.get("/tokens")
async def tokens(request: Request, who: Caller) -> Any:
    def work(session: DbSession, _place: Werkplek) -> dict[str, Any]:
        user = session.get(User, who.id)
        assert user is not None
        return {
            "tokens": [
                {
                    "id": t.id,
                    "begin": t.start + "…",
                    "aangemaakt": t.created.isoformat(),
                    "laatst_gebruikt": t.last_used.isoformat() if t.last_used else None,
                    "ingetrokken": t.revoked.isoformat() if t.revoked else None,
                }
                for t in accounts.tokens_of(session, user)
            ]
        }

    return await in_db(request, work, write=False)


@router.post("/tokens", status_code=201)
async def new_token(request: Request, who: Caller) -> Any:
    def work(session: DbSession, _place: Werkplek) -> str:
        user = session.get(User, who.id)
        assert user is not None
        secret = accounts.new_token(session, user)
        audit.record(session, "token-gemaakt", who.name, None, who.address)
        return secret

    return JSONResponse({"token": await in_db(request, work, write=True)}, status_code=201)


@router.delete("/tokens/{token_id}")
async def revoke(token_id: int, request: Request, who: Caller) -> Any:
    def work(session: DbSession, _place: Werkplek) -> None:
        user = session.get(User, who.id)
        assert user is not None
        if accounts.revoke_tokens(session, user, token_id) == 0:
            raise Refused(404, f"u hebt geen geldig token {token_id}")
        audit.record(session, "token-ingetrokken", who.name, None, who.address, token=token_id)

    await in_db(request, work, write=True)
    return {"ingetrokken": token_id}


@router.get("/audit")
async def audit_log(
    request: Request,
    who: Caller,
    rapport: str | None = None,
    gebruiker: str | None = None,
    voor: int | None = None,
    aantal: int = 100,
) -> Any:
    if not who.admin:
        raise Refused(403, ADMINS_ONLY)

    def work(session: DbSession, _place: Werkplek) -> dict[str, Any]:
        found = audit.entries(
            session, limit=max(1, min(aantal, 1000)), before=voor, rapport=rapport, user=gebruiker
        )
        return {"audit": [audit.as_json(e) for e in found.rows], "meer": found.more}

    return await in_db(request, work, write=False)


@router.get("/wachtrij")
async def queues(request: Request, who: Caller) -> Any:
    if not who.admin:
        raise Refused(403, ADMINS_ONLY)
    return werkplek(request).workers.stats()
