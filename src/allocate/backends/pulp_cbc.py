"""PuLP with its bundled CBC, for users who know it.

PuLP reports "Optimal" after a CBC time-out that found a solution; the solution status (`sol_status`) is what
tells a proven optimum from an incumbent, so it is what this backend reads.
"""

from __future__ import annotations

import warnings
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from importlib.util import find_spec
from typing import Any

import numpy as np

from allocate.backends.base import BackendError, FloatArray, LinearProgram, Solution, SolveStatus, no_solution

SUPPORTED = ((3, 3, 1), (4,))
"""PuLP versions this backend runs on: at least the first, below the second (as in pyproject's `pulp` extra)."""


def _supported(version: str) -> bool:
    """Whether PuLP `version` (e.g. "3.3.2") is within `SUPPORTED`; an unreadable version is not."""
    try:
        parts = tuple(int(p) for p in version.split(".")[:3])
    except ValueError:
        return False
    return SUPPORTED[0] <= parts < SUPPORTED[1]


class PulpCbcBackend:
    """LP and MIP with CBC through PuLP (a subprocess per solve)."""

    name = "pulp"
    install = 'pip install "allocate[pulp]"'

    def is_available(self) -> bool:
        """Whether a PuLP this backend supports is installed: 3.3.1 or newer (it builds models with `add_variable`)
        and older than 4 (which drops `PULP_CBC_CMD`, the CBC this backend runs)."""
        if find_spec("pulp") is None:
            return False
        return _supported(self.version())

    def version(self) -> str:
        """pulp's version."""
        try:
            return dist_version("pulp")
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
        """Build the model in PuLP and run CBC (one thread); `start` becomes CBC's warm start."""
        import pulp

        prob: Any = pulp.LpProblem("allocate", pulp.LpMaximize)
        xs = [
            prob.add_variable(
                f"x{j}",
                lowBound=lo,
                upBound=up if np.isfinite(up) else None,
                cat=pulp.LpInteger if integer else pulp.LpContinuous,
            )
            for j, (lo, up, integer) in enumerate(
                zip(lp.col_lower.tolist(), lp.col_upper.tolist(), lp.integer.tolist(), strict=True)
            )
        ]
        terms: list[list[tuple[Any, float]]] = [[] for _ in range(lp.n_rows)]
        for r, c, v in zip(lp.rows.tolist(), lp.cols.tolist(), lp.vals.tolist(), strict=True):
            terms[r].append((xs[c], v))
        prob += pulp.lpSum(v * x for v, x in zip(lp.objective.tolist(), xs, strict=True) if v)
        for r, (lo, up) in enumerate(zip(lp.row_lower.tolist(), lp.row_upper.tolist(), strict=True)):
            expr = pulp.LpAffineExpression(terms[r])
            if np.isfinite(lo) and np.isfinite(up) and lo == up:
                prob += expr == lo, f"r{r}"
                continue
            if np.isfinite(lo):
                prob += expr >= lo, f"l{r}"
            if np.isfinite(up):
                prob += expr <= up, f"u{r}"
        with warnings.catch_warnings():
            # PuLP 3.3 deprecates its bundled CBC for PuLP 4.0; it is still the only CBC a pip install brings.
            warnings.simplefilter("ignore", DeprecationWarning)
            warm = start is not None and lp.is_mip
            if warm:
                for x, v in zip(xs, np.asarray(start, np.float64).tolist(), strict=True):
                    x.setInitialValue(v)
            options = [] if effort is None else [f"maxNodes {int(effort)}"]
            solver = pulp.PULP_CBC_CMD(
                msg=False, threads=1, timeLimit=time_limit, gapRel=0, warmStart=warm, options=options
            )
        prob.solve(solver)
        if prob.sol_status == pulp.LpSolutionOptimal:
            st = SolveStatus.OPTIMAL
        elif prob.sol_status == pulp.LpSolutionIntegerFeasible:
            st = SolveStatus.FEASIBLE
        elif prob.sol_status == pulp.LpSolutionNoSolutionFound:
            return no_solution()
        else:
            raise BackendError(f"CBC returned {pulp.LpStatus[prob.status]} on a model that should be solvable")
        x = np.asarray([x.value() or 0.0 for x in xs], dtype=np.float64)
        obj = float(lp.objective @ x)
        # CBC's best bound is not exposed by PuLP: at a time limit the bound is unknown (infinite).
        bound = obj if st is SolveStatus.OPTIMAL else float("inf")
        return Solution(status=st, x=x, objective=obj, bound=bound)
