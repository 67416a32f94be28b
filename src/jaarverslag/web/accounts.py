"""Who someone is: local accounts, sessions, API tokens, and a brake on guessing passwords.

- A password is kept as an Argon2 hash (argon2-cffi's defaults, rehashed when those grow).
- A login (:func:`log_in`) is refused for a while after too many failures for that name or from
  that address (:class:`Settings.login_failures_per_name` in :attr:`Settings.login_window`);
  an unknown name costs the same time as a wrong password and gets the same answer.
- A session (:func:`start_session`) is a random cookie value of which only the SHA-256 is kept,
  with its own CSRF token; it ends after :attr:`Settings.session_idle` without a request or
  :attr:`Settings.session_max` after the login, and at logout.
- An API token (:func:`new_token`) is shown once; only its SHA-256 is kept, so a copy of the
  database gives nobody a way in; it is revoked, never deleted.

Single sign-on (issue 25) is another way to the same :class:`Session`: it finds or makes the
:class:`User` for the identity the provider vouches for and calls :func:`start_session` with its
own ``method``; everything after the login is the same.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web.models import LoginAttempt, Session, Token, User, now
from jaarverslag.web.settings import Settings

MIN_PASSWORD = 10
TOKEN_PREFIX = "jv_"
#: A session's "last seen" is written at most this often (not on every request).
SEEN_STEP = timedelta(minutes=1)

_hasher = PasswordHasher()


@functools.cache
def _dummy() -> str:
    """A hash to verify against for a name without a password (the same work as a real one)."""
    return _hasher.hash("geen gebruiker met deze naam")


class LoginRefused(Exception):
    """A login that does not happen: ``status`` 401 (wrong) or 429 (too many attempts)."""

    def __init__(self, message: str, status: int, wait: int = 0) -> None:
        super().__init__(message)
        self.status = status
        self.wait = wait  #: seconds until another attempt may succeed (429)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def password_problem(password: str) -> str | None:
    """Why ``password`` can't be one (None: it can)."""
    if len(password) < MIN_PASSWORD:
        return f"een wachtwoord heeft minstens {MIN_PASSWORD} tekens"
    if len(password) > 1024:
        return "een wachtwoord heeft hoogstens 1024 tekens"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def find_user(db: DbSession, name: str) -> User | None:
    return db.scalar(select(User).where(User.name == name))


def log_in(db: DbSession, settings: Settings, name: str, password: str, address: str) -> User:
    """The user whose name and password these are, or :class:`LoginRefused`."""
    since = now() - settings.login_window
    for column, value, limit in (
        (LoginAttempt.name, name, settings.login_failures_per_name),
        (LoginAttempt.address, address, settings.login_failures_per_address),
    ):
        failures = db.scalars(
            select(LoginAttempt.at).where(column == value, LoginAttempt.at > since)
        ).all()
        if len(failures) >= limit:
            wait = min(failures) + settings.login_window - now()
            minutes = max(1, -(-int(wait.total_seconds()) // 60))
            raise LoginRefused(
                "te veel mislukte pogingen om in te loggen; probeer het over "
                f"{minutes} {'minuut' if minutes == 1 else 'minuten'} opnieuw",
                429,
                int(wait.total_seconds()) + 1,
            )
    user = find_user(db, name)
    stored = user.password if user is not None and user.active else None
    if _verify(stored or _dummy(), password) and user is not None and stored is not None:
        db.execute(delete(LoginAttempt).where(LoginAttempt.name == name))
        if _hasher.check_needs_rehash(stored):
            user.password = _hasher.hash(password)
        return user
    db.add(LoginAttempt(name=name[:255], address=address[:64]))
    raise LoginRefused("onbekende gebruiker of verkeerd wachtwoord", 401)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def forget_attempts(db: DbSession, settings: Settings) -> None:
    """Drop failed attempts older than the window (they no longer count)."""
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < now() - settings.login_window))


@dataclass(frozen=True)
class Started:
    """A new session: the cookie's value (shown to the browser only) and its row."""

    cookie: str
    session: Session


def start_session(db: DbSession, user: User, method: str = "wachtwoord") -> Started:
    cookie = secrets.token_urlsafe(32)
    row = Session(id=digest(cookie), user_id=user.id, csrf=secrets.token_urlsafe(32), method=method)
    db.add(row)
    return Started(cookie, row)


class MustWrite(Exception):
    """Looking up a session or a token in a transaction that only reads found something to
    write (an ended session to remove, a last-seen moment to move on): look again in one that
    writes. Most requests only read, and so never wait for another's write."""


def find_session(
    db: DbSession, settings: Settings, cookie: str, *, writing: bool = True
) -> Session | None:
    """The live session of this cookie (and its user), None when it ended or never was.
    ``writing`` False: :class:`MustWrite` instead of changing anything."""
    row = db.get(Session, digest(cookie))
    if row is None:
        return None
    moment = now()
    if expired(row, settings, moment) or not row.user.active:
        if not writing:
            raise MustWrite
        db.delete(row)
        return None
    if moment - row.seen > SEEN_STEP:
        if not writing:
            raise MustWrite
        row.seen = moment
    return row


def expired(row: Session, settings: Settings, moment: datetime) -> bool:
    return moment - row.seen > settings.session_idle or moment - row.created > settings.session_max


def end_session(db: DbSession, cookie: str) -> None:
    db.execute(delete(Session).where(Session.id == digest(cookie)))


def end_sessions(db: DbSession, settings: Settings) -> int:
    """Remove the sessions that have ended (the server does so now and then)."""
    moment = now()
    old = [row for row in db.scalars(select(Session)) if expired(row, settings, moment)]
    for row in old:
        db.delete(row)
    return len(old)


def new_token(db: DbSession, user: User) -> str:
    """A new API token of ``user``: returned once, kept as its hash."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(Token(user_id=user.id, digest=digest(secret), start=secret[:10]))
    return secret


def token_user(db: DbSession, secret: str, *, writing: bool = True) -> User | None:
    """The active user of a token that is not revoked (``writing``: as :func:`find_session`)."""
    token = db.scalar(select(Token).where(Token.digest == digest(secret)))
    if token is None or token.revoked is not None or not token.user.active:
        return None
    moment = now()
    if token.last_used is None or moment - token.last_used > SEEN_STEP:
        if not writing:
            raise MustWrite
        token.last_used = moment
    return token.user


def revoke_tokens(db: DbSession, user: User, token_id: int | None = None) -> int:
    """Revoke one token of ``user`` (or all of them); how many were revoked."""
    query = select(Token).where(Token.user_id == user.id, Token.revoked.is_(None))
    if token_id is not None:
        query = query.where(Token.id == token_id)
    tokens = db.scalars(query).all()
    for token in tokens:
        token.revoked = now()
    return len(tokens)


def tokens_of(db: DbSession, user: User) -> list[Token]:
    return list(db.scalars(select(Token).where(Token.user_id == user.id).order_by(Token.id)))


def count_users(db: DbSession) -> int:
    return int(db.scalar(select(func.count(User.id))) or 0)
