"""CBS's yearly definitions of Iv3 and the checks that read them: code lists, grey cells, controls.

A definitions file (``iv3_definities_<overheidslaag>_<boekjaar>.json``) holds the code lists of
that year, the grey cells (taakveld or balanscode × categorie combinations that must stay empty)
and the controls (``controles``: per foutcode, the periodes it applies to and its parameters).
The code lists and grey cells are applied as data. Of the controls, those on lasten and baten are
implemented here (PF004, PF005, PF006, PF009); each runs for the periodes its ``calculaties`` name,
with the parameters they give (``uitgesloten_taakvelden``; the financial balance codes of PF002).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, TypeGuard

from jaarverslag.inputs.iv3.parse import Finding, getal, path, procent, shown
from jaarverslag.inputs.iv3.schema import melding, resource

#: The most each control lets pass. CBS's definitions give no norm (``<goed>`` in its messages);
#: PF001's one published formula allowed 1%. PF006 and PF009: a total that must match exactly and
#: categories that must stay empty (amounts are in thousands; 0.001 is a euro).
NORMEN = {"PF004": 1.0, "PF005": 1.0, "PF006": 0.0, "PF009": 0.0}
_EPSILON = 1e-6
VERREKENINGEN = "IV"  #: group of the categorie code list: the internal settlements 7.1-7.5
FINANCIEEL = "FR"  #: group of the categorie code list: the financial account, 6.1
ONVERDEELD = ("4.3.9", "4.4.9")  #: PF009's categories, as fouten.json names them

#: Per part of ``data``: each code field, the code list it takes its codes from, the DF foutcode
FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "lasten": (("taakveld", "taakveld", "DF001"), ("categorie", "categorie_lasten", "DF002")),
    "baten": (("taakveld", "taakveld", "DF001"), ("categorie", "categorie_baten", "DF002")),
    "balans_lasten": (
        ("balanscode", "balanscode", "DF003"),
        ("categorie", "categorie_lasten", "DF002"),
    ),
    "balans_baten": (
        ("balanscode", "balanscode", "DF003"),
        ("categorie", "categorie_baten", "DF002"),
    ),
    "balans_standen": (("balanscode", "balanscode", "DF003"), ("standper", "standper", "DF004")),
    "kengetallen": (
        ("kengetal", "kengetallen", "DF005"),
        ("verslagperiode", "verslagperiode", "DF007"),
    ),
    "beleidsindicatoren": (
        ("beleidsindicator", "beleidsindicatoren", "DF006"),
        ("verslagperiode", "verslagperiode", "DF007"),
    ),
}
AMOUNTS = ("lasten", "baten", "balans_lasten", "balans_baten")  #: parts with categorie and bedrag


@dataclass(frozen=True)
class Definities:
    laag: str
    jaar: int
    codes: Mapping[str, Mapping[str, str]]  #: code list → code → omschrijving (leaves only)
    groepen: Mapping[str, Mapping[str, str]]  #: categorie list → code → its group (LR, FR, IV)
    grijs: Mapping[str, frozenset[tuple[str, str]]]  #: part → (taakveld or balanscode, categorie)
    controles: Mapping[str, tuple[Mapping[str, Any], ...]]  #: foutcode → its calculaties

    @property
    def naam(self) -> str:
        return f"{self.laag} {self.jaar}"

    def label(self, lijst: str, code: str) -> str:
        """``6.3 Inkomensregelingen``: a code with its name in this year's list."""
        name = self.codes[lijst].get(code)
        return f"{code} {name}" if name else code


@cache
def beschikbaar() -> list[tuple[str, int]]:
    """The (overheidslaag, boekjaar) pairs whose definitions are shipped."""
    found = []
    for entry in (files(__package__) / "definities").iterdir():
        parts = entry.name.removesuffix(".json").split("_")
        if entry.name.startswith("iv3_definities_") and len(parts) == 4 and parts[3].isdigit():
            found.append((parts[2], int(parts[3])))
    return sorted(found)


def bestandsnaam(laag: str, jaar: object) -> str:
    return f"iv3_definities_{laag}_{jaar}.json"


@cache
def definities(laag: str, jaar: int) -> Definities | None:
    """The shipped definitions of ``laag`` and ``jaar``, or ``None`` when there are none."""
    if (laag, jaar) not in beschikbaar():
        return None
    raw = resource(bestandsnaam(laag, jaar))
    codes: dict[str, dict[str, str]] = {}
    groepen: dict[str, dict[str, str]] = {}
    for lijst, body in raw["codelijsten"].items():
        codes[lijst], groepen[lijst] = {}, {}
        for code, name, group in _leaves(body["codelijst"], ""):
            codes[lijst][code] = name
            groepen[lijst][code] = group
    grijs = {
        part: frozenset(
            (c.get("taakveld") or c.get("balanscode", ""), c["categorie"]) for c in cells
        )
        for part, cells in raw.get("grijze_cellen", {}).items()
    }
    controles = {c["foutcode"]: tuple(c.get("calculaties", ())) for c in raw.get("controles", ())}
    return Definities(laag, jaar, codes, groepen, grijs, controles)


def _leaves(nodes: list[dict[str, Any]], parent: str) -> Iterator[tuple[str, str, str]]:
    """The codes a delivery may use: the leaves of the tree, each with its parent's code."""
    for node in nodes:
        code, subcodes = str(node["code"]), node.get("subcodes")
        if subcodes:
            yield from _leaves(subcodes, code)
        else:
            yield code, str(node.get("omschrijving", "")), parent


def _rows(doc: Any, part: str) -> Iterator[tuple[int, dict[str, Any]]]:
    data = doc.get("data") if isinstance(doc, dict) else None
    rows = data.get(part) if isinstance(data, dict) else None
    if isinstance(rows, list):
        for i, row in enumerate(rows):
            if isinstance(row, dict):
                yield i, row


def code_findings(doc: Any, d: Definities) -> list[Finding]:
    """Every code that is not in this year's code list (DF001-DF007)."""
    found = []
    for part, fields in FIELDS.items():
        for i, row in _rows(doc, part):
            for field, lijst, foutcode in fields:
                value = row.get(field)
                if isinstance(value, str) and value not in d.codes.get(lijst, {}):
                    extra = f"Zie de codelijst {lijst} van {d.naam}."
                    message = melding(foutcode, onderdeel=part, fout=shown(value), extra=extra)
                    found.append(Finding(path(("data", part, i, field)), message, foutcode))
    return found


def grey_findings(doc: Any, d: Definities) -> list[Finding]:
    """Every amount other than 0 in a grey cell."""
    found = []
    for part in AMOUNTS:
        key, lijst = (
            ("taakveld", "taakveld") if part in ("lasten", "baten") else ("balanscode",) * 2
        )
        categorieen = FIELDS[part][1][1]
        for i, row in _rows(doc, part):
            code, cat, amount = row.get(key), row.get("categorie"), row.get("bedrag")
            if not (isinstance(code, str) and isinstance(cat, str) and _number(amount)):
                continue
            if amount != 0 and (code, cat) in d.grijs.get(part, frozenset()):
                message = (
                    f"grijze cel: {key} {d.label(lijst, code)} met categorie "
                    f"{d.label(categorieen, cat)} moet leeg blijven in {part} "
                    f"(codelijst {d.naam}), maar heeft bedrag {getal(amount)}"
                )
                found.append(Finding(path(("data", part, i)), message, "grijze cel"))
    return found


def control_findings(doc: Any, d: Definities, periode: int) -> list[Finding]:
    """The controls on lasten and baten whose calculaties cover ``periode`` (a valid doc)."""
    amounts = {part: list(_amounts(doc, part)) for part in AMOUNTS}
    found: list[Finding] = []
    for foutcode, check in _CONTROLS.items():
        for calculatie in d.controles.get(foutcode, ()):
            if periode in calculatie.get("periode", ()):
                found += check(amounts, d, calculatie)
    return found


Amount = tuple[int, str, str, float]  #: index, taakveld or balanscode, categorie, bedrag
Amounts = Mapping[str, list[Amount]]


def _amounts(doc: Any, part: str) -> Iterator[Amount]:
    key = "taakveld" if part in ("lasten", "baten") else "balanscode"
    for i, row in _rows(doc, part):
        code, cat, amount = row.get(key), row.get("categorie"), row.get("bedrag")
        if isinstance(code, str) and isinstance(cat, str) and _number(amount):
            yield i, code, cat, float(amount)


def _pf004(amounts: Amounts, d: Definities, calculatie: Mapping[str, Any]) -> list[Finding]:
    """Verrekencategorieën: per category of internal settlement, lasten = baten over the matrix."""
    found = []
    cats = {
        c: lijst
        for lijst in ("categorie_lasten", "categorie_baten")
        for c, group in d.groepen.get(lijst, {}).items()
        if group == VERREKENINGEN
    }
    sides: dict[tuple[str, str], list[float]] = {}
    for part in AMOUNTS:
        side = "lasten" if part.endswith("lasten") else "baten"
        for _i, _code, cat, amount in amounts[part]:
            if cat in cats:
                sides.setdefault((cat, side), []).append(amount)
    for cat in sorted(cats):
        lasten = math.fsum(sides.get((cat, "lasten"), ()))
        baten = math.fsum(sides.get((cat, "baten"), ()))
        largest = max(abs(lasten), abs(baten))
        share = abs(lasten - baten) / largest * 100 if largest > _EPSILON else 0.0
        if share > NORMEN["PF004"] + _EPSILON:
            text = melding("PF004", fout=procent(share), goed=procent(NORMEN["PF004"]))
            detail = (
                f"categorie {d.label(cats[cat], cat)}: lasten {getal(lasten)}, baten {getal(baten)}"
            )
            found.append(Finding("data", f"{text} ({detail})", "PF004"))
    return found


def _pf005(amounts: Amounts, d: Definities, calculatie: Mapping[str, Any]) -> list[Finding]:
    """Categorie 6.1 buiten financiële balans: its share outside the financial balance codes."""
    excluded = set(calculatie.get("uitgesloten_taakvelden", ()))
    financial = {code for c in d.controles.get("PF002", ()) for code in c.get("balanscode", ())}
    fr = {
        c
        for lijst in ("categorie_lasten", "categorie_baten")
        for c, group in d.groepen.get(lijst, {}).items()
        if group == FINANCIEEL
    }
    total, outside, where = 0.0, 0.0, []
    for part in AMOUNTS:
        on_balance = part not in ("lasten", "baten")
        allowed = financial if on_balance else excluded
        for i, code, cat, amount in amounts[part]:
            if cat in fr:
                total += abs(amount)
                if code not in allowed and amount != 0 and (financial or not on_balance):
                    outside += abs(amount)
                    where.append(path(("data", part, i)))
    share = outside / total * 100 if total > _EPSILON else 0.0
    if share <= NORMEN["PF005"] + _EPSILON:
        return []
    text = melding("PF005", fout=procent(share), goed=procent(NORMEN["PF005"]))
    listed = ", ".join(where[:5]) + (f" en nog {len(where) - 5}" if len(where) > 5 else "")
    return [Finding("data", f"{text} (categorie {'/'.join(sorted(fr))} in {listed})", "PF005")]


def _pf006(amounts: Amounts, d: Definities, calculatie: Mapping[str, Any]) -> list[Finding]:
    """Totaal lasten taakvelden = totaal baten taakvelden (with 0.10 and 0.11 they balance)."""
    lasten = math.fsum(a[3] for a in amounts["lasten"])
    baten = math.fsum(a[3] for a in amounts["baten"])
    difference = abs(lasten - baten)
    if difference <= NORMEN["PF006"] + _EPSILON:
        return []
    text = melding("PF006", fout=getal(difference), goed=getal(NORMEN["PF006"]))
    detail = f"totaal lasten {getal(lasten)}, totaal baten {getal(baten)}"
    return [Finding("data", f"{text} ({detail})", "PF006")]


def _pf009(amounts: Amounts, d: Definities, calculatie: Mapping[str, Any]) -> list[Finding]:
    """Categories 4.3.9 and 4.4.9 (onverdeeld) only in a begroting: each row that uses them."""
    found = []
    for part in AMOUNTS:
        for i, _code, cat, amount in amounts[part]:
            if cat in ONVERDEELD and abs(amount) > NORMEN["PF009"] + _EPSILON:
                text = melding("PF009", fout=getal(amount), goed=getal(NORMEN["PF009"]))
                found.append(Finding(path(("data", part, i)), text, "PF009"))
    return found


_CONTROLS: dict[str, Callable[[Amounts, Definities, Mapping[str, Any]], list[Finding]]] = {
    "PF004": _pf004,
    "PF005": _pf005,
    "PF006": _pf006,
    "PF009": _pf009,
}


def _number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)
