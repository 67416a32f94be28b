"""The OpenID Connect provider process that :mod:`support.oidc` starts (run as a script).

``oidc-provider-mock`` (Flask + Authlib's server) with what a werkplek test needs and the
package does not do by itself:

- **PKCE is verified**: oidc-provider-mock 0.3 ignores ``code_challenge`` and
  ``code_verifier``; here Authlib's own ``CodeChallenge`` extension checks them (a wrong
  verifier is ``invalid_grant``), and ``--require-pkce`` refuses a request without a challenge;
- **clients with a chosen id and secret**: ``PUT /_test/clients/<id>`` with
  ``{"client_secret", "redirect_uris", "token_endpoint_auth_method"}`` (the package only has
  dynamic registration, which picks them itself);
- **auto-login**: ``PUT /_test/auto-login`` with ``{"sub": S}`` (or ``null``) makes every
  authorization request log in as S at once, as the provider's form would after a click;
- **nothing fetched from elsewhere**: the package's pages load a stylesheet from a CDN.

Prints ``LISTENING http://127.0.0.1:PORT`` once it accepts connections.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from typing import Any
from urllib.parse import urlencode

os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the provider speaks plain HTTP on 127.0.0.1

import flask
import jinja2
import werkzeug.serving
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc7636 import CodeChallenge
from oidc_provider_mock import User, _app
from oidc_provider_mock._storage import Client

BASE_TEMPLATE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>OpenID provider (test)</title>
<style>body{font:16px sans-serif;max-width:40rem;margin:2rem auto}button{margin:.3rem}</style>
</head>
<body><main class="container">{% block content %}{{ content }}{% endblock %}</main></body>
</html>
"""

ERROR_TEMPLATE = """{% extends "_base.html" %}{% block content %}
<h1>Error: {{ name }}</h1>
<p>{{ description }}</p>
{% endblock %}"""

#: code → (code_challenge, code_challenge_method) of the authorization request that made it
CHALLENGES: dict[str, tuple[str | None, str | None]] = {}
AUTO_LOGIN: dict[str, str | None] = {"sub": None}


class Pkce(CodeChallenge):
    require_challenge = False

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        if self.require_challenge and not grant.request.payload.data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge' (this provider requires PKCE)")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code: Any) -> str | None:
        return CHALLENGES.get(authorization_code.code, (None, None))[0]

    def get_authorization_code_challenge_method(self, authorization_code: Any) -> str | None:
        return CHALLENGES.get(authorization_code.code, (None, None))[1]


class AuthorizationCodeGrant(_app.AuthorizationCodeGrant):
    def __init__(self, request: Any, server: Any) -> None:
        super().__init__(request, server)
        Pkce(required=True)(self)

    def save_authorization_code(self, code: str, request: object) -> None:
        super().save_authorization_code(code, request)
        data = self.request.payload.data
        CHALLENGES[code] = (data.get("code_challenge"), data.get("code_challenge_method"))


def auto_login(wsgi: Any) -> Any:
    """A GET of the authorization endpoint becomes the form's POST for the auto-login user."""

    def middleware(environ: dict[str, Any], start_response: Any) -> Any:
        sub = AUTO_LOGIN["sub"]
        if (
            sub
            and environ["PATH_INFO"] == "/oauth2/authorize"
            and environ["REQUEST_METHOD"] == "GET"
        ):
            body = urlencode({"sub": sub}).encode()
            environ = {
                **environ,
                "REQUEST_METHOD": "POST",
                "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "CONTENT_LENGTH": str(len(body)),
                "wsgi.input": io.BytesIO(body),
            }
        return wsgi(environ, start_response)

    return middleware


def make_app(*, require_registration: bool, require_nonce: bool, users: list[User]) -> flask.Flask:
    _app.AuthorizationCodeGrant = AuthorizationCodeGrant
    app = _app.app(
        require_client_registration=require_registration,
        require_nonce=require_nonce,
        user_claims=users,
    )
    app.jinja_env.loader = jinja2.ChoiceLoader(
        [
            jinja2.DictLoader({"_base.html": BASE_TEMPLATE, "error.html": ERROR_TEMPLATE}),
            app.jinja_env.loader,
        ]
    )

    @app.put("/_test/clients/<client_id>")
    def put_client(client_id: str) -> tuple[str, int]:
        body = flask.request.get_json()
        flask.g.oidc_provider_mock_storage.store_client(
            Client(
                id=client_id,
                secret=body["client_secret"],
                redirect_uris=list(body["redirect_uris"]),
                allowed_scopes=Client.SCOPES_SUPPORTED,
                token_endpoint_auth_method=body.get(
                    "token_endpoint_auth_method", "client_secret_basic"
                ),
            )
        )
        return "", 204

    @app.put("/_test/auto-login")
    def put_auto_login() -> tuple[str, int]:
        AUTO_LOGIN["sub"] = flask.request.get_json()["sub"]
        return "", 204

    app.wsgi_app = auto_login(app.wsgi_app)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--require-registration", action="store_true")
    parser.add_argument("--require-nonce", action="store_true")
    parser.add_argument("--require-pkce", action="store_true")
    parser.add_argument("--user", action="append", default=[], help="JSON claims with a sub")
    args = parser.parse_args()
    Pkce.require_challenge = args.require_pkce
    users = []
    for text in args.user:
        claims = json.loads(text)
        users.append(User(sub=claims.pop("sub"), claims=claims))
    app = make_app(
        require_registration=args.require_registration,
        require_nonce=args.require_nonce,
        users=users,
    )
    server = werkzeug.serving.make_server(args.host, args.port, app, threaded=True)
    print(f"LISTENING http://{args.host}:{server.server_port}", flush=True)
    sys.stdout.close()  # nothing more comes there; werkzeug's request log goes to stderr
    server.serve_forever(poll_interval=0.1)


if __name__ == "__main__":
    main()
