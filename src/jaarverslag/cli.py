"""The command line: arguments in, exit statuses out (0 ok, 1 bad input, 2 wrong usage)."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

import click

from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import FORMATS, Format


def _formats(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> tuple[Format, ...] | None:
    if value is None:
        return None
    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    known = tuple(f for f in FORMATS if f in chosen)
    if len(known) != len(set(chosen)) or not chosen:
        raise click.BadParameter(f"kies uit {', '.join(FORMATS)}, gescheiden door komma's")
    return tuple(next(f for f in FORMATS if f == c) for c in chosen)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jaarverslag")
def main() -> None:
    """Maak de werk-en-participatiesecties van jaarverslag, begroting en beleidsplan."""


@main.command()
@click.argument("rapporten", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Uitvoermap.",
)
@click.option(
    "-f",
    "--formats",
    callback=_formats,
    metavar="pdf,docx,html",
    help="Formaten (standaard: die van rapport.yaml).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Aantal rapporten tegelijk.",
)
@click.option(
    "--per-partij/--geen-per-partij",
    default=None,
    help="Ook één document per partij van de verdeelsleutel (standaard: rapport.yaml).",
)
@click.option(
    "--gemeente",
    "gemeenten",
    multiple=True,
    metavar="NAAM",
    help="Van een reeks alleen deze gemeente (naam of map; herhaalbaar).",
)
def build(
    rapporten: tuple[Path, ...],
    out_dir: Path,
    formats: tuple[Format, ...] | None,
    jobs: int,
    per_partij: bool | None,
    gemeenten: tuple[str, ...],
) -> None:
    """Bouw rapporten (standaard: elke map onder ./data) naar OUT/<naam>/."""
    from jaarverslag.build.options import BuildOptions
    from jaarverslag.commands.build import run_build

    options = BuildOptions(formats, per_partij, gemeenten or None, jobs)
    sys.exit(run_build(list(rapporten), out_dir, options))


@main.command()
@click.argument("rapporten", nargs=-1, type=click.Path(path_type=Path))
def check(rapporten: tuple[Path, ...]) -> None:
    """Controleer invoer en totalen, zonder iets te maken."""
    from jaarverslag.build.pipeline import check as check_rapporten
    from jaarverslag.build.pipeline import rapport_folders

    folders = rapport_folders(list(rapporten))
    outcomes = check_rapporten(folders)
    for outcome in outcomes:
        _print_problems(outcome.problems)
    failed = [o for o in outcomes if not o.ok]
    if not folders:
        click.echo("geen rapporten gevonden", err=True)
        sys.exit(1)
    if failed:
        click.echo(f"{len(failed)} van {len(outcomes)} rapporten met fouten", err=True)
        sys.exit(1)
    click.echo(f"{len(outcomes)} rapport(en) in orde", err=True)


@main.command()
@click.argument("name", type=click.Path(path_type=Path))
@click.option(
    "--excel", is_flag=True, help="De gegevens in één werkmap rapport.xlsx in plaats van CSV."
)
def new(name: Path, excel: bool) -> None:
    """Maak een nieuwe rapportmap NAME die meteen bouwt."""
    from jaarverslag.commands.new import new_rapport

    sys.exit(new_rapport(name, excel=excel))


@main.command()
@click.argument("rapport", type=click.Path(path_type=Path))
@click.argument("document", type=click.Path(path_type=Path))
@click.option(
    "--heading", "heading", required=True, help="De kop van het hoofdstuk dat wordt vervangen."
)
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(path_type=Path),
    help="De kopie (standaard DOCUMENT.bijgewerkt.docx ernaast).",
)
@click.option("--gemeente", metavar="NAAM", help="Van een reeks: het document van deze gemeente.")
def insert(
    rapport: Path, document: Path, heading: str, out: Path | None, gemeente: str | None
) -> None:
    """Zet het rapport als hoofdstuk in een kopie van uw eigen Word-document DOCUMENT."""
    from jaarverslag.commands.insert import run_insert

    sys.exit(run_insert(rapport, document, heading, out, gemeente))


@main.command()
@click.argument("rapport", type=click.Path(path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Poort (0: een vrije).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Adres om op te luisteren; een ander dan 127.0.0.1 toont het rapport aan het netwerk.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open de pagina in de browser.")
def serve(rapport: Path, port: int, host: str, open_browser: bool) -> None:
    """Toon RAPPORT in de browser en werk het bij bij elke opgeslagen wijziging."""
    from jaarverslag.serve import serve as run_serve

    sys.exit(run_serve(rapport, host, port, open_browser))


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
    return Settings(
        data=data or given.get("data") or Path("werkplek"),
        database=database or given.get("database"),
        workers=given.get("werkers", 2),
    )


@main.group(invoke_without_command=True)
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
@click.pass_context
def web(
    ctx: click.Context, data: Path | None, database: str | None, host: str, port: int, werkers: int
) -> None:
    """Start de werkplek: het hele programma in de browser, voor een team."""
    ctx.obj = {"data": data, "database": database, "werkers": werkers}
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


INTERRUPTED = 130  #: the shell's status for a command stopped by Ctrl-C (128 + SIGINT)


def run() -> None:
    """The console command: ``main``, its exit status decided here, in one place: 0 done,
    1 bad input, 2 wrong usage, 130 interrupted (Ctrl-C; click would say 1, the status of bad
    input)."""
    try:
        result = main.main(standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("afgebroken", err=True)
        code = INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            click.echo(str(exc.code), err=True)
    # The interpreter's final collections would walk every object pandas and WeasyPrint made
    # (~0.15 s of CPU for nothing); frozen objects are left alone. atexit handlers still run.
    gc.freeze()
    sys.exit(code)
