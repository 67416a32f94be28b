"""Turns a section's Markdown file, with live figures, into a trusted HTML fragment.

The Markdown text is first rendered as a Jinja2 template in a sandbox, so prose can print
figures computed from the data (``{{ realisatie("p_banen", 2017) }}``); then Markdown turns it
into HTML. Only the author's Markdown is a template: values from data files are printed through
the template functions and are never evaluated themselves. Printed values are HTML-escaped and
Markdown-escaped, raw HTML in the Markdown is escaped, and headings are shifted below the
section heading so the document outline stays correct.

Template functions (all numbers printed the Dutch way by :mod:`jaarverslag.core.numbers`):

- ``realisatie(id, jaar)``: the realisatie of an indicator in a year;
- ``doel(id, jaar)``: its target that year (``begroting``, else ``beoogd``);
- ``verschil(id, jaar)``: realisatie minus target, with sign; ``verschil(id, jaar, 2016)``:
  realisatie minus the realisatie of 2016; between percentages in procentpunt (``+5
  procentpunt``), euros as the indicator's amounts (``€ +0,40``);
- ``procent_van_doel(id, jaar)``: realisatie as a percentage of the target (one decimal, more
  where one would print 100,0% for a figure that is not exactly on target);
- ``conclusie(id)``: the generated conclusion for one indicator; ``conclusies()``: for all;
- ``kosten(…)``, ``maatregelen(…)``, ``verdeling(…)``, ``vergelijking(…)``: an amount of that
  table, printed as the table prints it (:mod:`.amounts`).

A missing value prints as ``-``; an unknown indicator, year, post or column, or any template
error, is a :class:`~jaarverslag.core.errors.Problem` naming the Markdown file and line.

A reference to a table or figure, ``[@tabel-kosten]``, becomes a link to it that the document
stage fills with its number (:mod:`.references`); the references and their lines are returned
beside the HTML, so ``check`` names the line of one that points nowhere.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache

import jinja2
from jinja2 import nodes
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from jaarverslag.analysis.amounts import AmountError, Amounts
from jaarverslag.analysis.references import REFERENCE, Reference, link
from jaarverslag.compute.conclusies import Indicator, conclusion, exact
from jaarverslag.core.errors import InputError, Problem
from jaarverslag.core.kinds import Soort
from jaarverslag.core.numbers import (
    NOT_YET_KNOWN,
    format_share,
    format_signed,
    format_value,
    typographic,
    unbreakable,
)
from jaarverslag.core.sandbox import TEXTS, BoundedSandbox, deadline
from jaarverslag.inputs.texts import MAX_LINE

#: A Markdown ``#`` heading inside a section becomes an ``<h3>``: h1 is the title, h2 the section.
HEADING_SHIFT = 2
#: Markdown punctuation a printed value must not trigger (``-9`` at a line start is no list).
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+\-.!|~])")


#: The token of a reference ``[@tabel-kosten]``.
XREF = "verwijzing"


def _reference(state: StateInline, silent: bool) -> bool:
    """markdown-it inline rule: ``[@target]`` is a reference, not a link."""
    if not state.src.startswith("[@", state.pos):
        return False
    match = REFERENCE.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push(XREF, "", 0)
        token.meta = {"target": match.group(1), "line": state.src.count("\n", 0, state.pos)}
    state.pos = match.end()
    return True


def _render_reference(
    _self: object, tokens: list[Token], index: int, _options: object, _env: object
) -> str:
    return link(tokens[index].meta["target"])


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.inline.ruler.before("link", XREF, _reference)
    md.add_render_rule(XREF, _render_reference)
    return md


def markdown_to_html(text: str, drop_title: str | None = None) -> str:
    """Render Markdown to HTML with escaped raw HTML and shifted headings; a leading ``#``
    heading that reads ``drop_title`` is left out (it repeats the section's own title)."""
    return render_markdown(text, drop_title)[0]


def render_markdown(
    text: str, drop_title: str | None = None, display: str = ""
) -> tuple[str, list[Reference]]:
    """:func:`markdown_to_html`, and the references to tables and figures in ``text`` (of the
    file shown as ``display``) with their lines."""
    md = _parser()
    tokens = md.parse(text)
    references = [
        Reference(
            child.meta["target"].lower(),
            display,
            token.map[0] + 1 + child.meta["line"] if token.map else None,
        )
        for token in tokens
        if token.type == "inline"
        for child in token.children or ()
        if child.type == XREF
    ]
    if (
        drop_title is not None
        and len(tokens) >= 3
        and tokens[0].type == "heading_open"
        and tokens[0].tag == "h1"
        and tokens[1].content == drop_title
    ):
        tokens = tokens[3:]
    # Headings go below the section's own h2, one level below the nearest heading above them
    # that the author typed with fewer #: an outline without gaps whatever was typed (PDF/UA
    # forbids a skipped level, and a screen reader's outline needs it whole).
    open_headings: list[tuple[int, int]] = []  # (level typed, level given), outermost first
    for token in tokens:
        if token.type == "heading_open":
            typed = int(token.tag[1])
            while open_headings and open_headings[-1][0] >= typed:
                open_headings.pop()
            given = min(open_headings[-1][1] + 1, 6) if open_headings else HEADING_SHIFT + 1
            open_headings.append((typed, given))
            token.tag = f"h{given}"
        elif token.type == "heading_close":
            token.tag = f"h{open_headings[-1][1]}"
        if token.type == "table_open":
            token.attrSet("class", "tekst")
    return str(md.renderer.render(tokens, md.options, {})), references


class ProseError(Exception):
    """A template function was asked for something the data doesn't have."""


@dataclass(frozen=True)
class Figures:
    """What prose can print: the indicator facts of a rapport and how to conclude on them, and
    the amounts of its money tables."""

    indicators: Mapping[str, Indicator]
    soort: Soort
    jaar: int
    drempels: Mapping[str, float]
    amounts: Amounts = field(default_factory=Amounts)
    #: each indicator's conclusion, worked out once (it depends on the fields above alone; the
    #: live preview keeps these figures while only texts change)
    _said: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def indicator(self, ident: object) -> Indicator:
        if ident not in self.indicators:
            known = ", ".join(self.indicators) or "geen: er is geen indicatoren.csv"
            raise ProseError(f"onbekende indicator '{ident}' (bekend: {known})")
        return self.indicators[str(ident)]

    def _realisatie(self, ident: object, jaar: object) -> tuple[Indicator, float | None]:
        ind = self.indicator(ident)
        if not isinstance(jaar, int) or jaar not in ind.realisatie:
            years = ", ".join(map(str, ind.realisatie)) or "geen"
            raise ProseError(f"'{ident}' heeft geen realisatie voor {jaar} (jaren: {years})")
        return ind, ind.realisatie[jaar]

    def _doel(self, ident: object, jaar: object) -> tuple[Indicator, float | None]:
        ind = self.indicator(ident)
        if not isinstance(jaar, int) or jaar not in ind.doel:
            years = ", ".join(map(str, ind.doel)) or "geen"
            raise ProseError(f"'{ident}' heeft geen doel voor {jaar} (jaren: {years})")
        return ind, ind.doel[jaar][1]

    def realisatie(self, ident: str, jaar: int) -> str:
        ind, value = self._realisatie(ident, jaar)
        return _fmt(value, ind, (jaar, "realisatie"))

    def doel(self, ident: str, jaar: int) -> str:
        ind, value = self._doel(ident, jaar)
        return _fmt(value, ind, (jaar, ind.doel[jaar][0]))

    def verschil(self, ident: str, jaar: int, met: int | str = "doel") -> str:
        ind, new = self._realisatie(ident, jaar)
        _, old = self._doel(ident, jaar) if met == "doel" else self._realisatie(ident, met)
        if new is None or old is None:
            return format_value(None)
        return format_signed(exact(new) - exact(old), ind.eenheid, ind.decimals)

    def procent_van_doel(self, ident: str, jaar: int) -> str:
        _, new = self._realisatie(ident, jaar)
        _, target = self._doel(ident, jaar)
        if new is None or target is None or exact(target) == 0:
            return format_value(None)
        return format_share(Fraction(exact(new)) / Fraction(exact(target)) * 100)

    def conclusie(self, ident: str) -> str:
        found = self.indicator(ident)
        said = self._said.get(found.id)
        if said is None:
            said = self._said[found.id] = conclusion(found, self.soort, self.jaar, self.drempels)
        return said

    def conclusies(self) -> str:
        """One paragraph per indicator."""
        return "\n\n".join(self.conclusie(i) for i in self.indicators)

    def functions(self) -> dict[str, Callable[..., str]]:
        """The template functions; a figure keeps its unit on the same line (``€ 100,40``)."""
        plain: dict[str, Callable[..., str]] = {
            "realisatie": self.realisatie,
            "doel": self.doel,
            "verschil": self.verschil,
            "procent_van_doel": self.procent_van_doel,
            "conclusie": self.conclusie,
            "conclusies": self.conclusies,
            **self.amounts.functions(),
        }
        sentences = {"conclusie", "conclusies"}
        return {
            name: _unbreakable(function, unbreakable if name in sentences else typographic)
            for name, function in plain.items()
        }


def _unbreakable(
    function: Callable[..., str], keep: Callable[[str], str] = unbreakable
) -> Callable[..., str]:
    """A figure printed whole (:func:`typographic`); a sentence's figures kept whole."""

    def printed(*args: object) -> str:
        return keep(function(*args))

    return printed


def _fmt(value: float | None, ind: Indicator, which: tuple[int, str]) -> str:
    """A value as its table prints it: a voorlopig value not yet known is ``n.n.b.``."""
    if value is None and which in ind.voorlopig:
        return NOT_YET_KNOWN
    return format_value(None if value is None else exact(value), ind.eenheid, ind.decimals)


def _finalize(value: object) -> object:
    """Printed values are text, never Markdown: escape its punctuation (HTML is autoescaped)."""
    if isinstance(value, str):
        return MARKDOWN_SPECIAL.sub(r"\\\1", value)
    return value


#: What a text may not do: fetch another file or template (it would fetch itself, forever).
LOADING: dict[type[nodes.Node], str] = {
    nodes.Include: "include",
    nodes.Extends: "extends",
    nodes.Import: "import",
    nodes.FromImport: "from",
}


def render_template(text: str, display: str, figures: Figures) -> str:
    """Evaluate the live figures in ``text`` (a Markdown file shown as ``display``) in the
    bounded sandbox (:data:`~jaarverslag.core.sandbox.TEXTS`); its output is held to the same
    line length as the text itself.

    Raises :class:`InputError` with the file and line of the first failing expression (every
    ``include``, ``extends``, ``import`` and ``from``: a text is one file, not a template that
    loads others).
    """
    if "{" not in text:
        return text
    env = BoundedSandbox(
        limits=TEXTS,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=_finalize,
        cache_size=0,
    )
    env.globals.update(figures.functions())
    try:
        tree = env.parse(text, display, display)
        refused = [
            Problem(display, node.lineno, None, _loading_message(node))
            for node in tree.find_all(tuple(LOADING))
        ]
        if refused:
            raise InputError(refused)
        code = env.compile(tree, display, display)
        template = env.template_class.from_code(env, code, env.make_globals(None))
        with deadline(TEXTS.seconds):
            rendered = template.render()
    except InputError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        problem = Problem(display, exc.lineno, None, f"sjabloonfout: {exc.message}")
        raise InputError([problem]) from None
    except (RecursionError, MemoryError, SyntaxError):  # parsing or compiling a monster
        message = "sjabloonfout: de tekst is te ingewikkeld (te diep genest) om te lezen"
        raise InputError([Problem(display, None, None, message)]) from None
    except Exception as exc:  # anything an expression of the text raised is the text's
        lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == display]
        known = isinstance(exc, ProseError | AmountError)
        message = str(exc) if known else f"sjabloonfout: {exc}"
        raise InputError([Problem(display, lines[-1] if lines else None, None, message)]) from None
    _check_lines(rendered, display)
    return rendered


def _loading_message(node: nodes.Node) -> str:
    tag = LOADING[type(node)]
    return (
        f"sjabloonfout: {{% {tag} %}} kan niet in een tekst: een tekst haalt geen andere "
        "bestanden of sjablonen op"
    )


def _check_lines(rendered: str, display: str) -> None:
    """The text with its figures filled in keeps the rule of the text itself: no line longer
    than :data:`~jaarverslag.inputs.texts.MAX_LINE` (a paragraph of megabytes takes the PDF's
    layout minutes)."""
    longest = max(map(len, rendered.splitlines()), default=0)
    if longest > MAX_LINE:
        message = (
            f"na het invullen van de cijfers ontstaat een regel van {longest} tekens "
            f"(hoogstens {MAX_LINE}): begin alinea's op een nieuwe regel"
        )
        raise InputError([Problem(display, None, None, message)])


def prose_to_html(text: str, display: str, figures: Figures, drop_title: str | None = None) -> str:
    """A Markdown file with live figures, as an HTML fragment (see :func:`markdown_to_html`)."""
    return render_prose(text, display, figures, drop_title)[0]


def render_prose(
    text: str, display: str, figures: Figures, drop_title: str | None = None
) -> tuple[str, list[Reference]]:
    """:func:`prose_to_html`, and the references in the text with their lines."""
    return render_markdown(render_template(text, display, figures), drop_title, display)
