"""HiGHS through highspy: the default engine (LP by dual simplex, MIP by branch and cut).

highspy prints a banner on stdout when the first `Highs()` is built, even with output switched off; the
construction runs with file descriptor 1 pointed at /dev/null so that stdout stays clean for the CLI.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from importlib.util import find_spec
from typing import Any

import numpy as np

from allocate.backends.base import BackendError, FloatArray, LinearProgram, Solution, SolveStatus, no_solution


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send fd 1 to /dev/null for the duration (C libraries write there directly)."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no fd 1 at all: nothing to protect
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def csc(lp: LinearProgram) -> tuple[list[int], list[int], list[float]]:
    """Column starts, row indices and values of the constraint matrix, column-wise."""
    order = np.lexsort((lp.rows, lp.cols))
    cols = lp.cols[order]
    start = np.searchsorted(cols, np.arange(lp.n_cols + 1), side="left")
    return start.tolist(), lp.rows[order].tolist(), lp.vals[order].tolist()


class HighsBackend:
    """LP and MIP with HiGHS; deterministic (one thread), time limits honoured."""

    name = "highs"
    install = "pip install highspy"

    def is_available(self) -> bool:
        """Whether highspy is installed."""
        return find_spec("highspy") is not None

    def version(self) -> str:
        """highspy's version."""
        try:
            return dist_version("highspy")
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
        """Solve with highspy; a MIP stopped at a limit maps to FEASIBLE (or NO_SOLUTION) with HiGHS's dual bound."""
        import highspy

        new_highs: Any = highspy.Highs
        with _quiet_stdout():
            h: Any = new_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("random_seed", 0)
        h.setOptionValue("mip_rel_gap", 0.0)  # "optimal" must mean proven, whatever the objective's size
        h.setOptionValue("mip_abs_gap", 0.0)
        if not lp.is_mip:
            h.setOptionValue(
                "presolve", "off"
            )  # the core's LPs are small and sparse: presolve costs more than it saves
        if time_limit is not None:
            h.setOptionValue("time_limit", float(time_limit))
        if effort is not None:
            h.setOptionValue("mip_max_nodes", int(effort))
        model = highspy.HighsLp()
        model.num_col_ = lp.n_cols
        model.num_row_ = lp.n_rows
        model.col_cost_ = lp.objective.tolist()
        model.col_lower_ = lp.col_lower.tolist()
        model.col_upper_ = np.minimum(lp.col_upper, highspy.kHighsInf).tolist()
        model.row_lower_ = np.maximum(lp.row_lower, -highspy.kHighsInf).tolist()
        model.row_upper_ = np.minimum(lp.row_upper, highspy.kHighsInf).tolist()
        model.sense_ = highspy.ObjSense.kMaximize
        start_, index, value = csc(lp)
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.start_ = start_
        model.a_matrix_.index_ = index
        model.a_matrix_.value_ = value
        if lp.is_mip:
            model.integrality_ = [
                highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in lp.integer.tolist()
            ]
        h.passModel(model)
        if start is not None and lp.is_mip:
            given = highspy.HighsSolution()
            given.col_value = np.asarray(start, np.float64).tolist()
            given.value_valid = True
            h.setSolution(given)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible and lp.is_mip:
            # HiGHS 1.16's MIP presolve can call a feasible model infeasible (seen on capped-visit parts): the
            # models allocate builds are feasible, so solve it again without presolve before believing it
            h.setOptionValue("presolve", "off")
            h.run()
            status = h.getModelStatus()
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if status == highspy.HighsModelStatus.kOptimal:
            st = SolveStatus.OPTIMAL
        elif status == highspy.HighsModelStatus.kInfeasible:
            raise BackendError("HiGHS found the model infeasible, though the models allocate builds are feasible")
        elif has_solution:
            st = SolveStatus.FEASIBLE
        elif status.name in _LIMITS:
            return no_solution(float(info.mip_dual_bound) if lp.is_mip else float("inf"))
        else:
            raise BackendError(f"HiGHS returned {h.modelStatusToString(status)} on a model that should be solvable")
        x = np.asarray(h.getSolution().col_value, dtype=np.float64)
        obj = float(info.objective_function_value)
        if start is not None and abs(float(lp.objective @ x) - obj) > 1e-6 * max(1.0, abs(obj)):
            # HiGHS 1.16 can report the optimum of a MIP that presolve solves while handing back the warm start as
            # its solution: never trust a point that does not reach the objective it comes with; solve it cold
            return self.solve(lp, time_limit, effort=effort)
        bound = float(info.mip_dual_bound) if lp.is_mip and st is SolveStatus.FEASIBLE else obj
        return Solution(status=st, x=x, objective=obj, bound=bound)


_LIMITS = {"kTimeLimit", "kSolutionLimit", "kIterationLimit", "kInterrupt", "kHighsInterrupt", "kMemoryLimit"}
"""Names of HiGHS model statuses that mean "stopped at a limit" (the node limit reports kSolutionLimit)."""
