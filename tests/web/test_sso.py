"""Single sign-on against a real OpenID Connect provider (``oidc-provider-mock`` on 127.0.0.2,
another *site* than the werkplek on 127.0.0.1, as Entra ID is), in headless Chromium: the
redirect to the provider, its login form, the return with a new user made from the token's
claims, logging out; and a forged ``state`` and an ID token with another login's ``nonce``
refused with a page that says so — no session, no traceback."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from support.browser import Page, chromium_page
from support.oidc import OidcProvider, running_oidc_provider
from support.werkplek import PASSWORD, Werkplek, command
from test_browser import axe

pytestmark = pytest.mark.slow

ADMINS = "jaarverslag-beheerders"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    folder = tmp_path_factory.mktemp("oidc")
    with running_oidc_provider(host="127.0.0.2", log_dir=folder) as running:
        running.set_user(
            "0f3c-anna",
            name="Anna de Vries",
            email="a.devries@gemeente.nl",
            preferred_username="A.deVries@gemeente.nl",
            groups=["medewerkers", ADMINS],
        )
        running.set_user("77-bram", name="Bram Smit", email="b.smit@gemeente.nl")
        yield running


@pytest.fixture(scope="module")
def werkplek(
    provider: OidcProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Werkplek]:
    client_id, secret = f"werkplek-{secrets.token_hex(3)}", secrets.token_urlsafe(24)
    with Werkplek(
        tmp_path_factory.mktemp("wp") / "data",
        "--oidc-issuer", provider.issuer, "--oidc-client-id", client_id,
        "--oidc-beheerders", ADMINS, "--geen-lokale-accounts",
        env={"JAARVERSLAG_OIDC_SECRET": secret},
    ) as running:  # fmt: skip
        provider.register_client(
            f"{running.url}/inloggen/sso/terug", client_id=client_id, client_secret=secret
        )
        running.user("it", admin=True)  # a local account: for its API token only
        yield running


def at_provider(page: Page, werkplek: Werkplek, provider: OidcProvider) -> str:
    """Press the werkplek's login button; the provider's authorization URL it sent us to."""
    page.goto(f"{werkplek.url}/rapporten")
    page.wait_for_url("/inloggen")
    page.click("#sso")
    page.wait_for("h1", text="Authorize Client")
    assert page.url.startswith(provider.issuer + "/oauth2/authorize?")
    query = parse_qs(urlsplit(page.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0]
    return page.url


def with_query(url: str, **changed: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **changed})))


def test_a_colleague_logs_in_with_the_organisations_account(
    werkplek: Werkplek, provider: OidcProvider, tmp_path: Path
) -> None:
    provider.auto_login(None)
    with chromium_page(tmp_path) as page:
        page.goto(f"{werkplek.url}/inloggen")
        assert page.evaluate("document.querySelector('#wachtwoord')") is None  # switched off
        axe(page)
        at_provider(page, werkplek, provider)
        page.fill("input[name=sub]", "0f3c-anna")
        page.click("button[type=submit]")
        page.wait_for("h1", text="Rapporten", timeout=20)
        assert urlsplit(page.url).path == "/rapporten"
        assert "a.devries@gemeente.nl" in page.text("header")
        state = [c for c in page.cookies() if c["name"] == "werkplek-inloggen"]
        assert state == []  # the login's state is used up
        session = [c for c in page.cookies() if c["name"] != "werkplek-inloggen"]
        assert session and all(c["sameSite"] == "Strict" and c["httpOnly"] for c in session)
        page.click(".uitloggen button")
        page.wait_for_url("/inloggen")
        page.goto(f"{werkplek.url}/rapporten")
        page.wait_for_url("/inloggen")  # the session is over

        # the second time: the same user, found by the token's subject
        at_provider(page, werkplek, provider)
        page.fill("input[name=sub]", "0f3c-anna")
        page.click("button[type=submit]")
        page.wait_for("h1", text="Rapporten", timeout=20)
        assert page.errors == []
    with werkplek.client("it") as api:
        users = {u["naam"]: u for u in api.get("/api/beheer/gebruikers").json()["gebruikers"]}
        anna = users["a.devries@gemeente.nl"]
        assert anna["beheerder"] is True and anna["sso"] is True
        assert anna["weergavenaam"] == "Anna de Vries" and anna["email"] == "a.devries@gemeente.nl"
        assert [u for u in users if u.startswith("a.devries")] == ["a.devries@gemeente.nl"]
        log = api.get("/api/audit", params={"gebruiker": "a.devries@gemeente.nl"}).json()
        actions = [e["actie"] for e in log["audit"]]
        assert actions.count("ingelogd") == 2 and "gebruiker-aangemaakt" in actions


def test_a_password_is_refused_when_local_accounts_are_off(werkplek: Werkplek) -> None:
    import httpx

    with httpx.Client(base_url=werkplek.url) as client:
        client.get("/inloggen")
        answer = client.post(
            "/inloggen",
            data={"naam": "it", "wachtwoord": PASSWORD, "terug": "/rapporten"},
            headers={"Origin": werkplek.url},
        )
        assert answer.status_code == 403
        assert "inloggen met een wachtwoord staat uit" in answer.text
        assert client.get("/rapporten").status_code in (303, 307)


def test_a_forged_state_is_refused(
    werkplek: Werkplek, provider: OidcProvider, tmp_path: Path
) -> None:
    provider.auto_login(None)
    with chromium_page(tmp_path) as page:
        authorize = at_provider(page, werkplek, provider)
        back = provider.login(authorize, "77-bram")  # the provider's answer, as it would be
        forged = with_query(back, state=secrets.token_urlsafe(22))
        page.goto(forged)
        page.wait_for("#inlogfout", text="hoort niet bij een inlogpoging van deze browser")
        assert "Traceback" not in page.text()
        page.goto(f"{werkplek.url}/rapporten")
        page.wait_for_url("/inloggen")  # no session
        # the untampered answer is no good afterwards either: the attempt is over
        page.goto(back)
        page.wait_for("#inlogfout", text="hoort niet bij een inlogpoging")
    with werkplek.client("it") as api:
        log = api.get("/api/audit").json()["audit"]
        assert any(
            e["actie"] == "inloggen-mislukt" and e["details"].get("reden") == "mismatching_state"
            for e in log
        )
        users = [u["naam"] for u in api.get("/api/beheer/gebruikers").json()["gebruikers"]]
        assert "b.smit@gemeente.nl" not in users


def test_an_id_token_of_another_login_is_refused(
    werkplek: Werkplek, provider: OidcProvider, tmp_path: Path
) -> None:
    """The code in the answer is the provider's own, for this client, with this browser's
    state and PKCE challenge — but its ID token carries another login's nonce."""
    provider.auto_login(None)
    with chromium_page(tmp_path) as page:
        authorize = at_provider(page, werkplek, provider)
        other = with_query(authorize, nonce=secrets.token_urlsafe(16))
        back = provider.login(other, "77-bram")
        page.goto(back)
        page.wait_for("#inlogfout", text="het token van de inlogdienst klopt niet")
        assert "hoort niet bij deze inlogpoging" in page.text("#inlogfout")
        page.goto(f"{werkplek.url}/rapporten")
        page.wait_for_url("/inloggen")
    with werkplek.client("it") as api:
        users = [u["naam"] for u in api.get("/api/beheer/gebruikers").json()["gebruikers"]]
        assert "b.smit@gemeente.nl" not in users


def test_the_client_secret_never_comes_from_the_command_line(tmp_path: Path) -> None:
    without = command(
        "--oidc-issuer", "https://login.example/tenant/v2.0", "--oidc-client-id", "x",
        "--port", "0", data=tmp_path / "wp",
    )  # fmt: skip
    assert without.returncode == 2
    assert "het clientgeheim ontbreekt: zet het in $JAARVERSLAG_OIDC_SECRET" in without.stderr
    plain = command(
        "--oidc-issuer", "http://login.example/", "--oidc-client-id", "x", data=tmp_path / "wp"
    )
    assert plain.returncode == 2 and "gebruik een https-adres" in plain.stderr
    assert "--oidc-geheim " not in command("--help").stdout
    off = command("--geen-lokale-accounts", "--port", "0", data=tmp_path / "wp")
    assert off.returncode == 2 and "kan alleen met --oidc-issuer" in off.stderr
