"""Amounts typed in a text that the rapport computes: they go stale when the data changes.

Every euro amount typed in a rapport's Markdown (``€ 360.380``, ``€ -1.715.000``, ``€ 12,50``),
outside its live figures, is compared with every amount the rapport computes, as printed; where
one is equal, ``check`` and ``build`` warn with the text's file and line and the live figure that
prints it (:mod:`.amounts`). An amount that is typed on purpose — a figure quoted from another
document — is left alone when a Jinja comment follows it: ``€ 361.000{# oorspronkelijk plan #}``.
A zero is never warned about.
"""

from __future__ import annotations

import re
from fractions import Fraction

from jaarverslag.analysis.amounts import Amounts
from jaarverslag.core.errors import Problem
from jaarverslag.inputs.folder import Inputs

#: An amount as Dutch prose types it: ``€``, a space or none, a sign, digits grouped by ``.``
#: and cents after ``,``.
AMOUNT = re.compile(r"€[ \u00a0]?(-?[ \u00a0]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?)(?![\d.,]\d)")
#: What a template evaluates: live figures, statements, comments.
TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
ON_PURPOSE = re.compile(r"[ \u00a0]?\{#")
#: Live figures named per warning, at most.
SHOWN = 2


def typed_amounts(inputs: Inputs, live: Amounts) -> list[Problem]:
    """A warning for each typed amount, in any text of the rapport, that equals a computed one."""
    computed = live.by_value
    if not computed:
        return []
    problems = []
    for path in sorted(inputs.texts):
        text = inputs.texts[path]
        plain = TEMPLATE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
        for match in AMOUNT.finditer(plain):
            if ON_PURPOSE.match(text, match.end()):
                continue
            value = _value(match.group(1))
            expressions = computed.get(value, ())
            if not expressions:
                continue
            line = text.count("\n", 0, match.start()) + 1
            shown = " of ".join(dict.fromkeys(expressions[:SHOWN]))
            message = (
                f"{match.group().strip()} is getypt, maar het rapport berekent dit bedrag: "
                f"schrijf {shown}, dan blijft de tekst kloppen als de gegevens veranderen"
            )
            problems.append(Problem(inputs.display_text(path), line, None, message, "warning"))
    return problems


def _value(typed: str) -> Fraction:
    digits = typed.replace("\u00a0", "").replace(" ", "").replace(".", "").replace(",", ".")
    return Fraction(digits)
