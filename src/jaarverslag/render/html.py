"""Turns a Document into the one HTML document through Jinja2 templates.

Templates are looked up in the rapport's own ``templates/`` folder first, then the built-in
ones. Autoescaping is on and undefined names fail, so data is printed literally, never run.
"""

from __future__ import annotations

import base64
from importlib import resources
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .. import __version__
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
    """A sandboxed environment: rapport templates are user files too."""
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(rapport_folder)]),
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
    """The document as one standalone HTML page."""
    env = environment(rapport_folder)
    template = env.get_template(f"{document.soort}.html")
    numbers = {t.name: n for n, t in enumerate(document.tables(), start=1)}
    return template.render(doc=document, table_numbers=numbers, version=__version__)
