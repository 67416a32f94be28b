"""An Iv3 delivery (``iv3.json``, schema 2.x) as the source of a rapport's kosten.

A municipality sends its Iv3 figures to CBS as a JSON file that its financial package exports.
Before anything is read, the file is checked as CBS checks it (:func:`validate`): its size and
nesting, JSON syntax, CBS's JSON schema, the code lists of its boekjaar and overheidslaag, the grey
cells, and the controls on lasten and baten (PF004, PF005, PF006, PF009). Every failure is one
:class:`~jaarverslag.errors.Problem` that prints as::

    iv3.json: data.lasten[12]: foutcode DF001: Binnen het onderdeel lasten is de code 6.33 ...

Then :func:`read_kosten` turns the taakvelden a rapport names into rows of the ``kosten`` data kind
(amounts in thousands of euros, as Iv3 has them), and :func:`read_kosten_reeks` does so for a folder
of deliveries, one per gemeente. The same in two steps: :func:`check` a delivery once (a rapport
folder does so before its ``rapport.yaml`` is read), then :func:`kosten_of` one or
:func:`kosten_of_all` many with the rapport's taakvelden. CBS's schema and definitions are
shipped unchanged in ``definities/`` (source: CBS, repository statistiekcbs/iv3_definities,
commit 9d77a88).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from jaarverslag.core.errors import Problem
from jaarverslag.inputs.iv3.checks import (
    Definities,
    beschikbaar,
    bestandsnaam,
    code_findings,
    control_findings,
    definities,
    grey_findings,
)
from jaarverslag.inputs.iv3.parse import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_VALUES,
    Finding,
    getal,
    order,
    parse,
    shown,
)
from jaarverslag.inputs.iv3.schema import melding, schema_findings

__all__ = [
    "BEDRAGEN_IN",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_REPORTED",
    "MAX_VALUES",
    "Iv3Kosten",
    "Levering",
    "check",
    "kosten_of",
    "kosten_of_all",
    "read_kosten",
    "read_kosten_reeks",
    "validate",
]

BEDRAGEN_IN = 1000  #: Iv3 amounts are in thousands of euros: the rapport's ``bedragen_in``
MAX_REPORTED = 10  #: findings of one kind in one part listed one by one, then counted
RESERVES = "0.10"  #: taakveld Mutaties reserves: lasten are toevoegingen, baten onttrekkingen
RESULTAAT = "0.11"  #: taakveld Resultaat: the balancing item of the whole gemeente
STAND = {0: "begroting", 5: "realisatie"}  #: periode → the kosten ``stand`` it gives


class Iv3Kosten(NamedTuple):
    """What :func:`read_kosten` gives: kosten rows, their unit, and the problems found."""

    rows: list[dict[str, Any]]
    bedragen_in: int
    problems: list[Problem]


@dataclass(frozen=True, eq=False)
class Levering:
    """A delivery checked as CBS checks it (:func:`check`): its document and the definitions of
    its year when it passes, else the problems; ``display`` names it in messages."""

    display: str
    doc: Any
    definities: Definities | None
    problems: list[Problem]

    @property
    def gemeente(self) -> str | None:
        """The overheidsnaam of a delivery that passed CBS's checks."""
        if self.problems or self.definities is None:
            return None
        return str(self.doc["metadata"]["overheidsnaam"])


def validate(data: bytes, display: str = "iv3.json") -> list[Problem]:
    """Every way ``data`` fails CBS's checks of an Iv3 delivery; empty when it passes them all."""
    return check(data, display).problems


def read_kosten(
    data: bytes,
    taakvelden: Sequence[object],
    display: str = "iv3.json",
    *,
    gemeente: bool = False,
    rapport: str = "rapport.yaml",
    sleutel: str = "taakvelden",
) -> Iv3Kosten:
    """The kosten rows of ``taakvelden`` in a delivery, once it passes :func:`validate`.

    Per taakveld, in the order given: a ``lasten`` and a ``baten`` row (for ``0.10`` Mutaties
    reserves: ``toevoeging`` and ``onttrekking``), each the sum over its categories, 0 when the
    delivery has nothing on it. Keys: ``code``, ``post`` (code and name from the year's code list),
    ``soort``, ``jaar``, ``stand`` (``begroting`` for a begroting, periode 0; ``realisatie`` for a
    jaarrekening, periode 5), ``bedrag`` (thousands of euros: see ``bedragen_in``), and with
    ``gemeente=True`` also ``gemeente`` (the delivery's overheidsnaam). Problems with the list of
    taakvelden name ``rapport``'s key ``sleutel``.
    """
    return kosten_of(
        check(data, display), taakvelden, gemeente=gemeente, rapport=rapport, sleutel=sleutel
    )


def kosten_of(
    checked: Levering,
    taakvelden: Sequence[object],
    *,
    gemeente: bool = False,
    rapport: str = "rapport.yaml",
    sleutel: str = "taakvelden",
) -> Iv3Kosten:
    """:func:`read_kosten` of a delivery that :func:`check` has checked."""
    if checked.problems or checked.definities is None:
        return Iv3Kosten([], BEDRAGEN_IN, checked.problems)
    d, meta = checked.definities, checked.doc["metadata"]
    problems = _asked(taakvelden, d, rapport, sleutel)
    stand, wrong = _stand(meta, checked.display)
    problems += wrong
    if problems or stand is None:
        return Iv3Kosten([], BEDRAGEN_IN, problems)
    sums: dict[tuple[str, str], list[float]] = {}
    for part in ("lasten", "baten"):
        for row in checked.doc["data"][part]:
            sums.setdefault((row["taakveld"], part), []).append(row["bedrag"])
    rows = []
    for code in (str(t) for t in taakvelden):
        soorten = ("toevoeging", "onttrekking") if code == RESERVES else ("lasten", "baten")
        for part, soort in zip(("lasten", "baten"), soorten, strict=True):
            out: dict[str, Any] = {"gemeente": meta["overheidsnaam"]} if gemeente else {}
            out |= {"code": code, "post": d.label("taakveld", code), "soort": soort}
            out |= {"jaar": d.jaar, "stand": stand, "bedrag": _total(sums.get((code, part), []))}
            rows.append(out)
    return Iv3Kosten(rows, BEDRAGEN_IN, [])


def read_kosten_reeks(
    deliveries: Iterable[tuple[str, bytes]],
    taakvelden: Sequence[object],
    *,
    rapport: str = "rapport.yaml",
    sleutel: str = "taakvelden",
) -> Iv3Kosten:
    """:func:`read_kosten` of every (display name, bytes) delivery, one per gemeente, as a reeks.

    Rows carry ``gemeente``; two deliveries of one gemeente for the same year and stand are a
    problem (which one should count?). Problems of the rapport's list are reported once.
    """
    return kosten_of_all(
        (check(data, display) for display, data in deliveries),
        taakvelden,
        rapport=rapport,
        sleutel=sleutel,
    )


def kosten_of_all(
    checked: Iterable[Levering],
    taakvelden: Sequence[object],
    *,
    rapport: str = "rapport.yaml",
    sleutel: str = "taakvelden",
) -> Iv3Kosten:
    """:func:`read_kosten_reeks` of deliveries that :func:`check` has checked."""
    rows: list[dict[str, Any]] = []
    problems: dict[Problem, None] = {}
    seen: dict[tuple[str, int, str], str] = {}
    for levering in checked:
        display = levering.display
        got = kosten_of(levering, taakvelden, gemeente=True, rapport=rapport, sleutel=sleutel)
        problems.update(dict.fromkeys(got.problems))
        if not got.rows:
            continue
        first = got.rows[0]
        key = (str(first["gemeente"]).casefold(), int(first["jaar"]), str(first["stand"]))
        if key in seen:
            message = (
                f"{first['gemeente']}, {first['stand']} {first['jaar']} staat ook in "
                f"{seen[key]}; lever per gemeente, jaar en stand één bestand"
            )
            problems[Problem(display, column="metadata.overheidsnaam", message=message)] = None
            continue
        seen[key] = display
        rows += got.rows
    if not seen and not problems:
        message = "geen Iv3-levering gevonden (een .json-bestand per gemeente)"
        problems[Problem(rapport, column=sleutel, message=message)] = None
    return Iv3Kosten(rows if not problems else [], BEDRAGEN_IN, list(problems))


def check(data: bytes, display: str = "iv3.json") -> Levering:
    """A delivery checked as CBS checks it: size and nesting, JSON, schema, code lists, grey
    cells and the controls on lasten and baten."""
    doc, findings = parse(data)
    if doc is None:
        return Levering(display, None, None, _problems(findings, display))
    findings += schema_findings(doc)
    well_formed = not findings
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    keys = {"metadata", "metadata.overheidslaag", "metadata.boekjaar"}
    d, missing = (None, []) if keys & {f.path for f in findings} else _definitions(meta)
    findings += missing
    if d is not None:
        rows = code_findings(doc, d) + grey_findings(doc, d)
        findings += sorted(rows, key=lambda f: order(f.path))
        if well_formed and isinstance(meta, dict):
            findings += control_findings(doc, d, int(meta["periode"]))
    return Levering(display, doc, d, _problems(findings, display))


def _definitions(meta: Any) -> tuple[Definities | None, list[Finding]]:
    """The definitions of the delivery's overheidslaag and boekjaar, or CBS's SF888."""
    if not isinstance(meta, dict):
        return None, []
    laag, jaar = meta.get("overheidslaag"), meta.get("boekjaar")
    if not isinstance(laag, str) or not isinstance(jaar, int | float) or isinstance(jaar, bool):
        return None, []  # the schema has said what is wrong
    if math.isfinite(jaar) and jaar == int(jaar):
        d = definities(laag, int(jaar))
        if d is not None:
            return d, []
        jaar = int(jaar)
    years: dict[str, list[str]] = {}
    for name, year in beschikbaar():
        years.setdefault(name, []).append(str(year))
    shipped = "; ".join(f"{name} {', '.join(y)}" for name, y in sorted(years.items(), key=_laag))
    text = melding("SF888", fout=shown(bestandsnaam(laag, jaar)))
    message = f"{text} Definities zijn er voor {shipped}."
    return None, [Finding("metadata.boekjaar", message, "SF888")]


def _laag(item: tuple[str, list[str]]) -> int:
    laag = ("Gemeente", "GR", "Provincie")
    return laag.index(item[0]) if item[0] in laag else len(laag)


def _asked(taakvelden: Sequence[object], d: Definities, rapport: str, key: str) -> list[Problem]:
    """What is wrong with the rapport's list of taakvelden, against the delivery's year."""
    if isinstance(taakvelden, str | bytes) or not taakvelden:
        return [
            Problem(rapport, column=key, message='noem de taakvelden als lijst: ["6.3", "6.4"]')
        ]
    problems = []
    seen: set[str] = set()
    for item in taakvelden:
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            message = f'{shown(str(item))} is geen taakveldcode; noem codes zoals "6.3"'
        elif not isinstance(item, str):
            message = (
                f"{item} is als getal gelezen; zet elke taakveldcode tussen aanhalingstekens, "
                f'zoals "6.3" en "0.10" (als getal is 0.10 hetzelfde als 0.1)'
            )
        elif item in seen:
            message = f"taakveld {item} staat meer dan eens in de lijst"
        elif item not in d.codes["taakveld"]:
            message = f"taakveld {item} staat niet in de Iv3-codelijst taakveld van {d.naam}"
        elif item == RESULTAAT:
            message = (
                f"taakveld {d.label('taakveld', item)} is het saldo van de hele "
                "gemeente; de kosten-tabel berekent het resultaat zelf"
            )
        else:
            seen.add(item)
            continue
        problems.append(Problem(rapport, column=key, message=message))
    return problems


def _stand(meta: dict[str, Any], display: str) -> tuple[str | None, list[Problem]]:
    """``begroting`` or ``realisatie`` from status and periode, or why neither."""
    periode, status, jaar = int(meta["periode"]), meta["status"], int(meta["boekjaar"])
    if status == "Begroting" and periode != 0:
        message = f"status Begroting hoort bij periode 0, maar de levering heeft periode {periode}"
        return None, [Problem(display, column="metadata.status", message=message)]
    if status == "Realisatie" and periode == 0:
        message = "status Realisatie hoort bij periode 1 t/m 5, maar de levering heeft periode 0"
        return None, [Problem(display, column="metadata.status", message=message)]
    if periode not in STAND:
        message = (
            f"periode {periode} is de kwartaalopgave van kwartaal {periode} van {jaar}, geen "
            "begroting of jaarrekening: de kosten van een jaarverslag komen uit de jaarrekening "
            "(periode 5), die van een begroting uit de begroting (periode 0)"
        )
        return None, [Problem(display, column="metadata.periode", message=message)]
    return STAND[periode], []


def _total(amounts: list[float]) -> int | float:
    total = round(math.fsum(amounts), 6) + 0.0  # + 0.0: no -0.0
    return int(total) if total == int(total) else total


def _problems(findings: list[Finding], display: str) -> list[Problem]:
    """Findings as problems; past MAX_REPORTED of one kind in one part, a count."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:  # one group: a kind of finding in one part (rows or keys of one object)
        part = re.sub(r"\.[^.\[\]]*$", "", re.sub(r"\[\d+\]", "[]", f.path))
        groups.setdefault((part, f.kind), []).append(f)
    problems = []
    for (part, kind), group in groups.items():
        for f in group[:MAX_REPORTED]:
            problems.append(Problem(display, f.line, f.path or None, f.message))
        if len(group) > MAX_REPORTED:
            where = re.sub(r"\[\].*", "", part) or None
            label = f"foutcode {kind}" if re.fullmatch(r"[SDP]F\d{3}", kind) else kind
            message = f"nog {getal(len(group) - MAX_REPORTED)} keer dezelfde fout ({label})"
            problems.append(Problem(display, None, where, message))
    return problems
