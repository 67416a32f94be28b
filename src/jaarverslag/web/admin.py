"""The werkplek's commands for IT: start it, add a user, make or revoke an API token, bring the
database up to date (``jaarverslag web [gebruiker|token|migreer]``); backups are in
:mod:`.backup`. Each returns the exit status and says what it did on stderr (a new token: on
stdout, so a script can take it)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import click
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from jaarverslag.core import startup
from jaarverslag.core.errors import bind_message
from jaarverslag.web import accounts, audit, db, names
from jaarverslag.web.settings import Settings


def say(message: str) -> None:
    click.echo(message, err=True)


class Unready(click.ClickException):
    """A database that can't be used as it is: its message, exit status 1."""

    def show(self, file: object = None) -> None:
        say(self.message)


def migrate_command(settings: Settings) -> str:
    """The command that migrates this werkplek's database, as a message shows it."""
    where = f"--data {settings.data}"
    if settings.database is not None:
        where += f" --database '{db.shown_url(settings.database)}'"
    return f"jaarverslag web {where} migreer"


def _engine(settings: Settings) -> Engine:
    """The werkplek's database, ready for use (a new one gets its schema), or :class:`Unready`."""
    settings.data.mkdir(parents=True, exist_ok=True)
    made = db.engine(settings.url)
    try:
        db.prepare(made, migrate_command(settings))
    except db.Unready as exc:
        made.dispose()
        raise Unready(str(exc)) from exc
    return made


def add_user(settings: Settings, name: str, admin: bool, password: str) -> int:
    """A local account ``name`` (or a new password for an existing one)."""
    try:
        name = names.user_name(name)
    except names.NameRefused as exc:
        say(str(exc))
        return 1
    problem = accounts.password_problem(password)
    if problem is not None:
        say(f"{name}: {problem}")
        return 1
    made = _engine(settings)
    try:
        with db.writing(made) as session:
            user = accounts.find_user(session, name)
            if user is None:
                from jaarverslag.web.models import User

                user = User(name=name, admin=admin, password=accounts.hash_password(password))
                session.add(user)
                said = f"{name}: aangemaakt{' (beheerder)' if admin else ''}"
            else:
                user.password = accounts.hash_password(password)
                user.admin = user.admin or admin
                said = f"{name}: bestond al; het wachtwoord is gewijzigd"
            audit.record(
                session, "gebruiker-aangemaakt", name, None, "opdrachtregel", beheerder=admin
            )
    finally:
        made.dispose()
    say(said)
    return 0


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Wachtwoord", hide_input=True, confirmation_prompt="Nog een keer"))


def token(settings: Settings, name: str, revoke: str | None, show: bool) -> int:
    """A new API token of ``name`` on stdout; or ``revoke`` one (its number, or ``alle``);
    or ``show`` them."""
    made = _engine(settings)
    try:
        with db.writing(made) as session:
            user = accounts.find_user(session, name)
            if user is None:
                shown = names.shown(name)
                say(
                    f"er is geen gebruiker {shown}; maak die met: jaarverslag web gebruiker {shown}"
                )
                return 1
            if show:
                for item in accounts.tokens_of(session, user):
                    state = f"ingetrokken {item.revoked:%d-%m-%Y}" if item.revoked else "geldig"
                    click.echo(f"{item.id}\t{item.start}…\t{item.created:%d-%m-%Y %H:%M}\t{state}")
                return 0
            if revoke is not None:
                which = None if revoke == "alle" else int(revoke) if revoke.isdigit() else -1
                count = accounts.revoke_tokens(session, user, which)
                audit.record(
                    session, "token-ingetrokken", name, None, "opdrachtregel", token=revoke
                )
                if count == 0:
                    say(f"{name}: geen geldig token {revoke}")
                    return 1
                say(f"{name}: {count} token(s) ingetrokken")
                return 0
            secret = accounts.new_token(session, user)
            audit.record(session, "token-gemaakt", name, None, "opdrachtregel")
    finally:
        made.dispose()
    click.echo(secret)
    say(f"{name}: nieuw API-token (hierboven; het wordt nergens bewaard, alleen een hash ervan)")
    return 0


def migrate(settings: Settings) -> int:
    settings.data.mkdir(parents=True, exist_ok=True)
    made = db.engine(settings.url)
    try:
        before, newest = db.revisions(made)
        db.migrate(made)
    except DBAPIError as exc:
        say(f"kan de database niet bijwerken: {db.unreachable(exc)}")
        return 1
    finally:
        made.dispose()
    if before == newest:
        say(f"de database is al bij: revisie {newest}")
    else:
        say(f"de database is bijgewerkt van revisie {before or '(leeg)'} naar {newest}")
    return 0


def serve(settings: Settings, host: str, port: int, proxies: str = "127.0.0.1") -> int:
    """Run the werkplek until Ctrl-C (uvicorn, on a socket bound here: port 0 takes a free
    one, and the address is printed once it listens). ``proxies``: the addresses whose
    ``X-Forwarded-For`` and ``-Proto`` are believed (empty: nobody's)."""
    import uvicorn

    from jaarverslag.serve.server import is_loopback
    from jaarverslag.web.app import create_app

    made = _engine(settings)  # a database of another revision: refused before anything else
    try:
        with db.reading(made) as session:
            nobody = accounts.count_users(session) == 0
    finally:
        made.dispose()
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        say(bind_message(exc, host, port))
        return 1
    sock.listen(128)  # a request that comes before uvicorn accepts waits, it isn't refused
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host

    def ready() -> None:
        if not is_loopback(host):
            say(f"de werkplek luistert op {host}: zet er een HTTPS-proxy voor (docs/werkplek.md)")
        if nobody:
            say(
                "er is nog geen gebruiker: maak er een met "
                f"jaarverslag web --data {settings.data} gebruiker NAAM --beheerder"
            )
        where = Path(settings.data).resolve()
        say(f"werkplek op http://{shown}:{bound}/ (gegevens in {where}; Ctrl-C stopt)")

    app = create_app(settings, ready=ready)
    startup.serving()  # weeks of requests: the start-up out of the collector's sight
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,  # the werkplek logs each request itself (.logs)
        lifespan="on",
        # as nginx keeps a connection: a browser's next request must not race its closing
        timeout_keep_alive=75,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )
    uvicorn.Server(config).run(sockets=[sock])
    return 0
