"""Turns a Document into the one HTML document through Jinja2 templates.

Templates are looked up in the rapport's own ``templates/`` folder first, then the built-in
ones. Autoescaping is on and undefined names fail, so data is printed literally, never run.
"""

from __future__ import annotations

import base64
import traceback
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from .. import __version__
from ..errors import InputError, Problem
from ..model import Document, Figure, Html, Table
from ..numbers import format_cell, format_euro, format_number, format_percentage


def builtin_templates() -> Path:
    """The package's own template folder (works installed and from a checkout)."""
    return Path(str(resources.files("jaarverslag") / "templates"))


def template_dirs(rapport_folder: Path | None) -> list[Path]:
    dirs = []
    if rapport_folder is not None and (rapport_folder / "templates").is_dir():
        dirs.append(rapport_folder / "templates")
    dirs.append(builtin_templates())
    return dirs


def environment(rapport_folder: Path | None) -> jinja2.Environment:
    """A sandboxed environment: rapport templates are user files too.

    One environment per search path and process, so a batch compiles the built-in templates
    once (Jinja still reloads a template whose file changed).
    """
    return _environment(tuple(str(d) for d in template_dirs(rapport_folder)))


@lru_cache(maxsize=64)
def _environment(dirs: tuple[str, ...]) -> jinja2.Environment:
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(list(dirs)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(
        cell=format_cell,
        number=format_number,
        euro=format_euro,
        percentage=format_percentage,
        svg_data_uri=svg_data_uri,
    )
    env.tests.update(
        table_block=lambda b: isinstance(b, Table),
        figure_block=lambda b: isinstance(b, Figure),
        html_block=lambda b: isinstance(b, Html),
    )
    return env


def svg_data_uri(figure: Figure) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(figure.svg.encode()).decode()


def render_html(document: Document, rapport_folder: Path | None = None) -> str:
    """The document as one standalone HTML page.

    A mistake in a rapport's own template (syntax, an unknown name, something the sandbox
    forbids) is bad input: an :class:`InputError` naming the template file and line.
    """
    env = environment(rapport_folder)
    numbers = {t.name: n for n, t in enumerate(document.tables(), start=1)}
    try:
        template = env.get_template(f"{document.soort}.html")
        return template.render(doc=document, table_numbers=numbers, version=__version__)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or f"{document.soort}.html"
        problem = Problem(where, exc.lineno, None, f"sjabloonfout: {exc.message}")
        raise InputError([problem]) from None
    except (jinja2.TemplateError, SecurityError) as exc:
        raise InputError([_template_problem(exc, rapport_folder, document.soort)]) from None


def _template_problem(exc: Exception, rapport_folder: Path | None, soort: str) -> Problem:
    """The template file and line the error happened in (the innermost template frame)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".html")]
    own = rapport_folder / "templates" if rapport_folder is not None else None
    if frames:
        where, line = frames[-1].filename, frames[-1].lineno
    else:
        where, line = str(own / f"{soort}.html") if own else f"{soort}.html", None
    kind = type(exc).__name__
    message = str(exc) or kind
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"sjabloon '{exc.name}' bestaat niet (of ligt buiten de sjabloonmappen)"
    return Problem(where, line, None, f"sjabloonfout: {message}")
