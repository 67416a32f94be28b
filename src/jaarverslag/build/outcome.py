"""What the tasks of a build hand on: a rapport prepared, and the outcome of each rapport."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import Format
from jaarverslag.core.model import Overzicht


class Failure(enum.Enum):
    """Why a rapport was not built; the value is how the summary says it."""

    INPUT = "invoerfouten"
    OUTPUT_REFUSED = "uitvoermap geweigerd"
    CRASHED = "werkproces afgebroken (geheugen op of een crash), ook bij een tweede poging"
    WRITE = "schrijven mislukt"
    INTERNAL = "interne fout"


@dataclass
class Outcome:
    """What happened to one rapport."""

    folder: Path
    output: Path | None = None
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failure: Failure | None = None
    detail: str | None = None  #: what failed, for a write or an internal failure
    reused: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def error(self) -> str | None:
        """Why it failed, as the summary says it (None: it didn't)."""
        if self.failure is None:
            return None
        return self.failure.value + (f": {self.detail}" if self.detail else "")

    def messages(self) -> list[str]:
        """Every problem or warning line to print for this rapport."""
        return [str(p) for p in self.problems] + self.notes


Variant = tuple[str, str]  #: (partner or gemeente, the file stem or folder of its document)


@dataclass
class Prepared:
    """A rapport analysed, its main files rendered and its variants planned."""

    folder: Path
    name: str
    formats: tuple[Format, ...]
    files: dict[str, bytes]
    variants: list[Variant]
    warnings: list[Problem]
    #: A reeks: its overview page, rendered by :func:`finish` once the tables are known; the
    #: variants are its gemeenten, each in its own folder.
    overview: Overzicht | None = None


def failed(
    folder: Path, failure: Failure, problems: Sequence[Problem] = (), detail: str | None = None
) -> Outcome:
    """The outcome of a rapport that failed (with the problems that say why)."""
    return Outcome(folder, problems=list(problems), failure=failure, detail=detail)
