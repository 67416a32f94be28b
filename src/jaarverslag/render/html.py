"""Turns a Document into the one HTML document through Jinja2 templates.

Templates are looked up in the rapport's own ``templates/`` folder first, then the built-in
ones. Autoescaping is on and undefined names fail, so data is printed literally, never run.
"""

from __future__ import annotations

import base64
import os
import traceback
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from itertools import accumulate, pairwise
from math import ceil
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError

from jaarverslag.core import files
from jaarverslag.core.errors import InputError, Problem
from jaarverslag.core.model import Chart, Document, DotChart, Items, Prose, Table, Text
from jaarverslag.core.numbers import display_cell, format_euro, format_number, format_percentage
from jaarverslag.core.sandbox import BoundedSandbox, deadline
from jaarverslag.core.version import VERSION
from jaarverslag.inputs import images
from jaarverslag.render import vocabulary as v
from jaarverslag.render.bytecode import bytecode_cache
from jaarverslag.render.kept import KeptTables
from jaarverslag.render.opendata import raw_value


def builtin_templates() -> Path:
    """The package's own template folder (works installed and from a checkout)."""
    return Path(str(resources.files("jaarverslag.render") / "templates"))


def template_dirs(rapport_folder: Path | None) -> list[Path]:
    """The rapport's own ``templates/`` (only if it lies inside the rapport), then ours."""
    dirs = []
    if rapport_folder is not None:
        own = rapport_folder / "templates"
        if own.is_dir() and files.inside(rapport_folder, own) is not None:
            dirs.append(own)
    dirs.append(builtin_templates())
    return dirs


class RefusedTemplate(jinja2.TemplateError):
    """A template file the build may not read (outside the rapport, too large, not a file)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class ContainedLoader(jinja2.BaseLoader):
    """Jinja's file loader, but every template is read through :func:`files.read`: a symlink
    in ``templates/`` that leads out of the rapport folder is refused, not followed."""

    def __init__(self, dirs: list[Path], rapport_folder: Path | None) -> None:
        self.dirs = dirs
        self.rapport_folder = rapport_folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.dirs:
            path = folder.joinpath(*pieces)
            if not (path.exists() or path.is_symlink()):
                continue
            own = self.rapport_folder is not None and folder.parent == self.rapport_folder
            root = self.rapport_folder if own and self.rapport_folder is not None else folder
            data, problems = files.read(root, path, "sjabloon", str(path))
            if data is None:
                raise RefusedTemplate(problems)
            mtime = os.path.getmtime(path)
            return data.decode("utf-8-sig"), str(path), lambda p=path, m=mtime: _unchanged(p, m)
        raise jinja2.TemplateNotFound(template)


def _unchanged(path: Path, mtime: float) -> bool:
    try:
        return os.path.getmtime(path) == mtime
    except OSError:
        return False


def environment(rapport_folder: Path | None) -> jinja2.Environment:
    """A sandboxed environment: rapport templates are user files too.

    One environment per search path and process, so a batch compiles the built-in templates
    once (Jinja still reloads a template whose file changed).
    """
    folder = None if rapport_folder is None else str(rapport_folder)
    return _environment(tuple(str(d) for d in template_dirs(rapport_folder)), folder)


def forget_environments() -> None:
    """Drop this process's environments and what they compiled (as a new process starts)."""
    _environment.cache_clear()


@lru_cache(maxsize=64)
def _environment(dirs: tuple[str, ...], rapport_folder: str | None) -> jinja2.Environment:
    folder = None if rapport_folder is None else Path(rapport_folder)
    env = BoundedSandbox(
        loader=ContainedLoader([Path(d) for d in dirs], folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache("document"),
    )
    env.filters.update(
        cell=display_cell,
        number=format_number,
        euro=format_euro,
        percentage=format_percentage,
        svg_data_uri=svg_data_uri,
        raw=raw_value,
        column_parts=column_parts,
    )
    env.globals.update(short_header=v.SHORT_HEADER, keep_rows=v.KEEP_ROWS)
    env.globals["block_html"] = KeptTables(env)  # blocks.html's block(), tables kept
    env.tests.update(
        table_block=lambda b: isinstance(b, Table),
        chart_block=lambda b: isinstance(b, Chart | DotChart),
        prose_block=lambda b: isinstance(b, Prose),
        text_block=lambda b: isinstance(b, Text),
        items_block=lambda b: isinstance(b, Items),
    )
    return env


#: How many columns of figures one table part may hold: seven figures of up to ``€ 18.521,58``
#: beside the row labels fill the text width of an A4 page in the small type of a wide table.
PART_WIDTH = 7.5
#: The width of a short text column (V/N) counted in columns of figures.
NARROW = 0.3


def column_parts(table: Table, budget: float = PART_WIDTH) -> list[list[int]]:
    """The table's columns in as few parts as fit ``budget``, as even as possible, each
    printed as a table of its own with the row labels: a long series of years stays on the
    page (one table would run off its right edge, and its last years with it). A part never
    starts with a text column: V/N stays beside its Verschil."""
    columns = table.columns
    widths = [1.0 if c.numeric or len(c.label) > v.SHORT_HEADER else NARROW for c in columns]
    reach = [0.0, *accumulate(widths)]
    total, count = reach[-1], len(columns)
    cuts_allowed = [i for i in range(1, count) if columns[i].numeric]
    parts = max(1, ceil(total / budget - 1e-9))
    while True:
        cuts = {
            min(cuts_allowed, key=lambda i: (abs(reach[i] - k * total / parts), i))
            for k in range(1, parts)
            if cuts_allowed
        }
        bounds = [0, *sorted(cuts), count]
        fits = all(reach[b] - reach[a] <= budget + 1e-9 for a, b in pairwise(bounds))
        if fits or parts >= count:
            return [list(range(a, b)) for a, b in pairwise(bounds)]
        parts += 1


def svg_data_uri(chart: Chart | DotChart) -> str:
    """The chart drawn as SVG, inline: the HTML stays one standalone file."""
    if isinstance(chart, DotChart):
        from jaarverslag.render.dotplot import svg as dots

        drawn = dots(chart)
    else:
        from jaarverslag.render.charts import svg

        drawn = svg(chart)
    return "data:image/svg+xml;base64," + base64.b64encode(drawn.encode()).decode()


def render_html(document: Document, rapport_folder: Path | None = None) -> str:
    """The document as one standalone HTML page.

    A mistake in a rapport's own template (syntax, an unknown name, something the sandbox
    forbids) is bad input: an :class:`InputError` naming the template file and line.
    """
    tables = {t.name: document.number(t) for t in document.tables()}
    figures = {f.name: document.number(f) for f in document.figures()}
    context = {"doc": document, "table_numbers": tables, "figure_numbers": figures}
    return render_template(f"{document.soort}.html", rapport_folder, context)


def render_template(name: str, rapport_folder: Path | None, context: dict[str, object]) -> str:
    """Template ``name`` (the rapport's own first) with ``context``; a mistake in it is an
    :class:`InputError` naming the template file and line."""
    env = environment(rapport_folder)
    soort = name.removesuffix(".html")
    try:
        template = env.get_template(name)
        with deadline():
            page = template.render(**context, version=VERSION)
        return images.inline(page, rapport_folder)
    except RefusedTemplate as exc:
        raise InputError(exc.problems) from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or name
        problem = Problem(where, exc.lineno, None, f"sjabloonfout: {exc.message}")
        raise InputError([problem]) from None
    except (jinja2.TemplateError, SecurityError) as exc:
        raise InputError([_template_problem(exc, rapport_folder, soort)]) from None
    except Exception as exc:  # an expression of the rapport's own template: its mistake
        if not _in_own_template(exc, rapport_folder):
            raise
        raise InputError([_template_problem(exc, rapport_folder, soort)]) from None


def _in_own_template(exc: Exception, rapport_folder: Path | None) -> bool:
    """Whether ``exc`` was raised while a template of the rapport's own folder ran."""
    if rapport_folder is None:
        return False
    own = str(rapport_folder / "templates")
    return any(f.filename.startswith(own) for f in traceback.extract_tb(exc.__traceback__))


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
