"""``jaarverslag web`` and its commands: start the werkplek, add a user, make an API token, back
up and restore, migrate the database. Thin: arguments in, one call into :mod:`.admin` or
:mod:`.backup`, an exit status out; nothing but click is imported until a command runs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click


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
@click.pass_context
def web(
    ctx: click.Context,
    data: Path | None,
    database: str | None,
    host: str,
    port: int,
    werkers: int,
    geheugen: int,
    bouwtijd: int,
) -> None:
    """Start de werkplek: het hele programma in de browser, voor een team."""
    limits = {"werkers": werkers, "geheugen": geheugen, "bouwtijd": bouwtijd}
    ctx.obj = {"data": data, "database": database, **limits}
    if ctx.invoked_subcommand is None:
        from jaarverslag.web.admin import serve as serve_werkplek

        sys.exit(serve_werkplek(_settings(ctx, data, database), host, port))


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
