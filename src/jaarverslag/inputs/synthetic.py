"""Turns a seed into synthetic, realistic-looking ``clienten`` records (never real people).

Used for benchmarks, property tests and demo rapports. Every record is drawn from a numpy
``Generator`` in whole-array steps (one small loop over peildata, none over clients), so
400,000 clients × 4 peildata (exactly 1.6 million rows) take about two seconds, and the same
seed gives the same frame.

The shape mimics a Dutch participatie caseload of a fixed size: every peildatum has exactly
``n_clients`` clients, because a client who leaves is replaced by a new one (5% of the places
change hands between two peildata). Most clients are on trede 2–4, a few percent rise per
peildatum and fewer drop; ages 18–67, categories that follow the trede, groeipotentieel more
common among the young, and uitstroom (``werk`` about 45%, ``anders`` 45%) on a leaver's last
row, plus a few ``werk`` on the last peildatum among clients on trede 5 and 6.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from jaarverslag.inputs.tables.schemas import SPECS

#: Column order of ``clienten.csv`` as its schema declares it.
CSV_COLUMNS = tuple(column.name for column in SPECS["clienten"].columns)

_START_TREDE = np.array([0.06, 0.28, 0.30, 0.22, 0.09, 0.05])  # trede 1..6 at the first peildatum
_STEPS = np.array([-1, 0, 1, 2])
_STEP_P = np.array([0.02, 0.78, 0.17, 0.03])
_WISSEL = 0.05  # chance that a place in the caseload changes hands between two peildata
_CATEGORIEEN = np.array(["1A", "1B", "1C", "2A", "2B", "3A", "3B"], dtype=object)
#: P(categorie | trede): rows trede 1..6, columns 1A 1B 1C 2A 2B 3A 3B.
_CATEGORIE_P = np.array(
    [
        [0.00, 0.00, 0.02, 0.05, 0.08, 0.35, 0.50],
        [0.00, 0.02, 0.05, 0.18, 0.10, 0.45, 0.20],
        [0.02, 0.05, 0.13, 0.35, 0.15, 0.25, 0.05],
        [0.05, 0.15, 0.25, 0.30, 0.15, 0.08, 0.02],
        [0.25, 0.35, 0.20, 0.10, 0.10, 0.00, 0.00],
        [0.55, 0.30, 0.10, 0.05, 0.00, 0.00, 0.00],
    ]
)


def generate_clienten(n_clients: int, peildata: Sequence[date], *, seed: int) -> pd.DataFrame:
    """Return ``n_clients`` × ``len(peildata)`` synthetic client records, typed as loaded.

    ``n_clients`` is the caseload at each peildatum; leavers are replaced by new clients, so
    there are more distinct clients than ``n_clients`` (about 5% more per extra peildatum).

    Columns: ``client`` (str), ``peildatum`` (datetime64[ns]), ``trede`` (int8), ``leeftijd``
    (float64, NaN unknown), ``categorie``, ``groeipotentieel``, ``uitstroom`` (str or missing)
    and ``_line`` (the line the row would have in :func:`write_clienten_csv`'s file). Rows are
    ordered by peildatum, then place in the caseload.
    """
    if n_clients < 1 or not peildata:
        raise ValueError("need at least one client and one peildatum")
    days = pd.DatetimeIndex(sorted(set(peildata))).as_unit("ns")
    n, p = n_clients, len(days)
    rng = np.random.default_rng(seed)

    # Caseload: n places, each held by one client at every peildatum. After a peildatum a
    # place changes hands with probability _WISSEL (a leaver and a new entrant), so the file
    # has exactly n × p rows and n + (number of changes) distinct clients.
    change = rng.random((n, p - 1)) < _WISSEL
    segment = np.concatenate([np.zeros((n, 1), dtype=np.int64), change.cumsum(axis=1)], axis=1)
    first_of_place = np.concatenate([[0], np.cumsum(segment[:, -1] + 1)[:-1]])
    holder = first_of_place[:, None] + segment  # (n, p): client index per place and peildatum
    n_total = int(segment[:, -1].sum()) + n
    entered = np.concatenate([np.zeros((n, 1), dtype=bool), change], axis=1)  # new at column j

    trede = np.empty((n, p), dtype=np.int8)
    trede[:, 0] = rng.choice(6, size=n, p=_START_TREDE) + 1
    for j in range(1, p):  # a loop over the few peildata, vectorised over clients
        step = rng.choice(_STEPS, size=n, p=_STEP_P)
        fresh = rng.choice(6, size=n, p=_START_TREDE) + 1
        walked = np.clip(trede[:, j - 1] + step, 1, 6)
        trede[:, j] = np.where(entered[:, j], fresh, walked)

    # Per client: age at the first peildatum, groeipotentieel; end = its last peildatum.
    years = ((days - days[0]).days.to_numpy() / 365.25)[None, :]
    birth = 18 + rng.beta(2.0, 1.6, size=n_total) * 49.99
    leeftijd = np.minimum(np.floor(birth[holder] + years), 67.0)
    leeftijd[rng.random((n, p)) < 0.005] = np.nan
    young, middle = birth < 27, birth < 45
    p_ja = np.where(young, 0.65, np.where(middle, 0.5, 0.27))
    potential = np.where(rng.random(n_total) < p_ja, "ja", "nee").astype(object)
    potential[rng.random(n_total) < 0.01] = None
    leaves = np.concatenate([change, np.ones((n, 1), dtype=bool)], axis=1)  # last column held
    end = np.empty(n_total, dtype=np.int64)
    end[holder[leaves]] = np.nonzero(leaves)[1]  # each client has exactly one such column

    # Flatten to rows, peildatum-major: (peildatum index, place index).
    col, place = np.divmod(np.arange(n * p), n)
    row = holder[place, col]
    tr = trede[place, col]
    cumulative = _CATEGORIE_P.cumsum(axis=1)[tr - 1]
    cat_idx = (rng.random(len(tr))[:, None] > cumulative).sum(axis=1).clip(max=6)
    categorie = _CATEGORIEEN[cat_idx]
    categorie[rng.random(len(tr)) < 0.02] = None

    uitstroom = np.full(len(tr), None, dtype=object)
    leaver_last = (col == end[row]) & (end[row] < p - 1)
    draw = rng.random(len(tr))
    uitstroom[leaver_last & (draw < 0.45)] = "werk"
    uitstroom[leaver_last & (draw >= 0.45) & (draw < 0.9)] = "anders"
    working = (col == p - 1) & (tr >= 5) & (draw < 0.08)
    uitstroom[working] = "werk"

    width = max(7, len(str(n_total)))
    ids = np.char.add("K", np.char.zfill(rng.permutation(n_total).astype(str), width))
    return pd.DataFrame(
        {
            "client": pd.array(ids[row], dtype="str"),
            "peildatum": days[col],
            "trede": tr.astype(np.int8),
            "leeftijd": leeftijd[place, col],
            "categorie": pd.array(categorie, dtype="str"),
            "groeipotentieel": pd.array(potential[row], dtype="str"),
            "uitstroom": pd.array(uitstroom, dtype="str"),
            "_line": np.arange(2, len(tr) + 2, dtype=np.int64),
        }
    )


def write_clienten_csv(frame: pd.DataFrame, path: Path | str) -> None:
    """Write ``frame`` as the SPEC's ``clienten.csv``: ``,``, ISO dates, empty when missing.

    Whole ages are written without a decimal point (``45``, not ``45.0``).
    """
    out = frame[[c for c in CSV_COLUMNS if c in frame.columns]].copy()
    if "leeftijd" in out.columns:
        age = out["leeftijd"]
        whole = age.isna() | (age == age.round())
        if bool(whole.all()):
            out["leeftijd"] = age.astype("Int64")
    out.to_csv(path, index=False, date_format="%Y-%m-%d", lineterminator="\n", encoding="utf-8")
