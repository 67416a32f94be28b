"""``jaarverslag new``: a rapport folder that builds as it is, to start from: its data as CSV
files, or with ``--excel`` in one starter workbook (:mod:`jaarverslag.commands.new_workbook`)."""

from __future__ import annotations

import re
from pathlib import Path

import click

RAPPORT = """\
# Een nieuw rapport. Vul de gegevensbestanden aan en bouw met: jaarverslag build {folder}
titel: {titel}
organisatie: Gemeente Voorbeeld
soort: jaarverslag
jaar: {jaar}
secties:
  - titel: Maatschappelijke participatie
    tekst: teksten/inleiding.md
    inhoud: [indicatoren]
  - titel: Conclusie
    tekst: teksten/conclusie.md
"""

INDICATOREN = """\
id,indicator,jaar,soort,waarde,eenheid,voetnoot
p_banen,Aantal mensen dat actief is op een P-baan,{vorig},realisatie,400,aantal,
p_banen,Aantal mensen dat actief is op een P-baan,{jaar},begroting,500,aantal,
p_banen,Aantal mensen dat actief is op een P-baan,{jaar},realisatie,559,aantal,
beschut_nieuw,Aantal beschutte werkplekken nieuw,{vorig},realisatie,17,aantal,
beschut_nieuw,Aantal beschutte werkplekken nieuw,{jaar},begroting,44,aantal,
beschut_nieuw,Aantal beschutte werkplekken nieuw,{jaar},realisatie,,aantal,nog niet gemeten
"""

RAPPORT_EXCEL = """\
# Een nieuw rapport. De cijfers staan in rapport.xlsx (lees daar eerst het werkblad Toelichting).
# Bouw met: jaarverslag build {folder}
titel: {titel}
organisatie: Gemeente Voorbeeld
soort: jaarverslag
jaar: {jaar}
secties:
  - titel: Maatschappelijke participatie
    tekst: teksten/inleiding.md
    inhoud: [indicatoren]
  - titel: Wat heeft het gekost?
    inhoud: [kosten]
  - titel: Maatregelen en verdeling over de gemeenten
    inhoud: [maatregelen, verdeling]
  - titel: Conclusie
    tekst: teksten/conclusie.md
# De participatieladder uit het werkblad clienten komt erbij met een sectie als:
#   - titel: Participatieladder
#     inhoud: [ladder]
"""

INLEIDING = """\
Schrijf hier de inleiding. Markdown mag: **vet**, *cursief*, lijsten en kopjes.

- Met de onderstaande indicatoren is de voortgang in {jaar} gemeten.
- Een streepje betekent: geen gegevens.
"""

CONCLUSIE = "Schrijf hier de conclusie.\n"


def new_rapport(name: Path, jaar: int = 2025, excel: bool = False) -> int:
    """Create ``name`` with a minimal working rapport (``excel``: its data in one starter
    workbook ``rapport.xlsx`` instead of CSV files); return the exit status."""
    try:
        return _new(name, jaar, excel)
    except OSError as exc:  # a name too long, a folder above that is a file, no permission
        click.echo(f"{name}: kan de map niet maken ({exc.strerror or exc})", err=True)
        return 1


def _new(name: Path, jaar: int, excel: bool) -> int:
    if name.exists() or name.is_symlink():
        click.echo(f"{name}: bestaat al; kies een nieuwe naam", err=True)
        return 1
    (name / "teksten").mkdir(parents=True)
    for path, content in starter(name.name, str(name), jaar, excel).items():
        (name / path).write_bytes(content)
    click.echo(f"{name}: aangemaakt; bouw met: jaarverslag build {name}", err=True)
    return 0


def starter(name: str, folder: str, jaar: int = 2025, excel: bool = False) -> dict[str, bytes]:
    """The files of a new rapport ``name`` by their path in its folder (``folder``: how its
    comment tells to build it): the same for ``new`` and for the werkplek."""
    titel = re.sub(r"[-_]+", " ", name).strip().capitalize() or "Nieuw rapport"
    values = {"folder": folder, "titel": _yaml_text(titel), "jaar": jaar, "vorig": jaar - 1}
    made: dict[str, bytes] = {}
    if excel:
        from jaarverslag.commands.new_workbook import starter_workbook

        made["rapport.xlsx"] = starter_workbook(jaar)
        made["rapport.yaml"] = RAPPORT_EXCEL.format(**values).encode()
    else:
        made["rapport.yaml"] = RAPPORT.format(**values).encode()
        made["indicatoren.csv"] = INDICATOREN.format(**values).encode()
    made["teksten/inleiding.md"] = INLEIDING.format(**values).encode()
    made["teksten/conclusie.md"] = CONCLUSIE.encode()
    return made


def _yaml_text(text: str) -> str:
    """Quote a title so YAML reads it as plain text whatever it contains."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
