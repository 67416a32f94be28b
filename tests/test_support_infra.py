"""The test infrastructure of the werkplek and the website (issues 23–25), proven here so the
tests that build them can rely on it: the web stack installs and works, a throwaway PostgreSQL
starts and goes, a real OpenID Connect provider logs a user in through Authlib (and Authlib
refuses a tampered ``state``, a wrong ``nonce`` and a wrong PKCE verifier), Pagefind indexes
Dutch pages byte-identically and finds words by their stem, and headless Chromium clicks and
types. Each is a pattern to copy; the helpers are in ``tests/support/``.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

# The werkplek's test stack (pyproject.toml's dev dependencies once issue 24 lands): until then
# a venv without it skips this module instead of failing the collection of the whole suite.
NEEDED = ("fastapi", "uvicorn", "httpx", "httpx2", "sqlalchemy", "alembic", "psycopg", "argon2")
NEEDED += ("authlib", "oidc_provider_mock", "itsdangerous", "python_multipart", "pagefind")
if missing := [name for name in NEEDED if importlib.util.find_spec(name) is None]:
    pytest.skip(
        f"not installed: {', '.join(missing)} (the werkplek's dev dependencies)",
        allow_module_level=True,
    )

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from fastapi import FastAPI, UploadFile  # noqa: E402
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column  # noqa: E402
from support.asgi import serving, serving_folder  # noqa: E402
from support.browser import chromium_page, find_chromium  # noqa: E402

if TYPE_CHECKING:
    from support.oidc import OidcClient, OidcProvider
    from support.postgres import PostgresServer

# The fixtures postgres, postgres_url and oidc_provider. Modules named here are imported by
# pytest (for assertion rewriting) and must not be imported by this module before: import from
# them inside the tests. Once tests/conftest.py names them, this line can go.
pytestmark = pytest.mark.slow


def need_chromium() -> None:
    if find_chromium() is None:
        pytest.fail("chromium is not installed: `make test` installs it (scripts/system-deps.sh)")


# ---- 1. the web stack: installs and works ---------------------------------------------------


def test_fastapi_on_uvicorn_takes_an_upload_and_argon2_hashes_a_password(tmp_path: Path) -> None:
    from argon2 import PasswordHasher
    from argon2.exceptions import VerifyMismatchError
    from fastapi.testclient import TestClient  # needs httpx2 (with httpx: a warning, an error here)

    # FastAPI and SQLAlchemy read annotations at run time: under `from __future__ import
    # annotations` the names in them (UploadFile, Mapped) must be imported at module level
    app = FastAPI()

    @app.post("/api/rapporten/{naam}/bestanden")
    async def upload(naam: str, bestand: UploadFile) -> dict[str, Any]:
        return {"naam": naam, "bestand": bestand.filename, "grootte": len(await bestand.read())}

    files = {"bestand": ("begroting.xlsx", b"PK\x03\x04" + b"x" * 1000)}
    expected = {"naam": "jaarverslag-2017", "bestand": "begroting.xlsx", "grootte": 1004}
    assert (
        TestClient(app).post("/api/rapporten/jaarverslag-2017/bestanden", files=files).json()
        == expected
    )
    with serving(app) as base:  # a real uvicorn (uvloop + httptools with uvicorn[standard])
        answer = httpx.post(f"{base}/api/rapporten/jaarverslag-2017/bestanden", files=files)
    assert answer.json() == expected

    hasher = PasswordHasher()
    stored = hasher.hash("correct paard batterij nietje")
    assert stored.startswith("$argon2id$")
    assert hasher.verify(stored, "correct paard batterij nietje")
    with pytest.raises(VerifyMismatchError):
        hasher.verify(stored, "fout")


ALEMBIC_ENV = """
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
engine = engine_from_config(config.get_section(config.config_ini_section), poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
"""

ALEMBIC_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

def upgrade():
    op.create_table(
        "gebruiker",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("naam", sa.String(200), nullable=False, unique=True),
        sa.Column("wachtwoord", sa.String(200)),
    )

def downgrade():
    op.drop_table("gebruiker")
"""


def migrate_and_use(url: str, folder: Path) -> list[str]:
    """Alembic upgrade to head, SQLAlchemy 2 ORM round trip, downgrade: the names read back."""
    from alembic import command
    from alembic.config import Config

    (folder / "versions").mkdir(parents=True)
    (folder / "env.py").write_text(ALEMBIC_ENV, "utf-8")
    (folder / "versions" / "0001_gebruiker.py").write_text(ALEMBIC_REVISION, "utf-8")
    config = Config()
    config.set_main_option("script_location", str(folder))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")

    class Base(DeclarativeBase):
        pass

    class Gebruiker(Base):
        __tablename__ = "gebruiker"
        id: Mapped[int] = mapped_column(primary_key=True)
        naam: Mapped[str] = mapped_column(sa.String(200), unique=True)
        wachtwoord: Mapped[str | None]

    engine = sa.create_engine(url)
    try:
        with Session(engine) as session:
            session.add_all([Gebruiker(naam="Anna de Vries"), Gebruiker(naam="Súdwest-Fryslân")])
            session.commit()
            names = list(session.scalars(sa.select(Gebruiker.naam).order_by(Gebruiker.id)))
        with engine.connect() as connection:
            version = connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
        assert version == "0001"
    finally:
        engine.dispose()
    command.downgrade(config, "base")
    return names


def test_sqlalchemy_and_alembic_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'werkplek.db'}"
    assert migrate_and_use(url, tmp_path / "migraties") == ["Anna de Vries", "Súdwest-Fryslân"]


# ---- 2. a throwaway PostgreSQL ------------------------------------------------------------


def test_sqlalchemy_and_alembic_on_a_throwaway_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    assert postgres_url.startswith("postgresql+psycopg://postgres:")
    assert "@127.0.0.1:" in postgres_url
    assert migrate_and_use(postgres_url, tmp_path / "migraties") == [
        "Anna de Vries",
        "Súdwest-Fryslân",
    ]


def test_each_test_gets_a_database_of_its_own(postgres: PostgresServer, postgres_url: str) -> None:
    import psycopg

    name = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_url.replace("+psycopg", "")) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == (name,)
        assert connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone() == (0,)
        assert connection.execute("SHOW server_encoding").fetchone() == ("UTF8",)
    assert name in postgres.psql("SELECT datname FROM pg_database")
    # the wrong password is refused: host connections need it (scram-sha-256), as in production
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(postgres_url.replace("+psycopg", "").replace(postgres.password, "fout"))


def test_postgresql_starts_as_a_non_root_user_and_leaves_nothing_behind() -> None:
    from support.postgres import find_bindir, running_postgres

    if find_bindir() is None:
        pytest.skip("PostgreSQL's server binaries are not installed (scripts/infra-deps.sh)")
    started = time.monotonic()
    with (
        pytest.raises(RuntimeError, match="de test faalt"),
        running_postgres(database="proef") as server,
    ):
        process = server.process
        assert process is not None
        owner = subprocess.run(
            ["ps", "-o", "user=", "-p", str(process.pid)], capture_output=True, text=True
        ).stdout.strip()
        assert owner != "root"
        assert "proef" in server.psql("SELECT datname FROM pg_database")
        folder = server.folder
        raise RuntimeError("de test faalt")  # a failing test: the server still goes
    seconds = time.monotonic() - started
    assert process.poll() is not None
    assert not folder.exists()
    print(f"\nPostgreSQL start+stop: {seconds:.2f} s ({server.timings})")


def test_postgresql_goes_down_with_a_killed_test_process(tmp_path: Path) -> None:
    """SIGKILL of the test process (a CI time-out) leaves no server running."""
    from support.postgres import find_bindir

    if find_bindir() is None:
        pytest.skip("PostgreSQL's server binaries are not installed (scripts/infra-deps.sh)")
    script = tmp_path / "houdt_vast.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys, time
            sys.path.insert(0, {str(Path(__file__).parent)!r})
            from support.postgres import running_postgres
            with running_postgres() as server:
                print(server.process.pid, server.folder, flush=True)
                time.sleep(120)
            """
        ),
        "utf-8",
    )
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    pid, folder = child.stdout.readline().split()
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    deadline = time.monotonic() + 15
    while Path(f"/proc/{pid}").exists() and "zombie" not in _state(int(pid)):
        assert time.monotonic() < deadline, "postgres outlived the killed test process"
        time.sleep(0.05)
    # the folder stays (the next running_postgres() removes such folders after an hour)
    assert Path(folder, "data").is_dir()
    shutil.rmtree(folder)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (FileNotFoundError, IndexError):
        return "gone"


# ---- 3. OpenID Connect: Authlib's client against a real provider ---------------------------


def relying_party(
    provider: OidcProvider, client: OidcClient, redirect_uri: str, **session: Any
) -> Any:
    """The werkplek's login as Authlib's Starlette integration does it, reduced to its bones:
    /login redirects to the provider (state, nonce and a PKCE S256 challenge kept in the signed
    session cookie), /auth/callback checks the state, exchanges the code with the verifier and
    validates the ID token (signature, issuer, audience, expiry, nonce)."""
    from authlib.integrations.starlette_client import OAuth, OAuthError
    from joserfc.errors import JoseError
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Route

    oauth = OAuth()
    oauth.register(
        "gemeente",
        client_id=client.id,
        client_secret=client.secret,
        server_metadata_url=provider.discovery_url,
        client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"},
    )

    async def login(request: Request) -> Response:
        return await oauth.gemeente.authorize_redirect(request, redirect_uri)  # type: ignore[no-any-return]

    async def callback(request: Request) -> Response:
        try:
            token = await oauth.gemeente.authorize_access_token(request)
        except OAuthError as error:  # state, the provider's error redirect, the token exchange
            return JSONResponse({"fout": error.error, "uitleg": error.description}, 400)
        except (
            JoseError
        ) as error:  # the ID token: nonce, signature, iss, aud, exp (not OAuthError!)
            return JSONResponse({"fout": error.error, "uitleg": error.description}, 400)
        user = token["userinfo"]
        request.session["gebruiker"] = dict(user)
        return HTMLResponse(
            f'<!doctype html><html lang="nl"><title>Werkplek</title>'
            f"<h1>Welkom {user['name']}</h1><p id=claims>{user['sub']} {user['email']} "
            f"{' '.join(user.get('groups', []))}</p></html>"
        )

    return Starlette(
        routes=[Route("/login", login), Route("/auth/callback", callback)],
        middleware=[Middleware(SessionMiddleware, secret_key="test", **session)],
    )


def with_query(url: str, **params: str | None) -> str:
    """``url`` with query parameters replaced (None removes one)."""
    parts = urlsplit(url)
    query = {k: v for k, v in parse_qs(parts.query).items()}
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = [value]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


@pytest.fixture
def oidc_app(oidc_provider: OidcProvider) -> Any:
    """A running relying party registered at the session's provider: (provider, base URL)."""
    holder: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await holder["app"](scope, receive, send)

    with serving(app) as base:
        client = oidc_provider.register_client(f"{base}/auth/callback")
        holder["app"] = relying_party(oidc_provider, client, f"{base}/auth/callback")
        oidc_provider.set_user(
            "f3c9a1e0-anna",
            name="Anna de Vries",
            email="a.devries@gemeente.example",
            groups=["jaarverslag-beheerders"],
        )
        yield oidc_provider, base


def test_authorization_code_flow_with_pkce_and_nonce(oidc_app: tuple[OidcProvider, str]) -> None:
    provider, base = oidc_app
    with httpx.Client(base_url=base) as browser:  # keeps the session cookie, as a browser does
        to_provider = browser.get("/login")
        assert to_provider.status_code == 302
        authorize = to_provider.headers["location"]
        query = parse_qs(urlsplit(authorize).query)
        assert authorize.startswith(f"{provider.issuer}/oauth2/authorize?")
        assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
        callback = provider.login(authorize, "f3c9a1e0-anna")  # the form, as the user submits it
        assert callback.startswith(f"{base}/auth/callback?code=")
        welcome = browser.get(callback)
    assert welcome.status_code == 200, welcome.text
    assert "Welkom Anna de Vries" in welcome.text
    assert "f3c9a1e0-anna a.devries@gemeente.example jaarverslag-beheerders" in welcome.text


def test_a_tampered_state_is_refused(oidc_app: tuple[OidcProvider, str]) -> None:
    provider, base = oidc_app
    with httpx.Client(base_url=base) as browser:
        callback = provider.login(browser.get("/login").headers["location"], "f3c9a1e0-anna")
        answer = browser.get(with_query(callback, state="aanvaller"))
    assert answer.status_code == 400
    assert answer.json()["fout"] == "mismatching_state"  # authlib's MismatchingStateError


def test_a_wrong_nonce_is_refused(oidc_app: tuple[OidcProvider, str]) -> None:
    """An ID token minted for another authorization request (same state and PKCE challenge,
    another nonce: a replayed or injected code) fails the ID token's nonce check."""
    provider, base = oidc_app
    with httpx.Client(base_url=base) as browser:
        authorize = browser.get("/login").headers["location"]
        callback = provider.login(with_query(authorize, nonce="een-andere-nonce"), "f3c9a1e0-anna")
        answer = browser.get(callback)
    assert answer.status_code == 400
    assert answer.json() == {"fout": "invalid_claim", "uitleg": "Invalid claim: 'nonce'"}


def test_a_wrong_pkce_verifier_and_a_missing_challenge_are_refused(
    oidc_provider: OidcProvider,
) -> None:
    from authlib.common.security import generate_token
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.httpx_client import OAuth2Client

    redirect_uri = (
        "http://127.0.0.1:9/auth/callback"  # never visited: the code is read off the redirect
    )
    client = oidc_provider.register_client(redirect_uri)
    oidc_provider.set_user("bob", name="Bob")
    metadata = httpx.get(oidc_provider.discovery_url).json()
    with OAuth2Client(
        client.id,
        client.secret,
        redirect_uri=redirect_uri,
        scope="openid",
        code_challenge_method="S256",
    ) as session:
        verifier = generate_token(48)
        url, _ = session.create_authorization_url(
            metadata["authorization_endpoint"], code_verifier=verifier, nonce="n-1"
        )
        with pytest.raises(OAuthError, match="invalid_grant: Code challenge failed"):
            session.fetch_token(
                metadata["token_endpoint"],
                authorization_response=oidc_provider.login(url, "bob"),
                code_verifier=generate_token(48),
            )
        token = session.fetch_token(
            metadata["token_endpoint"],
            authorization_response=oidc_provider.login(url, "bob"),
            code_verifier=verifier,
        )
        assert {"access_token", "id_token"} <= set(token)
    refused = oidc_provider.login(
        with_query(url, code_challenge=None, code_challenge_method=None), "bob"
    )
    assert "error=invalid_request" in refused and "code_challenge" in refused
    unknown = httpx.get(with_query(url, client_id="onbekend"))
    assert unknown.status_code == 400 and "invalid_client" in unknown.text
    elsewhere = httpx.get(with_query(url, redirect_uri="http://127.0.0.1:9/elders"))
    assert elsewhere.status_code == 400 and "not supported by client" in elsewhere.text


def test_login_through_the_provider_in_headless_chromium(
    oidc_app: tuple[OidcProvider, str], tmp_path: Path
) -> None:
    need_chromium()
    provider, base = oidc_app
    with chromium_page(tmp_path) as page:
        page.goto(f"{base}/login")
        page.wait_for("input[name=sub]")
        assert page.url.startswith(f"{provider.issuer}/oauth2/authorize")
        page.fill("input[name=sub]", "f3c9a1e0-anna")
        page.click("button[type=submit]")
        page.wait_for("h1", text="Welkom Anna de Vries")
        assert page.url.startswith(f"{base}/auth/callback")
        page.screenshot(tmp_path / "ingelogd.png")
        assert [c["name"] for c in page.cookies()] == ["session"]
        # auto-login: no form at all, for tests that are not about the provider
        provider.auto_login("f3c9a1e0-anna")
        try:
            page.goto(f"{base}/login")
            page.wait_for("h1", text="Welkom Anna de Vries")
        finally:
            provider.auto_login(None)
        assert page.errors == []


def test_a_strict_session_cookie_loses_the_login_when_the_provider_is_another_site(
    tmp_path: Path,
) -> None:
    """SameSite=Strict (issue 24) on the cookie that holds state and nonce breaks single sign-on:
    the user submits the provider's form, the provider redirects back, and that navigation was
    started by another site, so the browser leaves a Strict cookie out and the callback finds no
    state. On one host this never shows (127.0.0.1 with two ports is one site), nor with
    auto-login (a redirect chain the test started counts as same-site): put the provider on
    127.0.0.2, another site as Entra ID is, and log in through its form."""
    need_chromium()
    from support.oidc import running_oidc_provider

    outcomes = {}
    with running_oidc_provider(host="127.0.0.2") as provider:
        provider.set_user("anna", name="Anna", email="anna@example.org")
        for same_site in ("strict", "lax"):
            holder: dict[str, Any] = {}

            async def app(
                scope: Any, receive: Any, send: Any, holder: dict[str, Any] = holder
            ) -> None:
                await holder["app"](scope, receive, send)

            with serving(app) as base:
                client = provider.register_client(f"{base}/auth/callback")
                holder["app"] = relying_party(
                    provider, client, f"{base}/auth/callback", same_site=same_site
                )
                with chromium_page(tmp_path / same_site) as page:
                    page.goto(f"{base}/login")
                    page.fill("input[name=sub]", "anna")
                    page.click("button[type=submit]")
                    page.wait_for_url("/auth/callback")
                    page.wait_until("document.body && document.body.innerText.length > 0")
                    outcomes[same_site] = page.text()
    assert "Welkom Anna" in outcomes["lax"]
    assert "mismatching_state" in outcomes["strict"]


# ---- 4. Pagefind: a Dutch search index, byte-identical --------------------------------------

PAGES = {
    "index.html": (
        "Jaarverslag 2025 Gemeente Appingedam",
        "De gemeenteraad stelde de begroting vast. Wij investeerden in wegen en fietspaden.",
    ),
    "sociaal-domein.html": (
        "Sociaal domein",
        "Uitkeringen en bijstandsuitkeringen stegen; de jeugdzorg kostte meer dan begroot.",
    ),
    "werk.html": ("Werk en inkomen", "De bijstandsuitkeringen daalden."),
    "financien.html": (
        "Financiën",
        "Het resultaat is positief. De algemene reserve werd aangevuld.",
    ),
}


def dutch_site(folder: Path, pages: dict[str, tuple[str, str]] = PAGES) -> Path:
    folder.mkdir(parents=True)
    for name, (title, text) in pages.items():
        (folder / name).write_text(
            f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><nav>Menu</nav><main data-pagefind-body><h1>{title}</h1><p>{text}</p>"
            f'<table id="tabel-kosten"><caption>Kosten per taakveld</caption>'
            f"<tr><td>Wegen</td><td>1.234</td></tr></table></main></body></html>",
            "utf-8",
        )
    return folder


def need_pagefind() -> None:
    from support.pagefind_probe import pagefind_binary

    if pagefind_binary() is None:
        pytest.fail("pagefind is not installed: pip install 'pagefind[bin]' (a dev dependency)")


def test_pagefind_indexes_dutch_pages_byte_identically(tmp_path: Path) -> None:
    need_pagefind()
    from support.pagefind_probe import build_index, tree_digest

    first = dutch_site(tmp_path / "eerste")
    assert build_index(first) == {"languages": 1, "pages": 4, "words": 40, "filters": 0, "sorts": 0}
    bundle = tree_digest(first / "pagefind")
    assert "wasm.nl.pagefind" in bundle  # the Dutch stemmer is in the bundle
    assert "pagefind.js" in bundle and "pagefind-entry.json" in bundle
    assert sum(1 for name in bundle if name.startswith("fragment/")) == 4
    entry = (first / "pagefind" / "pagefind-entry.json").read_text("utf-8")
    assert '"nl"' in entry and '"page_count":4' in entry

    # again, in another folder, the files written in another order and at another time
    second = dutch_site(tmp_path / "tweede", dict(reversed(PAGES.items())))
    time.sleep(1.1)
    (second / "index.html").touch()
    build_index(second)
    assert tree_digest(second / "pagefind") == bundle
    # and once more over an existing index in the same folder
    build_index(first)
    assert tree_digest(first / "pagefind") == bundle


def test_pagefind_indexes_350_pages_in_seconds(tmp_path: Path) -> None:
    need_pagefind()
    from support.pagefind_probe import build_index

    words = [
        "gemeente",
        "begroting",
        "uitkeringen",
        "bijstand",
        "jeugdzorg",
        "wegen",
        "reserves",
        "lasten",
        "baten",
        "inwoners",
    ]
    site = tmp_path / "reeks"
    for number in range(350):
        text = "".join(
            "<p>"
            + " ".join(words[(number * 7 + i * 3 + j) % len(words)] for j in range(60))
            + ".</p>"
            for i in range(40)
        )
        page = site / f"gemeente-{number:03d}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<!doctype html><html lang="nl"><head><title>Gemeente {number}</title></head>'
            f"<body><main><h1>Gemeente {number}</h1>{text}</main></body></html>",
            "utf-8",
        )
    started = time.monotonic()
    assert build_index(site)["pages"] == 350
    seconds = time.monotonic() - started
    print(f"\npagefind, 350 pages of 20 kB: {seconds:.2f} s")
    assert seconds < 60


def test_pagefind_finds_dutch_words_by_their_stem(tmp_path: Path) -> None:
    need_pagefind()
    need_chromium()
    from support.pagefind_probe import build_index

    site = dutch_site(tmp_path / "site")
    build_index(site)
    search = """(async (term) => {
        const pagefind = await import('/pagefind/pagefind.js');
        const found = await pagefind.search(term);
        const pages = await Promise.all(found.results.map(r => r.data()));
        return pages.map(p => p.url).sort();
    })"""
    with serving_folder(site) as base, chromium_page(tmp_path) as page:
        page.goto(f"{base}/index.html")

        def find(term: str) -> list[str]:
            return list(page.evaluate(f"{search}({json.dumps(term)})"))

        assert find("reserves") == ["/financien.html"]  # "reserve" on the page
        assert find("investering") == ["/"]  # "investeerden"
        assert find("begroting") == ["/", "/sociaal-domein.html"]  # "begroting", "begroot"
        assert find("financien") == ["/financien.html"]  # "Financiën": diacritics folded
        assert find("uitk") == ["/sociaal-domein.html"]  # the last word is a prefix
        # compounds are not split: "uitkering" finds "Uitkeringen" but not "bijstandsuitkeringen"
        assert find("uitkering") == ["/sociaal-domein.html"]
        assert find("bijstandsuitkering") == ["/sociaal-domein.html", "/werk.html"]
        assert find("kosten") == ["/", "/financien.html", "/sociaal-domein.html", "/werk.html"]
        assert find("menu") == []  # outside data-pagefind-body
        assert page.errors == []


# ---- 5. headless Chromium that clicks and types ---------------------------------------------

FORM_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Inloggen</title>
<style>body{font:16px sans-serif;margin:2rem} #bedekt{position:relative}
#over{position:absolute;inset:0;background:#eee}</style></head>
<body><a href="#inhoud" id="skip">Naar de inhoud</a>
<main id="inhoud"><h1>Inloggen</h1>
<form id="formulier"><label>Gebruiker <input id="gebruiker" name="gebruiker"></label>
<label>Wachtwoord <input id="wachtwoord" type="password"></label>
<button id="knop" type="submit">Inloggen</button></form>
<p id="uitkomst" hidden></p>
<div id="bedekt"><button id="onbereikbaar">Verborgen</button><div id="over"></div></div>
</main>
<script src="app.js"></script></body></html>"""

FORM_SCRIPT = """document.getElementById('formulier').addEventListener('submit', e => {
  e.preventDefault();
  const p = document.getElementById('uitkomst');
  p.textContent = 'Welkom ' + document.getElementById('gebruiker').value;
  p.hidden = false;
});"""


def test_chromium_clicks_types_presses_keys_and_takes_a_screenshot(tmp_path: Path) -> None:
    need_chromium()
    from support.browser import BrowserError

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(FORM_PAGE, "utf-8")
    (site / "app.js").write_text(FORM_SCRIPT, "utf-8")
    with serving_folder(site) as base, chromium_page(tmp_path) as page:
        page.goto(f"{base}/")
        assert page.tab() == "a#skip:Naar de inhoud"  # the keyboard walk starts at the skip link
        assert page.tab() == "input#gebruiker:"
        page.type("Anna")
        page.click("#knop")
        page.wait_for("#uitkomst", text="Welkom Anna")
        page.fill("#gebruiker", "Bob")
        page.click("#wachtwoord")
        page.type("geheim")
        page.press("Enter")  # submits the form, as a keyboard user does
        page.wait_for("#uitkomst", text="Welkom Bob")
        with pytest.raises(BrowserError, match="covered by another element"):
            page.click("#onbereikbaar")
        with pytest.raises(BrowserError, match="never showed"):
            page.wait_for("#bestaat-niet", timeout=0.3)
        shot = page.screenshot(tmp_path / "formulier.png")
        assert shot.read_bytes().startswith(b"\x89PNG")
        assert page.errors == []
        page.evaluate("setTimeout(() => { throw new Error('kapot') }, 0)")
        page.pause(0.3)
        assert any("kapot" in error for error in page.errors)


MOVING_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Start</title></head>
<body><div id="groeit"></div><p><a id="verder" href="verder.html">Verder</a></p>
<div style="height: 3000px"></div>
<script>
  // the link slides down while the page settles (content filled in above it) ...
  const groeit = document.getElementById('groeit');
  let stap = 0;
  const klok = setInterval(() => {
    groeit.style.height = (stap += 40) + 'px';
    if (stap >= 600) clearInterval(klok);
  }, 20);
  // ... and the first click on it goes nowhere (the page is replaced under it)
  let eerste = true;
  document.getElementById('verder').addEventListener('click', e => {
    if (eerste) { eerste = false; e.preventDefault(); }
  });
</script></body></html>"""


def test_chromium_follows_a_link_that_still_moves_and_misses_its_first_click(
    tmp_path: Path,
) -> None:
    need_chromium()
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(MOVING_PAGE, "utf-8")
    (site / "verder.html").write_text(
        '<!doctype html><html lang="nl"><title>Verder</title><h1>Aangekomen</h1></html>', "utf-8"
    )
    with serving_folder(site) as base, chromium_page(tmp_path) as page:
        page.goto(f"{base}/")
        page.follow("#verder", timeout=20)
        assert page.text("h1") == "Aangekomen"


# ---- optional: load generation with locust --------------------------------------------------


def test_locust_runs_headless_against_a_local_server(tmp_path: Path) -> None:
    if (
        importlib.util.find_spec("locust") is None
        or shutil.which("locust", path=str(Path(sys.executable).parent)) is None
    ):
        pytest.skip("locust is not installed (optional: the werkplek's load test may use it)")
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def tekst(request: Any) -> PlainTextResponse:
        return PlainTextResponse("ok")

    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text(
        textwrap.dedent(
            """
            from locust import HttpUser, constant, task

            class Collega(HttpUser):
                wait_time = constant(0.05)

                @task
                def bewaar(self):
                    self.client.put("/tekst")
            """
        ),
        "utf-8",
    )
    app = Starlette(routes=[Route("/tekst", tekst, methods=["PUT"])])
    with serving(app) as base:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "locust"), "-f", str(locustfile), "--headless",
             "-u", "10", "-r", "10", "-t", "3s", "--host", base, "--csv", str(tmp_path / "last"),
             "--only-summary", "--stop-timeout", "2"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    stats = (tmp_path / "last_stats.csv").read_text("utf-8").splitlines()
    aggregated = next(line for line in stats if ",Aggregated," in line).split(",")
    assert int(aggregated[2]) > 50 and int(aggregated[3]) == 0  # requests, failures
