"""The block registry: every kind of computed content a section can hold, declared once.

An entry says which data files a block needs, the compute function that turns the checked inputs
into what it prints (and the problems it finds), the title and place of its default section in
each document kind, where it goes in a begroting's BBV structure, and how it differs in a
partner's variant. ``CHECKS`` declares the data files that are checked whether a section prints
them or not. Adding a data kind is one schema (:mod:`~jaarverslag.inputs.tables.schemas`), one compute module
and one entry here; nothing else names blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Literal

from jaarverslag.core.errors import Problem
from jaarverslag.core.model import Block, BlockResult
from jaarverslag.inputs.folder import Inputs


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


def _computed(module: str, name: str) -> Callable[[Inputs], BlockResult]:
    """``compute.<module>.<name>``, imported when first called: a build imports the compute
    modules of the blocks it has (the privacy audit's alone take ~15 ms), not all of them."""

    def compute(inputs: Inputs) -> BlockResult:
        function: Callable[[Inputs], BlockResult] = getattr(_module(module), name)
        return function(inputs)

    compute.__qualname__ = compute.__name__ = f"{module}.{name}"
    return compute


def _checked(module: str, name: str) -> Callable[[Inputs], list[Problem]]:
    def check(inputs: Inputs) -> list[Problem]:
        function: Callable[[Inputs], list[Problem]] = getattr(_module(module), name)
        return function(inputs)

    check.__qualname__ = check.__name__ = f"{module}.{name}"
    return check


def _for_partner(block: Block, partij: str) -> Block:
    function: Callable[[Block, str], Block] = _module("beleidsplan").for_partner
    return function(block, partij)


def _module(name: str) -> ModuleType:
    return import_module(f"jaarverslag.compute.{name}")


def _titles(jaarverslag: str, begroting: str, beleidsplan: str) -> dict[str, str]:
    return {"jaarverslag": jaarverslag, "begroting": begroting, "beleidsplan": beleidsplan}


#: In the order of a default document.
BLOCKS: dict[str, BlockSpec] = {
    spec.name: spec
    for spec in (
        BlockSpec(
            "indicatoren",
            ("indicatoren",),
            _computed("indicatoren", "indicatoren_block"),
            _titles("Wat hebben we bereikt?", "Wat willen we bereiken?", "Indicatoren"),
            bbv="bereik",
        ),
        BlockSpec(
            "ladder",
            ("clienten",),
            _computed("clienten", "ladder_block"),
            _titles("Participatieladder", "Participatieladder", "Participatieladder"),
            bbv="bereik",
            when="printed",  # the privacy audit's warnings are about printed tables
        ),
        BlockSpec(
            "kosten",
            ("kosten",),
            _computed("kosten", "kosten_block"),
            _titles("Wat heeft het gekost?", "Wat mag het kosten?", "Kosten"),
            bbv="kost",
        ),
        BlockSpec(
            "vergelijking",
            ("kosten", "gemeenten"),
            _computed("vergelijking", "vergelijking_block"),
            _titles(*(("Vergelijking met andere gemeenten",) * 3)),
            bbv="kost",
        ),
        BlockSpec(
            "maatregelen",
            ("maatregelen",),
            _computed("beleidsplan", "maatregelen_block"),
            _titles("Financiën", "Financiën", "Financiën"),
            bbv="kost",
        ),
        BlockSpec(
            "verdeling",
            ("maatregelen", "verdeelsleutel"),
            _computed("beleidsplan", "verdeling_block"),
            joins="maatregelen",
            bbv="kost",
            for_partner=_for_partner,
        ),
    )
}

#: Data files checked whenever they are present, printed or not.
CHECKS: dict[str, Callable[[Inputs], list[Problem]]] = {
    "verdeelsleutel": _checked("beleidsplan", "verdeelsleutel_problems"),
    "leeftijdsgroepen": _checked("samenvatting", "leeftijdsgroepen_problems"),
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
