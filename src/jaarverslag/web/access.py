"""Who may do what with which rapport — decided on the server for every request.

A rapport exists for its members and the beheerders; for anyone else it does not exist: the
same 404 as a name nobody took, in every list and every address under it. A ``lezer`` reads;
a ``schrijver`` also writes, builds, inserts, restores and shares; a beheerder may do all of
that with every rapport. A name in an address is only ever looked up among the rapporten the
caller may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web.errors import NO_RAPPORT, Refused
from jaarverslag.web.models import Member, Rapport, User

READ_ONLY = "u bent lezer van dit rapport: alleen een schrijver kan dit"


@dataclass(frozen=True)
class Actor:
    """The user of a request, and how they came in (``sessie`` or ``token``)."""

    id: int
    name: str
    admin: bool
    via: str
    address: str = ""

    @classmethod
    def of(cls, user: User, via: str, address: str = "") -> Actor:
        return cls(user.id, user.name, user.admin, via, address)


@dataclass(frozen=True)
class Access:
    """A rapport as ``actor`` may see it: their role (``beheerder`` for one who isn't a
    member but a beheerder)."""

    rapport: Rapport
    role: str

    @property
    def may_write(self) -> bool:
        return self.role in ("schrijver", "beheerder")


def rapport(db: DbSession, actor: Actor, name: str, *, write: bool = False) -> Access:
    """The rapport ``name`` if ``actor`` may see it (and write it, with ``write``); else 404
    (or 403 for a lezer who tries to write)."""
    mine = and_(Member.rapport_id == Rapport.id, Member.user_id == actor.id)
    row = db.execute(
        select(Rapport, Member.role).outerjoin(Member, mine).where(Rapport.name == name)
    ).first()  # one query: every API request asks it
    found, role = (None, None) if row is None else row
    if found is not None and role is None and actor.admin:
        role = "beheerder"
    if found is None or role is None:
        raise Refused(404, NO_RAPPORT)
    access = Access(found, role)
    if write and not access.may_write:
        raise Refused(403, READ_ONLY)
    return access


def rapporten(db: DbSession, actor: Actor) -> list[Access]:
    """Every rapport ``actor`` may see, by name."""
    roles = dict(
        db.execute(select(Member.rapport_id, Member.role).where(Member.user_id == actor.id)).all()
    )
    query = select(Rapport).order_by(Rapport.name)
    if not actor.admin:
        query = query.where(Rapport.id.in_(roles))
    return [Access(r, roles.get(r.id, "beheerder")) for r in db.scalars(query)]


def members(db: DbSession, rapport_id: int) -> list[Member]:
    return list(
        db.scalars(
            select(Member).join(User).where(Member.rapport_id == rapport_id).order_by(User.name)
        )
    )
