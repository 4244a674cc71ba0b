"""The small interface every LP/MIP engine implements, the model it solves, and the errors it raises.

The core builds a `LinearProgram` (maximise `c @ x` subject to `row_lower <= A x <= row_upper`,
`col_lower <= x <= col_upper`, some columns integer) with numpy arrays only; a backend translates it to its
native library, which it imports inside its methods so that `import allocate` never loads a solver.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from allocate.errors import AllocateError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class BackendUnavailable(AllocateError):  # noqa: N818  (the name STYLE.md gives it)
    """A backend was asked for by name, but its library is not installed (the message names the extra)."""


class BackendError(AllocateError):
    """A backend ran but returned no usable solution (an internal error: the models the core builds are feasible)."""


class SolveStatus(StrEnum):
    """Why a backend stopped, mapped from each native status; unknown codes map to `unknown`."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a solution, not proven optimal (a time limit was hit)
    NO_SOLUTION = "no_solution"  # a limit was hit before any solution was found: `x` is empty
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class LinearProgram:
    """Maximise `objective @ x` over `row_lower <= A x <= row_upper`, `col_lower <= x <= col_upper`.

    `A` is given as COO triplets (`rows`, `cols`, `vals`); `integer[j]` marks integer columns (then it is a MIP).
    """

    objective: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    rows: IntArray
    cols: IntArray
    vals: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    integer: BoolArray

    @property
    def n_cols(self) -> int:
        """Number of variables."""
        return int(self.objective.size)

    @property
    def n_rows(self) -> int:
        """Number of constraints."""
        return int(self.row_lower.size)

    @property
    def is_mip(self) -> bool:
        """Whether any column is integer."""
        return bool(self.integer.any())


@dataclass(frozen=True)
class Solution:
    """A backend's answer: the values, the objective, and the best proven bound (equal to it when optimal).

    With `NO_SOLUTION`, `x` is empty and `objective` is minus infinity; `bound` is still an upper bound (infinite
    when the engine does not report one)."""

    status: SolveStatus
    x: FloatArray
    objective: float
    bound: float

    @property
    def has_solution(self) -> bool:
        """Whether `x` holds a feasible point."""
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


def no_solution(bound: float = float("inf")) -> Solution:
    """The answer of a search that hit its limit before finding any feasible point."""
    return Solution(status=SolveStatus.NO_SOLUTION, x=np.zeros(0), objective=float("-inf"), bound=bound)


@runtime_checkable
class Backend(Protocol):
    """An LP/MIP engine. Every backend solves LPs and MIPs within a time limit, so there is nothing to ask before
    relying on that; `is_available` is the one question the registry asks."""

    name: str
    install: str  # the command that installs it, e.g. pip install "allocate[pulp]"

    def is_available(self) -> bool:
        """Whether the native library can be imported (cheap; does not build a model)."""
        ...

    def version(self) -> str:
        """The native library's version, for the summary."""
        ...

    def solve(
        self,
        lp: LinearProgram,
        time_limit: float | None = None,
        *,
        start: FloatArray | None = None,
        effort: int | None = None,
    ) -> Solution:
        """Solve `lp` (an LP or a MIP) to proven optimality (no relative gap).

        A MIP search may stop at a limit and come back FEASIBLE with a weaker bound, or NO_SOLUTION: `time_limit`
        is in wall seconds (so where it binds, the answer depends on the machine's load), `effort` is a
        deterministic work limit (branch-and-bound nodes for HiGHS and CBC; CP-SAT gets `effort / 1000`
        deterministic seconds), so the same model always stops at the same point. `start` is a feasible point of a
        MIP to begin from (a warm start): a search that stops at a limit then returns at least as good a point.
        Raises `BackendError` only when the engine fails (the models the core builds are always feasible).
        """
        ...
