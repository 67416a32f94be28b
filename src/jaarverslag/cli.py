"""The command line: arguments in, exit statuses out (0 ok, 1 bad input, 2 wrong usage)."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

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
    metavar="pdf,docx,html,site",
    help="Formaten (standaard: die van rapport.yaml); site: de website in OUT/<naam>/site/.",
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
@click.option(
    "--opmerkingen",
    is_flag=True,
    help="De waarschuwingen van check als opmerkingen in de DOCX, bij de tabel waar ze over gaan.",
)
def build(
    rapporten: tuple[Path, ...],
    out_dir: Path,
    formats: tuple[Format, ...] | None,
    jobs: int,
    per_partij: bool | None,
    gemeenten: tuple[str, ...],
    opmerkingen: bool,
) -> None:
    """Bouw rapporten (standaard: elke map onder ./data) naar OUT/<naam>/."""
    from jaarverslag.build.options import BuildOptions
    from jaarverslag.commands.build import run_build

    options = BuildOptions(formats, per_partij, gemeenten or None, jobs, opmerkingen=opmerkingen)
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
@click.option("--site", is_flag=True, help="Toon de website van het rapport (zoals -f site).")
def serve(rapport: Path, port: int, host: str, open_browser: bool, site: bool) -> None:
    """Toon RAPPORT in de browser en werk het bij bij elke opgeslagen wijziging."""
    if site:
        from jaarverslag.serve.site import serve_site

        sys.exit(serve_site(rapport, host, port, open_browser))
    from jaarverslag.serve import serve as run_serve

    sys.exit(run_serve(rapport, host, port, open_browser))


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(path_type=Path),
    help="Map voor het verslag (standaard: ./verschillen).",
)
@click.option("--docx", is_flag=True, help="Ook NEW als DOCX met bijgehouden wijzigingen.")
def diff(old: Path, new: Path, out: Path | None, docx: bool) -> None:
    """Wat er voor een lezer veranderd is van rapport OLD naar rapport NEW (0: niets)."""
    from jaarverslag.commands.diff import run_diff

    sys.exit(run_diff(old, new, out, docx))


@main.command()
@click.argument("output", type=click.Path(path_type=Path))
@click.argument("rapport", type=click.Path(path_type=Path))
def verify(output: Path, rapport: Path) -> None:
    """Zeg of OUTPUT (PDF, DOCX, HTML, CSV) gemaakt is uit precies de invoer in RAPPORT."""
    from jaarverslag.commands.verify import run_verify

    sys.exit(run_verify(output, rapport))


def _web() -> None:
    """``jaarverslag web``: its commands are in :mod:`jaarverslag.web.command` (which imports
    only click until one of them runs)."""
    from jaarverslag.web.command import web

    main.add_command(web)


_web()

INTERRUPTED = 130  #: the shell's status for a command stopped by Ctrl-C (128 + SIGINT)
UNEXPECTED = 1  #: a bug of ours: the status of a failure (see docs/safety.md)


def _guarded(exc: BaseException) -> int:
    """Say :func:`~jaarverslag.core.errors.unexpected`'s message (and the traceback only when
    asked for); the status of a failure."""
    import os

    from jaarverslag.core.errors import TRACEBACK_ENV, unexpected

    if os.environ.get(TRACEBACK_ENV):
        import traceback

        traceback.print_exception(exc)
    click.echo(unexpected(exc), err=True)
    return UNEXPECTED


def _forget_the_interrupt() -> None:
    """CPython (3.11 to 3.13 at least) notes a Ctrl-C that escaped code run by ``exec`` of a
    string — as dataclasses make their methods, so any import under way can be the place — and
    under ``python -m`` ends the process at exit by SIGINT instead of with the status asked for:
    ``-2`` to the parent process, not 130. An ``exec`` of a string that finishes clears that
    note (each starts by clearing it)."""
    exec("pass")


def run() -> None:
    """The console command: ``main``, its exit status decided here, in one place: 0 done,
    1 bad input (and a bug of ours: one message asking to report it, never a traceback), 2 wrong
    usage, 130 interrupted (Ctrl-C; click would say 1, the status of bad input)."""
    try:
        result = main.main(standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("afgebroken", err=True)
        code = INTERRUPTED
        _forget_the_interrupt()
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            click.echo(str(exc.code), err=True)
    except Exception as exc:  # the one guard of every command: a bug is a message, exit 1
        code = _guarded(exc)
    # The interpreter's final collections would walk every object pandas and WeasyPrint made
    # (~0.15 s of CPU for nothing); frozen objects are left alone. atexit handlers still run.
    gc.freeze()
    sys.exit(code)
