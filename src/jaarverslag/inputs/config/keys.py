"""rapport.yaml declared once: every key's type, default, allowed values and meaning.

:class:`Config` *is* the declaration. Each key is one pydantic field: its type (a ``Literal``
where the values are fixed), its default, its description (the README's key table is made from
it, see :func:`key_table`) and its check from :mod:`.config_checks`, which turns what YAML gave
into the value or raises the Dutch message a user sees. :mod:`.rapport` reads the file and
turns the errors into located problems, every bad key at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_args

#: pydantic's plugins (observability hooks, found by reading the metadata of every installed
#: package when the first model is made: ≈ 15 ms of every build) have nothing to watch in
#: reading rapport.yaml; whoever sets the variable otherwise keeps their choice.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    model_validator,
)

from jaarverslag.core.kinds import (
    BEDRAGEN_IN,
    BLOCK_NAMES,
    DEFAULT_FORMATS,
    FORMATS,
    LIJSTEN,
    SOORTEN,
    Bedragen,
    BlockName,
    Format,
    Lijst,
    Severity,
    Soort,
)
from jaarverslag.inputs.config import checks as checks
from jaarverslag.inputs.config.checks import Context
from jaarverslag.inputs.config.yamlfile import line_of

FORMATEN = FORMATS
BLOKKEN = BLOCK_NAMES
__all__ = [
    "BEDRAGEN_IN",
    "BLOKKEN",
    "FORMATEN",
    "SOORTEN",
    "Config",
    "Key",
    "SectieSpec",
]

#: The % change (absolute) from which a change is called licht, and from which fors.
DREMPELS: dict[str, float] = {"licht": 5.0, "fors": 15.0}
#: The targets (percent) of the prestatieafspraken of the participatieladder.
AFSPRAKEN: dict[str, float] = {"behoud_trede_3_4": 95.0, "stijging": 60.0, "uitstroom_werk": 15.0}
STANDAARD_HUISSTIJL = "huisstijl.docx"

#: A key's check: it runs before pydantic's own type check, which then only confirms.
Check = BeforeValidator


@dataclass(frozen=True)
class SectieSpec:
    """One section as configured: a title, an optional Markdown file, and computed blocks.

    A plain dataclass, so code can make one (``SectieSpec(titel, path)``); the checks on its
    fields run only when rapport.yaml is validated."""

    titel: Annotated[str, Check(checks.sectie_titel)]
    tekst: Annotated[Path | None, Check(checks.sectie_tekst)] = None
    inhoud: Annotated[tuple[BlockName, ...], Check(checks.blocks(BLOKKEN))] = ()


def _alternatives(values: tuple[object, ...]) -> str:
    shown = [f"`{v}`" for v in values]
    return ", ".join(shown[:-1]) + " or " + shown[-1]


def _whole(v: float) -> bool:
    return v == int(v)


class Config(BaseModel):
    """A validated rapport.yaml: every key with its value or its default.

    Frozen (a rapport's inputs never change after the checks) and picklable, so it travels to
    worker processes. ``lines`` maps each key path to its line in the file, for messages."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    titel: Annotated[str, Check(checks.required(checks.text))] = Field(description="document title")
    organisatie: Annotated[str, Check(checks.required(checks.text))] = Field(
        description="e.g. `Gemeente Groningen`; in a reeks it may hold `{gemeente}`, and left out "
        "it is `Gemeente {gemeente}`"
    )
    soort: Annotated[Soort, Check(checks.required(checks.choice(SOORTEN, "soort")))] = Field(
        description=_alternatives(SOORTEN)
    )
    jaar: Annotated[int, Check(checks.required(checks.year))] = Field(
        description="the report year (verslagjaar or begrotingsjaar)"
    )
    formaten: Annotated[tuple[Format, ...], Check(checks.subset(FORMATEN))] = Field(
        default=DEFAULT_FORMATS, description=f"subset of `[{', '.join(FORMATEN)}]`"
    )
    secties: Annotated[
        tuple[Annotated[SectieSpec, Check(checks.sectie)], ...] | None,
        Check(checks.nonempty_list("moet een lijst van secties zijn")),
    ] = Field(
        default=None,
        description="ordered sections, each `titel`, optional `tekst` (a Markdown file) and "
        f"`inhoud` (blocks out of {_alternatives(BLOKKEN)})",
        json_schema_extra={"standaard": "each `teksten/*.md`, then one section per data file"},
    )
    afronding: Annotated[
        float, Check(checks.number("een getal groter dan 0", lambda v: v > 0, float))
    ] = Field(default=1, description="unit split amounts are rounded to (1, 1000, …)")
    min_celgrootte: Annotated[
        int, Check(checks.number("een geheel getal vanaf 0", lambda v: v >= 0 and _whole(v), int))
    ] = Field(
        default=5,
        description="N: no count 1…N−1 from client records can be read or worked out from the "
        "output (one mark `x`; see *Privacy of client data*); 0 turns it off",
    )
    bedragen_in: Annotated[
        Bedragen,
        Check(checks.number(" of ".join(map(str, BEDRAGEN_IN)), lambda v: v in BEDRAGEN_IN, int)),
    ] = Field(
        default=1,
        description=f"{_alternatives(BEDRAGEN_IN)}: unit of the amounts in the data; tables "
        "then say `(x € 1.000)`; with an Iv3 delivery the default is `1000` (Iv3's unit), and "
        "`1` prints its amounts in euros",
    )
    ondertitel: Annotated[str | None, Check(checks.optional_text)] = Field(
        default=None, description="a line under the title", json_schema_extra={"standaard": "none"}
    )
    datum: Annotated[dt.date | None, Check(checks.date)] = Field(
        default=None,
        description="the document date (`YYYY-MM-DD`)",
        json_schema_extra={"standaard": "`SOURCE_DATE_EPOCH`, else 1 January of `jaar`"},
    )
    grafieken: Annotated[bool, Check(checks.boolean)] = Field(
        default=True, description="`false`: no charts of realisatie against target"
    )
    conclusies: Annotated[bool, Check(checks.boolean)] = Field(
        default=True, description="`false`: no computed conclusion under indicator tables"
    )
    drempels: Annotated[
        dict[str, float], Check(checks.percentages(DREMPELS, ascending=("licht", "fors")))
    ] = Field(
        default_factory=lambda: dict(DREMPELS),
        description="the % change called licht / duidelijk / fors",
    )
    totaalcontrole: Annotated[Severity, Check(checks.exact(get_args(Severity)))] = Field(
        default="error",
        description=f"{_alternatives(get_args(Severity))}: a total row in the input "
        "that doesn't equal its parts",
    )
    per_partij: Annotated[bool, Check(checks.boolean)] = Field(
        default=False, description="`true`: also one document per partner of the verdeelsleutel"
    )
    ev: Annotated[bool | str, Check(checks.bool_or_text)] = Field(
        default="auto",
        description="`auto`, `true`, `false` or a text: label the last year `2026 e.v.`",
    )
    prestatieafspraken: Annotated[dict[str, float], Check(checks.percentages(AFSPRAKEN))] = Field(
        default_factory=lambda: dict(AFSPRAKEN),
        description="targets in % of the participatieladder's prestatieafspraken",
    )
    huisstijl: Annotated[Path | None, Check(checks.house_style(STANDAARD_HUISSTIJL))] = Field(
        default=None,
        validate_default=True,  # the folder's huisstijl.docx, checked like a given one
        description="a `.docx` in the folder whose styles the DOCX uses",
        json_schema_extra={"standaard": f"`{STANDAARD_HUISSTIJL}` if present"},
    )
    jaren: Annotated[
        int | None, Check(checks.number("een jaar of meer", lambda v: v >= 1 and _whole(v), int))
    ] = Field(
        default=None,
        description="how many years of indicator data up to the report year the table shows "
        "(`3`: 2015–2017 in a jaarverslag 2017); later years are always shown; `check` warns "
        "which years it leaves out",
        json_schema_extra={"standaard": "all"},
    )
    taakvelden: Annotated[tuple[str, ...] | None, Check(checks.taakvelden)] = Field(
        default=None,
        description="the Iv3 taakvelden the kosten table takes from `iv3.json` (or from the "
        'deliveries in a folder `iv3/`), each quoted: `["6.3", "6.4", "6.5"]`; `"0.10"` adds '
        "Mutaties reserves (toevoegingen and onttrekkingen); see *Data files*",
        json_schema_extra={"standaard": "none"},
    )
    pdfa: Annotated[bool, Check(checks.boolean)] = Field(
        default=True,
        description="`false`: the PDF is PDF/UA-1 only, not also PDF/A-2a; PDF/UA can't be "
        "turned off — see *Accessible and archival*",
    )

    inhoud: Annotated[tuple[Lijst, ...], Check(checks.listing(LIJSTEN, "koppen"))] = Field(
        default=(),
        description="`true`: a table of contents after the title, every heading with its page "
        "(in the PDF and the DOCX); or a list out of "
        f"{_alternatives(LIJSTEN)}: also a list of the tables and/or the figures; `false` "
        "or `[]`: none",
    )
    colofon: Annotated[bool, Check(checks.boolean)] = Field(
        default=False,
        description="`true`: the last page prints the fingerprint of the inputs and the version "
        "of the tool that made the document (`jaarverslag verify` checks it)",
    )

    _lines: dict[str, int] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _keep_lines(self, info: ValidationInfo) -> Config:
        context = checks.context_of(info)
        if context is not None:
            self._lines = dict(context.lines)
        return self

    @classmethod
    def from_yaml(cls, data: dict[Any, Any], folder: Path, lines: dict[str, int]) -> Config:
        """Validate a parsed rapport.yaml; raises pydantic's ValidationError with every bad key."""
        given = frozenset(str(k) for k in data)
        return cls.model_validate(data, context=Context(folder, given, lines))

    @property
    def lines(self) -> dict[str, int]:
        """The line of every key in rapport.yaml (``secties[1].inhoud`` → 9)."""
        return self._lines

    def line(self, path: str) -> int | None:
        """The line of a key path, or of the nearest enclosing key that has one."""
        return line_of(self._lines, path)


@dataclass(frozen=True)
class Key:
    """A rapport.yaml key as the README lists it."""

    name: str
    required: bool
    doc: str
    default: str  #: the default as the README shows it; empty for a required key


def _shown(value: object) -> str:
    """A default as YAML would write it: ``true``, ``5``, ``[pdf, docx]``, ``{licht: 5}``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def _keys() -> tuple[Key, ...]:
    keys = []
    for name, field in Config.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if field.is_required():
            default = ""
        elif "standaard" in extra:
            default = str(extra["standaard"])
        else:
            default = f"`{_shown(field.get_default(call_default_factory=True))}`"
        keys.append(Key(name, field.is_required(), field.description or "", default))
    return tuple(keys)


#: Every key of rapport.yaml, in the order of the declaration.
KEYS: tuple[Key, ...] = _keys()
#: The keys of an entry of ``secties``.
SECTIE_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(SectieSpec))


def key_table() -> str:
    """The README's rapport.yaml table, made from the declaration (scripts/readme_keys.py)."""
    rows = ["| key | required | default | meaning |", "| --- | --- | --- | --- |"]
    for key in KEYS:
        required = "yes" if key.required else "no"
        rows.append(f"| `{key.name}` | {required} | {key.default} | {key.doc} |")
    return "\n".join(rows) + "\n"
