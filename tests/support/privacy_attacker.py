"""An attacker on the participatieladder, independent of the program's own privacy audit.

It reads only what a build publishes — the open-data CSVs and the notes in the HTML — writes
down what the README's definitions say about how the tables hang together, in its own
unknowns (the full, unsuppressed cells of every table), and then searches by brute force
(interval propagation and exhaustive depth-first search, no LP solver) for a client count
table consistent with everything published in which a hidden count takes a given value.

``attack(out, truth, n)`` returns, for every count that is really 1 … n − 1, the values of
1 … n − 1 the attacker can rule out; the promise is that this is always empty.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import pandas as pd

Terms = dict[str, int]
TREDE_LABELS = (
    "1 geïsoleerd",
    "2 sociale contacten buiten de deur",
    "3 deelname georganiseerde activiteiten",
    "4 onbetaald werk",
    "5 betaald werk met ondersteuning",
    "6 betaald werk",
)
AGES = ("< 27 jaar", "27 – 44 jaar", "≥ 45 jaar", "Leeftijd onbekend")
GP = ("met_groeipotentieel", "zonder_groeipotentieel", "groeipotentieel_onbekend")
CATS = ("1A", "1B", "1C", "2A", "2B", "3A", "3B", "Categorie onbekend")
MARK = "x"


def add(*parts: Terms, sign: int = 1) -> Terms:
    out: Terms = {}
    for p in parts:
        for k, v in p.items():
            out[k] = out.get(k, 0) + sign * v
    return {k: v for k, v in out.items() if v}


def neg(t: Terms) -> Terms:
    return {k: -v for k, v in t.items()}


@dataclass
class Truth:
    """The real tables, counted naively from the client file (for targets and a sanity check)."""

    values: dict[str, int]
    peildata: list[pd.Timestamp]


def truth_of(df: pd.DataFrame) -> Truth:
    """Count every unknown of the attacker's model with plain pandas, one client at a time."""
    df = df.assign(_id=df["client"].str.lower())
    peil = sorted(df["peildatum"].unique())
    v: dict[str, int] = {}
    first, last = peil[0], peil[-1]
    for p, d in enumerate(peil):
        at = df[df["peildatum"] == d]
        for t in range(6):
            v[f"tr{t}_{p}"] = int((at["trede"] == t + 1).sum())
    at_first, at_end = df[df["peildatum"] == first], df[df["peildatum"] == last]
    start = dict(zip(at_first["_id"], at_first["trede"], strict=True))
    end = dict(zip(at_end["_id"], at_end["trede"], strict=True))
    for s in range(6):
        for e in range(6):
            v[f"bw{s}_{e}"] = 0
    if len(peil) > 1:
        for c in set(start) & set(end):
            v[f"bw{start[c] - 1}_{end[c] - 1}"] += 1
    ids = set(df["_id"])
    v["tuss"] = len(ids - set(start) - set(end)) if len(peil) > 2 else 0
    if "uitstroom" in df:
        v["werk"] = int(df[df["uitstroom"] == "werk"]["_id"].nunique())
    at_last = df[df["peildatum"] == last]
    if "leeftijd" in df:
        for a in range(4):
            for g in range(3):
                age = at_last["leeftijd"]
                in_age = [
                    age < 27,
                    (age >= 27) & (age < 45),
                    age >= 45,
                    age.isna(),
                ][a]
                if "groeipotentieel" in df:
                    gp = at_last["groeipotentieel"]
                    in_gp = [gp == "ja", gp == "nee", ~gp.isin(["ja", "nee"])][g]
                else:
                    in_gp = pd.Series([g == 2] * len(at_last), index=at_last.index)
                v[f"L{a}_{g}"] = int((in_age & in_gp).sum())
    if "categorie" in df:
        for c, name in enumerate(CATS):
            col = at_last["categorie"]
            v[f"K{c}"] = int((col == name).sum() if c < 7 else (~col.isin(CATS[:7])).sum())
    return Truth(v, list(peil))


@dataclass
class Model:
    """The attacker's knowledge: linear constraints over named integer unknowns ≥ 0."""

    cap: int
    constraints: list[tuple[Terms, float, float]] = field(default_factory=list)
    targets: list[tuple[str, Terms]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    definitions: list[tuple[str, Terms]] = field(default_factory=list)

    def known(self, terms: Terms, lo: float, hi: float) -> None:
        self.constraints.append((terms, lo, hi))

    def define(self, name: str, terms: Terms) -> Terms:
        """A named sum (short constraints keep the search fast): name = Σ terms, name ≥ 0."""
        self.known(add(terms, {name: -1}), 0, 0)
        self.definitions.append((name, terms))
        return {name: 1}


def _read(out: Path, name: str) -> list[dict[str, str]] | None:
    """A table's rows by column, the unit the open data puts at the end of a column's name
    left off (``totaal_aantal`` is ``totaal``, ``realisatie_procent`` is ``realisatie``)."""
    path = out / "tabellen" / f"{name}.csv"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [{re.sub(r"(?<=.)_(aantal|procent)$", "", k): v for k, v in r.items()} for r in rows]


def _withheld(html: str) -> tuple[set[str], set[str]]:
    """Tables (by caption) and rows (by label) the document says it left out."""
    tables = set(re.findall(r"De tabel ‘([^’]*)’ is om privacyredenen weggelaten", html))
    rows = set()
    pattern = r"Om privacyredenen weggelaten: de cijfers van de rij(?:en)? ([^<]*?) \(elke cel x\)"
    for names in re.findall(pattern, html):
        rows.update(unescape(n) for n in re.findall(r"‘([^’]*)’", names))  # "&lt; 27 jaar"
    return tables, rows


def model(out: Path, truth: Truth, has: set[str], n: int) -> Model:
    """Everything the published files say, as constraints; ``has`` names the optional input
    columns (leeftijd, groeipotentieel, categorie, uitstroom), which a reader sees anyway."""
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    all_left_out = "De tabellen van de participatieladder zijn om privacyredenen weggelaten" in html
    _, rows_left_out = _withheld(html)
    n_peil = len(truth.peildata)
    # Every count is at most the number of clients; a lower cap only makes the attacker find
    # fewer tables, so a search that still finds every value is all the more convincing.
    clients_total = sum(v for k, v in truth.values.items() if k.startswith("tr"))
    m = Model(cap=clients_total + 2 * n + 2)
    tr = [[{f"tr{t}_{p}": 1} for p in range(n_peil)] for t in range(6)]
    bw = [[{f"bw{s}_{e}": 1} for e in range(6)] for s in range(6)]
    last = n_peil - 1
    define = m.define
    rowsum = [define(f"R{s}", add(*bw[s])) for s in range(6)]
    colsum = [define(f"C{e}", add(*(bw[s][e] for s in range(6)))) for e in range(6)]
    tuss = {"tuss": 1} if n_peil > 2 else {}
    columns = [define(f"col{p}", add(*(tr[t][p] for t in range(6)))) for p in range(n_peil)]
    at_last = columns[last]
    if n_peil > 1:
        beide = define("beide", add(*rowsum))
        # uitgestroomd (ingestroomd) by trede: the trede's clients at the first (last) peildatum
        # not in the movement table; never negative
        uit_t = [define(f"U{t}", add(tr[t][0], neg(rowsum[t]))) for t in range(6)]
        in_t = [define(f"I{t}", add(tr[t][last], neg(colsum[t]))) for t in range(6)]
        uit, inn = define("uit", add(*uit_t)), define("inn", add(*in_t))
        clienten = define("clienten", add(beide, uit, inn, tuss))
    else:
        m.known({f"bw{s}_{e}": 1 for s in range(6) for e in range(6)}, 0, 0)
        beide, uit, inn = {}, {}, {}
        clienten = define("clienten", columns[0])
    if n_peil > 2:
        middle = columns[1:last]
        for col in middle:
            m.known(add(col, neg(clienten)), -float("inf"), 0)
        m.known(add(*middle, neg(tuss)), 0, float("inf"))
    else:
        m.known({"tuss": 1}, 0, 0)
    ages = [[{f"L{a}_{g}": 1} for g in range(3)] for a in range(4)]
    age_rows = [define(f"A{a}", add(*ages[a])) for a in range(4)]
    age_cols = [define(f"G{g}", add(*(ages[a][g] for a in range(4)))) for g in range(3)]
    age_total = define("Atot", add(*age_rows))
    if "leeftijd" in has:
        m.known(add(age_total, neg(at_last)), 0, 0)
        if "groeipotentieel" not in has:
            m.known(add(age_cols[0], age_cols[1]), 0, 0)
    cats = [{f"K{c}": 1} for c in range(8)]
    subtotals = [define("Kre", add(*cats[:3])), define("Kpa", add(*cats[3:7]))]
    cat_total = define("Ktot", add(*subtotals, cats[7]))
    if "categorie" in has:
        m.known(add(cat_total, neg(at_last)), 0, 0)
    werk = {"werk": 1}
    if "uitstroom" in has:
        m.known(add(werk, neg(clienten)), -float("inf"), 0)
    up = [define(f"S{s}", add(*(bw[s][e] for e in range(s + 1, 6)))) for s in range(6)]
    down = [define(f"D{s}", add(*(bw[s][e] for e in range(s)))) for s in range(6)]
    same = [bw[s][s] for s in range(6)]
    kinds = {
        "stijgers": (up, define("Stot", add(*up))),
        "gelijk": (same, define("Gtot", add(*same))),
        "dalers": (down, define("Dtot", add(*down))),
    }

    def count_cell(text: str, terms: Terms, where: str) -> None:
        if text == MARK:
            m.known(terms, 1, float("inf"))
        elif text == "":
            m.problems.append(f"{where}: empty count")
        else:
            value = float(text)
            m.known(terms, value, value)

    def share_cell(text: str, num: tuple[str, Terms], den: tuple[str, Terms], where: str) -> None:
        if text == "":
            m.known(den[1], 0, 0)  # "no data": the denominator is 0
        elif text == MARK:
            m.known(den[1], 1, float("inf"))
        elif MARK in (num[0], den[0]) or "" in (num[0], den[0]):
            # a rounded percentage of a count not printed beside it: an interval on num / den
            decimals = len(text.split(".")[1]) if "." in text else 0
            scale = 2 * 10**decimals  # p − ½·10⁻ᵈ ≤ 100·num/den < p + ½·10⁻ᵈ, in integers
            p = round(float(text) * scale)
            m.known(
                add(
                    {v: 100 * scale * c for v, c in num[1].items()},
                    {v: -(p - 1) * c for v, c in den[1].items()},
                ),
                0,
                float("inf"),
            )
            m.known(
                add(
                    {v: 100 * scale * c for v, c in num[1].items()},
                    {v: -(p + 1) * c for v, c in den[1].items()},
                ),
                -float("inf"),
                -1,
            )

    tables: dict[str, dict[str, dict[str, str]]] = {}
    for name in (
        "ladder_treden",
        "ladder_beweging",
        "ladder_beweging_pct",
        "ladder_stijgers",
        "ladder_leeftijd",
        "ladder_categorie",
        "ladder_uitstroom",
        "ladder_prestatieafspraken",
    ):
        rows = _read(out, name)
        if rows is not None:
            tables[name] = {r["omschrijving"]: r for r in rows}

    # the cells each table would print, as terms: (table, row label, column key) → terms
    cells: dict[tuple[str, str, str], Terms] = {}
    dates = [d.date().isoformat() for d in truth.peildata]
    for t in range(7):
        label = "Totaal" if t == 6 else TREDE_LABELS[t]
        for p, key in enumerate(dates):
            cells["ladder_treden", label, key] = columns[p] if t == 6 else tr[t][p]
    if n_peil > 1:
        for a in range(7):
            label = "Totaal" if a == 6 else TREDE_LABELS[a]
            for e in range(7):
                key = "totaal" if e == 6 else f"naar_{e + 1}"
                if a == 6:
                    cell = beide if e == 6 else colsum[e]
                else:
                    cell = rowsum[a] if e == 6 else bw[a][e]
                cells["ladder_beweging", label, key] = cell
            for kind, (per_row, total) in kinds.items():
                cells["ladder_stijgers", label, kind] = total if a == 6 else per_row[a]
            cells["ladder_stijgers", label, "totaal"] = beide if a == 6 else rowsum[a]
    if "leeftijd" in has:
        for a in range(5):
            label = "Totaal" if a == 4 else AGES[a]
            cells["ladder_leeftijd", label, "aantal"] = age_total if a == 4 else age_rows[a]
            for g, key in enumerate(GP):
                cells["ladder_leeftijd", label, key] = age_cols[g] if a == 4 else ages[a][g]
    if "categorie" in has:
        for c in range(8):
            label = next(
                (lb for lb in tables.get("ladder_categorie", {}) if lb.startswith(CATS[c])),
                CATS[c],
            )
            cells["ladder_categorie", label, "aantal"] = cats[c]
        cells["ladder_categorie", "Subtotaal Re-integratie", "aantal"] = subtotals[0]
        cells["ladder_categorie", "Subtotaal Participatie", "aantal"] = subtotals[1]
        cells["ladder_categorie", "Totaal", "aantal"] = cat_total
    uit_labels = {"Op ": beide, "Uitgestroomd: ": uit, "Ingestroomd: ": inn, "Alleen op ": tuss}
    for prefix, terms in uit_labels.items():
        if n_peil > 1 and (prefix != "Alleen op " or n_peil > 2):
            cells["ladder_uitstroom", prefix, "aantal"] = terms
    cells["ladder_uitstroom", "Totaal unieke cliënten", "aantal"] = clienten
    if "uitstroom" in has:
        cells["ladder_uitstroom", "Uitgestroomd naar werk", "aantal"] = werk
    afspraken = {
        "Cliënten op trede 3 of 4": (
            define("behoud", add(up[2], same[2], up[3], same[3])),
            define("noemer34", add(rowsum[2], rowsum[3])),
        ),
        "Cliënten die ten minste": (kinds["stijgers"][1], beide),
        "Cliënten die zijn uitgestroomd": (werk, clienten),
    }
    for prefix, (teller, noemer) in afspraken.items():
        cells["ladder_prestatieafspraken", prefix, "teller"] = teller
        cells["ladder_prestatieafspraken", prefix, "noemer"] = noemer

    def lookup(table: str, label: str) -> dict[str, str] | None:
        """A row as printed; a row left out (every cell x) says nothing about its figures."""
        rows = tables.get(table, {})
        return next(
            (r for lb, r in rows.items() if lb.startswith(label) and lb not in rows_left_out),
            None,
        )

    # what the files print
    for (table, label, key), terms in cells.items():
        row = lookup(table, label)
        if row is None or key not in row:
            continue
        if table == "ladder_prestatieafspraken" and (
            (key == "teller" and label != "Cliënten die zijn uitgestroomd" and n_peil == 1)
            or row[key] == ""
        ):
            continue
        count_cell(row[key], terms, f"{table}: {label}: {key}")
    shares = []
    if n_peil > 1:
        for label in (*TREDE_LABELS, "Totaal"):
            for key in [f"naar_{e}" for e in range(1, 7)] + ["totaal"]:
                shares.append(
                    (
                        "ladder_beweging_pct",
                        label,
                        key,
                        ("ladder_beweging", label, key),
                        ("ladder_beweging", label, "totaal"),
                    )
                )
            for part in ("stijgers", "gelijk", "dalers"):
                shares.append(
                    (
                        "ladder_stijgers",
                        label,
                        f"pct_{part}",
                        ("ladder_stijgers", label, part),
                        ("ladder_stijgers", label, "totaal"),
                    )
                )
    for table, label, key, num, den in shares:
        row = lookup(table, label)
        if row is None or key not in row:
            continue
        numrow, denrow = lookup(*num[:2]), lookup(*den[:2])
        share_cell(
            row[key],
            ("" if numrow is None else numrow[num[2]], cells[num]),
            ("" if denrow is None else denrow[den[2]], cells[den]),
            f"{table}: {label}: {key}",
        )
    for table, total in (
        ("ladder_categorie", ("ladder_categorie", "Totaal", "aantal")),
        ("ladder_uitstroom", ("ladder_uitstroom", "Totaal unieke cliënten", "aantal")),
    ):
        for (t, label, key), terms in cells.items():
            row = lookup(t, label)
            if t != table or row is None:
                continue
            totalrow = lookup(*total[:2])
            share_cell(
                row.get("percentage", ""),
                (row[key], terms),
                ("" if totalrow is None else totalrow["aantal"], cells[total]),
                f"{t}: {label}",
            )
    for prefix in afspraken:
        row = lookup("ladder_prestatieafspraken", prefix)
        if row is None or row["realisatie"] in ("", MARK):
            continue
        if MARK in (row["teller"], row["noemer"]) or row["gehaald"] == MARK:
            m.problems.append(f"prestatieafspraak {prefix}: realisatie beside a hidden count")
    # rows and columns shown only when they occur
    if "leeftijd" in has and "ladder_leeftijd" in tables:
        onbekend = "Leeftijd onbekend"
        if onbekend in tables["ladder_leeftijd"] or onbekend in rows_left_out:
            m.known(cells["ladder_leeftijd", onbekend, "aantal"], 1, float("inf"))
        else:
            m.known(cells["ladder_leeftijd", onbekend, "aantal"], 0, 0)
        if "groeipotentieel" in has and tables["ladder_leeftijd"]:
            anyrow = next(iter(tables["ladder_leeftijd"].values()))
            col = cells["ladder_leeftijd", "Totaal", "groeipotentieel_onbekend"]
            m.known(col, 1, float("inf")) if "groeipotentieel_onbekend" in anyrow else m.known(
                col, 0, 0
            )
    if "categorie" in has and "ladder_categorie" in tables:
        onbekend_k = cats[7]
        shown = (
            "Categorie onbekend" in tables["ladder_categorie"]
            or "Categorie onbekend" in rows_left_out
        )
        m.known(onbekend_k, 1, float("inf")) if shown else m.known(onbekend_k, 0, 0)
    # targets: every cell of every table that is really 1 … n − 1
    for (table, label, key), terms in cells.items():
        m.targets.append((f"{table}: {label}: {key}", terms))
    if all_left_out:
        m.problems.append("everything left out")  # not a leak: reported for the caller's count
    return m


class GaveUp(Exception):
    """The search exceeded its node budget (the test then cannot vouch for the promise)."""


class Search:
    """Exhaustive depth-first search with interval propagation over the attacker's model."""

    def __init__(self, m: Model, hint: dict[str, int], budget: int = 200000) -> None:
        self.m = m
        self.hint = hint
        self.budget = budget
        self.names = sorted({v for terms, _, _ in m.constraints for v in terms} | set(hint))
        self.watch: dict[str, list[int]] = {v: [] for v in self.names}
        for i, (terms, _, _) in enumerate(m.constraints):
            for v in terms:
                self.watch[v].append(i)
        self.lo = {v: 0 for v in self.names}
        self.hi = {v: m.cap for v in self.names}
        self.consistent = self._propagate(
            m.constraints, self.lo, self.hi, range(len(m.constraints))
        )

    def _propagate(self, cons, lo, hi, queue) -> bool:  # type: ignore[no-untyped-def]
        pending = list(queue)
        queued = set(pending)
        steps = 20 * len(cons)  # bounds can creep down one by one: stop early, decide at leaves
        while pending and steps:
            steps -= 1
            i = pending.pop()
            queued.discard(i)
            terms, clo, chi = cons[i]
            mins = sum(c * (lo[v] if c > 0 else hi[v]) for v, c in terms.items())
            maxs = sum(c * (hi[v] if c > 0 else lo[v]) for v, c in terms.items())
            if mins > chi or maxs < clo:
                return False
            for v, c in terms.items():
                rest_min = mins - c * (lo[v] if c > 0 else hi[v])
                rest_max = maxs - c * (hi[v] if c > 0 else lo[v])
                new_lo, new_hi = lo[v], hi[v]
                if c > 0:
                    if chi != float("inf"):
                        new_hi = min(new_hi, int((chi - rest_min) // c))
                    if clo != -float("inf"):
                        new_lo = max(new_lo, -int((rest_max - clo) // c))
                else:
                    if clo != -float("inf"):
                        new_hi = min(new_hi, int((rest_max - clo) // -c))
                    if chi != float("inf"):
                        new_lo = max(new_lo, -int((chi - rest_min) // -c))
                if new_lo > new_hi:
                    return False
                if (new_lo, new_hi) != (lo[v], hi[v]):
                    lo[v], hi[v] = new_lo, new_hi
                    for j in self.watch.get(v, ()):
                        if j not in queued and j < len(self.m.constraints):
                            queued.add(j)
                            pending.append(j)
        return True

    def find(self, terms: Terms, k: int) -> dict[str, int] | None:
        """A full assignment with Σ terms = k, or None when there is none.

        Limited discrepancy search: solutions close to the hint are tried first (each value
        off the hint costs one discrepancy), with ever larger allowances; the last round
        allows any number, so the search is exhaustive, within a budget of nodes.
        """
        if not self.consistent:
            return None
        cons = [*self.m.constraints, (terms, k, k)]
        extra = len(cons) - 1
        first = set(terms)
        nodes = [0]

        def search(
            lo: dict[str, int], hi: dict[str, int], queue: list[int], allowance: int
        ) -> dict[str, int] | None:
            nodes[0] += 1
            if nodes[0] > self.budget:
                raise GaveUp
            if not self._propagate(cons, lo, hi, queue) or not _holds(cons[extra], lo, hi):
                return None
            open_ = [v for v in self.names if lo[v] < hi[v]]
            if not open_:
                ok = all(clo <= value(t, lo) <= chi for t, clo, chi in cons)
                return dict(lo) if ok else None
            v = min(open_, key=lambda v: (v not in first, hi[v] - lo[v], v))
            for rank, choice in enumerate(_order(lo[v], hi[v], self.hint.get(v, lo[v]))):
                if rank and allowance == 0:
                    break
                lo2, hi2 = dict(lo), dict(hi)
                lo2[v] = hi2[v] = choice
                found = search(lo2, hi2, [*self.watch[v], extra], allowance - (1 if rank else 0))
                if found is not None:
                    return found
            return None

        for allowance in (*range(0, 8), 10**9):
            found = search(dict(self.lo), dict(self.hi), [extra], allowance)
            if found is not None:
                return found
        return None


def _holds(con: tuple[Terms, float, float], lo: dict[str, int], hi: dict[str, int]) -> bool:
    terms, clo, chi = con
    mins = sum(c * (lo[v] if c > 0 else hi[v]) for v, c in terms.items())
    maxs = sum(c * (hi[v] if c > 0 else lo[v]) for v, c in terms.items())
    return mins <= chi and maxs >= clo


def _order(lo: int, hi: int, near: int) -> Iterator[int]:
    """Values from lo to hi, nearest to ``near`` first (only speeds the search up)."""
    near = min(max(near, lo), hi)
    yield near
    for d in range(1, hi - lo + 1):
        for value in (near - d, near + d):
            if lo <= value <= hi:
                yield value


def value(terms: Terms, values: dict[str, int]) -> int:
    return sum(c * values.get(v, 0) for v, c in terms.items())


def attack(out: Path, df: pd.DataFrame, n: int) -> dict[str, list[int]]:
    """For every count that is really 1 … n − 1: the values from 1 … n − 1 ruled out."""
    truth = truth_of(df)
    has = {c for c in ("leeftijd", "groeipotentieel", "categorie", "uitstroom") if c in df}
    m = model(out, truth, has, n)
    for name, terms in m.definitions:  # the named sums, in the real file
        truth.values[name] = value(terms, truth.values)
    problems = [p for p in m.problems if p != "everything left out"]
    assert not problems, problems
    for terms, lo, hi in m.constraints:  # the published files must agree with the truth
        assert lo <= value(terms, truth.values) <= hi, (terms, lo, hi)
    search = Search(m, truth.values)
    targets = [(name, terms) for name, terms in m.targets if 1 <= value(terms, truth.values) < n]
    seen = {(name, value(terms, truth.values)) for name, terms in targets}
    ruled_out: dict[str, list[int]] = {}
    for name, terms in targets:
        for k in range(1, n):
            if (name, k) in seen:
                continue
            found = search.find(terms, k)
            if found is None:
                ruled_out.setdefault(name, []).append(k)
                continue
            seen.update((other, value(t, found)) for other, t in targets)
    return ruled_out
