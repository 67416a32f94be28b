"""A problem of ``check`` as the werkplek shows it: named by the rapport's own paths
(``teksten/x.md:3: …``, never the worker's folder) and as JSON with its parts and its whole
line."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jaarverslag.core.errors import Problem


def problem_json(problem: Problem) -> dict[str, Any]:
    """A message as the API gives it: its parts, and the whole line as ``check`` prints it."""
    return {
        "bestand": problem.file,
        "regel": problem.line,
        "kolom": problem.column,
        "melding": problem.message,
        "ernst": "waarschuwing" if problem.severity == "warning" else "fout",
        "tekst": str(problem),
    }


def relative(problems: Sequence[Problem], folder: Path, name: str) -> list[Problem]:
    """The problems with the work folder left out of their file names."""
    prefix = str(folder) + os.sep
    found = []
    for problem in problems:
        shown = problem.file
        if shown == str(folder):
            shown = name
        elif shown.startswith(prefix):
            shown = shown[len(prefix) :]
        found.append(dataclasses.replace(problem, file=shown))
    return found
