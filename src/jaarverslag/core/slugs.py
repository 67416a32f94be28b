"""Safe file-name parts made from names in the data (partners, and the gemeenten of a reeks)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d"})
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def slug(name: str, fallback: str = "partij") -> str:
    """A safe file name part: ``Súdwest-Fryslân`` → ``sudwest-fryslan``, ``Bergen (L.)`` →
    ``bergen-l``, ``'s-Gravenhage`` → ``s-gravenhage``.

    Only ``[a-z0-9-]``, so no path separator, ``.`` or ``..`` can come from a data file; a name
    with nothing left becomes ``fallback``, a name Windows reserves gets ``-fallback``.
    """
    text = unicodedata.normalize("NFKD", name.casefold().translate(_SPECIAL))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")
    if not text:
        return fallback
    return f"{text}-{fallback}" if text in _RESERVED else text


def unique_slugs(
    names: Iterable[str], fallback: str = "gemeente", taken: Iterable[str] = ()
) -> list[str]:
    """A slug per name, in order, none equal to another or to one in ``taken`` (names the
    output folder already uses, such as ``tabellen``): a repeat gets ``-2``, ``-3``, …"""
    used = set(taken)
    result = []
    for name in names:
        base = slug(name, fallback)
        candidate, number = base, 1
        while candidate in used:
            number += 1
            candidate = f"{base}-{number}"
        used.add(candidate)
        result.append(candidate)
    return result
