"""The national checks of a reeks, done once for the whole file before any document is made.

``Nederland``'s rows hold national totals: each is checked against the sum of the gemeenten
(the same severity as ``totaalcontrole``), and a post the gemeenten have that Nederland lacks
is reported too; Nederland's inwoners in ``gemeenten.csv`` likewise. In indicatoren Nederland's
rows are national figures no document prints: a warning says so. Posts with a ``code`` are
checked over the whole file (one name per code and year).
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from jaarverslag.compute.bedragen import PRECISION, plain, total_kind
from jaarverslag.compute.codes import by_code, code_problems, latest_names
from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import Severity
from jaarverslag.core.numbers import format_number, format_value
from jaarverslag.inputs.folder import Inputs
from jaarverslag.inputs.reeks import Reeks, is_nederland
from jaarverslag.inputs.tables.raw import LINE

KEYS = ["post", "soort", "jaar", "stand"]


def reeks_problems(inputs: Inputs) -> list[Problem]:
    """Every national problem of a reeks: codes, Nederland's totals, its inwoners."""
    reeks = inputs.reeks
    if reeks is None:
        return []
    problems: list[Problem] = []
    severity = inputs.config.totaalcontrole
    if "kosten" in reeks.files:
        file = inputs.display("kosten")
        found = code_problems(reeks.national["kosten"], file)
        problems += found
        if not found:
            problems += nederland_problems(reeks, file, severity)
    if "gemeenten" in inputs.frames and reeks.inwoners_nederland is not None:
        problems += _inwoners_problems(reeks, inputs.display("gemeenten"), severity)
    if "indicatoren" in reeks.files and not reeks.nederland["indicatoren"].empty:
        rows = len(reeks.nederland["indicatoren"])
        message = (
            f"de {rows} regels van Nederland worden niet gebruikt: Nederland krijgt geen "
            "document, en indicatoren tellen niet op tot een landelijk totaal"
        )
        problems.append(
            Problem(inputs.display("indicatoren"), None, "gemeente", message, "warning")
        )
    return problems


def nederland_problems(reeks: Reeks, file: str, severity: Severity) -> list[Problem]:
    """Nederland's kosten rows against the sum of the gemeenten, post by post (by code)."""
    national = reeks.national["kosten"]
    ned = reeks.nederland["kosten"]
    if ned.empty:
        return []
    names = latest_names(national)
    rest, _ = by_code(national.loc[~is_nederland(national["gemeente"])], names)
    ned, _ = by_code(ned, names)
    sums = rest.groupby(KEYS, sort=False)["bedrag"].sum(min_count=1).round(PRECISION)
    wanted = pd.MultiIndex.from_frame(ned[KEYS])
    expected = sums.reindex(wanted).to_numpy(dtype=float)
    stated = ned["bedrag"].to_numpy(dtype=float).round(PRECISION)
    bad = ~np.isnan(stated) & (np.isnan(expected) | (stated != expected))
    problems = [
        Problem(
            file,
            int(line),
            "bedrag",
            f"Nederland ({_what(post, soort, jaar, stand)}) is {format_number(plain(x))}, "
            + (
                f"maar de som van de gemeenten is {format_number(plain(y))}"
                if not np.isnan(y)
                else "maar geen gemeente heeft deze post"
            ),
            severity,
        )
        for line, post, soort, jaar, stand, x, y in zip(
            ned[LINE].to_numpy()[bad],
            ned["post"].to_numpy()[bad],
            ned["soort"].to_numpy()[bad],
            ned["jaar"].to_numpy()[bad],
            ned["stand"].to_numpy()[bad],
            stated[bad],
            expected[bad],
            strict=True,
        )
    ]
    kind = total_kind(sums.index.get_level_values("post").to_series(), resultaat=True)
    lacking = sums.loc[~sums.index.isin(wanted) & sums.notna().to_numpy() & (kind == "").to_numpy()]
    problems += [
        Problem(
            file,
            None,
            "gemeente",
            f"Nederland heeft geen regel voor {_what(*cast(tuple[object, ...], where))}; "
            "de som van de gemeenten is "
            f"{format_number(plain(total))}",
            severity,
        )
        for where, total in zip(lacking.index, lacking.to_numpy(), strict=True)
    ]
    return problems


def _what(post: object, soort: object, jaar: object, stand: object) -> str:
    label = str(stand).replace("_", " ")
    return f"{post}, {soort}, {label} {format_value(int(str(jaar)), 'jaar')}"


def _inwoners_problems(reeks: Reeks, file: str, severity: Severity) -> list[Problem]:
    """Nederland's inwoners in gemeenten.csv against the sum of those of the gemeenten."""
    assert reeks.inwoners_nederland is not None
    stated, line = reeks.inwoners_nederland
    counts = [g.inwoners for g in reeks.gemeenten]
    if any(c is None for c in counts):
        return []  # a gemeente without a row: reported as such
    total = sum(c for c in counts if c is not None)
    if total == stated:
        return []
    message = (
        f"Nederland heeft {format_number(stated)} inwoners, maar de som van de "
        f"{len(counts)} gemeenten is {format_number(total)}"
    )
    return [Problem(file, line, "inwoners", message, severity)]
