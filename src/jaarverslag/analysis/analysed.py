"""What stage 2 gives: a rapport analysed (:class:`Analysis`) and its sections as they will be
printed (:class:`PlannedSection`), made by :mod:`.analyse` and read by every document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jaarverslag.analysis.prose import Figures
from jaarverslag.analysis.references import Reference
from jaarverslag.core.errors import Problem
from jaarverslag.core.model import BlockResult
from jaarverslag.inputs.config.load import Config, SectieSpec
from jaarverslag.inputs.folder import Inputs
from jaarverslag.inputs.reeks import Reeks


@dataclass(frozen=True)
class PlannedSection:
    """A section as it will be printed: its spec, its text rendered (a first ``#`` heading
    that repeats the title left out), the author's own conclusion beside it, if any."""

    spec: SectieSpec
    prose: str | None = None
    conclusie: str | None = None
    prints_conclusions: bool = False
    #: The references to tables and figures in its texts (``[@tabel-kosten]``).
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class Analysis:
    """A rapport analysed: what every document of it is made from."""

    inputs: Inputs
    sections: tuple[PlannedSection, ...]
    results: Mapping[str, BlockResult]
    figures: Figures
    warnings: tuple[Problem, ...] = ()
    #: The warnings of reading the inputs (stage 1), a part of ``warnings``.
    read: tuple[Problem, ...] = ()
    #: A reeks: each gemeente's analysis once made, by slug (see :func:`gemeente_analysis`).
    memo: dict[str, Analysis] = field(default_factory=dict, compare=False, repr=False)
    #: The problems of each data file's own check (:data:`~.blocks.CHECKS`), by data file: what
    #: a rebuild from the same data takes as it is.
    checked: Mapping[str, tuple[Problem, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def reeks(self) -> Reeks | None:
        """The reeks, when this is the national analysis of one (no document of its own)."""
        return self.inputs.reeks if self.inputs.gemeente is None else None

    @property
    def folder(self) -> Path:
        return self.inputs.folder

    @property
    def name(self) -> str:
        return self.inputs.name

    @property
    def config(self) -> Config:
        return self.inputs.config

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        return self.inputs.frames
