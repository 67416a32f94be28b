"""An Iv3 delivery's bytes → a JSON value, within bounds, or the reasons why not.

Size and nesting depth are checked before the parser runs (a deeply nested document never reaches
the recursive parser), then the text must be UTF-8 JSON without NaN/Infinity, without a number too
large for a float, and without a key twice in one object. Also: JSON paths as messages print them
(``data.lasten[12]``, ``metadata.boekjaar``) and numbers the Dutch way.
"""

from __future__ import annotations

import json
import math
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

MB = 1024 * 1024
MAX_BYTES = 20 * MB  #: an Iv3 delivery larger than this is refused unread (real ones: < 2 MB)
MAX_DEPTH = 16  #: deepest nesting of arrays and objects accepted (a delivery needs 5)

MAX_VALUES = 500_000  #: JSON values (numbers, texts, rows) accepted (a delivery has < 50.000)

_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKETS)
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  #: as signed bytes: +1 and -1
#: The parts of a delivery in the schema's order (paths sort by it; unknown keys come after)
_PARTS = (
    *("metadata", "contact", "opmerkingen", "data", "lasten", "baten", "balans_lasten"),
    *("balans_baten", "balans_standen", "kengetallen", "beleidsindicatoren"),
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

#: Python's wording of a JSON syntax error (its start) → ours
_SYNTAX = (
    ("Expecting value", "hier wordt een waarde verwacht"),
    ("Expecting ',' delimiter", "hier wordt een komma verwacht"),
    ("Expecting ':' delimiter", "hier wordt een dubbele punt verwacht"),
    ("Expecting property name", "hier wordt een sleutel tussen dubbele aanhalingstekens verwacht"),
    ("Unterminated string", "een tekst tussen aanhalingstekens wordt niet afgesloten"),
    ("Invalid control character", "een stuurteken (zoals een regeleinde) staat in een tekst"),
    ("Invalid \\uXXXX escape", "ongeldige \\u-code in een tekst"),
    ("Invalid \\escape", "ongeldige \\-code in een tekst"),
    ("Extra data", "na het einde van het JSON-document staat nog iets"),
    ("Illegal trailing comma", "een komma vóór het sluitteken"),
)


@dataclass(frozen=True)
class Finding:
    """One thing wrong, before it becomes a :class:`~jaarverslag.errors.Problem`.

    ``path`` is a JSON path (``data.lasten[12]``) or, for a syntax error, ``kolom N`` beside
    ``line``; ``kind`` groups findings of one sort (a foutcode, ``grijze cel``, ``schema``) so
    that many of them can be counted instead of listed.
    """

    path: str
    message: str
    kind: str
    line: int | None = None


class _Refused(ValueError):
    """A value the JSON text may not hold; raised from the parser's hooks."""


def parse(data: bytes) -> tuple[Any, list[Finding]]:
    """The JSON value of ``data``, or ``None`` and why it can't be read."""
    if len(data) > MAX_BYTES:
        shown = max(1, -(-len(data) // MB))
        limit = MAX_BYTES // MB
        return None, [
            _whole(f"is te groot ({shown} MB; hoogstens {limit} MB voor een Iv3-levering)")
        ]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message = "is geen UTF-8: een JSON-levering aan CBS is in UTF-8 gecodeerd"
        return None, [Finding(f"kolom {column}", message, "json", line)]
    refused = over_limits(data)
    if refused:
        return None, [_whole(refused)]
    doubled: dict[int, list[str]] = {}
    try:
        value = json.loads(
            text,
            object_pairs_hook=lambda pairs: _object(pairs, doubled),
            parse_float=_float,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as exc:
        return None, [Finding(f"kolom {exc.colno}", _syntax(exc.msg), "json", exc.lineno)]
    except _Refused as exc:
        return None, [_whole(str(exc))]
    except ValueError:  # an integer of more digits than Python converts
        return None, [_whole("ongeldige JSON: een getal heeft te veel cijfers")]
    except RecursionError:  # over_limits prevents it; kept as a last guard
        return None, [_whole(f"is dieper genest dan {MAX_DEPTH} niveaus")]
    return value, _doubled_keys(value, doubled)


def over_limits(data: bytes) -> str | None:
    """Why the JSON in ``data`` is too big to parse (too many values, nested too deep), or None.

    Counted on the bytes outside strings, without parsing, in C-speed steps only: escapes out,
    split on quotes, brackets kept. Up to the first syntax error this reads the text exactly as
    the parser would, so the parser never goes deeper than what was counted.
    """
    plain = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    if plain.count(b'"') > 4 * MAX_VALUES:
        return _too_many()
    outside = b"".join(plain.split(b'"')[::2])
    brackets = outside.translate(None, _NOT_BRACKETS)
    if outside.count(b",") + brackets.count(b"[") + brackets.count(b"{") + 1 > MAX_VALUES:
        return _too_many()
    rest = brackets
    for _ in range(MAX_DEPTH):  # each round takes away the innermost level
        rest = rest.replace(b"[]", b"").replace(b"{}", b"")
        if not rest:
            return None
    if max(accumulate(array("b", brackets.translate(_STEPS))), default=0) > MAX_DEPTH:
        return f"is dieper genest dan {MAX_DEPTH} niveaus: dit is geen Iv3-levering"
    return None  # brackets that don't pair: the parser says where


def _too_many() -> str:
    return f"bevat meer dan {getal(MAX_VALUES)} waarden: dit is geen Iv3-levering"


def path(parts: Sequence[str | int]) -> str:
    """``("data", "lasten", 12)`` → ``data.lasten[12]``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _NAME.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


def order(where: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key for paths in a delivery's order: metadata, contact, …; ``[2]`` before ``[12]``."""
    parts = [p for p in re.split(r"[.\[\]]+", where) if p]
    return tuple(
        (0, int(p)) if p.isdigit() else (1, _PARTS.index(p)) if p in _PARTS else (2, p)
        for p in parts
    )


def shown(text: str, limit: int = 60) -> str:
    """A key or code from the delivery as a message may print it: one line, not too long."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    if text.isprintable() and text.strip() == text and text:
        return text
    return json.dumps(text, ensure_ascii=False)


def getal(value: float) -> str:
    """A number as Dutch prose prints it: ``1.234.567`` or ``12,5``."""
    value = round(value, 3)
    whole = value == int(value)
    text = f"{abs(value):,.0f}" if whole else f"{abs(value):,.3f}".rstrip("0")
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("-" if value < 0 else "") + text


def procent(value: float) -> str:
    """A percentage with one decimal: ``30,4%``."""
    return f"{value:.1f}".replace(".", ",") + "%"


def _whole(message: str) -> Finding:
    return Finding("", message, "json")


def _syntax(message: str) -> str:
    for english, dutch in _SYNTAX:
        if message.startswith(english):
            return f"ongeldige JSON: {dutch}"
    return f"ongeldige JSON: {message}"


def _object(pairs: list[tuple[str, Any]], doubled: dict[int, list[str]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            doubled.setdefault(id(obj), []).append(key)
        obj[key] = value
    return obj


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"ongeldige JSON: het getal {text[:40]} is te groot")
    return value


def _constant(text: str) -> float:
    raise _Refused(f"ongeldige JSON: {text} is geen getal in JSON")


def _doubled_keys(value: Any, doubled: dict[int, list[str]]) -> list[Finding]:
    """Where an object holds a key twice (the parser would keep only the last value)."""
    if not doubled:
        return []
    found: list[Finding] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            for key in doubled.get(id(node), ()):
                message = f"de sleutel {shown(key)} staat meer dan eens in hetzelfde object"
                found.append(Finding(path((*where, key)), message, "dubbele sleutel"))
            stack.extend((child, (*where, key)) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, (*where, i)) for i, child in enumerate(node))
    return sorted(found, key=lambda f: f.path)
