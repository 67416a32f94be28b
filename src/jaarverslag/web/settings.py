"""How a werkplek runs: where its data is, and every limit it keeps — one frozen value, made by
the command line (``jaarverslag web``) and handed to the app, the workers and the commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from jaarverslag.web import db

MB = 1024 * 1024


@dataclass(frozen=True)
class Oidc:
    """Single sign-on with an OpenID Connect provider (Entra ID, ADFS…): the authorization code
    flow with PKCE. ``admin_value``: a value of the claim ``claim`` (a group's or an app role's)
    that makes someone a beheerder — decided at every login when given; ``label``: how the
    login page names the provider's account."""

    issuer: str
    client_id: str
    secret: str = field(repr=False)
    admin_value: str | None = None
    claim: str = "groups"
    label: str = "uw werkaccount"

    @property
    def discovery(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class Settings:
    """``data``: the werkplek's folder (database, file store, workers' folders);
    ``database``: a SQLAlchemy URL (default: SQLite in ``data``)."""

    data: Path = Path("werkplek")
    database: str | None = None
    #: build processes at once (checks and the live preview have a process of their own)
    workers: int = 2
    #: processes of checks and previews (a rapport always served by the same one)
    check_workers: int = 1
    #: the address space a worker process may use (RLIMIT_AS), in bytes
    memory: int = 4096 * MB
    build_seconds: float = 600.0  #: a build (of any size) is stopped after this long
    insert_seconds: float = 300.0
    check_seconds: float = 120.0  #: a check or a preview update
    #: a worker process is replaced after this many jobs (memory a long life gathers)
    jobs_per_worker: int = 50
    #: the same for the process of checks and previews, whose kept engines are its speed
    checks_per_worker: int = 20000
    session_idle: timedelta = timedelta(hours=1)
    session_max: timedelta = timedelta(hours=12)
    #: cookies marked Secure: True always, False never, None when the request came over HTTPS
    secure_cookies: bool | None = None
    #: failed logins in :attr:`login_window` before a name (or an address) must wait
    login_failures_per_name: int = 5
    login_failures_per_address: int = 30
    login_window: timedelta = timedelta(minutes=15)
    #: previews kept in the preview process (one per rapport and user)
    previews: int = 128
    #: how often an open page asks the database whether its rapport changed (server-sent events)
    event_poll: float = 1.0
    #: single sign-on (None: local accounts only)
    oidc: Oidc | None = None
    #: logging in with a name and password (False: single sign-on and API tokens only)
    local_accounts: bool = True
    #: one structured line per request on stderr (:mod:`.logs`)
    log_requests: bool = True

    @property
    def url(self) -> str:
        return self.database or db.default_url(self.data)

    @property
    def store(self) -> Path:
        return self.data / "inhoud"

    @property
    def work(self) -> Path:
        """Where workers materialise rapporten (private to this werkplek)."""
        return self.data / "werk"
