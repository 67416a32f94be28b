"""``jaarverslag new NAME --excel``: a starter ``rapport.xlsx``, a sheet per data file.

Every sheet has its header and a few example rows that build as they are; a column with fixed
choices gets a drop-down list, a column of whole numbers or a range a check, both taken from the
data file's spec (:mod:`~.schemas`), so the workbook allows exactly what the build
accepts. Headers are frozen, amounts and dates formatted, widths fit the content, and the first
sheet, *Toelichting*, explains every sheet and column in Dutch.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from jaarverslag.inputs.tables.cells import ColumnSpec
from jaarverslag.inputs.tables.schemas import SPECS, FileSpec
from jaarverslag.inputs.tables.workbook import EXPLANATION

#: Rows a drop-down list or check covers below the header.
ROWS = 5000
MAX_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
ACCENT = "1F4E79"

#: The sheets of the starter (every data file but a reeks's gemeenten), and what each holds.
SHEETS: dict[str, str] = {
    "indicatoren": "Prestatie-indicatoren: één waarde per regel (per indicator, jaar en soort). "
    "Het document zet realisatie naast begroting of beoogd en schrijft er een conclusie bij.",
    "kosten": "Lasten en baten per post (bijvoorbeeld een taakveld), jaar en stand, en de "
    "toevoegingen aan en onttrekkingen uit reserves. Het document berekent saldo, resultaat, "
    "totalen en het verschil (V/N).",
    "maatregelen": "De kosten van de maatregelen van een beleidsplan, per jaar, structureel of "
    "incidenteel. Subtotalen en totalen rekent het document zelf uit.",
    "verdeelsleutel": "Hoe de kosten over de deelnemende gemeenten worden verdeeld, in procenten; "
    "samen precies 100.",
    "clienten": "Cliëntgegevens voor de participatieladder: één regel per cliënt per peildatum, "
    "met een pseudoniem, nooit een naam of BSN. Kleine aantallen worden om privacyredenen "
    "niet getoond.",
    "leeftijdsgroepen": "Een kant-en-klare samenvatting (leeftijdsgroep × groeipotentieel) met "
    "een regel Totaal; het document controleert of de optelling klopt.",
}

#: What each column holds; the allowed values come from the spec and are added to it.
COLUMNS: dict[str, str] = {
    "id": "korte sleutel van de indicator, alleen kleine letters, cijfers en _",
    "indicator": "de naam van de indicator zoals die in de tabel komt",
    "jaar": "het jaar",
    "soort": "realisatie (gemeten), begroting (begroot doel) of beoogd (beoogd doel)",
    "waarde": "het getal; leeg of - als er geen gegevens zijn",
    "eenheid": "hoe het getal wordt getoond (standaard aantal)",
    "voetnoot": "een voetnoot bij de waarde; komt onder de tabel",
    "richting": "hoger (standaard) als meer beter is, lager als minder beter is",
    "bron": "waar het getal vandaan komt, bijvoorbeeld CBS of eigen registratie; komt onder de "
    "tabel",
    "status": "voorlopig als het getal nog kan veranderen (leeg getal: n.n.b., nog niet bekend) "
    "of definitief",
    "gemeente": "alleen in een reeks: de gemeente van de regel",
    "code": "de code van de post (bijvoorbeeld taakveld 6.4), als de naam per jaar verschilt",
    "post": "de omschrijving van de post; een regel Totaal of Subtotaal wordt gecontroleerd",
    "stand": "realisatie, begroting (primitief) of begroting_na_wijziging",
    "bedrag": "het bedrag in euro's (of in duizenden, zie bedragen_in in rapport.yaml)",
    "karakter": "structureel of incidenteel",
    "partij": "de naam van de gemeente of partner",
    "aandeel": "het aandeel in procenten (74 of 74%); alle aandelen samen 100",
    "client": "een pseudoniem van de cliënt (geen naam, geen BSN)",
    "peildatum": "de datum van de meting (of waarop het getal betrekking heeft)",
    "trede": "de trede op de participatieladder, 1 tot en met 6",
    "leeftijd": "de leeftijd in jaren op de peildatum",
    "categorie": "de cliëntcategorie",
    "groeipotentieel": "ja of nee",
    "uitstroom": "werk of anders als de cliënt is uitgestroomd; anders leeg",
    "leeftijdscategorie": "de leeftijdsgroep; een regel Totaal wordt gecontroleerd",
    "aantal": "het aantal cliënten",
    "met_groeipotentieel": "waarvan met groeipotentieel",
    "zonder_groeipotentieel": "waarvan zonder groeipotentieel",
    "inwoners": "het aantal inwoners",
    "grootteklasse": "de grootteklasse van de gemeente",
    "provincie": "de provincie",
}

#: A column that means something else in one sheet than in the others: (sheet, column) → text.
SHEET_COLUMNS: dict[tuple[str, str], str] = {
    ("kosten", "soort"): "lasten, baten, of een mutatie van een reserve: toevoeging (aan de "
    "reserve; telt als lasten) of onttrekking (uit de reserve; telt als baten)",
}

NUMBER_FORMATS = {"bedrag": "#,##0", "jaar": "0", "peildatum": "dd-mm-yyyy", "inwoners": "#,##0"}


INDICATOR_COLUMNS: tuple[str, ...] = ("id", "indicator", "jaar", "soort", "waarde", "eenheid")
INDICATOR_COLUMNS += ("voetnoot", "bron", "peildatum", "status")


def examples(jaar: int) -> dict[str, list[dict[str, object]]]:
    """Example rows per data file that build as they are, by column name."""
    vorig = jaar - 1
    p_baan, uit = "Aantal mensen met een participatiebaan", "Uitstroom naar werk"
    eigen, cbs, voorlopig = "Eigen registratie", "CBS", "voorlopig"
    beschut = ("beschut", "Beschutte werkplekken")
    eind, nu = dt.date(vorig, 12, 31), dt.date(jaar, 12, 31)
    participatie, arbeid = "6.4 Begeleide participatie", "6.5 Arbeidsparticipatie"
    return {
        "indicatoren": _rows(
            INDICATOR_COLUMNS,
            [
                ("p_banen", p_baan, vorig, "realisatie", 400, "aantal", None, eigen),
                ("p_banen", p_baan, jaar, "begroting", 500, "aantal", None, eigen),
                ("p_banen", p_baan, jaar, "realisatie", 559, "aantal", None, eigen),
                ("uitstroom", uit, vorig, "realisatie", 12.5, "percentage", None, cbs, eind),
                ("uitstroom", uit, jaar, "begroting", 15, "percentage", None, cbs),
                (
                    "uitstroom",
                    uit,
                    jaar,
                    "realisatie",
                    13.1,
                    "percentage",
                    None,
                    cbs,
                    nu,
                    voorlopig,
                ),
                ("beschut", "Beschutte werkplekken", vorig, "realisatie", 17, "aantal"),
                ("beschut", "Beschutte werkplekken", jaar, "begroting", 44, "aantal"),
                (
                    *beschut,
                    jaar,
                    "realisatie",
                    None,
                    "aantal",
                    "Nog niet gemeten",
                    None,
                    None,
                    voorlopig,
                ),
            ],
        ),
        "kosten": _rows(
            ("code", "post", "soort", "jaar", "stand", "bedrag"),
            [
                ("6.4", participatie, "lasten", vorig, "realisatie", 1_180_000),
                ("6.4", participatie, "lasten", jaar, "begroting", 1_200_000),
                ("6.4", participatie, "lasten", jaar, "begroting_na_wijziging", 1_250_000),
                ("6.4", participatie, "lasten", jaar, "realisatie", 1_236_500),
                ("6.4", participatie, "baten", vorig, "realisatie", 310_000),
                ("6.4", participatie, "baten", jaar, "begroting", 300_000),
                ("6.4", participatie, "baten", jaar, "realisatie", 325_000),
                ("6.5", arbeid, "lasten", vorig, "realisatie", 845_000),
                ("6.5", arbeid, "lasten", jaar, "begroting", 900_000),
                ("6.5", arbeid, "lasten", jaar, "realisatie", 872_250),
                (None, "Reserve re-integratie", "toevoeging", jaar, "begroting", 50_000),
                (None, "Reserve re-integratie", "toevoeging", jaar, "realisatie", 50_000),
                (None, "Reserve sociaal domein", "onttrekking", jaar, "begroting", 100_000),
                (None, "Reserve sociaal domein", "onttrekking", jaar, "realisatie", 80_000),
            ],
        ),
        "maatregelen": _rows(
            ("post", "karakter", "jaar", "bedrag"),
            [
                ("Eén participatieconsulent", "structureel", jaar, 95_000),
                ("Eén participatieconsulent", "structureel", jaar + 1, 95_000),
                ("Matchmakers en leerwerkmakelaar", "structureel", jaar, 120_000),
                ("Matchmakers en leerwerkmakelaar", "structureel", jaar + 1, 120_000),
                ("Participatietrajecten", "incidenteel", jaar, 50_000),
            ],
        ),
        "verdeelsleutel": _rows(
            ("partij", "aandeel"),
            [("Gemeente Noord", 74), ("Gemeente Midden", 14), ("Gemeente Zuid", 12)],
        ),
        "clienten": _rows(
            tuple(column.name for column in SPECS["clienten"].columns),
            [
                ("c001", dt.date(vorig, 12, 31), 3, 34, "2A", "ja"),
                ("c001", dt.date(jaar, 12, 31), 4, 35, "2A", "ja"),
                ("c002", dt.date(vorig, 12, 31), 2, 51, "3A", "nee"),
                ("c002", dt.date(jaar, 12, 31), 2, 52, "3A", "nee"),
                ("c003", dt.date(vorig, 12, 31), 5, 24, "1B", "ja", "werk"),
            ],
        ),
        "leeftijdsgroepen": _rows(
            ("leeftijdscategorie", "aantal", "met_groeipotentieel", "zonder_groeipotentieel"),
            [
                ("< 27", 20, 15, 5),
                ("27 – 44", 45, 25, 20),
                ("≥ 45", 35, 10, 25),
                ("Totaal", 100, 50, 50),
            ],
        ),
    }


def _rows(names: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[dict[str, object]]:
    return [dict(zip(names, row, strict=False)) for row in rows]


def starter_workbook(jaar: int) -> bytes:
    """The starter ``rapport.xlsx``: Toelichting first, then a sheet per data file."""
    book = Workbook()
    explanation = book.active
    explanation.title = EXPLANATION.capitalize()
    _explain(explanation)
    rows = examples(jaar)
    for name in SHEETS:
        _data_sheet(book.create_sheet(name), name, rows.get(name, []))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def columns(spec: FileSpec) -> tuple[ColumnSpec, ...]:
    """The columns a starter sheet has: all of the spec's but a reeks's ``gemeente``."""
    return tuple(c for c in spec.columns if c.name != "gemeente")


def explanation(sheet: str, column: ColumnSpec) -> str:
    """What a column of a sheet holds, in Dutch."""
    return SHEET_COLUMNS.get((sheet, column.name)) or COLUMNS.get(column.name, column.doc)


def _data_sheet(sheet: Worksheet, name: str, examples: list[dict[str, object]]) -> None:
    cols = columns(SPECS[name])
    sheet.append([c.name for c in cols])
    rows = [[example.get(c.name) for c in cols] for example in examples]
    for row in rows:
        sheet.append(row)
    for index, column in enumerate(cols, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(1, index)
        header.font = Font(bold=True, color=ACCENT if column.required else "404040")
        header.fill = HEADER_FILL
        for cell in sheet[letter][1:]:
            cell.number_format = NUMBER_FORMATS.get(column.name, "General")
        validation = _validation(column, explanation(name, column))
        if validation is not None:
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{ROWS + 1}")
        texts = [column.name, *(str(r[index - 1]) for r in rows if r[index - 1] is not None)]
        texts += list(column.choices)
        width = max(len(t) for t in texts) + 3
        sheet.column_dimensions[letter].width = min(max(width, 10), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.print_options.gridLines = True
    sheet.print_title_rows = "1:1"
    _print_on_the_page_width(sheet)


def _validation(column: ColumnSpec, hint: str) -> DataValidation | None:
    """A drop-down list for fixed choices; a check of whole numbers or a range."""
    if column.choices:
        choices = ",".join(column.choices)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        validation.error = f"Kies een van: {', '.join(column.choices)}"
    elif column.kind in ("int", "number") and (column.minimum, column.maximum) != (None, None):
        kind = "whole" if column.kind == "int" else "decimal"
        low = column.minimum if column.minimum is not None else -1e13
        high = column.maximum if column.maximum is not None else 1e13
        validation = DataValidation(
            type=kind, operator="between", formula1=f"{low:g}", formula2=f"{high:g}"
        )
        validation.allow_blank = True
        validation.error = f"Een {'geheel ' if kind == 'whole' else ''}getal van {low:g}"
        validation.error += f" tot en met {high:g}" if column.maximum is not None else " of meer"
    else:
        return None
    validation.errorTitle = f"Ongeldige waarde voor {column.name}"
    validation.showErrorMessage = True
    validation.promptTitle = column.name
    validation.prompt = hint[:255]
    validation.showInputMessage = True
    return validation


def _explain(sheet: Worksheet) -> None:
    """The Toelichting: how to use the workbook, then every sheet and its columns."""
    lines: list[tuple[str, ...]] = [
        ("Toelichting bij rapport.xlsx",),
        (),
        ("Elk werkblad is één gegevensbestand. Vul de werkbladen in en bouw het rapport met:",),
        ("    jaarverslag build <map van het rapport>",),
        ("Laat de kopregel (rij 1) staan; de volgorde van de kolommen mag anders.",),
        ("Kolommen met een keuzelijst: kies een waarde uit de lijst (het pijltje in de cel).",),
        ("Een werkblad dat u niet gebruikt, maakt u leeg tot op de kopregel (of verwijdert u).",),
        ("Formules mogen: het rapport leest de uitkomst die Excel bij het opslaan bewaarde.",),
        ("Een fout meldt het werkblad, de rij en de kolom, bijvoorbeeld:",),
        ("    rapport.xlsx[kosten]:5: bedrag: 'abc' is geen getal",),
        (),
    ]
    for name, about in SHEETS.items():
        lines += [(f"Werkblad {name}",), (about,)]
        lines += [("kolom", "verplicht", "wat erin staat")]
        for column in columns(SPECS[name]):
            text = explanation(name, column)
            if column.choices:
                text += f" — kies uit: {', '.join(column.choices)}"
            lines.append((column.name, "ja" if column.required else "nee", text))
        lines.append(())
    for row in lines:
        sheet.append(list(row))
        cells = sheet[sheet.max_row]
        if len(row) == 1 and row[0].startswith(("Toelichting", "Werkblad ")):
            cells[0].font = Font(bold=True, size=14 if row[0].startswith("Toe") else 12)
        elif row[:1] == ("kolom",):
            for cell in cells:
                cell.font = Font(bold=True)
                cell.fill = HEADER_FILL
        for cell in cells:
            cell.alignment = Alignment(wrap_text=len(row) > 1, vertical="top")
    for letter, width in (("A", 24), ("B", 10), ("C", 90)):
        sheet.column_dimensions[letter].width = width
    _print_on_the_page_width(sheet)


def _print_on_the_page_width(sheet: Worksheet) -> None:
    """Printed (or saved as PDF) landscape, as wide as the page, as many pages long as needed."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
