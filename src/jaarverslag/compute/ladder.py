"""Turns validated client records into the participatieladder's facts: distinct-client counts
and measured prestatieafspraken (numpy arrays and plain values, no tables, no privacy).

Counting is vectorised: clients and peildata are factorised once into integer codes and every
count is one ``np.bincount``; nothing after this module sees a client row. A client is its
``client`` id *without regard to case* (``A1`` and ``a1`` are one person), as in the duplicate
check of :mod:`jaarverslag.inputs.tables.schemas`, so no table counts one person twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

from jaarverslag.core.numbers import format_date
from jaarverslag.inputs.config.keys import AFSPRAKEN

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

#: Meaning of each categorie (seed 004, tabel 3), grouped by unit.
CATEGORIE_BETEKENIS: dict[str, str] = {
    "1A": "bemiddelbaar binnen 0-3 maanden",
    "1B": "bemiddelbaar binnen 4-12 maanden",
    "1C": "bemiddelbaar binnen 12-24 maanden (met multi-problematiek)",
    "2A": "bemiddelbaar binnen 24-48 maanden (participatieconsulenten)",
    "2B": "bemiddelbaar binnen 24-48 maanden (Banenafspraak en Beschut Werk)",
    "3A": "bemiddelbaar binnen 48 maanden of langer (vrijwilligerswerk of tegenprestatie)",
    "3B": "bemiddelbaar binnen 48 maanden of langer (maatwerktraject, ontheffing)",
}
UNITS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("Re-integratie", (0, 1, 2)),
    ("Participatie", (3, 4, 5, 6)),
)
#: The group of the clients without a categorie, who belong to no unit.
ZONDER_UNIT = "Zonder unit"

REQUIRED = ("client", "peildatum", "trede")

#: Default targets (percent) of the prestatieafspraken, declared with the rapport.yaml key;
#: ``afspraken=`` overrides them.
DEFAULT_AFSPRAKEN = AFSPRAKEN

IntArray = np.ndarray


@dataclass(frozen=True)
class LadderCounts:
    """The raw facts of one client file; every array holds distinct-client counts.

    ``treden``: (6, peildata) clients per trede per peildatum. ``beweging``: (6, 6) starting
    trede × ending trede over clients present at the first and the last peildatum, ``None``
    with one peildatum. ``uit_per_trede``: (6,) uitgestroomd clients by trede at the first
    peildatum; ``in_per_trede``: (6,) ingestroomd clients by trede at the last (with one
    peildatum: every client). ``leeftijd``: (4, 3) age group (< 27, 27 – 44, ≥ 45, unknown) ×
    groeipotentieel (ja, nee, unknown) at the last peildatum, ``None`` without a ``leeftijd``
    column. ``categorie``: (8,) 1A … 3B and unknown at the last peildatum, ``None`` without a
    ``categorie`` column. ``werk``: distinct clients with ``uitstroom == "werk"`` on some row,
    ``None`` without an ``uitstroom`` column.
    """

    peildata: tuple[date, ...]
    treden: IntArray
    beweging: IntArray | None
    uit_per_trede: IntArray
    in_per_trede: IntArray
    clienten: int
    beide: int
    uitgestroomd: int
    ingestroomd: int
    tussentijds: int
    werk: int | None
    leeftijd: IntArray | None
    heeft_groeipotentieel: bool
    categorie: IntArray | None


def client_codes(client: pd.Series) -> tuple[IntArray, int]:
    """Integer codes of the clients, ``A1`` and ``a1`` alike, and how many distinct clients.

    Case is folded on the distinct ids only (a few hundred thousand), not on every row.
    """
    raw_code, raw_unique = pd.factorize(client)
    if (raw_code < 0).any():
        raise ValueError("client records have an empty client or peildatum")
    folded = pd.Index(raw_unique).astype(str).str.lower()
    fold_code, fold_unique = pd.factorize(folded)
    return fold_code[raw_code], len(fold_unique)


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
    if (peil_code < 0).any():
        raise ValueError("client records have an empty client or peildatum")
    client_code, n_clients = client_codes(frame["client"])
    trede = frame["trede"].to_numpy(dtype=np.int64)
    if trede.min() < 1 or trede.max() > 6:
        raise ValueError("trede must lie between 1 and 6")

    n_peil = len(peil_unique)
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
        uit = np.bincount(start[at_first & ~at_last] - 1, minlength=6)
        in_ = np.bincount(end[at_last & ~at_first] - 1, minlength=6)
    else:
        uit = np.zeros(6, dtype=np.int64)
        in_ = np.bincount(end[at_last] - 1, minlength=6)

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
        uit_per_trede=uit,
        in_per_trede=in_,
        clienten=n_clients,
        beide=int(both.sum()) if n_peil > 1 else 0,
        uitgestroomd=int(uit.sum()),
        ingestroomd=int(in_.sum()) if n_peil > 1 else 0,
        tussentijds=int((~at_first & ~at_last).sum()),
        werk=werk,
        leeftijd=leeftijd,
        heeft_groeipotentieel=heeft_groeipotentieel,
        categorie=categorie,
    )


def _equals(column: pd.Series, value: str) -> np.ndarray:
    """Compare a text column that may hold missing values; missing is never equal."""
    return column.eq(value).to_numpy(dtype=bool, na_value=False)


#: A peildatum as the tables print it: ``31 januari 2017`` (numbers.py formats it).
datum_lang = format_date


@dataclass(frozen=True)
class Prestatieafspraak:
    """One prestatieafspraak, measured: realisatie = teller / noemer × 100.

    Raw values: print them only through the table or the sentences, which honour suppression.
    ``teller``/``noemer`` are ``None`` when the data cannot measure the afspraak
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
    toelichting: str | None = None

    @property
    def exact(self) -> Fraction | None:
        """The realisatie as an exact fraction, for decisions and rounding."""
        if self.teller is None or not self.noemer:
            return None
        return Fraction(self.teller * 100, self.noemer)


def measure_afspraken(
    counts: LadderCounts, norms: Mapping[str, float]
) -> tuple[Prestatieafspraak, ...]:
    """Measure each afspraak against its norm; "gehaald" is decided on exact fractions."""
    first, last = (datum_lang(d) for d in (counts.peildata[0], counts.peildata[-1]))
    m = counts.beweging
    een_peildatum = "er is maar één peildatum"
    # With one peildatum there is no "first and last": say what the noemer would be.
    beide = f"op {first} en op {last} voorkomen"
    if m is None:
        beide = f"op twee peildata voorkomen (er is alleen {first})"
    specs: list[tuple[str, str, str, str, int | None, int | None, str | None]] = [
        (
            "behoud_trede_3_4",
            "Behoud trede 3 en 4",
            "Cliënten op trede 3 of 4 die niet zijn gedaald",
            f"cliënten op trede 3 of 4 op {first} die ook op {last} voorkomen"
            if m is not None
            else f"cliënten op trede 3 of 4 die {beide}",
            None if m is None else int(np.triu(m)[2:4].sum()),
            None if m is None else int(m[2:4].sum()),
            een_peildatum if m is None else None,
        ),
        (
            "stijging",
            "Stijging op de participatieladder",
            "Cliënten die ten minste één trede zijn gestegen",
            f"cliënten die {beide}",
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
                toelichting=reden,
            )
        )
    return tuple(result)
