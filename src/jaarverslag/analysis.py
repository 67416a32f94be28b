"""Stage 2, analysis: every table, fact, text and problem of a rapport, computed once.

The inputs (:mod:`jaarverslag.inputs`) go in; out comes one frozen :class:`Analysis`: the
sections and their rendered texts, each block's result from the registry
(:mod:`jaarverslag.blocks`), the indicator facts the prose prints, and the warnings. ``check``
is inputs + analysis; ``build`` makes documents from the analysis (:mod:`jaarverslag.document`)
— one for the rapport and one per partner, all from the same analysis.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .blocks import BLOCKS, CHECKS, section_problems
from .compute.conclusies import indicators
from .errors import InputError, Problem, raise_if_errors
from .inputs import Inputs, read_inputs
from .model import BlockResult
from .prose import Figures, prose_to_html
from .rapport import Config, SectieSpec
from .sections import plan_sections
from .texts import CONCLUSIE_SUFFIX, conclusie_path

#: A section text that prints conclusions itself (``{{ conclusie("id") }}``) gets no paragraph.
PRINTS_CONCLUSION = re.compile(r"\bconclusies?\s*\(")


@dataclass(frozen=True)
class PlannedSection:
    """A section as it will be printed: its spec, its text rendered (a first ``#`` heading
    that repeats the title left out), the author's own conclusion beside it, if any."""

    spec: SectieSpec
    prose: str | None = None
    conclusie: str | None = None
    prints_conclusions: bool = False


@dataclass(frozen=True)
class Analysis:
    """A rapport analysed: what every document of it is made from."""

    inputs: Inputs
    sections: tuple[PlannedSection, ...]
    results: Mapping[str, BlockResult]
    figures: Figures
    warnings: tuple[Problem, ...] = ()

    @property
    def folder(self) -> Path:
        return self.inputs.folder

    @property
    def name(self) -> str:
        return self.inputs.name

    @property
    def config(self) -> Config:
        return self.inputs.config

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        return self.inputs.frames


def load_rapport(folder: Path) -> Analysis:
    """Read, check and analyse a rapport folder; raise :class:`InputError` with every problem.

    Examples
    --------
    >>> rapport = load_rapport(Path("data/jaarverslag-2017"))  # doctest: +SKIP
    >>> rapport.config.jaar  # doctest: +SKIP
    2017
    """
    inputs, problems = read_inputs(Path(folder))
    if inputs is not None:
        problems += section_problems(inputs)
    raise_if_errors(problems)
    assert inputs is not None
    return analyse(inputs, problems)


def analyse(
    inputs: Inputs,
    earlier: list[Problem] | None = None,
    *,
    reuse: Mapping[str, BlockResult] | None = None,
) -> Analysis:
    """Compute everything a document of these inputs prints; raise :class:`InputError` with
    every problem (``earlier`` ones included) when any is an error.

    ``reuse``: block results computed before from the same data files and configuration (the
    live preview after a text was saved); a block found there is taken as it is, not computed.
    """
    problems = list(earlier or [])
    frame = inputs.frames.get("indicatoren")
    facts = indicators(frame) if frame is not None and not frame.empty else {}
    config = inputs.config
    figures = Figures(facts, config.soort, config.jaar, config.drempels)
    secties = plan_sections(inputs)
    sections = []
    for spec in secties:
        planned, found = _plan(inputs, spec, figures)
        sections.append(planned)
        problems += found
    for name, check in CHECKS.items():
        if name in inputs.frames:
            problems += check(inputs)
    failed = {p.file for p in problems if p.severity == "error"}
    printed = {block for spec in secties for block in spec.inhoud}
    results: dict[str, BlockResult] = {}
    for name, block in BLOCKS.items():
        if not all(f in inputs.files for f in block.files):
            continue
        if block.when == "printed" and name not in printed:
            continue
        if any(inputs.display(f) in failed for f in block.files):
            continue  # its data failed a check: computing it would only repeat that
        known = reuse.get(name) if reuse is not None else None
        results[name] = known if known is not None else block.compute(inputs)
        problems += results[name].problems
    raise_if_errors(problems)
    warnings = tuple(p for p in problems if p.severity == "warning")
    return Analysis(inputs, tuple(sections), results, figures, warnings)


def _plan(
    inputs: Inputs, spec: SectieSpec, figures: Figures
) -> tuple[PlannedSection, list[Problem]]:
    problems: list[Problem] = []

    def render(path: Path, drop_title: str | None = None) -> str | None:
        try:
            text = inputs.text(path)
            return prose_to_html(text, inputs.display_text(path), figures, drop_title)
        except InputError as exc:
            problems.extend(exc.problems)
            return None

    prose = conclusie = None
    source = ""
    if spec.tekst is not None:
        source = inputs.text(spec.tekst)
        prose = render(spec.tekst, spec.titel)
    own = (
        conclusie_path(spec.tekst)
        if spec.tekst is not None
        else inputs.folder / "teksten" / ("indicatoren" + CONCLUSIE_SUFFIX)
    )
    if inputs.has_text(own):
        conclusie = render(own)
    printed = bool(PRINTS_CONCLUSION.search(source))
    return PlannedSection(spec, prose, conclusie, printed), problems
