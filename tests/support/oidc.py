"""A real OpenID Connect provider on 127.0.0.1 for tests: ``oidc-provider-mock`` in its own
process (``support/_oidc_server.py``), with PKCE verified, clients of a chosen id and secret,
and users with the claims a test picks.

As a context manager::

    from support.oidc import running_oidc_provider

    with running_oidc_provider() as provider:
        client = provider.register_client("http://127.0.0.1:8080/auth/callback")
        provider.set_user("u-123", name="Anna de Vries", email="anna@gemeente.nl",
                          groups=["jaarverslag-beheerders"])
        # the werkplek under test: --oidc-issuer provider.issuer --oidc-client-id client.id,
        # the secret client.secret in its environment variable
        provider.auto_login("u-123")        # or the form: provider.login(authorize_url, "u-123")

or as pytest fixtures (``pytest_plugins = ["support.oidc"]``): ``oidc_provider`` is one
provider per test session; ``oidc_client`` is not a fixture because the redirect URI is the
app's, which only the test knows.

The provider is strict as Entra ID is: clients must be registered (an unknown client id is
refused), the authorization request must carry a ``nonce`` and a PKCE ``code_challenge``, and a
wrong ``code_verifier`` fails the token exchange. ``strict=False`` gives the package's lenient
defaults (any client id and secret, nonce and PKCE optional). The issuer is
``http://127.0.0.1:PORT``; ID tokens are RS256, signed with a key made at start (``/jwks``).
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from support.processes import die_with_parent, read_line_until

SERVER = Path(__file__).with_name("_oidc_server.py")


@dataclass(frozen=True)
class OidcClient:
    """A registered client (relying party): what the werkplek is configured with."""

    id: str
    secret: str
    redirect_uris: tuple[str, ...]


class OidcProvider:
    """A running provider: its issuer URL and the test's controls over clients and users."""

    def __init__(self, process: subprocess.Popen[str], issuer: str, log_file: Path) -> None:
        self.process = process
        self.issuer = issuer
        self.log_file = log_file
        self.http = httpx.Client(base_url=issuer, timeout=10)

    @property
    def discovery_url(self) -> str:
        """``…/.well-known/openid-configuration`` (Authlib's ``server_metadata_url``)."""
        return f"{self.issuer}/.well-known/openid-configuration"

    def register_client(
        self,
        *redirect_uris: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        auth_method: str = "client_secret_basic",
    ) -> OidcClient:
        """Register a client with these redirect URIs (exact match, as Entra ID checks them);
        the id and secret are random unless given. ``auth_method`` is how it authenticates at
        the token endpoint: ``client_secret_basic`` (Authlib's default), ``client_secret_post``
        or ``none`` (a public client, PKCE only)."""
        if not redirect_uris:
            raise ValueError("a client needs at least one redirect URI")
        client = OidcClient(
            id=client_id or f"werkplek-{secrets.token_hex(4)}",
            secret=client_secret or secrets.token_urlsafe(24),
            redirect_uris=tuple(redirect_uris),
        )
        answer = self.http.put(
            f"/_test/clients/{quote(client.id, safe='')}",
            json={
                "client_secret": client.secret,
                "redirect_uris": list(redirect_uris),
                "token_endpoint_auth_method": auth_method,
            },
        )
        answer.raise_for_status()
        return client

    def set_user(
        self,
        sub: str,
        *,
        name: str | None = None,
        email: str | None = None,
        groups: Sequence[str] | None = None,
        **claims: Any,
    ) -> None:
        """Define (or redefine) the user ``sub`` and the claims of its ID token and userinfo.
        ``name`` and ``email`` reach the ID token when the client asks for the scopes
        ``profile`` and ``email``; any other claim (``groups``, ``roles``,
        ``preferred_username`` with ``profile``…) is always in it."""
        body: dict[str, Any] = dict(claims)
        if name is not None:
            body["name"] = name
        if email is not None:
            body["email"] = email
        if groups is not None:
            body["groups"] = list(groups)
        self.http.put(f"/users/{quote(sub, safe='')}", json=body).raise_for_status()

    def auto_login(self, sub: str | None) -> None:
        """Every authorization request logs in as ``sub`` without showing the form (None: the
        form again). For browser tests that are not about the provider's page."""
        self.http.put("/_test/auto-login", json={"sub": sub}).raise_for_status()

    def login(self, authorize_url: str, sub: str) -> str:
        """Submit the provider's login form for ``authorize_url`` as ``sub``, as a user would;
        the URL the provider redirects to (the app's callback with ``code`` and ``state``)."""
        answer = httpx.post(authorize_url, data={"sub": sub}, timeout=10)
        if answer.status_code not in (302, 303):
            raise AssertionError(
                f"the provider refused the login ({answer.status_code}): {answer.text[:500]}"
            )
        return answer.headers["location"]

    def deny(self, authorize_url: str) -> str:
        """Press "Deny" on the form: the callback URL with ``error=access_denied``."""
        answer = httpx.post(authorize_url, data={"action": "deny"}, timeout=10)
        return answer.headers["location"]

    def log(self) -> str:
        """The provider's request log and errors (for a failure message)."""
        return self.log_file.read_text("utf-8", errors="replace")

    def stop(self) -> None:
        self.http.close()
        if self.process.stdout is not None:
            self.process.stdout.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def running_oidc_provider(
    *,
    strict: bool = True,
    users: Sequence[dict[str, Any]] = (),
    host: str = "127.0.0.1",
    log_dir: Path | None = None,
) -> Iterator[OidcProvider]:
    """Start a provider on a free port of ``host``; stop it when the block ends. ``users``:
    claim sets with a ``sub``, shown as one-click buttons on the login form. ``host``
    127.0.0.2 (any loopback address) puts the provider on another *site* than an app on
    127.0.0.1, as Entra ID is in production: cookies with ``SameSite=Strict`` then stay behind
    on the redirect back (ports do not make another site)."""
    import tempfile

    folder = Path(log_dir or tempfile.mkdtemp(prefix="jv-oidc-"))
    log_file = folder / "oidc-provider.log"
    command = [sys.executable, str(SERVER), "--host", host, "--port", "0"]
    if strict:
        command += ["--require-registration", "--require-nonce", "--require-pkce"]
    for claims in users:
        command += ["--user", json.dumps(claims)]
    with log_file.open("w") as log:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
            text=True,
            preexec_fn=die_with_parent,
        )
    line, _ = read_line_until(process, "LISTENING ", timeout=60)
    if line is None:
        process.kill()
        process.wait()
        raise RuntimeError(f"the OpenID provider did not start:\n{log_file.read_text()}")
    provider = OidcProvider(process, line.split()[1], log_file)
    try:
        yield provider
    finally:
        provider.stop()
        if log_dir is None:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)


# ---- pytest fixtures: `pytest_plugins = ["support.oidc"]` in a conftest or a test module


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    """One strict OpenID Connect provider for the test session; its log stays in the test's
    temporary folder. Register a client per test (random id) so tests do not meet."""
    with running_oidc_provider(log_dir=tmp_path_factory.mktemp("oidc")) as provider:
        yield provider
