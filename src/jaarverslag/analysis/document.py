"""Stage 3, document: an analysis arranged as the format-neutral :class:`Document`.

Pure: no reading, no drawing, no markup — sections of blocks (tables, charts as data, texts),
in the order the analysis planned. A partner's variant differs only where the registry says
(the verdeling highlights that partner's row), so every variant comes from the same analysis.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import replace

from jaarverslag.analysis.analysed import Analysis, PlannedSection
from jaarverslag.analysis.blocks import BLOCKS
from jaarverslag.analysis.references import anchor_headings, chart_name, resolve
from jaarverslag.compute.grafiek import indicator_chart
from jaarverslag.core.model import (
    Block,
    Document,
    Heading,
    Member,
    Overzicht,
    Prose,
    Section,
    Text,
    numbering,
)
from jaarverslag.core.numbers import format_number
from jaarverslag.inputs.folder import fill
from jaarverslag.inputs.reeks import Gemeente

EMPTY_SECTION = "Voor dit onderdeel zijn (nog) geen gegevens aangeleverd."


def document_date(analysis: Analysis) -> dt.date:
    """The one date of a document: rapport.yaml's ``datum``, else SOURCE_DATE_EPOCH, else
    1 January of the report year — never the clock, so identical inputs give identical files."""
    config = analysis.config
    if config.datum is not None:
        return config.datum
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date(config.jaar, 1, 1)


def build_document(analysis: Analysis, *, partij: str | None = None) -> Document:
    """The document of an analysed rapport (for ``partij``: that partner's variant)."""
    config = analysis.config
    sections = []
    for number, planned in enumerate(analysis.sections, start=1):
        blocks: list[Block] = []
        if planned.prose is not None:
            blocks.append(Prose(planned.prose))
        for name in planned.spec.inhoud:
            spec = BLOCKS[name]
            for block in analysis.results[name].blocks:
                if partij is not None and spec.for_partner is not None:
                    block = spec.for_partner(block, partij)
                blocks.append(block)
            if spec.explained:
                blocks.extend(_explained(analysis, planned, chart_name(number)))
        if not blocks:
            blocks.append(Text("leeg", (EMPTY_SECTION,)))
        sections.append(Section(planned.spec.titel, tuple(blocks), f"kop-{number}"))
    sections, headings = _anchored(sections)
    return Document(
        titel=config.titel,
        organisatie=config.organisatie,
        soort=config.soort,
        jaar=config.jaar,
        datum=document_date(analysis).isoformat(),
        sections=tuple(sections),
        ondertitel=config.ondertitel,
        partij=partij,
        inhoud=config.inhoud,
        headings=headings,
        fingerprint=analysis.inputs.fingerprint,
        colofon=config.colofon,
    )


def _anchored(sections: list[Section]) -> tuple[list[Section], tuple[Heading, ...]]:
    """The sections with every reference in their texts resolved (``tabel 3``) and an id on
    every heading; and those headings, in order, as a table of contents lists them."""
    numbers = numbering(b for s in sections for b in s.blocks)
    done: list[Section] = []
    headings: list[Heading] = []
    for section in sections:
        anchor = section.anchor or ""
        headings.append(Heading(1, section.titel, anchor))
        blocks: list[Block] = []
        inner = 0  # the headings of this section's texts so far
        for block in section.blocks:
            if isinstance(block, Prose):
                html, found = anchor_headings(resolve(block.html, numbers), anchor, inner)
                headings += found
                inner += len(found)
                block = replace(block, html=html)
            blocks.append(block)
        done.append(replace(section, blocks=tuple(blocks)))
    return done, tuple(headings)


def _explained(analysis: Analysis, planned: PlannedSection, name: str) -> list[Block]:
    """The conclusion and the chart that follow an indicator table.

    The author's ``*.conclusie.md`` replaces the generated conclusion (it may print parts of it
    with ``{{ conclusie("id") }}``); a section text that prints conclusions itself gets none.
    """
    blocks: list[Block] = []
    config, figures = analysis.config, analysis.figures
    if planned.conclusie is not None:
        blocks.append(Prose(planned.conclusie, "conclusie"))
    elif config.conclusies and not planned.prints_conclusions and figures.indicators:
        paragraphs = tuple(figures.conclusie(ident) for ident in figures.indicators)
        blocks.append(Text("conclusie", paragraphs))  # one paragraph per indicator
    if config.grafieken and figures.indicators:
        chart = indicator_chart(list(figures.indicators.values()), name)
        if chart is not None:
            blocks.append(chart)
    return blocks


def build_overview(
    analysis: Analysis, chosen: Sequence[Gemeente], formats: Sequence[str]
) -> Overzicht:
    """The overview page of a reeks: a link to every document built and the comparison of all
    gemeenten when there is a gemeenten.csv (the national tables are added when written)."""
    reeks = analysis.reeks
    assert reeks is not None
    config = analysis.config
    links = tuple(
        (g.naam, tuple((fmt, document_path(g.slug, fmt)) for fmt in formats)) for g in chosen
    )
    members = tuple(
        Member(g.naam, g.slug, g.inwoners, g.grootteklasse, g.provincie, g.code) for g in chosen
    )
    table = None
    uitleg: list[str] = []
    if "kosten" in reeks.files and "gemeenten" in analysis.frames:
        from jaarverslag.compute.vergelijking import overview_table
        from jaarverslag.compute.vergelijking_cijfers import comparison  # a reeks only

        data = comparison(reeks, config.soort, config.jaar, config.bedragen_in)
        table = overview_table(data, reeks)
        uitleg.append(
            f"Lasten en baten per inwoner van de {format_number(len(reeks.gemeenten))} "
            f"gemeenten ({data.kolom}): het bedrag van elke post gedeeld door het aantal "
            "inwoners. Nederland is het landelijke totaal gedeeld door alle inwoners."
        )
    titel = fill(config.titel, "alle gemeenten")
    ondertitel = None if config.ondertitel is None else fill(config.ondertitel, "alle gemeenten")
    return Overzicht(
        titel=titel,
        soort=config.soort,
        jaar=config.jaar,
        datum=document_date(analysis).isoformat(),
        links=links,
        table=table,
        ondertitel=ondertitel,
        uitleg=tuple(uitleg),
        fingerprint=analysis.inputs.fingerprint,
        members=members,
    )


def document_path(slug: str, fmt: str) -> str:
    """Where a gemeente's document in ``fmt`` is under the reeks's folder (its site's start
    page for the site)."""
    return f"{slug}/site/index.html" if fmt == "site" else f"{slug}/{slug}.{fmt}"
