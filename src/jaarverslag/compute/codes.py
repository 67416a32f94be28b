"""Posts that keep their ``code`` when their name changes (Iv3 taakveld 6.4 is *Begeleide
participatie* in 2024 and *WSW en beschut werk* in 2025).

With a ``code`` column a post is its code: every row of a code is printed under the name of the
latest year that has it, and a footnote gives the earlier name(s) with their years. A row
without a code is matched by its name, as in a file without the column. One code has one name
in a year, and two posts never end up with one name: both are errors at their lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

import pandas as pd

from jaarverslag.core.errors import Problem
from jaarverslag.core.numbers import format_value
from jaarverslag.inputs.tables.raw import LINE

CODE = "code"
MAX_REPORTED = 10

#: latest name → ((earlier name, its years), …): what a post's footnote says
Renamed = dict[str, tuple[tuple[str, tuple[int, ...]], ...]]


def has_codes(frame: pd.DataFrame) -> bool:
    return CODE in frame.columns and bool(frame[CODE].notna().any())


def latest_names(frame: pd.DataFrame) -> dict[str, str]:
    """Per code, the name of the latest year that has it (the first line of that year)."""
    if not has_codes(frame):
        return {}
    coded = frame.loc[frame[CODE].notna()]
    latest = coded.sort_values(["jaar", LINE], ascending=[False, True], kind="stable")
    first = latest.drop_duplicates(CODE)
    return dict(zip(first[CODE].astype(str), first["post"].astype(str), strict=True))


def by_code(
    frame: pd.DataFrame, names: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, Renamed]:
    """The rows with each coded post under its latest name (``names``: code → name, from the
    whole national file in a reeks; else from ``frame``), and the earlier names per post."""
    if not has_codes(frame):
        return frame, {}
    names = latest_names(frame) if names is None else names
    coded = frame[CODE].notna()
    latest = frame[CODE].map(dict(names))
    latest = latest.where(coded & latest.notna(), frame["post"]).astype(object)
    changed = frame.loc[latest != frame["post"]].assign(_naam=latest)
    renamed: Renamed = {}
    if not changed.empty:
        groups = changed.groupby(["_naam", "post"], sort=False)["jaar"]
        for group, jaren in groups:  # the few renamed posts, not data rows
            name, old = (str(part) for part in cast(tuple[object, object], group))
            when = tuple(sorted({int(y) for y in jaren.to_numpy()}))
            renamed[name] = (*renamed.get(name, ()), (old, when))
    return frame.assign(post=latest), renamed


def footnote(earlier: tuple[tuple[str, tuple[int, ...]], ...]) -> str:
    """``In 2024 heette deze post ‘6.4 Begeleide participatie’.``"""
    parts = [f"in {_years(when)} ‘{old}’" for old, when in earlier]
    text = " en ".join(parts)
    return f"Deze post heette {text}."


def _years(years: tuple[int, ...]) -> str:
    shown = [format_value(y, "jaar") for y in years]
    return ", ".join(shown[:-1]) + " en " + shown[-1] if len(shown) > 1 else shown[0]


def code_problems(frame: pd.DataFrame, file: str) -> list[Problem]:
    """A code with two names in one year, and two posts that would print under one name."""
    if not has_codes(frame):
        return []
    problems: list[Problem] = []
    coded = frame.loc[frame[CODE].notna()].sort_values(LINE, kind="stable")
    names = coded.drop_duplicates([CODE, "jaar", "post"])
    first = names.groupby([CODE, "jaar"], sort=False)["post"].transform("first")
    first_line = names.groupby([CODE, "jaar"], sort=False)[LINE].transform("first")
    other = names.loc[names["post"] != first]
    problems += [
        Problem(
            file,
            int(line),
            "post",
            f"code {code} heet in {format_value(jaar, 'jaar')} al ‘{was}’ (regel {int(at)}); "
            "één code heeft één naam per jaar",
        )
        for line, code, jaar, was, at in zip(
            other[LINE],
            other[CODE],
            other["jaar"],
            first[other.index],
            first_line[other.index],
            strict=True,
        )
    ]
    mapped, _ = by_code(frame)
    identity = frame[CODE].where(frame[CODE].notna(), "naam:" + frame["post"].str.lower())
    seen = pd.DataFrame({"post": mapped["post"], "id": identity, LINE: frame[LINE]})
    seen = seen.sort_values(LINE, kind="stable").drop_duplicates(["post", "id"])
    clash = seen.loc[seen.duplicated("post", keep="first")]
    problems += [
        Problem(
            file,
            int(line),
            "code",
            f"‘{post}’ is ook de naam van een andere post (code of naam); "
            "twee posten kunnen niet onder één naam staan",
        )
        for line, post in zip(clash[LINE], clash["post"], strict=True)
    ]
    return _bounded(problems, file)


def _bounded(problems: list[Problem], file: str) -> list[Problem]:
    if len(problems) <= MAX_REPORTED:
        return problems
    rest = len(problems) - MAX_REPORTED
    return [
        *problems[:MAX_REPORTED],
        Problem(file, None, CODE, f"nog {rest} regels met codefouten"),
    ]
