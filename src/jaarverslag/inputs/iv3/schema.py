"""CBS's JSON schema of an Iv3 delivery, its failures told with CBS's own foutcodes.

The schema (draft-07, v2.1.1) and ``fouten.json`` are CBS's files, shipped unchanged in
``definities/``. A schema failure gets the SF foutcode that CBS defines for it (a missing or
unknown key in metadata or contact, a missing part of data, a row without a key or amount);
failures CBS gives no code for get a plain Dutch message naming the path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

from jaarverslag.inputs.iv3.parse import Finding, getal, order, path, shown

SCHEMA_FILE = "iv3_data_schema_v2_1_1.json"
MAX_SCHEMA_ROWS = 1000  #: failing rows of one part told one by one (then counted)
_FOLDER = "definities"

#: The SF foutcode of each part of a delivery: missing, unknown key, key missing, wrong value
_METADATA = {"ontbreekt": "SF001", "sleutel": "SF002", "onbekend": "SF003", "waarde": "SF004"}
_CONTACT = {"ontbreekt": "SF005", "sleutel": "SF006", "onbekend": "SF007", "waarde": "SF008"}
_TOP = {"metadata": "SF001", "contact": "SF005", "data": "SF010"}
_DATA = {
    "baten": "SF011",
    "lasten": "SF012",
    "balans_baten": "SF013",
    "balans_lasten": "SF014",
    "balans_standen": "SF015",
}
_TYPES = {
    "string": "tekst",
    "number": "getal",
    "integer": "geheel getal",
    "boolean": "true of false",
    "object": "object",
    "array": "lijst",
}
_PATTERNS = {
    r"^(.*)$": "tekst op één regel",
    r"\S": "niet-lege tekst",
}


def resource(name: str) -> Any:
    """One of the shipped JSON files of CBS, parsed."""
    return json.loads((files(__package__) / _FOLDER / name).read_text(encoding="utf-8"))


@cache
def fouten() -> dict[str, str]:
    """foutcode → CBS's message (``melding``) with its ``<fout>``-style slots."""
    table = resource("fouten.json")["fouten_overzicht"]
    return {str(row["foutcode"]): str(row["melding"]) for row in table}


def melding(code: str, **slots: str) -> str:
    """``foutcode PF006: <CBS's message with its slots filled>``; an empty slot is left out."""
    template = re.sub(
        r"<(\w+)>", lambda m: m.group(0) if slots.get(m.group(1)) else "", fouten()[code]
    )
    template = re.sub(r"\s+", " ", template)  # CBS's text has double spaces and " ." here and there
    template = re.sub(r"\s+([.!,])", r"\1", template)
    template = re.sub(r"\.{2,}", ".", template)  # "<extra>." with no extra
    text = re.sub(r"<(\w+)>", lambda m: slots[m.group(1)], template.strip())
    return f"foutcode {code}: {text}"


@cache
def _validator() -> Draft7Validator:
    schema = resource(SCHEMA_FILE)
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def schema_findings(doc: Any) -> list[Finding]:
    """Every way ``doc`` fails CBS's schema, one finding per key or value at fault.

    The rows of a delivery are many and their schemas simple: a row that passes a direct check of
    its schema (type, required keys, the type and pattern of each key, no other keys where none
    are allowed) is left out of the validator's work, which sees the rest and the failing rows.
    """
    reduced, kept, overflow = _reduce(doc)
    found: dict[tuple[str, str], Finding] = {}
    for error in _validator().iter_errors(reduced):
        parts = tuple(error.absolute_path)
        for where, indices in kept.items():
            n = len(where)
            if parts[:n] == where and len(parts) > n:
                parts = (*where, indices[int(parts[n])], *parts[n + 1 :])
        instance = error.instance
        if error.validator == "required" and isinstance(instance, dict):
            for key in error.validator_value:
                if key not in instance:
                    finding = _missing(parts, key)
                    found.setdefault((finding.path, "sleutel"), finding)
        elif error.validator == "additionalProperties" and isinstance(instance, dict):
            allowed = error.schema.get("properties", {})
            for key in instance:
                if key not in allowed:
                    finding = _unknown(parts, key, list(allowed))
                    found.setdefault((finding.path, "sleutel"), finding)
        else:
            finding = _wrong(parts, error)
            found.setdefault((finding.path, "waarde"), finding)
    return sorted(found.values(), key=lambda f: order(f.path)) + overflow


Where = tuple[str | int, ...]


def _reduce(doc: Any) -> tuple[Any, dict[Where, list[int]], list[Finding]]:
    """``doc`` with only the rows that fail their direct check, and where those rows were."""
    if not isinstance(doc, dict):
        return doc, {}, []
    reduced = dict(doc)
    if isinstance(doc.get("data"), dict):
        reduced["data"] = dict(doc["data"])
    kept: dict[Where, list[int]] = {}
    overflow = []
    for where, check in _row_checks().items():
        parent = reduced if len(where) == 1 else reduced.get(str(where[0]))
        rows = parent.get(str(where[-1])) if isinstance(parent, dict) else None
        if check is None or not isinstance(rows, list) or not isinstance(parent, dict):
            continue
        failing = [i for i, row in enumerate(rows) if not check(row)]
        kept[where] = failing[:MAX_SCHEMA_ROWS]
        parent[str(where[-1])] = [rows[i] for i in kept[where]]
        if len(failing) > MAX_SCHEMA_ROWS:
            left = getal(len(failing) - MAX_SCHEMA_ROWS)
            message = f"nog {left} rijen voldoen niet aan het schema (niet afzonderlijk gemeld)"
            overflow.append(Finding(path(where), message, "schema"))
    return reduced, kept, overflow


_PYTHON: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
}
_NOTES = {"$id", "title", "description", "examples"}  #: schema keywords that check nothing


@cache
def _row_checks() -> dict[Where, Callable[[Any], bool] | None]:
    """Per array of rows (``opmerkingen``, each part of ``data``), a direct check of its rows."""
    schema = resource(SCHEMA_FILE)
    arrays: dict[Where, Any] = {("opmerkingen",): schema["properties"].get("opmerkingen", {})}
    for part, spec in schema["properties"]["data"]["properties"].items():
        arrays[("data", part)] = spec
    checks: dict[Where, Callable[[Any], bool] | None] = {}
    for where, spec in arrays.items():
        items = spec.get("items", {})
        ref = str(items.get("$ref", ""))
        if ref:
            items = schema.get("definitions", {}).get(ref.removeprefix("#/definitions/"), {})
        checks[where] = _row_check(items) if items else None
    return checks


def _row_check(row: dict[str, Any]) -> Callable[[Any], bool] | None:
    """A plain-Python check equal to ``row``'s schema, or None when that schema is not simple."""
    if set(row) - {"type", "required", "additionalProperties", "properties"} - _NOTES:
        return None
    if row.get("type") != "object" or row.get("additionalProperties", True) not in (True, False):
        return None
    types: dict[str, Callable[[Any], bool]] = {}
    for key, spec in row.get("properties", {}).items():
        if set(spec) - {"type", "pattern"} - _NOTES or spec.get("type") not in _PYTHON:
            return None
        types[key] = _typed(_PYTHON[spec["type"]], spec.get("pattern"))
    required = tuple(row.get("required", ()))
    closed = row.get("additionalProperties", True) is False

    def check(item: Any) -> bool:
        if not isinstance(item, dict) or any(key not in item for key in required):
            return False
        for key, value in item.items():
            kind = types.get(key)
            if (kind is None and closed) or (kind is not None and not kind(value)):
                return False
        return True

    return check


def _typed(kind: Callable[[Any], bool], pattern: str | None) -> Callable[[Any], bool]:
    if pattern is None:
        return kind
    compiled = re.compile(pattern)  # as the validator: re.search, on strings only
    return lambda v: kind(v) and (not isinstance(v, str) or compiled.search(v) is not None)


def _missing(parts: tuple[str | int, ...], key: str) -> Finding:
    where = path((*parts, key))
    if not parts:
        return _coded(where, _TOP[key])
    if parts == ("metadata",):
        return _coded(where, _METADATA["sleutel"], fout=shown(key))
    if parts == ("contact",):
        return _coded(where, _CONTACT["sleutel"], fout=key)
    if parts == ("data",) and key in _DATA:
        return _coded(where, _DATA[key])
    if len(parts) == 3 and parts[0] == "data":
        section = str(parts[1])
        if key == "bedrag":
            return _coded(where, "SF017", onderdeel=section)
        return _coded(where, "SF016", onderdeel=section, fout=key)
    return Finding(where, f"de verplichte sleutel {key} ontbreekt", "schema")


def _unknown(parts: tuple[str | int, ...], key: str, allowed: Sequence[str]) -> Finding:
    where = path((*parts, key))
    if parts == ("metadata",):
        return _coded(where, _METADATA["onbekend"], fout=shown(key))
    if parts == ("contact",):
        return _coded(where, _CONTACT["onbekend"], fout=shown(key))
    message = f"onbekende sleutel {shown(key)}; toegestaan zijn {', '.join(allowed)}"
    return Finding(where, message, "schema")


def _wrong(parts: tuple[str | int, ...], error: ValidationError) -> Finding:
    where = path(parts)
    value = error.instance
    expected = _expected(error)
    if len(parts) == 2 and parts[0] == "metadata":
        return _coded(where, _METADATA["waarde"], extra=str(parts[1]), goed=expected)
    if len(parts) == 2 and parts[0] == "contact":
        if isinstance(value, str) and not value.strip():
            return _coded(where, "SF009", fout=str(parts[1]))
        slots = {"extra": str(parts[1]), "goed": expected, "fout": _describe(value)}
        return _coded(where, _CONTACT["waarde"], **slots)
    if len(parts) == 4 and parts[0] == "data" and parts[3] == "bedrag" and value is None:
        return _coded(where, "SF017", onderdeel=str(parts[1]))
    if not parts:
        return Finding("", f"moet een JSON-object zijn, niet {_describe(value)}", "schema")
    return Finding(where, f"moet {_article(expected)} zijn, niet {_describe(value)}", "schema")


def _expected(error: ValidationError) -> str:
    """What the schema wanted, in words: ``getal``, ``een van 0, 1, 2``, ``tekst op één regel``."""
    kind: Any = error.validator
    wanted: Any = error.validator_value
    if kind == "oneOf":
        enums = [e.validator_value for e in error.context or () if e.validator == "enum"]
        if enums:
            kind, wanted = "enum", enums[0]
    if kind == "type":
        names = wanted if isinstance(wanted, list) else [wanted]
        return " of ".join(_TYPES.get(str(n), str(n)) for n in names)
    if kind == "enum":
        return "een van " + ", ".join(str(v) for v in wanted)
    if kind == "pattern":
        if "@" in str(wanted):
            return "een e-mailadres"
        if ":" in str(wanted):
            return "een datum met tijd, zoals 2025-11-14T10:30:00"
        return _PATTERNS.get(str(wanted), f"tekst volgens het patroon {wanted}")
    if kind == "minProperties":
        return f"minstens {wanted} sleutels"
    return f"een waarde volgens het schema ({kind})"


def _article(expected: str) -> str:
    return (
        f"een {expected}" if expected in {"getal", "object", "lijst", "geheel getal"} else expected
    )


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"de tekst {json.dumps(text, ensure_ascii=False)}" if value else "een lege tekst"
    if isinstance(value, int | float):
        return f"het getal {value}"
    return "een lijst" if isinstance(value, list) else "een object"


def _coded(where: str, code: str, **slots: str) -> Finding:
    return Finding(where, melding(code, **slots), code)
