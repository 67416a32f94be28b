"""Tables laid out once while they stay the same.

Laying a table out in HTML — every cell through the sandboxed template — is a third of what the
live preview does after a text change, and the tables are then the very objects of the analysis
before (:mod:`jaarverslag.analysis.reuse`). :class:`KeptTables` keeps, per environment, the HTML
of the tables it laid out last, found by the table itself (the same object, held so it can't be
mistaken for another), the numbers of the document's tables and figures, and the template of
``blocks.html`` that laid it out (a rapport's own, changed, is another template). Anything else —
another table, another number, another template — is laid out as before, by the same macro.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import jinja2
from markupsafe import Markup

from jaarverslag.core.model import Block, Table

#: How many tables an environment keeps (a reeks lays out hundreds, each once: they pass by).
SIZE = 64
#: The macro of ``blocks.html`` that lays out any block.
MACRO = "block"

_Key = tuple[int, int, tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]


class KeptTables:
    """``block(b, table_numbers, figure_numbers)`` of ``blocks.html``, tables kept."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self._kept: OrderedDict[_Key, tuple[Table, Any, Markup]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many tables are kept."""
        with self._lock:
            return len(self._kept)

    def __call__(
        self,
        block: Block,
        table_numbers: Mapping[str, int],
        figure_numbers: Mapping[str, int] | None = None,
    ) -> Markup:
        template = self.env.get_template("blocks.html")
        figures = figure_numbers or {}
        lay_out = getattr(template.module, MACRO)
        if not isinstance(block, Table):
            return Markup(lay_out(block, table_numbers, figures))
        key = (
            id(block),
            id(template),
            tuple(sorted(table_numbers.items())),
            tuple(sorted(figures.items())),
        )
        with self._lock:
            found = self._kept.get(key)
            if found is not None and found[0] is block and found[1] is template:
                self._kept.move_to_end(key)
                return found[2]
        html = Markup(lay_out(block, table_numbers, figures))
        with self._lock:
            self._kept[key] = (block, template, html)
            while len(self._kept) > SIZE:
                self._kept.popitem(last=False)
        return html
