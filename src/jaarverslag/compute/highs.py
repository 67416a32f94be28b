"""A small linear or mixed-integer program, built row by row and solved by HiGHS.

``highspy`` imports in about 10 ms (scipy.optimize takes 0.25 s), which matters on every build
that prints client counts. The solver itself comes from :mod:`.highs_solver` (quiet on stdout).
"""

from __future__ import annotations

import numpy as np

from jaarverslag.compute.ladder_layout import Relation


class Program:
    """Columns with bounds, costs and integrality; rows lo ≤ coefs · x ≤ hi; minimised."""

    def __init__(self) -> None:
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.cost: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.width = 0
        self.starts: list[int] = [0]
        self.index: list[np.ndarray] = []
        self.value: list[np.ndarray] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []

    def add_cols(
        self, lower: np.ndarray, upper: np.ndarray, cost: np.ndarray, integer: bool
    ) -> int:
        first = self.width
        self.lower.append(np.asarray(lower, dtype=np.float64))
        self.upper.append(np.asarray(upper, dtype=np.float64))
        self.cost.append(np.asarray(cost, dtype=np.float64))
        self.integer.append(np.full(len(lower), integer))
        self.width += len(lower)
        return first

    def add_row(self, coefs: np.ndarray, lo: float, hi: float) -> None:
        nz = np.flatnonzero(coefs)
        self.index.append(nz.astype(np.int32))
        self.value.append(np.asarray(coefs, dtype=np.float64)[nz])
        self.starts.append(self.starts[-1] + len(nz))
        self.row_lower.append(float(lo))
        self.row_upper.append(float(hi))

    def solve(self) -> np.ndarray | None:
        import highspy  # only when a program is solved: a build without clienten never pays

        from jaarverslag.compute.highs_solver import quiet_solver

        lp = highspy.HighsLp()
        lp.num_col_ = self.width
        lp.num_row_ = len(self.row_lower)
        lp.col_cost_ = np.concatenate(self.cost)
        lp.col_lower_ = np.concatenate(self.lower)
        lp.col_upper_ = np.concatenate(self.upper)
        lp.row_lower_ = np.array(self.row_lower)
        lp.row_upper_ = np.array(self.row_upper)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_ = self.width
        lp.a_matrix_.num_row_ = len(self.row_lower)
        lp.a_matrix_.start_ = np.array(self.starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.concatenate(self.index) if self.index else np.zeros(0, np.int32)
        lp.a_matrix_.value_ = np.concatenate(self.value) if self.value else np.zeros(0)
        kinds = np.concatenate(self.integer)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in kinds
        ]
        solver = quiet_solver()
        solver.passModel(lp)
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.array(solver.getSolution().col_value)


def pad(row: np.ndarray, width: int) -> np.ndarray:
    """``row`` widened with zeros to ``width`` columns."""
    out = np.zeros(width)
    out[: len(row)] = row
    return out


def relation_row(rel: Relation, width: int) -> np.ndarray:
    """A :class:`Relation` as a row of ``width`` coefficients."""
    row = np.zeros(width)
    for i, c in rel.terms:
        row[i] += c
    return row
