"""Safe file-name parts made from names in the data (partners, and later gemeenten)."""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d"})
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def slug(name: str) -> str:
    """A safe file name part for a partner: ``Súdwest-Fryslân`` → ``sudwest-fryslan``.

    Only ``[a-z0-9-]``, so no path separator, ``.`` or ``..`` can come from a data file.
    """
    text = unicodedata.normalize("NFKD", name.casefold().translate(_SPECIAL))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")
    if not text:
        return "partij"
    return f"{text}-partij" if text in _RESERVED else text
