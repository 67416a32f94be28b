"""``jaarverslag web`` and its commands: start the werkplek, add a user, make an API token, back
up and restore, migrate the database. Thin: arguments in, one call into :mod:`.admin` or
:mod:`.backup`, an exit status out; nothing but click is imported until a command runs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

SECRET_VARIABLE = "JAARVERSLAG_OIDC_SECRET"  #: where the client secret is, without a file


def _werkplek_options(command: Any) -> Any:
    """``--data`` and ``--database``: on ``web`` itself and on each of its commands."""
    command = click.option(
        "--database", metavar="URL", default=None, help="Een andere database dan SQLite in --data."
    )(command)
    return click.option(
        "--data",
        type=click.Path(path_type=Path),
        default=None,
        help="De map van de werkplek: database en bestanden [standaard: ./werkplek].",
    )(command)


def _settings(ctx: click.Context, data: Path | None, database: str | None) -> Any:
    from jaarverslag.web.settings import Settings

    given = ctx.find_object(dict) or {}
    limits = {
        "workers": given.get("werkers"),
        "check_workers": given.get("controlewerkers"),
        "memory": given["geheugen"] * 1024 * 1024 if given.get("geheugen") else None,
        "build_seconds": given.get("bouwtijd"),
    }
    return Settings(
        data=data or given.get("data") or Path("werkplek"),
        database=database or given.get("database"),
        **{key: value for key, value in limits.items() if value is not None},
    )


@click.group(invoke_without_command=True)
@_werkplek_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Adres om op te luisteren.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="Poort (0: een vrije).",
)
@click.option(
    "--werkers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Bouwprocessen tegelijk.",
)
@click.option(
    "--controlewerkers",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="Processen voor controles en voorbeelden (een rapport blijft bij hetzelfde).",
)
@click.option(
    "--geheugen",
    type=click.IntRange(256),
    default=4096,
    show_default=True,
    metavar="MB",
    help="Geheugen per bouwproces.",
)
@click.option(
    "--bouwtijd",
    type=click.IntRange(1),
    default=600,
    show_default=True,
    metavar="SECONDEN",
    help="Hoogstens zo lang per keer bouwen.",
)
@click.option(
    "--proxy-headers",
    "proxies",
    metavar="ADRESSEN",
    default="127.0.0.1",
    show_default=True,
    help="Neem X-Forwarded-For en -Proto alleen aan van deze adressen: de HTTPS-proxy "
    "(met komma's ertussen; 'geen': van niemand).",
)
@click.option("--oidc-issuer", metavar="URL", help="Inloggen via OpenID Connect: de inlogdienst.")
@click.option("--oidc-client-id", metavar="ID", help="De client-id van de werkplek daar.")
@click.option(
    "--oidc-geheim-bestand",
    "oidc_secret_file",
    metavar="BESTAND",
    type=click.Path(path_type=Path, dir_okay=False),
    help=f"Lees het clientgeheim uit dit bestand [standaard: ${SECRET_VARIABLE}].",
)
@click.option(
    "--oidc-beheerders",
    metavar="WAARDE",
    help="Wie deze waarde in de claim heeft (een groep, een app-rol), is beheerder.",
)
@click.option(
    "--oidc-claim",
    metavar="CLAIM",
    default="groups",
    show_default=True,
    help="De claim met de groepen of rollen.",
)
@click.option(
    "--oidc-naam",
    metavar="TEKST",
    default="uw werkaccount",
    show_default=True,
    help="Hoe de inlogknop het account noemt.",
)
@click.option(
    "--lokale-accounts/--geen-lokale-accounts",
    default=True,
    help="Inloggen met gebruikersnaam en wachtwoord [standaard: aan].",
)
@click.pass_context
def web(
    ctx: click.Context,
    /,
    data: Path | None,
    database: str | None,
    host: str,
    port: int,
    werkers: int,
    controlewerkers: int,
    geheugen: int,
    bouwtijd: int,
    proxies: str,
    lokale_accounts: bool,
    **oidc: Any,
) -> None:
    """Start de werkplek: het hele programma in de browser, voor een team."""
    limits = {
        "werkers": werkers, "controlewerkers": controlewerkers, "geheugen": geheugen,
        "bouwtijd": bouwtijd,
    }  # fmt: skip
    ctx.obj = {"data": data, "database": database, **limits}
    if ctx.invoked_subcommand is None:
        from dataclasses import replace

        from jaarverslag.web.admin import serve as serve_werkplek

        sign_on = _oidc(**oidc)
        if sign_on is None and not lokale_accounts:
            raise click.UsageError(
                "--geen-lokale-accounts kan alleen met --oidc-issuer: anders kan niemand inloggen"
            )
        settings = replace(
            _settings(ctx, data, database), oidc=sign_on, local_accounts=lokale_accounts
        )
        trusted = "" if proxies.strip().lower() == "geen" else proxies.strip()
        sys.exit(serve_werkplek(settings, host, port, trusted))


def _oidc(
    oidc_issuer: str | None,
    oidc_client_id: str | None,
    oidc_secret_file: Path | None,
    oidc_beheerders: str | None,
    oidc_claim: str,
    oidc_naam: str,
) -> Any:
    """Single sign-on's settings, or None without ``--oidc-issuer``. The client secret comes
    from a file or the environment, never from the command line (which ``ps`` shows)."""
    import os
    from urllib.parse import urlsplit

    from jaarverslag.web.settings import Oidc

    if oidc_issuer is None and oidc_client_id is None:
        return None
    if not oidc_issuer or not oidc_client_id:
        raise click.UsageError("geef --oidc-issuer en --oidc-client-id samen")
    parts = urlsplit(oidc_issuer)
    loopback = parts.hostname in ("localhost", "::1") or (parts.hostname or "").startswith("127.")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise click.UsageError(f"--oidc-issuer: gebruik een https-adres, niet {oidc_issuer}")
    if oidc_secret_file is not None:
        try:
            secret = oidc_secret_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise click.UsageError(f"--oidc-geheim-bestand: {oidc_secret_file}: {exc}") from exc
        if oidc_secret_file.stat().st_mode & 0o077:
            click.echo(
                f"let op: {oidc_secret_file} is leesbaar voor anderen; "
                f"chmod 600 {oidc_secret_file}",
                err=True,
            )
    else:
        secret = os.environ.get(SECRET_VARIABLE, "").strip()
    if not secret:
        raise click.UsageError(
            f"het clientgeheim ontbreekt: zet het in ${SECRET_VARIABLE} of in een bestand "
            "(--oidc-geheim-bestand)"
        )
    return Oidc(
        issuer=oidc_issuer.rstrip("/"),
        client_id=oidc_client_id,
        secret=secret,
        admin_value=oidc_beheerders,
        claim=oidc_claim,
        label=oidc_naam,
    )


@web.command()
@click.argument("naam")
@click.option("--beheerder", is_flag=True, help="Mag alle rapporten zien en het auditlog lezen.")
@click.option("--wachtwoord-stdin", is_flag=True, help="Lees het wachtwoord van stdin.")
@_werkplek_options
@click.pass_context
def gebruiker(
    ctx: click.Context,
    naam: str,
    beheerder: bool,
    wachtwoord_stdin: bool,
    data: Path | None,
    database: str | None,
) -> None:
    """Maak een gebruiker NAAM (of geef die een nieuw wachtwoord)."""
    from jaarverslag.web.admin import add_user, read_password

    settings = _settings(ctx, data, database)
    sys.exit(add_user(settings, naam.lower(), beheerder, read_password(wachtwoord_stdin)))


@web.command()
@click.argument("naam")
@click.option("--intrekken", metavar="NUMMER|alle", help="Trek een token in (of alle).")
@click.option("--lijst", is_flag=True, help="Toon de tokens van NAAM.")
@_werkplek_options
@click.pass_context
def token(
    ctx: click.Context,
    naam: str,
    intrekken: str | None,
    lijst: bool,
    data: Path | None,
    database: str | None,
) -> None:
    """Druk een nieuw API-token af voor gebruiker NAAM."""
    from jaarverslag.web.admin import token as make_token

    sys.exit(make_token(_settings(ctx, data, database), naam.lower(), intrekken, lijst))


@web.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.argument("target", metavar="ZIP", type=click.Path(path_type=Path))
@click.option("--database", metavar="URL", default=None, help="De database van de werkplek.")
@click.pass_context
def backup(ctx: click.Context, folder: Path, target: Path, database: str | None) -> None:
    """Maak een backup van de werkplek in DIR, ook terwijl die draait."""
    from jaarverslag.web.backup import backup as make_backup

    sys.exit(make_backup(_settings(ctx, folder, database), target))


@web.command()
@click.argument("source", metavar="ZIP", type=click.Path(path_type=Path))
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--database", metavar="URL", default=None, help="Een lege database om in te zetten.")
@click.pass_context
def restore(ctx: click.Context, source: Path, folder: Path, database: str | None) -> None:
    """Zet een backup terug in een nieuwe werkplek DIR."""
    from jaarverslag.web.backup import restore as put_back

    sys.exit(put_back(_settings(ctx, folder, database), source))


@web.command()
@_werkplek_options
@click.pass_context
def migreer(ctx: click.Context, data: Path | None, database: str | None) -> None:
    """Breng de database van de werkplek bij tot de nieuwste versie."""
    from jaarverslag.web.admin import migrate

    sys.exit(migrate(_settings(ctx, data, database)))
