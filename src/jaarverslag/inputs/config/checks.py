"""The checks behind rapport.yaml's keys: each turns what YAML gave into a value, or raises the
Dutch message a user sees.

:mod:`.config` declares which key uses which check. A check knows no key names and no allowed
values of its own: those are passed in by the declaration, so they are written in one place.
Each check is a pydantic ``BeforeValidator`` function; a bad value raises :func:`fout`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationInfo
from pydantic_core import PydanticCustomError

from jaarverslag.core import files
from jaarverslag.core.characters import CONTROL
from jaarverslag.core.packages import package_problem

MISSING = "verplichte sleutel ontbreekt"
MAX_TEXT = 250  #: characters in a title line; Word's document properties hold at most 255

T = TypeVar("T")
N = TypeVar("N", int, float)


@dataclass(frozen=True)
class Context:
    """What a check may need besides the value: the folder, which keys were given, the lines."""

    folder: Path
    given: frozenset[str] = frozenset()
    lines: dict[str, int] = dataclasses.field(default_factory=dict)


def fout(*messages: str, bestand: str | None = None) -> PydanticCustomError:
    """A bad value: the Dutch message(s) as given. ``bestand`` names another file at fault
    (the default house style), reported without a line or key of rapport.yaml."""
    context: dict[str, Any] = {"bericht": "; ".join(messages), "berichten": messages}
    if bestand is not None:
        context["bestand"] = bestand
    return PydanticCustomError("jaarverslag", "{bericht}", context)


def context_of(info: ValidationInfo) -> Context | None:
    """The folder the checks look in; None when a Config is made in code, not from a file."""
    return info.context if isinstance(info.context, Context) else None


def required(check: Callable[[object], T]) -> Callable[[object], T]:
    """A required key: an empty value counts as missing, like an absent key."""

    def checked(value: object) -> T:
        if value in (None, ""):
            raise PydanticCustomError("missing", MISSING)
        return check(value)

    return checked


def text(value: object) -> str:
    """A line of text: not too long for Word's document properties, no control characters."""
    line = str(value).strip()
    messages = []
    if len(line) > MAX_TEXT:
        messages.append(f"is te lang ({len(line)} tekens; hoogstens {MAX_TEXT})")
    if re.search(CONTROL, line):
        messages.append("bevat een onzichtbaar stuurteken; haal het weg")
    if messages:
        raise fout(*messages)
    return line


def optional_text(value: object) -> str | None:
    return None if value in (None, "") else text(value)


def choice(allowed: tuple[str, ...], noun: str) -> Callable[[object], str]:
    """One of ``allowed``, in any case (``Begroting`` is ``begroting``)."""

    def check(value: object) -> str:
        if str(value).lower() in allowed:
            return str(value).lower()
        raise fout(f"'{value}' is geen bekende {noun} ({', '.join(allowed)})")

    return check


def exact(allowed: tuple[str, ...]) -> Callable[[object], str]:
    """One of ``allowed`` as written."""

    def check(value: object) -> str:
        if value not in allowed:
            raise fout(f"moet {' of '.join(allowed)} zijn")
        return str(value)

    return check


def year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
        raise fout(f"'{value}' is geen jaartal")
    return value


def subset(allowed: tuple[str, ...]) -> Callable[[object], tuple[str, ...]]:
    """A non-empty list (or comma-separated text) out of ``allowed``, in their order."""

    def check(value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",")]
        if (
            not isinstance(value, list | tuple)
            or not value
            or not all(str(v).lower() in allowed for v in value)
        ):
            raise fout(f"moet een lijst zijn uit {', '.join(allowed)}")
        given = {str(v).lower() for v in value}
        return tuple(a for a in allowed if a in given)

    return check


def listing(allowed: tuple[str, ...], first: str) -> Callable[[object], tuple[str, ...]]:
    """``true`` (just ``first``), ``false`` (none), or a list out of ``allowed``."""
    chosen = subset(allowed)

    def check(value: object) -> tuple[str, ...]:
        if isinstance(value, bool):
            return (first,) if value else ()
        if value in (None, [], ()):
            return ()
        try:
            return chosen(value)
        except PydanticCustomError:
            raise fout(f"moet true, false of een lijst zijn uit {', '.join(allowed)}") from None

    return check


def number(wanted: str, ok: Callable[[float], bool], kind: type[N]) -> Callable[[object], N]:
    """A finite number that ``ok`` accepts, else "'x' moet <wanted> zijn"."""

    def check(value: object) -> N:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))
            or not ok(value)
        ):
            raise fout(f"'{value}' moet {wanted} zijn")
        try:
            return kind(value)
        except OverflowError:  # an integer past any float
            raise fout(f"'{value}' moet {wanted} zijn") from None

    return check


def boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise fout("moet true of false zijn")
    return value


def date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise fout(f"'{value}' is geen datum (JJJJ-MM-DD)") from None


def bool_or_text(value: object) -> bool | str:
    """``true``, ``false`` or a text of its own (``auto`` is a text the renderer knows)."""
    if isinstance(value, str) and re.search(CONTROL, value):
        raise fout("bevat een onzichtbaar stuurteken; haal het weg")
    if isinstance(value, bool) or (isinstance(value, str) and value.strip()):
        return value
    raise fout("moet auto, true, false of een tekst zijn")


def percentages(
    defaults: Mapping[str, float], ascending: tuple[str, str] | None = None
) -> Callable[[object], dict[str, float]]:
    """Numbers from 0 for the keys of ``defaults``; the given ones replace the defaults.
    With ``ascending`` = (a, b), a may not exceed b."""

    def check(value: object) -> dict[str, float]:
        numbers = {k: _at_least_0(v) for k, v in value.items()} if isinstance(value, dict) else {}
        if not isinstance(value, dict) or any(v is None for v in numbers.values()):
            raise fout("moet sleutels met getallen vanaf 0 bevatten")
        if any(k not in defaults for k in value):
            raise fout(f"bekende sleutels: {', '.join(defaults)}")
        merged = dict(defaults) | {str(k): v for k, v in numbers.items() if v is not None}
        if ascending is not None and merged[ascending[0]] > merged[ascending[1]]:
            raise fout(f"{ascending[0]} moet kleiner zijn dan {ascending[1]}")
        return merged

    return check


def _at_least_0(value: object) -> float | None:
    """A number from 0 as a float, or None (a bool, text, NaN, below 0 or past a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        result = float(value)
    except OverflowError:
        return None
    return result if result >= 0 else None


def house_style(standaard: str) -> Callable[[object, ValidationInfo], Path | None]:
    """The given house style, else ``standaard`` when the folder has one; either must be
    inside the folder, within its size, and a Word file that unpacks to what its size allows."""

    def check(value: object, info: ValidationInfo) -> Path | None:
        context = context_of(info)
        if context is None:
            return Path(value) if isinstance(value, str | Path) else None
        folder = context.folder
        if info.field_name not in context.given:  # absent: the default file, if any
            default = folder / standaard
            if not default.exists() and not default.is_symlink():
                return None
            return _house_style(folder, default, bestand=str(default))
        path = folder / value if isinstance(value, str) and value.strip() else None
        if path is None or path.suffix.lower() != ".docx" or not path.exists():
            raise fout(f"'{value}' is geen .docx-bestand in de rapportmap")
        return _house_style(folder, path)

    return check


def _house_style(folder: Path, path: Path, bestand: str | None = None) -> Path:
    resolved, data, problems = files.read_resolved(folder, path, "huisstijl", bestand or "")
    if resolved is None or data is None:
        raise fout(*(p.message for p in problems), bestand=bestand)
    problem = package_problem(data, "Word-bestand")
    if problem is not None:
        raise fout(problem, bestand=bestand)
    if not _is_docx(data):
        raise fout("is geen leesbaar Word-bestand (.docx)", bestand=bestand)
    return resolved


def _is_docx(data: bytes) -> bool:
    """A Word document is a zip with a main document part (python-docx opens nothing else)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def taakvelden(value: object) -> tuple[str, ...] | None:
    """Iv3 taakveldcodes as quoted texts (``["6.3", "0.10"]``): a number would lose a code's
    zero (0.10 is 0.1); a code twice is a mistake. Whether a code is in the year's code list is
    checked against the delivery (:mod:`jaarverslag.inputs.iv3`)."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
        raise fout('noem de taakvelden als lijst: ["6.3", "6.4"]')
    messages: list[str] = []
    seen: list[str] = []
    for item in value:
        if isinstance(item, int | float) and not isinstance(item, bool):
            messages.append(
                f"{item} is als getal gelezen; zet elke taakveldcode tussen aanhalingstekens, "
                'zoals "6.3" en "0.10" (als getal is 0.10 hetzelfde als 0.1)'
            )
        elif not isinstance(item, str) or not re.fullmatch(r"\d{1,2}\.\d{1,2}", item.strip()):
            shown = str(item)[:40]
            messages.append(f"'{shown}' is geen taakveldcode; noem codes zoals \"6.3\"")
        elif item.strip() in seen:
            messages.append(f"taakveld {item.strip()} staat meer dan eens in de lijst")
        else:
            seen.append(item.strip())
    if messages:
        raise fout(*messages)
    return tuple(seen)


# --- secties ------------------------------------------------------------------------------


def nonempty_list(message: str) -> Callable[[object], object]:
    def check(value: object) -> object:
        if not isinstance(value, list | tuple) or not value:
            raise fout(message)
        return value

    return check


def sectie(value: object) -> object:
    """An entry of ``secties`` is a mapping with at least a titel (or a section made in code)."""
    if dataclasses.is_dataclass(value):
        return value
    if not isinstance(value, dict) or not str(value.get("titel") or "").strip():
        raise fout("een sectie heeft een titel")
    return value


def sectie_titel(value: object) -> str:
    if re.search(CONTROL, str(value)):
        raise fout("bevat een stuurteken")
    return str(value).strip()


def sectie_tekst(value: object, info: ValidationInfo) -> Path | None:
    """A Markdown file that exists, inside the folder, and is a regular file."""
    context = context_of(info)
    if value is None or context is None:
        return value if isinstance(value, Path) or value is None else Path(str(value))
    path = context.folder / str(value)
    tekst = files.inside(context.folder, path)
    if tekst is None:  # before existence: whether a file elsewhere exists is none of ours
        raise fout(f"'{value}' {files.OUTSIDE}")
    if not path.exists() and not path.is_symlink():
        raise fout(f"bestand '{value}' bestaat niet")
    if not tekst.is_file():
        raise fout(f"'{value}' is geen gewoon bestand")
    return tekst


def blocks(allowed: tuple[str, ...]) -> Callable[[object], tuple[str, ...]]:
    """Blocks out of ``allowed``: a list, one name, or nothing."""

    def check(value: object) -> tuple[str, ...]:
        names = value or []
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list | tuple) or not all(b in allowed for b in names):
            raise fout(f"blokken zijn {', '.join(allowed)}")
        return tuple(names)

    return check
