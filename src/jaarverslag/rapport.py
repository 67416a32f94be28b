"""rapport.yaml: the declared keys, their defaults and checks, and the sections of the document.

Every key is declared once in :data:`KEYS`; :func:`load_config` reports every problem at once.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from . import files
from .errors import Problem
from .readers import CONTROL

SOORTEN = ("jaarverslag", "begroting", "beleidsplan")
FORMATEN = ("pdf", "docx", "html")
BLOKKEN = ("indicatoren", "kosten", "maatregelen", "verdeling", "ladder")

#: Which data file each block needs.
BLOCK_FILES = {
    "indicatoren": ("indicatoren",),
    "kosten": ("kosten",),
    "maatregelen": ("maatregelen",),
    "verdeling": ("maatregelen", "verdeelsleutel"),
    "ladder": ("clienten",),
}


@dataclass(frozen=True)
class SectieSpec:
    """One section as configured: a title, an optional Markdown file, and computed blocks."""

    titel: str
    tekst: Path | None = None
    inhoud: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """A validated rapport.yaml. Optional keys carry their defaults."""

    titel: str
    organisatie: str
    soort: str
    jaar: int
    formaten: tuple[str, ...] = FORMATEN
    secties: tuple[SectieSpec, ...] | None = None
    afronding: float = 1
    min_celgrootte: int = 5
    bedragen_in: int = 1
    ondertitel: str | None = None
    datum: dt.date | None = None
    grafieken: bool = True
    conclusies: bool = True
    drempels: dict[str, float] = field(default_factory=lambda: {"licht": 5.0, "fors": 15.0})
    totaalcontrole: str = "error"
    per_partij: bool = False
    ev: bool | str = "auto"
    prestatieafspraken: dict[str, float] = field(default_factory=dict)
    huisstijl: Path | None = None
    jaren: int | None = None  # indicator years shown up to the report year (None: all)
    pdfa: bool = True  # PDF/A-2a beside PDF/UA-1 (PDF/UA is never turned off)
    #: The line of every key in rapport.yaml (``secties[1].inhoud`` → 9), for messages.
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line(self, path: str) -> int | None:
        """The line of a key path, or of the nearest enclosing key that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None


@dataclass(frozen=True)
class Key:
    """A rapport.yaml key: ``check`` returns (value, message); a message means bad input."""

    name: str
    required: bool
    doc: str


KEYS: tuple[Key, ...] = (
    Key("titel", True, "document title"),
    Key("organisatie", True, "e.g. Gemeente Groningen"),
    Key("soort", True, "jaarverslag, begroting or beleidsplan"),
    Key("jaar", True, "the report year (verslagjaar or begrotingsjaar)"),
    Key("formaten", False, "subset of [pdf, docx, html]; default all three"),
    Key("secties", False, "ordered sections: titel, tekst (Markdown file), inhoud (blocks)"),
    Key("afronding", False, "unit split amounts are rounded to; default 1"),
    Key("min_celgrootte", False, "counts 1..N-1 from client records print as <N; default 5"),
    Key("bedragen_in", False, "1 or 1000: the unit of amounts in the data files"),
    Key("ondertitel", False, "a line under the title, e.g. the programme"),
    Key("datum", False, "document date (YYYY-MM-DD); default SOURCE_DATE_EPOCH or 1 jan of jaar"),
    Key("grafieken", False, "true/false: charts of realisatie against target; default true"),
    Key("conclusies", False, "true/false: computed conclusions under indicator tables"),
    Key("drempels", False, "{licht: 5, fors: 15}: % change called licht / duidelijk / fors"),
    Key("totaalcontrole", False, "error or warning: a total row in the input that doesn't add up"),
    Key("per_partij", False, "true: also one document per partner of the verdeelsleutel"),
    Key("ev", False, "auto, true, false or a text: label the last year column '2026 e.v.'"),
    Key("prestatieafspraken", False, "targets in %: behoud_trede_3_4, stijging, uitstroom_werk"),
    Key("huisstijl", False, "a reference .docx whose styles the DOCX uses"),
    Key("jaren", False, "years of indicator data shown up to the report year; default all"),
    Key("pdfa", False, "true/false: the PDF is PDF/A-2a as well as PDF/UA-1; default true"),
)

FILE = "rapport.yaml"
MAX_TEXT = 250  #: characters in a title line; Word's document properties hold at most 255


class _Loader(yaml.SafeLoader):
    """Safe YAML, but a date-like value stays text: ``2023-02-30`` is then reported with its
    line by the ``datum`` check instead of crashing PyYAML's date constructor. Aliases are
    refused: a rapport.yaml needs none, and nested ones ("billion laughs") would exhaust the
    machine before any check could run."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.events.AliasEvent):  # type: ignore[no-untyped-call]
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "verwijzingen (*alias) zijn in rapport.yaml niet toegestaan", mark
            )
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


def _mapping_without_duplicates(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    """A key given twice is a mistake (which one was meant?), reported at its second line."""
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:  # an unhashable key: PyYAML reports it itself
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"sleutel '{key}' staat er twee keer in", key_node.start_mark
            )
    return loader.construct_mapping(node, deep=True)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_config(folder: Path, display: str) -> tuple[Config | None, list[Problem]]:
    """Read and check ``folder/rapport.yaml``; ``display`` is how problems name the file."""
    path = folder / FILE
    if not path.exists() and not path.is_symlink():
        return None, [Problem(display, message="ontbreekt: een rapportmap heeft een rapport.yaml")]
    raw, problems = files.read(folder, path, "rapport.yaml", display)
    if raw is None:
        return None, problems
    try:
        text = raw.decode("utf-8-sig")
        data, lines = _parse_yaml(text)
    except UnicodeDecodeError:
        return None, [Problem(display, message="is geen UTF-8-tekst")]
    except RecursionError:
        return None, [Problem(display, message="YAML-fout: te diep genest")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or "ongeldige YAML"
        return None, [Problem(display, line, None, f"YAML-fout: {reason}")]
    if not isinstance(data, dict):
        return None, [Problem(display, message="moet sleutels bevatten, zoals titel: en soort:")]
    return _check(data, folder, display, lines)


def _parse_yaml(text: str) -> tuple[Any, dict[str, int]]:
    """The document and the line of every key path (``secties[1].inhoud``), from PyYAML's
    node marks, so a message can point at a nested key or list item too."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()  # type: ignore[no-untyped-call]
        data = loader.construct_document(node) if node is not None else None  # type: ignore[no-untyped-call]
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]
    lines: dict[str, int] = {}
    _node_lines(node, "", lines)
    return data, lines


def _node_lines(node: yaml.Node | None, path: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{path}.{key_node.value}" if path else str(key_node.value)
            lines.setdefault(key, key_node.start_mark.line + 1)
            _node_lines(value_node, key, lines)
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value, start=1):
            key = f"{path}[{number}]"
            lines.setdefault(key, item.start_mark.line + 1)
            _node_lines(item, key, lines)


def _check(
    data: dict[Any, Any], folder: Path, display: str, lines: dict[str, int]
) -> tuple[Config | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(key: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(display, lines.get(key), key, message, severity))

    known = {k.name for k in KEYS}
    for key in data:
        if str(key) not in known:
            bad(str(key), "onbekende sleutel, genegeerd", "warning")
    for key in KEYS:
        if key.required and data.get(key.name) in (None, ""):
            problems.append(Problem(display, None, key.name, "verplichte sleutel ontbreekt"))

    values: dict[str, Any] = {}
    for name in ("titel", "organisatie", "ondertitel"):
        if data.get(name) not in (None, ""):
            values[name] = str(data[name]).strip()
            if len(values[name]) > MAX_TEXT:
                bad(name, f"is te lang ({len(values[name])} tekens; hoogstens {MAX_TEXT})")
            if re.search(CONTROL, values[name]):
                bad(name, "bevat een onzichtbaar stuurteken; haal het weg")
    soort = data.get("soort")
    if soort is not None:
        if str(soort).lower() in SOORTEN:
            values["soort"] = str(soort).lower()
        else:
            bad("soort", f"'{soort}' is geen bekende soort ({', '.join(SOORTEN)})")
    if "jaar" in data:
        jaar = data["jaar"]
        if isinstance(jaar, bool) or not isinstance(jaar, int) or not 1900 <= jaar <= 2200:
            bad("jaar", f"'{jaar}' is geen jaartal")
        else:
            values["jaar"] = jaar
    if "formaten" in data:
        formaten = data["formaten"]
        if isinstance(formaten, str):
            formaten = [f.strip() for f in formaten.split(",")]
        if (
            not isinstance(formaten, list)
            or not formaten
            or not all(str(f).lower() in FORMATEN for f in formaten)
        ):
            bad("formaten", f"moet een lijst zijn uit {', '.join(FORMATEN)}")
        else:
            values["formaten"] = tuple(
                f for f in FORMATEN if f in {str(x).lower() for x in formaten}
            )
    _number(data, "afronding", values, bad, lambda v: v > 0, "een getal groter dan 0")
    _number(
        data,
        "min_celgrootte",
        values,
        bad,
        lambda v: v >= 0 and v == int(v),
        "een geheel getal vanaf 0",
        int,
    )
    _number(data, "bedragen_in", values, bad, lambda v: v in (1, 1000), "1 of 1000", int)
    _number(data, "jaren", values, bad, lambda v: v >= 1 and v == int(v), "een jaar of meer", int)
    for name in ("grafieken", "conclusies", "per_partij", "pdfa"):
        if name in data:
            if isinstance(data[name], bool):
                values[name] = data[name]
            else:
                bad(name, "moet true of false zijn")
    if "datum" in data:
        datum = data["datum"]
        if isinstance(datum, dt.date):
            values["datum"] = datum
        else:
            try:
                values["datum"] = dt.date.fromisoformat(str(datum))
            except ValueError:
                bad("datum", f"'{datum}' is geen datum (JJJJ-MM-DD)")
    if "totaalcontrole" in data:
        if data["totaalcontrole"] in ("error", "warning"):
            values["totaalcontrole"] = data["totaalcontrole"]
        else:
            bad("totaalcontrole", "moet error of warning zijn")
    if "ev" in data:
        ev = data["ev"]
        if isinstance(ev, str) and re.search(CONTROL, ev):
            bad("ev", "bevat een onzichtbaar stuurteken; haal het weg")
        elif isinstance(ev, bool) or ev == "auto" or (isinstance(ev, str) and ev.strip()):
            values["ev"] = ev
        else:
            bad("ev", "moet auto, true, false of een tekst zijn")
    mappings = (
        ("drempels", ("licht", "fors")),
        ("prestatieafspraken", ("behoud_trede_3_4", "stijging", "uitstroom_werk")),
    )
    for name, defaults in mappings:
        if name in data:
            mapping = data[name]
            if not isinstance(mapping, dict) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
                for v in mapping.values()
            ):
                bad(name, "moet sleutels met getallen vanaf 0 bevatten")
            elif defaults and any(k not in defaults for k in mapping):
                bad(name, f"bekende sleutels: {', '.join(defaults)}")
            else:
                values[name] = {str(k): float(v) for k, v in mapping.items()}
    if "drempels" in values:
        values["drempels"] = {"licht": 5.0, "fors": 15.0} | values["drempels"]
        if values["drempels"]["licht"] > values["drempels"]["fors"]:
            bad("drempels", "licht moet kleiner zijn dan fors")
    if "huisstijl" in data:
        name = data["huisstijl"]
        path = folder / name if isinstance(name, str) and name.strip() else None
        if path is None or path.suffix.lower() != ".docx" or not path.exists():
            bad("huisstijl", f"'{name}' is geen .docx-bestand in de rapportmap")
        else:
            values["huisstijl"], found = _house_style(folder, path, display)
            problems += [replace(p, line=lines.get("huisstijl"), column="huisstijl") for p in found]
    elif (folder / "huisstijl.docx").exists() or (folder / "huisstijl.docx").is_symlink():
        path = folder / "huisstijl.docx"
        values["huisstijl"], found = _house_style(folder, path, str(path))
        problems += found
    if "secties" in data:
        values["secties"] = _secties(data["secties"], folder, display, lines, problems)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return Config(**values, lines=lines), problems


def _house_style(folder: Path, path: Path, display: str) -> tuple[Path | None, list[Problem]]:
    """A house-style document: inside the folder, within its size, a Word file that doesn't
    unpack to more than its size allows."""
    data, problems = files.read(folder, path, "huisstijl", display)
    if data is None:
        return None, problems
    problem = files.unpacked_problem(data, "Word-bestand")
    if problem is not None:
        return None, [Problem(display, message=problem)]
    if not _is_docx(data):
        return None, [Problem(display, message="is geen leesbaar Word-bestand (.docx)")]
    return files.inside(folder, path), []


def _number(data, name, values, bad, ok, wanted, kind=float) -> None:  # type: ignore[no-untyped-def]
    if name not in data:
        return
    value = data[name]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not ok(value)
    ):
        bad(name, f"'{value}' moet {wanted} zijn")
    else:
        values[name] = kind(value)


def _is_docx(data: bytes) -> bool:
    """A Word document is a zip with a main document part (python-docx opens nothing else)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _secties(
    raw: object, folder: Path, display: str, lines: dict[str, int], problems: list[Problem]
) -> tuple[SectieSpec, ...]:
    def bad(where: str, message: str, severity: str = "error") -> None:
        line = lines.get(where, lines.get(where.rsplit(".", 1)[0], lines.get("secties")))
        problems.append(Problem(display, line, where, message, severity))

    if not isinstance(raw, list) or not raw:
        bad("secties", "moet een lijst van secties zijn")
        return ()
    secties = []
    for number, entry in enumerate(raw, start=1):
        where = f"secties[{number}]"
        if not isinstance(entry, dict) or not str(entry.get("titel") or "").strip():
            bad(where, "een sectie heeft een titel")
            continue
        if re.search(CONTROL, str(entry["titel"])):
            bad(f"{where}.titel", "bevat een stuurteken")
        tekst = None
        name = entry.get("tekst")
        if name is not None:
            path = folder / str(name)
            tekst = files.inside(folder, path)
            if not path.exists() and not path.is_symlink():
                bad(f"{where}.tekst", f"bestand '{name}' bestaat niet")
            elif tekst is None:
                bad(f"{where}.tekst", f"'{name}' {files.OUTSIDE}")
            elif not tekst.is_file():
                bad(f"{where}.tekst", f"'{name}' is geen gewoon bestand")
        inhoud = entry.get("inhoud") or []
        if isinstance(inhoud, str):
            inhoud = [inhoud]
        if not isinstance(inhoud, list) or not all(b in BLOKKEN for b in inhoud):
            bad(f"{where}.inhoud", f"blokken zijn {', '.join(BLOKKEN)}")
            inhoud = []
        unknown = set(entry) - {"titel", "tekst", "inhoud"}
        if unknown:
            bad(where, f"onbekende sleutel {sorted(unknown)[0]}", "warning")
        secties.append(SectieSpec(str(entry["titel"]).strip(), tekst, tuple(inhoud)))
    return tuple(secties)
