"""highspy's private solver class is still there and still solves (compute/highs_solver.py)."""

from __future__ import annotations

import numpy as np

from jaarverslag.compute.highs import Program
from jaarverslag.compute.highs_solver import quiet_solver


def test_the_private_solver_class_exists() -> None:
    from highspy import _core

    assert hasattr(_core, "_Highs"), "highspy renamed _Highs: update compute/highs_solver.py"
    assert quiet_solver().getOptionValue("output_flag")[1] is False


def test_it_solves_a_small_integer_program_quietly(capfd) -> None:  # type: ignore[no-untyped-def]
    program = Program()
    program.add_cols(np.zeros(2), np.array([10.0, 10.0]), np.array([-1.0, -1.0]), integer=True)
    program.add_row(np.array([2.0, 3.0]), -np.inf, 12.5)  # 2x + 3y ≤ 12.5: x + y at most 6
    solution = program.solve()
    assert solution is not None and round(solution.sum()) == 6
    assert capfd.readouterr().out == ""
