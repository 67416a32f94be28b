"""What the werkplek may be given: names of rapporten and users, and the files a rapport holds.

A file of a rapport is stored under its path in the rapport folder (``teksten/inleiding.md``),
and only a path that a rapport folder can really use is accepted — the names the readers look
for, in the places they look: ``rapport.yaml``, a data file (``indicatoren.csv``,
``rapport.xlsx``…) or ``iv3.json`` at the top (or Iv3 deliveries in ``iv3/``), a Word document
(the huisstijl) at the top, a Markdown text at the top or under ``teksten/``, pictures, and the
rapport's own ``templates/``.
Anything else is refused with the reason: another name, a hidden file, ``..``, a backslash, an
absolute path, a control character. So no upload can escape the rapport, whatever a client
sends, and every file is read by a worker with the limit of its kind (:data:`files.LIMITS`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from jaarverslag.core.files import LIMITS

#: A rapport's name is its folder's name and the stem of its files: lower case, digits, - and _.
RAPPORT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
RAPPORT_NAME_RULE = (
    "gebruik kleine letters, cijfers, - en _ (hoogstens 64 tekens, beginnend met een letter of "
    "cijfer), bijvoorbeeld jaarverslag-2025"
)
#: A user's name (also what single sign-on may give: an e-mail address).
USER_NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
USER_NAME_RULE = "gebruik kleine letters, cijfers en . _ @ - (hoogstens 64 tekens)"

PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".svg")
#: Folders a rapport may hold, and the extensions of the files in them.
FOLDERS: dict[str, tuple[str, ...]] = {
    "teksten": (".md", *PICTURES),
    "afbeeldingen": PICTURES,
    "templates": (".html", ".css", *PICTURES),
    "iv3": (".json",),  # Iv3 deliveries: one per gemeente, jaar and stand
}
MAX_DEPTH = 4
MAX_LENGTH = 200
SEGMENT = re.compile(r"[^\W_][\w .()+,'&-]*")


@dataclass(frozen=True)
class FileName:
    """An accepted path of a rapport's file and the kind of file it is (its size limit)."""

    path: str
    kind: str  #: a key of :data:`jaarverslag.core.files.LIMITS`

    @property
    def limit(self) -> int:
        return LIMITS[self.kind]

    @property
    def zipped(self) -> str | None:
        """What a zipped file is called in messages ("Excel-bestand"), None for others."""
        suffix = PurePosixPath(self.path).suffix.lower()
        return {".xlsx": "Excel-bestand", ".docx": "Word-bestand"}.get(suffix)

    @property
    def picture(self) -> bool:
        return PurePosixPath(self.path).suffix.lower() in PICTURES


class NameRefused(ValueError):
    """A name the werkplek does not accept; the message says why, in Dutch."""


def rapport_name(name: str) -> str:
    """``name`` when it can be a rapport's name, else :class:`NameRefused`."""
    if not isinstance(name, str) or not RAPPORT_NAME.fullmatch(name):
        raise NameRefused(f"'{shown(name)}' kan geen rapportnaam zijn: {RAPPORT_NAME_RULE}")
    return name


def user_name(name: str) -> str:
    """``name`` when it can be a user's name, else :class:`NameRefused`."""
    if not isinstance(name, str) or not USER_NAME.fullmatch(name):
        raise NameRefused(f"'{shown(name)}' kan geen gebruikersnaam zijn: {USER_NAME_RULE}")
    return name


def file_name(path: str) -> FileName:
    """The path of a file a rapport folder may hold (in Unicode's composed form), or
    :class:`NameRefused` saying which names are possible."""
    said = shown(path)
    if not isinstance(path, str) or not path:
        raise NameRefused("geen bestandsnaam")
    path = unicodedata.normalize("NFC", path)
    if len(path) > MAX_LENGTH:
        raise NameRefused(f"'{said}': de naam is te lang (hoogstens {MAX_LENGTH} tekens)")
    if "\\" in path or path.startswith("/") or any(ord(c) < 32 or ord(c) == 127 for c in path):
        raise NameRefused(f"'{said}': gebruik een pad binnen het rapport, met / tussen mappen")
    parts = path.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            raise NameRefused(f"'{said}': gebruik een pad binnen het rapport, zonder . of ..")
        if not SEGMENT.fullmatch(part) or part != part.strip():
            raise NameRefused(
                f"'{said}': een naam begint met een letter of cijfer en bevat letters, cijfers, "
                "spaties en . - _ ( ) + , ' &"
            )
    if len(parts) > MAX_DEPTH:
        raise NameRefused(f"'{said}': te diep (hoogstens {MAX_DEPTH - 1} mappen)")
    kind = _kind(parts)
    if kind is None:
        raise NameRefused(f"'{said}': {allowed()}")
    return FileName(path, kind)


@functools.cache
def data_files() -> tuple[str, ...]:
    """The data files a rapport may hold (imported when first needed: it brings pandas)."""
    from jaarverslag.inputs.tables.schemas import DATA_FILES

    return DATA_FILES


def allowed() -> str:
    return (
        "geen bestand dat een rapportmap kan hebben; wel: rapport.yaml, de databestanden "
        + ", ".join(data_files())
        + " (.csv of .xlsx), rapport.xlsx, iv3.json, een Word-document (huisstijl), teksten "
        "(.md), afbeeldingen ("
        + ", ".join(p.lstrip(".") for p in PICTURES)
        + ") en in "
        + ", ".join(f"{folder}/" for folder in FOLDERS)
        + " de bestanden die daar horen"
    )


def _kind(parts: list[str]) -> str | None:
    suffix = PurePosixPath(parts[-1]).suffix.lower()
    if len(parts) > 1:
        allowed = FOLDERS.get(parts[0])
        if allowed is None or suffix not in allowed:
            return None
        if parts[0] == "templates" and suffix in (".html", ".css"):
            return "sjabloon"
        if parts[0] == "iv3":
            return "Iv3-"
        return "tekst" if suffix == ".md" else "afbeelding"
    name = parts[0].lower()
    stem = PurePosixPath(name).stem
    if name == "rapport.yaml":
        return "rapport.yaml"
    if name == "iv3.json":
        return "Iv3-"
    if (suffix in (".csv", ".xlsx") and stem in data_files()) or name == "rapport.xlsx":
        return "data"
    if suffix == ".docx":
        return "huisstijl"
    if suffix == ".md":
        return "tekst"
    if suffix in PICTURES:
        return "afbeelding"
    return None


def shown(value: object) -> str:
    """A name as messages print it: control characters visible, never more than 80 long."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= 80 else text[:77] + "…"
