"""An Iv3 delivery in a rapport folder: found, read within bounds, checked, turned into kosten.

A rapport's kosten may come from ``iv3.json`` (one delivery) or from a folder ``iv3/`` of
deliveries (``*.json``), one per gemeente, jaar and stand: the begroting and the jaarrekening of
a jaarverslag, or a reeks of gemeenten. :func:`find` reads each through the contained, bounded
reader (:mod:`jaarverslag.core.files`) and checks it as CBS checks it (:mod:`.delivery`) before
``rapport.yaml`` is read — so whether the rapport is a reeks (deliveries of more than one
gemeente) is known when its keys are. :func:`kosten_frame` then gives the typed frame of the
``kosten`` data kind for the taakvelden ``rapport.yaml`` names, with the same columns as
``kosten.csv`` gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from jaarverslag.core import files
from jaarverslag.core.errors import Problem
from jaarverslag.inputs.tables.raw import LINE

if TYPE_CHECKING:  # the delivery's reader (and jsonschema) is imported when there is one
    from jaarverslag.inputs.iv3.delivery import Levering

FILE = "iv3.json"
FOLDER = "iv3"
KIND = "Iv3-"  #: the size limit of one delivery in :data:`jaarverslag.core.files.LIMITS`
MAX_DELIVERIES = 2000  #: deliveries in a folder iv3/ (all gemeenten, three stands each: ~1.000)
MAX_TOTAL = 1024 * files.MB  #: their bytes together
KEY = "taakvelden"
COLUMNS = ("gemeente", "code", "post", "soort", "jaar", "stand", "bedrag")


@dataclass(frozen=True)
class Iv3Source:
    """The deliveries of a rapport folder, checked: ``path`` is ``iv3.json`` or the folder."""

    path: Path
    display: str
    leveringen: tuple[Levering, ...]

    @property
    def is_folder(self) -> bool:
        return self.path.name.lower() == FOLDER

    @property
    def name(self) -> str:
        """How a message names the source: ``iv3.json`` or ``de map iv3/``."""
        return f"de map {self.path.name}/" if self.is_folder else self.path.name

    @property
    def passed(self) -> bool:
        return all(not levering.problems for levering in self.leveringen)

    @property
    def gemeenten(self) -> list[str]:
        """The gemeenten the deliveries are of, each once, in the order of the files."""
        seen: dict[str, str] = {}
        for levering in self.leveringen:
            if (name := levering.gemeente) is not None:
                seen.setdefault(name.casefold(), name)
        return list(seen.values())


def _entry(folder: Path, name: str, directory: bool) -> Path | None:
    """``folder/name`` in any case, a file or a folder (a symlink counts as what it names)."""
    for path in sorted(folder.iterdir()):
        if path.name.lower() == name and (path.is_dir() if directory else not path.is_dir()):
            return path
    return None


def find(folder: Path) -> tuple[Iv3Source | None, list[Problem]]:
    """The rapport's Iv3 deliveries, read and checked; None when it has none."""
    single, many = _entry(folder, FILE, False), _entry(folder, FOLDER, True)
    if single is None and many is None:
        return None, []
    if single is not None and many is not None:
        message = (
            f"er is ook een map {folder / many.name}; houd één Iv3-bron: iv3.json voor één "
            "levering, de map iv3/ voor meer"
        )
        return None, [Problem(str(single), message=message)]
    from jaarverslag.inputs.iv3.delivery import check

    if single is not None:
        display = str(single)
        data, problems = files.read(folder, single, KIND, display)
        if data is None:
            return None, problems
        levering = check(data, display)
        return Iv3Source(single, display, (levering,)), levering.problems
    assert many is not None
    return _folder(folder, many)


def _folder(folder: Path, many: Path) -> tuple[Iv3Source | None, list[Problem]]:
    from jaarverslag.inputs.iv3.delivery import check

    display = str(many)
    problems = files.folder_problem(folder, many, display)
    if problems:
        return None, problems
    paths: list[Path] = []
    for path in sorted(many.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix.lower() == ".json":
            paths.append(path)
        else:
            message = "wordt niet gelezen: een Iv3-levering is een .json-bestand"
            problems.append(Problem(str(path), message=message, severity="warning"))
    if not paths:
        message = "bevat geen Iv3-levering (een .json-bestand per gemeente en stand)"
        return None, [*problems, Problem(display, message=message)]
    if len(paths) > MAX_DELIVERIES:
        message = f"bevat {len(paths)} leveringen (hoogstens {MAX_DELIVERIES})"
        return None, [Problem(display, message=message)]
    leveringen: list[Levering] = []
    total = 0
    for path in paths:
        data, found = files.read(folder, path, KIND, str(path))
        problems += found
        if data is None:
            continue
        total += len(data)
        if total > MAX_TOTAL:
            limit = MAX_TOTAL // files.MB
            message = f"de leveringen zijn samen groter dan {limit} MB"
            return None, [*problems, Problem(display, message=message)]
        levering = check(data, str(path))
        problems += levering.problems
        leveringen.append(levering)
    return Iv3Source(many, display, tuple(leveringen)), problems


def kosten_frame(
    source: Iv3Source,
    taakvelden: Sequence[str],
    *,
    rapport: str,
    line: int | None,
    euros: bool,
) -> tuple[pd.DataFrame, list[Problem], dict[int, str]]:
    """The ``kosten`` frame of ``taakvelden`` (typed as :mod:`..tables.schemas` types
    ``kosten.csv``; a ``gemeente`` column only when the deliveries are of several gemeenten),
    the problems with the list (``rapport``: line ``line``), and each row's delivery by its
    ``_line``. Amounts are in thousands, as Iv3 has them; ``euros``: in euros."""
    from jaarverslag.inputs.iv3.delivery import BEDRAGEN_IN, kosten_of_all

    got = kosten_of_all(source.leveringen, taakvelden, rapport=rapport, sleutel=KEY)
    problems = [
        replace(p, line=line) if p.file == rapport and p.column == KEY else p for p in got.problems
    ]
    if problems or not got.rows:
        return pd.DataFrame(), problems, {}
    frame = pd.DataFrame(got.rows, columns=list(COLUMNS))
    if len(source.gemeenten) <= 1:
        frame = frame.drop(columns="gemeente")
    scale = Decimal(BEDRAGEN_IN if euros else 1)
    frame["bedrag"] = [float(Decimal(repr(float(v))) * scale) for v in frame["bedrag"]]
    frame = frame.astype({"jaar": "int64", "bedrag": "float64"})
    frame.insert(0, LINE, pd.Series(range(2, 2 + len(frame)), dtype="int64"))
    per_delivery = 2 * len(taakvelden)  # a lasten and a baten row per taakveld
    lines = {2 + i: source.leveringen[i // per_delivery].display for i in range(len(frame))}
    return frame, [], lines
