"""Turns a checked rapport into the format-neutral :class:`Document`: sections of prose and
computed tables, in the order rapport.yaml gives (or a sensible default)."""

from __future__ import annotations

import datetime as dt
import os
import re
from html import escape
from pathlib import Path

from .compute.beleidsplan import verdeling_table
from .compute.clienten import LadderResult, ladder, prestatie_zinnen, privacy_problems
from .compute.conclusies import indicators
from .compute.indicatoren import indicator_table
from .errors import InputError, Problem
from .load import Rapport, kosten_result, maatregelen_result
from .model import Block, Document, Html, Section
from .prose import Figures, prose_to_html
from .rapport import BLOCK_FILES, SectieSpec
from .texts import CONCLUSIE_SUFFIX, conclusie_path

#: The BBV structure of a begroting without ``secties``: (text keyword, title, blocks).
BBV_SECTIONS = (
    ("bereik", "Wat willen we bereiken?", ("indicatoren", "ladder")),
    ("doen", "Wat gaan we daarvoor doen?", ()),
    ("kost", "Wat mag het kosten?", ("kosten", "maatregelen", "verdeling")),
)
#: A section text that prints conclusions itself (``{{ conclusie("id") }}``) gets no paragraph.
PRINTS_CONCLUSION = re.compile(r"\bconclusies?\s*\(")
EMPTY_SECTION = "Voor dit onderdeel zijn (nog) geen gegevens aangeleverd."

#: Default section titles per document kind, for rapports without ``secties``.
DEFAULT_TITLES = {
    "jaarverslag": {
        "indicatoren": "Wat hebben we bereikt?",
        "ladder": "Participatieladder",
        "kosten": "Wat heeft het gekost?",
        "maatregelen": "Financiën",
    },
    "begroting": {
        "indicatoren": "Wat willen we bereiken?",
        "ladder": "Participatieladder",
        "kosten": "Wat mag het kosten?",
        "maatregelen": "Financiën",
    },
    "beleidsplan": {
        "indicatoren": "Indicatoren",
        "ladder": "Participatieladder",
        "kosten": "Kosten",
        "maatregelen": "Financiën",
    },
}


def document_date(rapport: Rapport) -> dt.date:
    """The one date of a document: rapport.yaml's ``datum``, else SOURCE_DATE_EPOCH, else
    1 January of the report year — never the clock, so identical inputs give identical files."""
    if rapport.config.datum is not None:
        return rapport.config.datum
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date(rapport.config.jaar, 1, 1)


def default_secties(rapport: Rapport) -> tuple[SectieSpec, ...]:
    """Without ``secties``: each Markdown file in teksten/, then one section per data file.

    A begroting gets the BBV structure instead: its texts first, except those whose name says
    ``bereiken``, ``doen`` or ``kosten``, which open the three W-questions; these hold the
    indicators (and ladder), nothing computed, and the kosten (and maatregelen) respectively.
    """
    teksten = rapport.folder / "teksten"
    paths = (
        [p for p in sorted(teksten.glob("*.md")) if not p.name.endswith(CONCLUSIE_SUFFIX)]
        if teksten.is_dir()
        else []
    )
    files = rapport.files
    if rapport.config.soort == "begroting":
        return _bbv_secties(rapport, paths, files)
    secties = [SectieSpec(_title_of(path, rapport.text(path)), path) for path in paths]
    titles = DEFAULT_TITLES[rapport.config.soort]
    if "indicatoren" in files:
        secties.append(SectieSpec(titles["indicatoren"], None, ("indicatoren",)))
    if "clienten" in files:
        secties.append(SectieSpec(titles["ladder"], None, ("ladder",)))
    if "kosten" in files:
        secties.append(SectieSpec(titles["kosten"], None, ("kosten",)))
    if "maatregelen" in files:
        blocks = ("maatregelen", "verdeling") if "verdeelsleutel" in files else ("maatregelen",)
        secties.append(SectieSpec(titles["maatregelen"], None, blocks))
    return tuple(secties)


def _bbv_secties(
    rapport: Rapport, paths: list[Path], files: dict[str, Path]
) -> tuple[SectieSpec, ...]:
    def keyword(path: Path) -> str | None:
        stem = path.stem.casefold()
        return next((k for k, _, _ in BBV_SECTIONS if k in stem), None)

    secties = [SectieSpec(_title_of(p, rapport.text(p)), p) for p in paths if keyword(p) is None]
    for key, titel, blocks in BBV_SECTIONS:
        text = next((p for p in paths if keyword(p) == key), None)
        present = tuple(b for b in blocks if all(f in files for f in BLOCK_FILES[b]))
        secties.append(SectieSpec(titel, text, present))
    return tuple(secties)


def _title_of(path: Path, text: str) -> str:
    """A text's first ``# heading``, else its file name without number prefix."""
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
        if line.strip():
            break
    return re.sub(r"^[\d_\-. ]+", "", path.stem).replace("_", " ").replace("-", " ").capitalize()


def _strip_title(html: str, titel: str) -> str:
    """Drop a leading ``# heading`` (an ``<h3>`` once rendered) that repeats the section title."""
    heading = f"<h3>{escape(titel, quote=False)}</h3>\n"
    return html[len(heading) :] if html.startswith(heading) else html


def figures_of(rapport: Rapport) -> Figures:
    """What the prose of this rapport can print (computed once per rapport)."""
    return rapport.computed("figures", lambda: _figures(rapport))


def _figures(rapport: Rapport) -> Figures:
    config = rapport.config
    frame = rapport.frames.get("indicatoren")
    facts = indicators(frame) if frame is not None and not frame.empty else {}
    return Figures(facts, config.soort, config.jaar, config.drempels)


def _display(rapport: Rapport, path: Path) -> str:
    """How problems name a text file: relative to where the rapport folder was given."""
    try:
        return str(rapport.folder / path.resolve().relative_to(rapport.folder.resolve()))
    except ValueError:
        return str(path)


def _text(rapport: Rapport, path: Path, figures: Figures) -> str:
    """A Markdown text as HTML; rendered once per rapport (``check`` renders every text too)."""
    return rapport.computed(
        f"tekst:{path}",
        lambda: prose_to_html(rapport.text(path), _display(rapport, path), figures),
    )


def _conclusie_file(rapport: Rapport, sectie: SectieSpec) -> Path:
    if sectie.tekst is not None:
        return conclusie_path(sectie.tekst)
    return rapport.folder / "teksten" / ("indicatoren" + CONCLUSIE_SUFFIX)


def _has_text(rapport: Rapport, path: Path | None) -> bool:
    return path is not None and path.resolve() in rapport.texts


def prose_problems(rapport: Rapport) -> list[Problem]:
    """Render every Markdown text once, so ``check`` finds a live figure that can't be printed."""
    figures = figures_of(rapport)
    problems: list[Problem] = []
    for sectie in rapport.config.secties or default_secties(rapport):
        for path in (sectie.tekst, _conclusie_file(rapport, sectie)):
            if path is not None and _has_text(rapport, path):
                try:
                    _text(rapport, path, figures)
                except InputError as exc:
                    problems += exc.problems
    return problems


def build_document(rapport: Rapport, *, partij: str | None = None) -> Document:
    """Compute every block of every section."""
    config = rapport.config
    figures = figures_of(rapport)
    sections = []
    for number, sectie in enumerate(config.secties or default_secties(rapport), start=1):
        blocks: list[Block] = []
        source = ""
        if sectie.tekst is not None:
            source = rapport.text(sectie.tekst)
            html = _text(rapport, sectie.tekst, figures)
            blocks.append(Html(_strip_title(html, sectie.titel)))
        for name in sectie.inhoud:
            blocks.extend(_blocks(rapport, name, partij))
            if name == "indicatoren":
                blocks.extend(_explained(rapport, sectie, figures, source, f"grafiek-{number}"))
        if not blocks:
            blocks.append(Html(f'<p class="leeg">{escape(EMPTY_SECTION)}</p>'))
        sections.append(Section(sectie.titel, tuple(blocks)))
    return Document(
        titel=config.titel,
        organisatie=config.organisatie,
        soort=config.soort,
        jaar=config.jaar,
        datum=document_date(rapport).isoformat(),
        sections=tuple(sections),
        ondertitel=config.ondertitel,
        partij=partij,
    )


def _explained(
    rapport: Rapport, sectie: SectieSpec, figures: Figures, source: str, name: str
) -> list[Block]:
    """The conclusion paragraph and the chart that follow an indicator table.

    The author's ``*.conclusie.md`` replaces the generated paragraph (it may print parts of it
    with ``{{ conclusie("id") }}``); a section text that prints conclusions itself gets none.
    """
    blocks: list[Block] = []
    config = rapport.config
    own = _conclusie_file(rapport, sectie)
    if _has_text(rapport, own):
        blocks.append(Html(f'<div class="conclusie">{_text(rapport, own, figures)}</div>'))
    elif config.conclusies and not PRINTS_CONCLUSION.search(source) and figures.indicators:
        text = escape(figures.conclusies())
        blocks.append(Html(f'<div class="conclusie"><p>{text}</p></div>'))
    if config.grafieken and figures.indicators:
        from .render.charts import indicator_figure

        figure = indicator_figure(list(figures.indicators.values()), name)
        if figure is not None:
            blocks.append(figure)
    return blocks


def _blocks(rapport: Rapport, name: str, partij: str | None) -> list[Block]:
    """The computed blocks of ``name``; only the verdeling differs per partner, the rest is
    computed once per rapport however many variants are made."""
    config = rapport.config
    frames = rapport.frames
    if name == "indicatoren":

        def table() -> Block:
            return indicator_table(
                frames["indicatoren"], soort=config.soort, jaar=config.jaar, jaren=config.jaren
            )

        return [rapport.computed("indicatoren", table)]
    if name == "kosten":
        return [kosten_result(rapport)[0]]
    if name == "maatregelen":
        return [maatregelen_result(rapport)[0]]
    if name == "verdeling":
        table = verdeling_table(
            frames["maatregelen"],
            frames["verdeelsleutel"],
            afronding=config.afronding,
            ev_label=config.ev,
            partij=partij,
            bedragen_in=config.bedragen_in,
        )
        return [table]
    if name == "ladder":
        return rapport.computed("ladder", lambda: _ladder_blocks(rapport))
    raise ValueError(f"unknown block {name}")


def ladder_result(rapport: Rapport) -> LadderResult:
    """The participatieladder with its privacy audit, computed once per rapport."""
    config = rapport.config
    return rapport.computed(
        "ladder-result",
        lambda: ladder(
            rapport.frames["clienten"],
            min_celgrootte=config.min_celgrootte,
            afspraken=config.prestatieafspraken,
        ),
    )


def ladder_problems(rapport: Rapport) -> list[Problem]:
    """What privacy hid in the ladder and why (warnings), when a section prints the ladder."""
    secties = rapport.config.secties or default_secties(rapport)
    if "clienten" not in rapport.frames or not any("ladder" in s.inhoud for s in secties):
        return []
    return privacy_problems(ladder_result(rapport), rapport.display("clienten"))


def _ladder_blocks(rapport: Rapport) -> list[Block]:
    result = ladder_result(rapport)
    sentences = [*result.opmerkingen, *prestatie_zinnen(result)]
    items = "".join(f"<li>{escape(s)}</li>" for s in sentences)
    return [Html(f'<ul class="prestaties">{items}</ul>'), *result.tables]
