"""Stage 1 for a reeks: one national data file, one document per gemeente.

A data file with a ``gemeente`` column makes the rapport a *reeks*. Here the checked frames are
split by gemeente once (each gemeente's rows, ``Nederland``'s apart: it holds national totals
and never gets a document), every gemeente gets a unique, safe slug for its folder, and
``gemeenten.csv`` is matched against the data: a gemeente the data names that the list lacks, or
one the list names without data, is reported with its file and line. Nothing is computed here;
the national checks of amounts (Nederland against the sum of the gemeenten) are stage 2's.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from jaarverslag.core.errors import Problem
from jaarverslag.core.slugs import unique_slugs
from jaarverslag.inputs.tables.raw import LINE

NEDERLAND = "Nederland"
COLUMN = "gemeente"
#: Data files that can't make a reeks: ``gemeenten`` lists the gemeenten themselves.
NOT_SPLIT = ("gemeenten",)
#: Folder names of ``OUT/R`` a gemeente's folder may not take.
TAKEN = ("tabellen",)
MAX_REPORTED = 10


@dataclass(frozen=True)
class Gemeente:
    """A gemeente of a reeks: its name as printed, its folder, and what gemeenten.csv says."""

    naam: str
    slug: str
    inwoners: int | None = None
    grootteklasse: str | None = None
    provincie: str | None = None
    code: str | None = None  #: e.g. CBS's gemeentecode ``GM0518``


@dataclass(frozen=True, eq=False)
class Reeks:
    """The national data of a reeks, split once.

    ``national``: the full frames of the files with a ``gemeente`` column, Nederland's rows
    included; ``parts``: per file, per gemeente (by :func:`key`), its rows; ``nederland``: per
    file, Nederland's rows (possibly empty); ``inwoners_nederland``: Nederland's own row of
    gemeenten.csv, if it has one.
    """

    files: tuple[str, ...]
    gemeenten: tuple[Gemeente, ...]
    national: Mapping[str, pd.DataFrame] = field(repr=False)
    parts: Mapping[str, Mapping[str, pd.DataFrame]] = field(repr=False)
    nederland: Mapping[str, pd.DataFrame] = field(repr=False)
    inwoners_nederland: tuple[int, int] | None = None  # (inwoners, line in gemeenten.csv)

    def frames_of(self, gemeente: Gemeente) -> dict[str, pd.DataFrame]:
        """The rows of one gemeente, per split data file."""
        return {name: self.parts[name][key(gemeente.naam)] for name in self.files}

    def by_slug(self, slug: str) -> Gemeente:
        return next(g for g in self.gemeenten if g.slug == slug)

    def find(self, name: str) -> Gemeente | None:
        """A gemeente by its name (any case) or its slug."""
        wanted = key(name)
        return next((g for g in self.gemeenten if key(g.naam) == wanted or g.slug == wanted), None)


def key(name: str) -> str:
    """How names are matched between files: case and surrounding spaces don't count (as in
    the check for double rows), nor how Unicode stores an accent (NFC) or an invisible
    character (a zero-width space: Unicode category Cf) — but two names that differ only in
    those last two are an error (:func:`_lookalikes`): one name, one gemeente."""
    return unicodedata.normalize("NFC", _visible(name)).strip().casefold()


def _visible(name: str) -> str:
    return "".join(c for c in name if unicodedata.category(c) != "Cf")


def _plain(name: str) -> str:
    """A name as it was matched before: only case and surrounding spaces don't count."""
    return name.strip().lower()


def is_nederland(names: pd.Series) -> pd.Series:
    return names.astype(str).map(key) == NEDERLAND.lower()


def split_files(frames: Mapping[str, pd.DataFrame]) -> tuple[str, ...]:
    """The data files that make the rapport a reeks (they have a ``gemeente`` column)."""
    return tuple(
        name
        for name, frame in frames.items()
        if name not in NOT_SPLIT and COLUMN in frame.columns and not frame.empty
    )


def make_reeks(
    frames: Mapping[str, pd.DataFrame], displays: Mapping[str, str]
) -> tuple[Reeks | None, list[Problem]]:
    """The reeks of these checked frames (None when no data file has a ``gemeente`` column),
    and every problem in matching the gemeenten of the files and of ``gemeenten.csv``."""
    files = split_files(frames)
    lijst = frames.get("gemeenten")
    if not files:
        if lijst is not None and "gemeenten" in displays:
            message = "hoort bij een reeks, maar geen databestand heeft een kolom gemeente"
            return None, [Problem(displays["gemeenten"], message=message)]
        return None, []
    problems = _lookalikes(frames, (*files, "gemeenten"), displays)
    firsts: dict[str, pd.DataFrame] = {}
    for name in files:
        frame = frames[name]
        rows = frame.loc[~is_nederland(frame[COLUMN])]
        keys = rows[COLUMN].map(key)
        firsts[name] = (
            rows.assign(_key=keys)
            .groupby("_key", sort=False)
            .agg(naam=(COLUMN, "first"), line=(LINE, "min"))
        )
    order = pd.concat([firsts[name] for name in files])
    order = order.loc[~order.index.duplicated()]
    problems += _in_every_file(files, firsts, order, displays)
    listed = _listed(lijst)
    if listed is not None:
        problems += _against_list(files, firsts, listed, displays)
    names = [str(n) for n in order["naam"]]
    if listed is not None:  # the spelling of gemeenten.csv, where it has the gemeente
        names = [str(listed["naam"].get(k, n)) for k, n in zip(order.index, names, strict=True)]
    slugs = unique_slugs(names, "gemeente", TAKEN)
    gemeenten = tuple(
        _gemeente(naam, slug_, listed, k)
        for naam, slug_, k in zip(names, slugs, order.index, strict=True)
    )
    parts = {}
    nederland = {}
    for name in files:
        frame = frames[name]
        mask = is_nederland(frame[COLUMN])
        nederland[name] = frame.loc[mask]
        rest = frame.loc[~mask]
        parts[name] = {k: rows for k, rows in rest.groupby(rest[COLUMN].map(key), sort=False)}
    own = None
    if lijst is not None and not lijst.empty:
        row = lijst.loc[is_nederland(lijst[COLUMN])]
        if not row.empty:
            own = (int(row["inwoners"].iloc[0]), int(row[LINE].iloc[0]))
    reeks = Reeks(files, gemeenten, {n: frames[n] for n in files}, parts, nederland, own)
    return reeks, problems


def _lookalikes(
    frames: Mapping[str, pd.DataFrame], names: Sequence[str], displays: Mapping[str, str]
) -> list[Problem]:
    """Names that look the same but are written differently — ``Súdwest-Fryslân`` with its
    accents stored two ways (NFC and NFD), ``Bergen`` with a zero-width space — would be two
    gemeenten without a word: each later spelling is an error naming the first one's line."""
    first: dict[str, tuple[str, str, int]] = {}  # key → (spelling, file, line)
    problems: list[Problem] = []
    for name in names:
        frame = frames.get(name)
        if frame is None or frame.empty or COLUMN not in frame.columns or name not in displays:
            continue
        spellings = frame.groupby(frame[COLUMN].astype(str).map(_plain), sort=False).agg(
            naam=(COLUMN, "first"), line=(LINE, "min")
        )
        for naam, line in zip(spellings["naam"], spellings["line"], strict=True):
            k = key(str(naam))
            if k not in first:
                first[k] = (str(naam), name, int(line))
                continue
            other, where, at = first[k]
            if _plain(other) == _plain(str(naam)):
                continue
            message = (
                f"'{shown(str(naam))}' en '{shown(other)}' ({displays[where]}:{at}) zijn dezelfde "
                f"naam, anders geschreven ({_difference(str(naam), other)}); schrijf ze gelijk"
            )
            problems.append(Problem(displays[name], int(line), COLUMN, message))
    return _bounded(problems, displays[names[0]]) if problems else []


def shown(name: str) -> str:
    """A name with its invisible characters made visible (``Bergen<U+200B>``)."""
    return "".join(
        f"<U+{ord(c):04X}>" if unicodedata.category(c) == "Cf" else c for c in name.strip()
    )


def _difference(one: str, other: str) -> str:
    if _visible(one) != one or _visible(other) != other:
        return "een onzichtbaar teken"
    return "letters met accenten op twee manieren opgeslagen (Unicode NFC en NFD)"


def _listed(lijst: pd.DataFrame | None) -> pd.DataFrame | None:
    """gemeenten.csv by :func:`key`, Nederland left out (it is the national total)."""
    if lijst is None or lijst.empty:
        return None
    rows = lijst.loc[~is_nederland(lijst[COLUMN])]
    table = pd.DataFrame(
        {
            "naam": rows[COLUMN].to_numpy(),
            "inwoners": rows["inwoners"].to_numpy(),
            "grootteklasse": _optional(rows, "grootteklasse"),
            "provincie": _optional(rows, "provincie"),
            "code": _optional(rows, "code"),
            "line": rows[LINE].to_numpy(),
        },
        index=rows[COLUMN].map(key).to_numpy(),
    )
    return table


def _optional(rows: pd.DataFrame, column: str) -> list[object]:
    if column not in rows.columns:
        return [None] * len(rows)
    return [None if pd.isna(v) else v for v in rows[column]]


def _gemeente(naam: str, slug_: str, listed: pd.DataFrame | None, k: str) -> Gemeente:
    if listed is None or k not in listed.index:
        return Gemeente(naam, slug_)
    grootte, provincie = listed.at[k, "grootteklasse"], listed.at[k, "provincie"]
    return Gemeente(
        naam,
        slug_,
        int(str(listed.at[k, "inwoners"])),
        _text(grootte),
        _text(provincie),
        _text(listed.at[k, "code"]),
    )


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def _in_every_file(
    files: Sequence[str],
    firsts: Mapping[str, pd.DataFrame],
    order: pd.DataFrame,
    displays: Mapping[str, str],
) -> list[Problem]:
    """Every gemeente has rows in every file that has a gemeente column."""
    problems: list[Problem] = []
    for name in files:
        absent = order.index.difference(firsts[name].index, sort=False)
        found = []
        for k in absent:
            other = next(f for f in files if k in firsts[f].index)
            line = int(str(firsts[other].at[k, "line"]))
            naam = str(firsts[other].at[k, "naam"])
            message = f"'{naam}' heeft hier geen regels (wel in {displays[other]}:{line})"
            found.append(Problem(displays[name], None, COLUMN, message))
        problems += _bounded(found, displays[name])
    return problems


def _against_list(
    files: Sequence[str],
    firsts: Mapping[str, pd.DataFrame],
    listed: pd.DataFrame,
    displays: Mapping[str, str],
) -> list[Problem]:
    """A gemeente of the data without a row in gemeenten.csv, and one the other way round."""
    problems: list[Problem] = []
    lijst = displays["gemeenten"]
    for name in files:
        unknown = firsts[name].loc[~firsts[name].index.isin(listed.index)]
        found = [
            Problem(displays[name], int(line), COLUMN, f"'{naam}' staat niet in {lijst}")
            for naam, line in zip(unknown["naam"], unknown["line"], strict=True)
        ]
        problems += _bounded(found, displays[name])
        missing = listed.loc[~listed.index.isin(firsts[name].index)]
        found = [
            Problem(lijst, int(line), COLUMN, f"'{naam}' heeft geen regels in {displays[name]}")
            for naam, line in zip(missing["naam"], missing["line"], strict=True)
        ]
        problems += _bounded(found, lijst)
    return problems


def _bounded(problems: list[Problem], display: str) -> list[Problem]:
    """The first :data:`MAX_REPORTED` problems of one kind, then how many more."""
    if len(problems) <= MAX_REPORTED:
        return problems
    rest = len(problems) - MAX_REPORTED
    message = f"nog {rest} gemeenten met dezelfde fout (zoals {problems[MAX_REPORTED].message})"
    return [*problems[:MAX_REPORTED], Problem(display, None, COLUMN, message)]
