"""Users who log in with single sign-on: found by the identity the provider vouches for, made at
their first login.

An identity is the provider's issuer and the ``sub`` of its ID tokens: a stable id that never
changes for that user and this application (Entra ID's ``sub`` is even particular to the
application). Names and e-mail addresses can change and are only shown: at every login the
user's ``display_name`` and ``email`` are taken again from the token. A new user's name in the
werkplek (what members and the audit log show) is made from ``preferred_username`` (Entra ID:
the UPN), else ``email``, else the ``sub`` — lower case, within :data:`names.USER_NAME`, and
made unique with ``-2``, ``-3``… when taken: an existing account, local or not, is never taken
over by a name that happens to match, since a provider does not vouch for a name.

With :attr:`Oidc.admin_value` the provider decides who is a beheerder: at every login the user
is one exactly when the claim (``groups``, ``roles``…) holds that value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web import audit, names
from jaarverslag.web.models import Identity, User, now
from jaarverslag.web.settings import Oidc

NO_SUBJECT = "het token van de inlogdienst noemt geen gebruiker (sub)"
DISABLED = "uw account in de werkplek is uitgeschakeld; vraag de beheerder het aan te zetten"


class Refusal(Exception):
    """A login the werkplek refuses although the provider vouched for it."""


def claim_values(claims: Mapping[str, Any], claim: str) -> set[str]:
    """The values of a claim as strings (one value or a list of them)."""
    value = claims.get(claim)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {str(v) for v in value}
    return set()


def base_name(claims: Mapping[str, Any]) -> str:
    """A user name made from the token (see the module's docstring), not yet unique."""
    for key in ("preferred_username", "email", "sub"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            text = unicodedata.normalize("NFKD", value.strip().lower())
            text = "".join(c for c in text if not unicodedata.combining(c))
            text = re.sub(r"[^a-z0-9._@-]+", "-", text).lstrip("._@-")[:60].rstrip("-")
            if text:
                return text
    return "gebruiker"


def unique_name(db: DbSession, wanted: str) -> str:
    """``wanted``, or with ``-2``, ``-3``… when another user has it."""
    taken = set(db.scalars(select(User.name).where(User.name.startswith(wanted))))
    name, number = wanted, 1
    while name in taken:
        number += 1
        name = f"{wanted[: 64 - len(str(number)) - 1]}-{number}"
    return names.user_name(name)


def _text(claims: Mapping[str, Any], key: str) -> str | None:
    value = claims.get(key)
    return value.strip()[:255] or None if isinstance(value, str) else None


def _identity(db: DbSession, issuer: str, subject: str) -> Identity | None:
    return db.scalar(select(Identity).where(Identity.issuer == issuer, Identity.subject == subject))


def _first_login(db: DbSession, issuer: str, subject: str, wanted: str) -> tuple[Identity, bool]:
    """A new user and their identity — or, when the same person's first login in another tab
    (or a double click) made them a moment ago, that one: on PostgreSQL both logins find no
    identity, and the one that commits second meets the unique index (of the identity, or of
    the name both chose). That second one then reads what the first made, in a savepoint, so
    it logs in as the same user instead of answering an error. (SQLite lets one writer at a
    time begin, so there the second login simply finds the identity.) True: made here."""
    for _attempt in range(3):
        try:
            with db.begin_nested():
                user = User(name=unique_name(db, wanted), password=None, admin=False)
                identity = Identity(user=user, issuer=issuer, subject=subject)
                db.add_all([user, identity])
                db.flush()
        except IntegrityError:
            found = _identity(db, issuer, subject)
            if found is not None:
                return found, False
            continue  # only the name was taken (by another new user): choose again
        return identity, True
    raise Refusal("het aanmaken van uw account lukte niet; probeer opnieuw in te loggen")


def log_in(db: DbSession, oidc: Oidc, claims: Mapping[str, Any], address: str) -> User:
    """The user of the identity in these (verified) ID-token claims, made at a first login;
    :class:`Refusal` for a token without a subject or a user who is switched off."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise Refusal(NO_SUBJECT)
    issuer = str(claims.get("iss") or oidc.issuer)
    identity = _identity(db, issuer, subject)
    moment = now()
    if identity is None:
        identity, made = _first_login(db, issuer, subject, base_name(claims))
        if made:  # not by a login of the same person at the same moment
            audit.record(db, "gebruiker-aangemaakt", identity.user.name, None, address, via="sso")
    user = identity.user
    if not user.active:
        raise Refusal(DISABLED)
    user.display_name = _text(claims, "name")
    user.email = _text(claims, "email")
    if oidc.admin_value is not None:
        admin = oidc.admin_value in claim_values(claims, oidc.claim)
        if admin != user.admin:
            audit.record(db, "beheerder-gewijzigd", user.name, None, address, beheerder=admin)
        user.admin = admin
    user.last_login = identity.last_login = moment
    return user
