"""The block registry: every kind of computed content a section can hold, declared once.

An entry says which data files a block needs, the compute function that turns the checked inputs
into what it prints (and the problems it finds), the title and place of its default section in
each document kind, where it goes in a begroting's BBV structure, and how it differs in a
partner's variant. ``CHECKS`` declares the data files that are checked whether a section prints
them or not. Adding a data kind is one schema (:mod:`jaarverslag.schemas`), one compute module
and one entry here; nothing else names blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from .compute.beleidsplan import (
    for_partner,
    maatregelen_block,
    verdeelsleutel_problems,
    verdeling_block,
)
from .compute.clienten import ladder_block
from .compute.indicatoren import indicatoren_block
from .compute.kosten import kosten_block
from .compute.samenvatting import leeftijdsgroepen_problems
from .compute.vergelijking import vergelijking_block
from .errors import Problem
from .inputs import Inputs
from .model import Block, BlockResult


@dataclass(frozen=True)
class BlockSpec:
    """One kind of block.

    ``titles``: the title of the default section this block opens, per document kind; a block
    without titles joins the default section of ``joins``. ``bbv``: the W-question of a
    begroting it belongs to (``bereik`` or ``kost``). ``when``: computed whenever its files are
    present (so ``check`` sees its problems) or only when a section prints it.
    """

    name: str
    files: tuple[str, ...]
    compute: Callable[[Inputs], BlockResult]
    titles: Mapping[str, str] = field(default_factory=dict)
    joins: str | None = None
    bbv: str | None = None
    when: Literal["present", "printed"] = "present"
    for_partner: Callable[[Block, str], Block] | None = None


def _titles(jaarverslag: str, begroting: str, beleidsplan: str) -> dict[str, str]:
    return {"jaarverslag": jaarverslag, "begroting": begroting, "beleidsplan": beleidsplan}


#: In the order of a default document.
BLOCKS: dict[str, BlockSpec] = {
    spec.name: spec
    for spec in (
        BlockSpec(
            "indicatoren",
            ("indicatoren",),
            indicatoren_block,
            _titles("Wat hebben we bereikt?", "Wat willen we bereiken?", "Indicatoren"),
            bbv="bereik",
        ),
        BlockSpec(
            "ladder",
            ("clienten",),
            ladder_block,
            _titles("Participatieladder", "Participatieladder", "Participatieladder"),
            bbv="bereik",
            when="printed",  # the privacy audit's warnings are about printed tables
        ),
        BlockSpec(
            "kosten",
            ("kosten",),
            kosten_block,
            _titles("Wat heeft het gekost?", "Wat mag het kosten?", "Kosten"),
            bbv="kost",
        ),
        BlockSpec(
            "vergelijking",
            ("kosten", "gemeenten"),
            vergelijking_block,
            _titles(*(("Vergelijking met andere gemeenten",) * 3)),
            bbv="kost",
        ),
        BlockSpec(
            "maatregelen",
            ("maatregelen",),
            maatregelen_block,
            _titles("Financiën", "Financiën", "Financiën"),
            bbv="kost",
        ),
        BlockSpec(
            "verdeling",
            ("maatregelen", "verdeelsleutel"),
            verdeling_block,
            joins="maatregelen",
            bbv="kost",
            for_partner=for_partner,
        ),
    )
}

#: Data files checked whenever they are present, printed or not.
CHECKS: dict[str, Callable[[Inputs], list[Problem]]] = {
    "verdeelsleutel": verdeelsleutel_problems,
    "leeftijdsgroepen": leeftijdsgroepen_problems,
}


def section_problems(inputs: Inputs) -> list[Problem]:
    """A block in rapport.yaml whose data file is absent, or that doesn't exist."""
    problems = []
    config = inputs.config
    for number, sectie in enumerate(config.secties or (), start=1):
        where = f"secties[{number}].inhoud"
        for block in sectie.inhoud:
            spec = BLOCKS.get(block)
            if spec is None:
                message = f"blokken zijn {', '.join(BLOCKS)}"
                problems.append(Problem(inputs.display_yaml, config.line(where), where, message))
                continue
            for needed in spec.files:
                if needed not in inputs.files:
                    message = (
                        f"blok '{block}' heeft {needed}.csv of {needed}.xlsx nodig "
                        f"(of een werkblad {needed} in rapport.xlsx)"
                    )
                    problems.append(
                        Problem(inputs.display_yaml, config.line(where), where, message)
                    )
    return problems
