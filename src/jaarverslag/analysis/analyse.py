"""Stage 2, analysis: every table, fact, text and problem of a rapport, computed once.

The inputs (:mod:`jaarverslag.inputs.folder`) go in; out comes one frozen :class:`Analysis`: the
sections and their rendered texts, each block's result from the registry
(:mod:`.blocks`), the indicator facts the prose prints, and the warnings. ``check``
is inputs + analysis; ``build`` makes documents from the analysis (:mod:`.document`)
— one for the rapport and one per partner, all from the same analysis.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from jaarverslag.analysis.amounts import amounts
from jaarverslag.analysis.analysed import Analysis, PlannedSection
from jaarverslag.analysis.blocks import BLOCKS, CHECKS, section_problems
from jaarverslag.analysis.prose import Figures, render_prose
from jaarverslag.analysis.references import Reference, chart_name, figure_id, targets, unknown
from jaarverslag.analysis.reuse import Earlier, Reuse, kept_figures, reusable
from jaarverslag.analysis.sections import plan_sections
from jaarverslag.analysis.typed import typed_amounts
from jaarverslag.compute.conclusies import indicators
from jaarverslag.compute.grafiek import chart_series
from jaarverslag.compute.reeks import reeks_problems
from jaarverslag.core.errors import InputError, Problem, raise_if_errors
from jaarverslag.core.model import BlockResult, Table
from jaarverslag.inputs.config.load import SectieSpec
from jaarverslag.inputs.fingerprint import after_texts_changed
from jaarverslag.inputs.folder import Inputs, read_inputs
from jaarverslag.inputs.reeks import NEDERLAND, Gemeente
from jaarverslag.inputs.texts import CONCLUSIE_SUFFIX, conclusie_path, read_texts

#: A section text that prints conclusions itself (``{{ conclusie("id") }}``) gets no paragraph.
PRINTS_CONCLUSION = re.compile(r"\bconclusies?\s*\(")


def load_rapport(
    folder: Path,
    *,
    gemeenten: Sequence[str] | None = None,
    lazy: bool = False,
    earlier: Earlier | None = None,
) -> Analysis:
    """Read, check and analyse a rapport folder; raise :class:`InputError` with every problem.

    A reeks gives its national analysis: the national file checked once, then the gemeenten
    named in ``gemeenten`` (default: all) analysed, their problems in it; ``lazy``: none yet,
    each when its document is made (:func:`gemeente_analysis`). ``earlier``: what a rebuild
    may reuse — after a change to texts only, the data and every computed table; else each
    block whose data files and configuration are unchanged.

    Examples
    --------
    >>> rapport = load_rapport(Path("data/jaarverslag-2017"))  # doctest: +SKIP
    >>> rapport.config.jaar  # doctest: +SKIP
    2017
    """
    reuse: Reuse | None = None
    if earlier is not None and earlier.texts_only and earlier.analysis.reeks is None:
        before = earlier.analysis.inputs
        texts, names, problems = read_texts(before.folder, before.config)
        hashed = after_texts_changed(before.fingerprint, before.folder)
        inputs: Inputs | None = replace(before, texts=texts, text_names=names, fingerprint=hashed)
        problems = [*_not_about_texts(earlier.analysis.read, before), *problems]
        done = earlier.analysis
        reuse = Reuse(done.results, done.checked, done.figures.indicators, done.figures)
    else:
        inputs, problems = read_inputs(Path(folder))
        if inputs is not None:
            problems += section_problems(inputs)
            reuse = reusable(earlier, inputs) if earlier is not None else None
    raise_if_errors(problems)
    assert inputs is not None
    if inputs.reeks is None:
        return analyse(inputs, problems, reuse=reuse)
    national = analyse_reeks(inputs, problems)
    if lazy:
        return national
    chosen = select(national, gemeenten)
    return replace(national, warnings=national.warnings + check_gemeenten(national, chosen))


def _not_about_texts(problems: Sequence[Problem], inputs: Inputs) -> list[Problem]:
    """The problems of reading ``inputs`` but those about its texts, which are read again."""
    root = inputs.folder.resolve()
    texts = {
        str(inputs.folder / p.relative_to(root)) for p in inputs.texts if p.is_relative_to(root)
    }
    return [p for p in problems if p.file not in texts]


def analyse(
    inputs: Inputs,
    earlier: list[Problem] | None = None,
    *,
    reuse: Reuse | None = None,
) -> Analysis:
    """Compute everything a document of these inputs prints; raise :class:`InputError` with
    every problem (``earlier`` ones included) when any is an error.

    ``reuse``: what was computed before from the same data and configuration (the live preview
    after a change): a block result, a data file's check or the indicator facts found there is
    taken as it is, not computed.
    """
    reuse = reuse or Reuse()
    problems = list(earlier or [])
    frame = inputs.frames.get("indicatoren")
    if reuse.facts is not None:
        facts = reuse.facts
    else:
        facts = indicators(frame) if frame is not None and not frame.empty else {}
    config = inputs.config
    secties = plan_sections(inputs)
    own = inputs.reeks.files if inputs.gemeente is not None and inputs.reeks else None
    checked: dict[str, tuple[Problem, ...]] = {}
    for name, check in CHECKS.items():
        if name in inputs.frames and (own is None or name in own):  # else: checked nationally
            kept = reuse.checked.get(name)
            checked[name] = kept if kept is not None else tuple(check(inputs))
            problems += checked[name]
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
        known = reuse.results.get(name)
        results[name] = known if known is not None else block.compute(inputs)
        problems += results[name].problems
    figures = kept_figures(reuse, results, facts)
    if figures is None:
        tables = [b for result in results.values() for b in result.blocks if isinstance(b, Table)]
        live = amounts(tables, config.bedragen_in)
        figures = Figures(facts, config.soort, config.jaar, config.drempels, live)
    live = figures.amounts
    sections = []
    for spec in secties:
        planned, found = _plan(inputs, spec, figures)
        sections.append(planned)
        problems += found
    problems += typed_amounts(inputs, live)
    if not any(p.severity == "error" for p in problems):  # else the tables may be missing
        problems += unknown(
            (r for s in sections for r in s.references),
            _targets(sections, results, figures if config.grafieken else None),
        )
    raise_if_errors(problems)
    warnings = tuple(p for p in problems if p.severity == "warning")
    read = tuple(p for p in earlier or () if p.severity == "warning")
    return Analysis(inputs, tuple(sections), results, figures, warnings, read, checked=checked)


def _targets(
    sections: Sequence[PlannedSection],
    results: Mapping[str, BlockResult],
    figures: Figures | None,
) -> set[str]:
    """The ids of every table and figure the document prints, which a text may refer to:
    the blocks' own, and the chart under a section's indicator table (named as
    :mod:`.document` names it, drawn when some indicator has a value; ``figures`` None: no
    charts)."""
    found = set(
        targets(
            b
            for s in sections
            for name in s.spec.inhoud
            if name in results
            for b in results[name].blocks
        )
    )
    charted = figures is not None and bool(chart_series(list(figures.indicators.values())))
    for number, planned in enumerate(sections, start=1):
        if charted and any(BLOCKS[name].explained for name in planned.spec.inhoud):
            found.add(figure_id(chart_name(number)))
    return found


def _plan(
    inputs: Inputs, spec: SectieSpec, figures: Figures
) -> tuple[PlannedSection, list[Problem]]:
    problems: list[Problem] = []
    references: list[Reference] = []

    def render(path: Path, drop_title: str | None = None) -> str | None:
        try:
            text = inputs.text(path)
            html, found = render_prose(text, inputs.display_text(path), figures, drop_title)
        except InputError as exc:
            problems.extend(exc.problems)
            return None
        references.extend(found)
        return html

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
    return PlannedSection(spec, prose, conclusie, printed, tuple(references)), problems


# -- a reeks: one national file, one document per gemeente ----------------------------------


def analyse_reeks(inputs: Inputs, earlier: list[Problem]) -> Analysis:
    """The national analysis of a reeks: the checks of the whole file, once (Nederland against
    the sum of the gemeenten, codes, the files without a gemeente column); no document."""
    assert inputs.reeks is not None
    problems = [*earlier, *reeks_problems(inputs)]
    for name, check in CHECKS.items():
        if name in inputs.frames and name not in inputs.reeks.files:
            problems += check(inputs)
    if inputs.config.per_partij:
        message = "een reeks maakt al één document per gemeente; per partij kan daar niet bij"
        problems.append(
            Problem(inputs.display_yaml, inputs.config.line("per_partij"), "per_partij", message)
        )
    raise_if_errors(problems)
    config = inputs.config
    figures = Figures({}, config.soort, config.jaar, config.drempels)
    warnings = tuple(p for p in problems if p.severity == "warning")
    read = tuple(p for p in earlier if p.severity == "warning")
    return Analysis(inputs, (), {}, figures, warnings, read)


def select(national: Analysis, names: Sequence[str] | None) -> tuple[Gemeente, ...]:
    """The gemeenten named (by name, any case, or by slug; default: all); an unknown name, or
    Nederland, is an error."""
    reeks = national.reeks
    assert reeks is not None
    if names is None:
        return reeks.gemeenten
    chosen: list[Gemeente] = []
    problems = []
    source = national.inputs.display(reeks.files[0])
    for name in names:
        found = reeks.find(name)
        if found is None:
            why = (
                "is het landelijke totaal, geen gemeente"
                if name.strip().lower() == NEDERLAND.lower()
                else f"staat niet in {source}"
            )
            problems.append(Problem("--gemeente", None, None, f"'{name}' {why}"))
        elif found not in chosen:
            chosen.append(found)
    raise_if_errors(problems)
    return tuple(chosen)


def gemeente_analysis(national: Analysis, gemeente: Gemeente) -> Analysis:
    """One gemeente's analysis, made once per national analysis (and process)."""
    found = national.memo.get(gemeente.slug)
    if found is None:
        found = analyse(national.inputs.for_gemeente(gemeente))
        national.memo[gemeente.slug] = found
    return found


def check_gemeenten(national: Analysis, chosen: Sequence[Gemeente]) -> tuple[Problem, ...]:
    """Analyse each gemeente; raise :class:`InputError` with every error of every gemeente, or
    return their warnings. A problem found for several gemeenten is reported once, naming them."""
    found: list[tuple[Problem, str]] = []
    for gemeente in chosen:
        try:
            problems: Sequence[Problem] = gemeente_analysis(national, gemeente).warnings
        except InputError as exc:
            problems = exc.problems
        found += [(p, gemeente.naam) for p in problems]
    grouped = group_problems(found, len(chosen))
    raise_if_errors(grouped)
    return grouped


def group_problems(found: Sequence[tuple[Problem, str]], total: int) -> tuple[Problem, ...]:
    """Problems of gemeenten, each once, naming the gemeenten it was found for (all of them,
    or up to three)."""
    names: dict[Problem, list[str]] = {}
    for problem, gemeente in found:
        names.setdefault(problem, []).append(gemeente)
    return tuple(_naming(p, found_for, total) for p, found_for in names.items())


def _naming(problem: Problem, names: list[str], total: int) -> Problem:
    if total > 1 and len(names) == total:
        where = f"bij alle {total} gemeenten"
    elif len(names) <= 3:
        where = "bij " + " en ".join(names)
    else:
        where = f"bij {len(names)} gemeenten, zoals {', '.join(names[:3])}"
    return replace(problem, message=f"{problem.message} ({where})")
