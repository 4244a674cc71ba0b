"""OR-Tools through `pywraplp`: GLOP for LPs, CP-SAT for MIPs.

CP-SAT runs on one worker; its effort limit is *deterministic* (`max_deterministic_time`), so the same model gives
the same answer under any machine load, while a time limit is wall seconds (`max_time_in_seconds`), as for HiGHS.
`model_builder` with the HiGHS solver is deliberately not used: with highspy and PuLP loaded in one process it
crashed.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from importlib.util import find_spec
from typing import Any

import numpy as np

from allocate.backends.base import BackendError, FloatArray, LinearProgram, Solution, SolveStatus, no_solution


class OrtoolsBackend:
    """LP with GLOP and MIP with CP-SAT (one worker, deterministic time)."""

    name = "ortools"
    install = "pip install ortools"

    def is_available(self) -> bool:
        """Whether ortools is installed."""
        return find_spec("ortools") is not None

    def version(self) -> str:
        """ortools' version."""
        try:
            return dist_version("ortools")
        except PackageNotFoundError:
            return "unknown"

    def solve(
        self,
        lp: LinearProgram,
        time_limit: float | None = None,
        *,
        start: FloatArray | None = None,
        effort: int | None = None,
    ) -> Solution:
        """Build the model row by row in pywraplp and solve it; `start` becomes CP-SAT's hint."""
        from ortools.linear_solver import pywraplp

        solver: Any = pywraplp.Solver.CreateSolver("SAT" if lp.is_mip else "GLOP")
        if solver is None:
            raise BackendError("OR-Tools could not create its solver")
        inf = solver.infinity()
        xs = [
            (solver.IntVar if integer else solver.NumVar)(float(lo), float(up) if np.isfinite(up) else inf, f"x{j}")
            for j, (lo, up, integer) in enumerate(
                zip(lp.col_lower.tolist(), lp.col_upper.tolist(), lp.integer.tolist(), strict=True)
            )
        ]
        cons = [
            solver.RowConstraint(float(lo) if np.isfinite(lo) else -inf, float(up) if np.isfinite(up) else inf, "")
            for lo, up in zip(lp.row_lower.tolist(), lp.row_upper.tolist(), strict=True)
        ]
        for r, c, v in zip(lp.rows.tolist(), lp.cols.tolist(), lp.vals.tolist(), strict=True):
            cons[r].SetCoefficient(xs[c], v)
        objective = solver.Objective()
        for j, v in enumerate(lp.objective.tolist()):
            if v:
                objective.SetCoefficient(xs[j], v)
        objective.SetMaximization()
        if lp.is_mip:
            # `effort` is deterministic (1000 nodes' worth a deterministic second); a time limit is wall seconds
            det = 1e9 if effort is None else effort / 1000
            wall = 1e9 if time_limit is None else time_limit
            solver.SetSolverSpecificParametersAsString(
                f"num_workers:1 max_deterministic_time:{det} max_time_in_seconds:{wall} random_seed:0 "
                "relative_gap_limit:0 absolute_gap_limit:0"
            )
            if start is not None:
                solver.SetHint(xs, np.asarray(start, np.float64).tolist())
        elif time_limit is not None:
            solver.SetTimeLimit(int(time_limit * 1000))
        code = solver.Solve()
        if code == pywraplp.Solver.OPTIMAL:
            st = SolveStatus.OPTIMAL
        elif code == pywraplp.Solver.FEASIBLE:
            st = SolveStatus.FEASIBLE
        elif code == pywraplp.Solver.NOT_SOLVED:
            return no_solution()
        else:
            raise BackendError(f"OR-Tools returned status {code} on a model that should be solvable")
        x = np.asarray([v.solution_value() for v in xs], dtype=np.float64)
        obj = float(objective.Value())
        bound = float(objective.BestBound()) if lp.is_mip and st is SolveStatus.FEASIBLE else obj
        return Solution(status=st, x=x, objective=obj, bound=bound)
