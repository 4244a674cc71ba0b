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
    """A backend's answer: the values, the objective, and the best proven bound (equal to it when optimal)."""

    status: SolveStatus
    x: FloatArray
    objective: float
    bound: float


@runtime_checkable
class Backend(Protocol):
    """An LP/MIP engine. Capabilities are declared so the core can ask before relying on them."""

    name: str
    install: str  # the command that installs it, e.g. pip install "allocate[pulp]"
    supports_lp: bool
    supports_mip: bool
    supports_time_limit: bool

    def is_available(self) -> bool:
        """Whether the native library can be imported (cheap; does not build a model)."""
        ...

    def version(self) -> str:
        """The native library's version, for the summary."""
        ...

    def solve(self, lp: LinearProgram, time_limit: float | None = None) -> Solution:
        """Solve `lp` (an LP or a MIP); with a time limit a MIP may come back FEASIBLE with a weaker bound."""
        ...
