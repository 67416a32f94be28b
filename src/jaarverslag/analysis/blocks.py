"""The block registry: every kind of computed content a section can hold, declared once.

An entry says which data files a block needs, the compute function that turns the checked
inputs into what it prints (and the problems it finds), the title and place of its default
section in each document kind, where it goes in a begroting's BBV structure, and how it differs
in a partner's variant. :data:`CHECKS` declares the data files that are checked whether a
section prints them or not.

Adding a table block: its compute module in :mod:`jaarverslag.compute`, its name in
:data:`~jaarverslag.core.kinds.BlockName`, and one entry here. The compute functions are
imported when first called (the loaders below), so a build imports the compute modules of the
blocks it has — the privacy audit's alone take ~50 ms — not all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import BlockName, Soort
from jaarverslag.core.model import Block, BlockResult
from jaarverslag.inputs.folder import Inputs

Compute = Callable[[Inputs], BlockResult]
Check = Callable[[Inputs], list[Problem]]


@dataclass(frozen=True)
class BlockSpec:
    """One kind of block.

    ``titles``: the title of the default section this block opens, per document kind; a block
    without titles joins the default section of ``joins``. ``bbv``: the W-question of a
    begroting it belongs to (``bereik`` or ``kost``). ``when``: computed whenever its files are
    present (so ``check`` sees its problems) or only when a section prints it. ``explained``:
    the section's conclusion and chart follow the block. ``for_partner``: the block as a
    partner's variant of the document shows it.
    """

    name: BlockName
    files: tuple[str, ...]
    compute: Compute
    titles: Mapping[Soort, str] = field(default_factory=dict)
    joins: BlockName | None = None
    bbv: Literal["bereik", "kost"] | None = None
    when: Literal["present", "printed"] = "present"
    explained: bool = False
    for_partner: Callable[[Block, str], Block] | None = None


# -- the compute functions, each imported when first called -----------------------------------


def _indicatoren(inputs: Inputs) -> BlockResult:
    from jaarverslag.compute.indicatoren import indicatoren_block

    return indicatoren_block(inputs)


def _ladder(inputs: Inputs) -> BlockResult:
    from jaarverslag.compute.clienten import ladder_block

    return ladder_block(inputs)


def _kosten(inputs: Inputs) -> BlockResult:
    from jaarverslag.compute.kosten import kosten_block

    return kosten_block(inputs)


def _vergelijking(inputs: Inputs) -> BlockResult:
    from jaarverslag.compute.vergelijking import vergelijking_block

    return vergelijking_block(inputs)


def _maatregelen(inputs: Inputs) -> BlockResult:
    from jaarverslag.compute.beleidsplan import maatregelen_block

    return maatregelen_block(inputs)


def _verdeling(inputs: Inputs) -> BlockResult:
    from jaarverslag.compute.beleidsplan import verdeling_block

    return verdeling_block(inputs)


def _verdeling_for_partner(block: Block, partij: str) -> Block:
    from jaarverslag.compute.beleidsplan import for_partner

    return for_partner(block, partij)


def _verdeelsleutel(inputs: Inputs) -> list[Problem]:
    from jaarverslag.compute.beleidsplan import verdeelsleutel_problems

    return verdeelsleutel_problems(inputs)


def _leeftijdsgroepen(inputs: Inputs) -> list[Problem]:
    from jaarverslag.compute.samenvatting import leeftijdsgroepen_problems

    return leeftijdsgroepen_problems(inputs)


def _titles(jaarverslag: str, begroting: str, beleidsplan: str) -> dict[Soort, str]:
    return {"jaarverslag": jaarverslag, "begroting": begroting, "beleidsplan": beleidsplan}


#: In the order of a default document.
BLOCKS: dict[BlockName, BlockSpec] = {
    spec.name: spec
    for spec in (
        BlockSpec(
            "indicatoren",
            ("indicatoren",),
            _indicatoren,
            _titles("Wat hebben we bereikt?", "Wat willen we bereiken?", "Indicatoren"),
            bbv="bereik",
            explained=True,
        ),
        BlockSpec(
            "ladder",
            ("clienten",),
            _ladder,
            _titles("Participatieladder", "Participatieladder", "Participatieladder"),
            bbv="bereik",
            when="printed",  # the privacy audit's warnings are about printed tables
        ),
        BlockSpec(
            "kosten",
            ("kosten",),
            _kosten,
            _titles("Wat heeft het gekost?", "Wat mag het kosten?", "Kosten"),
            bbv="kost",
        ),
        BlockSpec(
            "vergelijking",
            ("kosten", "gemeenten"),
            _vergelijking,
            _titles(*(("Vergelijking met andere gemeenten",) * 3)),
            bbv="kost",
        ),
        BlockSpec(
            "maatregelen",
            ("maatregelen",),
            _maatregelen,
            _titles("Financiën", "Financiën", "Financiën"),
            bbv="kost",
        ),
        BlockSpec(
            "verdeling",
            ("maatregelen", "verdeelsleutel"),
            _verdeling,
            joins="maatregelen",
            bbv="kost",
            for_partner=_verdeling_for_partner,
        ),
    )
}

#: Data files checked whenever they are present, printed or not.
CHECKS: dict[str, Check] = {
    "verdeelsleutel": _verdeelsleutel,
    "leeftijdsgroepen": _leeftijdsgroepen,
}


def section_problems(inputs: Inputs) -> list[Problem]:
    """A block in rapport.yaml whose data file is absent."""
    problems = []
    config = inputs.config
    for number, sectie in enumerate(config.secties or (), start=1):
        where = f"secties[{number}].inhoud"
        for block in sectie.inhoud:
            for needed in BLOCKS[block].files:
                if needed not in inputs.files:
                    message = (
                        f"blok '{block}' heeft {needed}.csv of {needed}.xlsx nodig "
                        f"(of een werkblad {needed} in rapport.xlsx)"
                    )
                    problems.append(
                        Problem(inputs.display_yaml, config.line(where), where, message)
                    )
    return problems
