"""Turns validated client records into the participatieladder's facts: counts, privacy marks
and measured prestatieafspraken (numpy arrays and plain values, no tables).

Counting is vectorised: clients and peildata are factorised once into integer codes and every
count is one ``np.bincount``. The privacy rule works on the few dozen cells of a count grid.
:mod:`jaarverslag.compute.clienten` turns these facts into model tables and sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

#: The six rungs of the participatieladder, trede 1 at index 0.
TREDEN: tuple[str, ...] = (
    "geïsoleerd",
    "sociale contacten buiten de deur",
    "deelname georganiseerde activiteiten",
    "onbetaald werk",
    "betaald werk met ondersteuning",
    "betaald werk",
)

#: Age groups at the last peildatum: ``leeftijd < 27``, ``27 <= leeftijd < 45``, ``>= 45``.
#: For whole years that is < 27, 27 – 44 and ≥ 45; index 3 holds unknown ages.
LEEFTIJD_GRENZEN: tuple[int, int] = (27, 45)

#: Categories in table order; index 7 of the count vector holds clients without a categorie.
CATEGORIEEN: tuple[str, ...] = ("1A", "1B", "1C", "2A", "2B", "3A", "3B")

REQUIRED = ("client", "peildatum", "trede")

#: Mark for a count hidden to protect another hidden count, and for hidden percentages.
SECUNDAIR = "x"

#: Default targets (percent) of the prestatieafspraken; ``afspraken=`` overrides them.
DEFAULT_AFSPRAKEN: dict[str, float] = {"behoud_trede_3_4": 95, "stijging": 60, "uitstroom_werk": 15}

_MAANDEN = (
    *("januari", "februari", "maart", "april", "mei", "juni"),
    *("juli", "augustus", "september", "oktober", "november", "december"),
)

Grid = np.ndarray
Pos = tuple[int, int]


@dataclass(frozen=True)
class LadderCounts:
    """The raw facts of one client file; every array holds distinct-client counts.

    ``treden``: (6, peildata) clients per trede per peildatum. ``beweging``: (6, 6) starting
    trede × ending trede over clients present at the first and the last peildatum, ``None``
    with one peildatum. ``leeftijd``: (4, 3) age group (< 27, 27 – 44, ≥ 45, unknown) ×
    groeipotentieel (ja, nee, unknown) at the last peildatum, ``None`` without a ``leeftijd``
    column. ``categorie``: (8,) 1A … 3B and unknown at the last peildatum, ``None`` without a
    ``categorie`` column. ``werk``: distinct clients with ``uitstroom == "werk"`` on some row,
    ``None`` without an ``uitstroom`` column.
    """

    peildata: tuple[date, ...]
    treden: np.ndarray
    beweging: np.ndarray | None
    clienten: int
    beide: int
    uitgestroomd: int
    ingestroomd: int
    tussentijds: int
    werk: int | None
    leeftijd: np.ndarray | None
    heeft_groeipotentieel: bool
    categorie: np.ndarray | None


def count(frame: pd.DataFrame) -> LadderCounts:
    """Count everything the ladder tables need, in one pass of vectorised operations."""
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(f"client records lack required column(s): {', '.join(missing)}")
    if len(frame) == 0:
        raise ValueError("client records have no rows")

    peildatum = frame["peildatum"]
    if not pd.api.types.is_datetime64_any_dtype(peildatum):
        peildatum = pd.to_datetime(peildatum)
    peil_code, peil_unique = pd.factorize(peildatum, sort=True)
    client_code, client_unique = pd.factorize(frame["client"])
    if (peil_code < 0).any() or (client_code < 0).any():
        raise ValueError("client records have an empty client or peildatum")
    trede = frame["trede"].to_numpy(dtype=np.int64)
    if trede.min() < 1 or trede.max() > 6:
        raise ValueError("trede must lie between 1 and 6")

    n_peil = len(peil_unique)
    n_clients = len(client_unique)
    first = peil_code == 0
    last = peil_code == n_peil - 1

    treden = np.bincount((trede - 1) * n_peil + peil_code, minlength=6 * n_peil).reshape(6, n_peil)

    # Starting and ending trede per client; 0 means "not present at that peildatum".
    start = np.zeros(n_clients, dtype=np.int64)
    start[client_code[first]] = trede[first]
    end = np.zeros(n_clients, dtype=np.int64)
    end[client_code[last]] = trede[last]
    at_first = start > 0
    at_last = end > 0
    both = at_first & at_last

    beweging = None
    if n_peil > 1:
        cells = (start[both] - 1) * 6 + (end[both] - 1)
        beweging = np.bincount(cells, minlength=36).reshape(6, 6)

    werk = None
    if "uitstroom" in frame.columns:
        werk_row = _equals(frame["uitstroom"], "werk")
        werk_client = np.zeros(n_clients, dtype=bool)
        werk_client[client_code[werk_row]] = True
        werk = int(werk_client.sum())

    leeftijd = None
    heeft_groeipotentieel = "groeipotentieel" in frame.columns
    if "leeftijd" in frame.columns:
        age = frame["leeftijd"].to_numpy(dtype=np.float64, na_value=np.nan)[last]
        group = np.where(
            np.isnan(age), 3, np.searchsorted(np.asarray(LEEFTIJD_GRENZEN), age, side="right")
        )
        if heeft_groeipotentieel:
            gp = frame["groeipotentieel"]
            potential = np.where(_equals(gp, "ja"), 0, np.where(_equals(gp, "nee"), 1, 2))[last]
        else:
            potential = np.full(len(age), 2)
        leeftijd = np.bincount(group * 3 + potential, minlength=12).reshape(4, 3)

    categorie = None
    if "categorie" in frame.columns:
        codes = pd.Categorical(frame["categorie"], categories=list(CATEGORIEEN)).codes
        codes = np.where(codes < 0, len(CATEGORIEEN), codes)[last]
        categorie = np.bincount(codes, minlength=len(CATEGORIEEN) + 1)

    return LadderCounts(
        peildata=tuple(ts.date() for ts in pd.DatetimeIndex(peil_unique)),
        treden=treden,
        beweging=beweging,
        clienten=n_clients,
        beide=int(both.sum()) if n_peil > 1 else 0,
        uitgestroomd=int((at_first & ~at_last).sum()),
        ingestroomd=int((at_last & ~at_first).sum()),
        tussentijds=int((~at_first & ~at_last).sum()),
        werk=werk,
        leeftijd=leeftijd,
        heeft_groeipotentieel=heeft_groeipotentieel,
        categorie=categorie,
    )


def _equals(column: pd.Series, value: str) -> np.ndarray:
    """Compare a text column that may hold missing values; missing is never equal."""
    return column.eq(value).to_numpy(dtype=bool, na_value=False)


def stijgers_gelijk_dalers(beweging: np.ndarray) -> np.ndarray:
    """Return a (6, 3) array: stijgers, gelijk, dalers per starting trede."""
    up = np.triu(beweging, k=1).sum(axis=1)
    same = np.diag(beweging)
    down = np.tril(beweging, k=-1).sum(axis=1)
    return np.stack([up, same, down], axis=1)


# --- dates, privacy and prestatieafspraken -----------------------------------------------------


def datum_lang(d: date) -> str:
    """``date(2017, 1, 31)`` → ``31 januari 2017``."""
    return f"{d.day} {_MAANDEN[d.month - 1]} {d.year}"


@dataclass(frozen=True)
class Privacy:
    """The ``min_celgrootte`` rule (N): see :mod:`jaarverslag.compute.clienten` for the policy."""

    n: int

    @property
    def mark(self) -> str:
        return f"<{self.n}"

    def marks(
        self, counts: Grid, groups: Iterable[Sequence[Pos]] = (), totals: Grid | None = None
    ) -> Grid:
        """Return an object grid of marks: ``<N`` (primary), ``x`` (secondary) or ``None``.

        ``groups`` are the lines that add up to a printed total (the total included);
        ``totals`` flags total cells, which are hidden secondarily only as a last resort.
        """
        marks = np.full(counts.shape, None, dtype=object)
        if self.n <= 1:
            return marks
        hidden = (counts >= 1) & (counts < self.n)
        marks[hidden] = self.mark
        is_total = np.zeros(counts.shape, dtype=bool) if totals is None else totals
        lines = [list(g) for g in groups if len(g) > 1]
        changed = True
        while changed:  # loops over table cells (a few dozen), never over client rows
            changed = False
            for line in lines:
                if sum(bool(hidden[p]) for p in line) != 1:
                    continue
                candidates = [p for p in line if not hidden[p] and counts[p] > 0]
                if not candidates:
                    continue
                pick = min(candidates, key=lambda p: (bool(is_total[p]), int(counts[p])))
                hidden[pick] = True
                marks[pick] = SECUNDAIR
                changed = True
        return marks

    def mark_of(self, value: int) -> str | None:
        """The primary mark of a lone count (no lines to protect)."""
        return self.mark if 1 <= value < self.n else None

    def footnotes(self, *marks: Grid) -> tuple[tuple[str, str], ...]:
        used = {m for grid in marks for m in grid.ravel() if m is not None}
        notes = []
        if self.mark in used:
            notes.append(
                (self.mark, f"minder dan {self.n} cliënten; om privacyredenen niet getoond")
            )
        if SECUNDAIR in used:
            notes.append(
                (
                    SECUNDAIR,
                    f"niet getoond omdat hieruit een aantal van minder dan {self.n} cliënten "
                    "af te leiden is",
                )
            )
        return tuple(notes)


def margin_lines(
    shape: tuple[int, int], total_row: int | None, total_col: int | None
) -> tuple[list[list[Pos]], Grid]:
    """Lines of a grid with a totals row and/or column, and the mask of total cells."""
    rows, cols = shape
    lines: list[list[Pos]] = []
    if total_col is not None:
        lines += [[(r, c) for c in range(cols)] for r in range(rows)]
    if total_row is not None:
        lines += [[(r, c) for r in range(rows)] for c in range(cols)]
    totals = np.zeros(shape, dtype=bool)
    if total_row is not None:
        totals[total_row, :] = True
    if total_col is not None:
        totals[:, total_col] = True
    return lines, totals


@dataclass(frozen=True)
class Prestatieafspraak:
    """One prestatieafspraak, measured: realisatie = teller / noemer × 100.

    Raw values: print them only through :func:`prestatie_zinnen` or the table, which honour
    ``onderdrukt``. ``teller``/``noemer`` are ``None`` when the data cannot measure the afspraak
    (``toelichting`` says why); ``gehaald`` is ``None`` when there is no realisatie.
    """

    key: str
    naam: str
    omschrijving: str
    noemer_omschrijving: str
    norm: float
    teller: int | None
    noemer: int | None
    realisatie: float | None
    gehaald: bool | None
    onderdrukt: bool
    toelichting: str | None = None


def measure_afspraken(
    counts: LadderCounts, norms: Mapping[str, float], privacy: Privacy
) -> tuple[Prestatieafspraak, ...]:
    """Measure each afspraak against its norm; "gehaald" is decided on exact fractions."""
    first, last = (datum_lang(d) for d in (counts.peildata[0], counts.peildata[-1]))
    m = counts.beweging
    een_peildatum = "er is maar één peildatum"
    specs: list[tuple[str, str, str, str, int | None, int | None, str | None]] = [
        (
            "behoud_trede_3_4",
            "Behoud trede 3 en 4",
            "Cliënten op trede 3 of 4 die niet zijn gedaald",
            f"cliënten op trede 3 of 4 op {first} die ook op {last} voorkomen",
            None if m is None else int(np.triu(m)[2:4].sum()),
            None if m is None else int(m[2:4].sum()),
            een_peildatum if m is None else None,
        ),
        (
            "stijging",
            "Stijging op de participatieladder",
            "Cliënten die ten minste één trede zijn gestegen",
            f"cliënten die op {first} en op {last} voorkomen",
            None if m is None else int(np.triu(m, k=1).sum()),
            None if m is None else int(m.sum()),
            een_peildatum if m is None else None,
        ),
        (
            "uitstroom_werk",
            "Uitstroom naar werk",
            "Cliënten die zijn uitgestroomd naar werk",
            "alle unieke cliënten over alle peildata",
            counts.werk,
            counts.clienten,
            "het bestand heeft geen kolom uitstroom" if counts.werk is None else None,
        ),
    ]
    result = []
    for key, naam, omschrijving, over, teller, noemer, reden in specs:
        norm = float(norms[key])
        realisatie, gehaald = None, None
        if teller is not None and noemer:
            realisatie = teller * 100 / noemer
            gehaald = Fraction(teller * 100, noemer) >= Fraction(str(norm))
        elif noemer == 0 and reden is None:
            reden = f"er zijn geen {over}"
        hidden = any(v is not None and privacy.mark_of(v) is not None for v in (teller, noemer))
        result.append(
            Prestatieafspraak(
                key=key,
                naam=naam,
                omschrijving=omschrijving,
                noemer_omschrijving=over,
                norm=norm,
                teller=teller,
                noemer=noemer,
                realisatie=realisatie,
                gehaald=gehaald,
                onderdrukt=hidden,
                toelichting=reden,
            )
        )
    return tuple(result)
