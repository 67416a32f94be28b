"""Reads a rapport folder's rapport.yaml: every problem at once, each with file, line and key.

The keys are declared in :mod:`.config`; this module reads the file through the contained
reader, parses it (:mod:`.yamlfile`), warns about keys the declaration doesn't know, and turns
the declaration's errors into :class:`~.errors.Problem`\\ s. The names the rest of the code
uses (``Config``, ``SectieSpec``, …) are re-exported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from jaarverslag.core import files
from jaarverslag.core.errors import Problem
from jaarverslag.inputs.config import yamlfile
from jaarverslag.inputs.config.checks import MISSING
from jaarverslag.inputs.config.keys import (
    BLOKKEN,
    FORMATEN,
    KEYS,
    SECTIE_KEYS,
    SOORTEN,
    Config,
    Key,
    SectieSpec,
)

__all__ = [
    "BLOKKEN",
    "FILE",
    "FORMATEN",
    "KEYS",
    "SOORTEN",
    "Config",
    "Key",
    "SectieSpec",
    "load_config",
]

FILE = "rapport.yaml"
#: ``organisatie`` of a reeks that doesn't give one; ``{gemeente}`` is each document's gemeente.
REEKS_ORGANISATIE = "Gemeente {gemeente}"


def load_config(
    folder: Path, display: str, *, reeks: bool = False
) -> tuple[Config | None, list[Problem]]:
    """Read and check ``folder/rapport.yaml``; ``display`` is how problems name the file.

    The config is None when any problem is an error; warnings (unknown keys) come either way.
    In a ``reeks`` (a data file with a gemeente column) ``organisatie`` may be left out: it is
    ``Gemeente {gemeente}``."""
    path = folder / FILE
    if not path.exists() and not path.is_symlink():
        return None, [Problem(display, message="ontbreekt: een rapportmap heeft een rapport.yaml")]
    raw, problems = files.read(folder, path, "rapport.yaml", display)
    if raw is None:
        return None, problems
    try:
        data, lines = yamlfile.parse(raw.decode("utf-8-sig"))
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
    problems = _unknown_keys(data, display, lines)
    if reeks and data.get("organisatie") in (None, ""):
        data = {**data, "organisatie": REEKS_ORGANISATIE}
    try:
        config = Config.from_yaml(data, folder, lines)
    except ValidationError as exc:
        found = [_problem(error, display, lines) for error in exc.errors(include_url=False)]
        missing = [p for group in found for p in group if p.message == MISSING and not p.line]
        rest = [p for group in found for p in group if p not in missing]
        return None, problems + missing + rest
    return config, problems


def _unknown_keys(data: dict[Any, Any], display: str, lines: dict[str, int]) -> list[Problem]:
    """Keys the declaration doesn't know are warned about and ignored (a typo shows)."""
    known = {key.name for key in KEYS}
    problems = [
        Problem(display, lines.get(str(key)), str(key), "onbekende sleutel, genegeerd", "warning")
        for key in data
        if str(key) not in known
    ]
    secties = data.get("secties")
    for number, entry in enumerate(secties if isinstance(secties, list) else [], start=1):
        if not isinstance(entry, dict) or not str(entry.get("titel") or "").strip():
            continue  # an error of its own
        unknown = sorted(str(k) for k in entry if str(k) not in SECTIE_KEYS)
        if unknown:
            where = f"secties[{number}]"
            line = yamlfile.line_of(lines, where)
            message = f"onbekende sleutel {unknown[0]}"
            problems.append(Problem(display, line, where, message, "warning"))
    return problems


def _problem(error: ErrorDetails, display: str, lines: dict[str, int]) -> list[Problem]:
    """One pydantic error as the problems it stands for, located by the key path of its loc."""
    path = "".join(
        f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in error["loc"]
    ).lstrip(".")
    if error["type"] == "missing":
        return [Problem(display, None, path, MISSING)]
    context = error.get("ctx") or {}
    messages = context.get("berichten") or (error["msg"],)
    if "bestand" in context:  # the folder's huisstijl.docx, not a line of rapport.yaml
        return [Problem(context["bestand"], message=m) for m in messages]
    line = yamlfile.line_of(lines, path)
    return [Problem(display, line, path, m) for m in messages]
