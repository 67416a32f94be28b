"""Turns a checked rapport into the format-neutral :class:`Document`: sections of prose and
computed tables, in the order rapport.yaml gives (or a sensible default)."""

from __future__ import annotations

import datetime as dt
import os
import re
from html import escape
from pathlib import Path

from .compute.beleidsplan import maatregelen_table, verdeling_table
from .compute.clienten import ladder, prestatie_zinnen
from .compute.indicatoren import indicator_table
from .compute.kosten import kosten_table
from .load import Rapport, kosten_soort
from .model import Block, Document, Html, Section
from .prose import markdown_to_html
from .rapport import SectieSpec

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
    """Without ``secties``: each Markdown file in teksten/, then one section per data file."""
    secties = []
    teksten = rapport.folder / "teksten"
    if teksten.is_dir():
        for path in sorted(teksten.glob("*.md")):
            secties.append(SectieSpec(_title_of(path), path))
    titles = DEFAULT_TITLES[rapport.config.soort]
    files = rapport.files
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


def _title_of(path: Path) -> str:
    """A text's first ``# heading``, else its file name without number prefix."""
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
        if line.strip():
            break
    return re.sub(r"^[\d_\-. ]+", "", path.stem).replace("_", " ").replace("-", " ").capitalize()


def _strip_title(text: str, titel: str) -> str:
    """Drop a leading ``# heading`` that repeats the section title."""
    lines = text.lstrip("\ufeff").splitlines()
    if lines and lines[0].startswith("# ") and lines[0][2:].strip() == titel:
        return "\n".join(lines[1:])
    return text


def build_document(rapport: Rapport, *, partij: str | None = None) -> Document:
    """Compute every block of every section."""
    config = rapport.config
    sections = []
    for sectie in config.secties or default_secties(rapport):
        blocks: list[Block] = []
        if sectie.tekst is not None:
            text = _strip_title(sectie.tekst.read_text(encoding="utf-8-sig"), sectie.titel)
            blocks.append(Html(markdown_to_html(text)))
        for name in sectie.inhoud:
            blocks.extend(_blocks(rapport, name, partij))
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


def _blocks(rapport: Rapport, name: str, partij: str | None) -> list[Block]:
    config = rapport.config
    frames = rapport.frames
    if name == "indicatoren":
        return [indicator_table(frames["indicatoren"], soort=config.soort, jaar=config.jaar)]
    if name == "kosten":
        table, _ = kosten_table(
            frames["kosten"],
            soort=kosten_soort(config.soort),
            jaar=config.jaar,
            file=rapport.display("kosten"),
            bedragen_in=config.bedragen_in,
            totals="warning",
        )
        return [table]
    if name == "maatregelen":
        table, _ = maatregelen_table(
            frames["maatregelen"],
            file=rapport.display("maatregelen"),
            ev_label=config.ev,
            bedragen_in=config.bedragen_in,
            totals="warning",
        )
        return [table]
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
        result = ladder(
            frames["clienten"],
            min_celgrootte=config.min_celgrootte,
            afspraken=config.prestatieafspraken,
        )
        sentences = [*result.opmerkingen, *prestatie_zinnen(result)]
        items = "".join(f"<li>{escape(s)}</li>" for s in sentences)
        return [Html(f'<ul class="prestaties">{items}</ul>'), *result.tables]
    raise ValueError(f"unknown block {name}")
