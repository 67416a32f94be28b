"""The audit log: who logged in, uploaded, built, inserted, restored and shared what, when and
from where. Only ever added to — the database itself refuses to change or delete a row (a
trigger of the first migration) — and read by a beheerder (``GET /api/audit``, the page
*Auditlog*)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web.db import Page, page
from jaarverslag.web.models import AuditEntry

#: Every action the log knows, with how the page says it.
ACTIONS = {
    "ingelogd": "ingelogd",
    "inloggen-mislukt": "inloggen mislukt",
    "uitgelogd": "uitgelogd",
    "gebruiker-aangemaakt": "gebruiker aangemaakt",
    "gebruiker-gewijzigd": "gebruiker gewijzigd",
    "beheerder-gewijzigd": "beheerder of niet (volgens de inlogdienst)",
    "token-gemaakt": "API-token gemaakt",
    "token-ingetrokken": "API-token ingetrokken",
    "rapport-aangemaakt": "rapport aangemaakt",
    "bestand-opgeslagen": "bestand opgeslagen",
    "bestand-verwijderd": "bestand verwijderd",
    "conflict-bewaard": "verouderde versie geweigerd en bewaard",
    "versie-hersteld": "versie hersteld",
    "bouw-gestart": "bouw gestart",
    "bouw-klaar": "bouw klaar",
    "ingevoegd": "hoofdstuk ingevoegd",
    "lid-gewijzigd": "lid toegevoegd of rol gewijzigd",
    "lid-verwijderd": "lid verwijderd",
    "backup": "backup gemaakt",
    "restore": "backup teruggezet",
}


def record(
    db: DbSession,
    action: str,
    user: str | None,
    rapport: str | None = None,
    address: str | None = None,
    **details: Any,
) -> None:
    """Add one line to the log (in the caller's transaction: it is there if the action is)."""
    assert action in ACTIONS, action
    db.add(
        AuditEntry(
            action=action, user=user, rapport=rapport, address=address, details=dict(details)
        )
    )


def entries(
    db: DbSession,
    *,
    limit: int = 100,
    before: int | None = None,
    rapport: str | None = None,
    user: str | None = None,
) -> Page[AuditEntry]:
    """At most ``limit`` entries, the newest first (``before``: older than this id), optionally
    of one rapport or one user, and whether older ones follow."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if before is not None:
        query = query.where(AuditEntry.id < before)
    if rapport is not None:
        query = query.where(AuditEntry.rapport == rapport)
    if user is not None:
        query = query.where(AuditEntry.user == user)
    return page(db, query, limit)


def as_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "tijdstip": entry.at.isoformat(),
        "gebruiker": entry.user,
        "actie": entry.action,
        "rapport": entry.rapport,
        "details": entry.details,
        "adres": entry.address,
    }
