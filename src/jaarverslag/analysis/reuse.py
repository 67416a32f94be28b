"""What a rebuild of the same folder (the live preview after a change) takes from the last
good analysis instead of computing it again: after a change to texts only, everything computed
from the data; after any other change, what was made from data that read the same."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jaarverslag.analysis.analysed import Analysis
from jaarverslag.analysis.blocks import BLOCKS
from jaarverslag.analysis.prose import Figures
from jaarverslag.compute.conclusies import Indicator
from jaarverslag.core.errors import Problem
from jaarverslag.core.model import BlockResult
from jaarverslag.inputs.folder import Inputs


@dataclass(frozen=True)
class Earlier:
    """The last good analysis of the same folder, for a rebuild after a change (the live
    preview): ``texts_only`` when only Markdown texts changed since; ``unchanged`` says whether
    a file has the same content as when that analysis read it."""

    analysis: Analysis
    texts_only: bool
    unchanged: Callable[[Path], bool]


@dataclass(frozen=True)
class Reuse:
    """What an analysis takes from an earlier one instead of computing it again, each found
    from the same data: block results, the data files' own checks (by data file) and the
    indicator facts (None: computed). ``figures``: the earlier analysis's, made with the same
    configuration; kept as they are (with what they worked out: the live amounts, the
    conclusions) when every table and the facts are taken from it (:func:`kept_figures`)."""

    results: Mapping[str, BlockResult] = field(default_factory=dict)
    checked: Mapping[str, tuple[Problem, ...]] = field(default_factory=dict)
    facts: Mapping[str, Indicator] | None = None
    figures: Figures | None = None


def reusable(earlier: Earlier, inputs: Inputs) -> Reuse:
    """What of the earlier analysis was made from the same data as ``inputs`` holds: with the
    same configuration, a data file whose content is unchanged, or that was read again into the
    same table (a workbook saved anew with the same figures: every sheet whose rows are the
    same, line numbers included). A block is reused when all its data files are the same."""
    done = earlier.analysis
    before = done.inputs
    if inputs.config != before.config:
        return Reuse()

    def same(name: str) -> bool:
        path = inputs.files.get(name)
        if path is None or path != before.files.get(name):
            return False
        if earlier.unchanged(path):
            return True
        now, then = inputs.frames.get(name), before.frames.get(name)
        return (
            now is not None
            and then is not None
            and inputs.display(name) == before.display(name)
            and now.equals(then)
        )

    return Reuse(
        {
            name: result
            for name, result in done.results.items()
            if name in BLOCKS and all(same(f) for f in BLOCKS[name].files)
        },
        {name: found for name, found in done.checked.items() if same(name)},
        done.figures.indicators if same("indicatoren") else None,
        done.figures,
    )


def kept_figures(
    reuse: Reuse, results: Mapping[str, BlockResult], facts: Mapping[str, Indicator]
) -> Figures | None:
    """The earlier figures when an analysis prints exactly what they were made of: the same
    block results (the very objects) and the same facts; else None (made anew)."""
    kept = reuse.figures
    if kept is None or facts is not kept.indicators or results.keys() != reuse.results.keys():
        return None
    if any(results[name] is not reuse.results[name] for name in results):
        return None
    return kept
