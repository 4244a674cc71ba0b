"""The project's own exceptions and the typed problem record behind input errors.

Every problem with a case names where it is. When the case came from files that is `file:line:column`
(what a planner can find in a spreadsheet); when it was built in code it is `table[row].field`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning", "note"]
"""An error makes the input invalid; a warning is legal but probably a mistake; a note says what was ignored."""


class Problem(BaseModel):
    """One thing wrong (or, as a warning, probably wrong; as a note, worth knowing) with a case, and where it is."""

    model_config = ConfigDict(frozen=True)

    message: str
    severity: Severity = "error"
    table: str | None = None
    row: int | None = None  # 0-based index of the record within its table
    field: str | None = None
    file: str | None = None
    line: int | None = None  # 1-based, as a spreadsheet or editor counts
    column: int | None = None  # 1-based

    def __str__(self) -> str:
        if self.file is not None:
            return f"{self.file}:{self.line or 0}:{self.column or 0}: {self.message}"
        where = self.table or "case"
        if self.row is not None:
            where += f"[{self.row}]"
        if self.field is not None:
            where += f".{self.field}"
        return f"{where}: {self.message}"


class AllocateError(Exception):
    """Base of every error this library raises on purpose."""


class InputError(AllocateError):
    """The case or policy is invalid; `problems` lists every problem found, in input order.

    `warnings` are the warnings and notes found beside them (a misspelt header behind a missing column, say).
    """

    def __init__(
        self, problems: list[Problem] | tuple[Problem, ...], warnings: list[Problem] | tuple[Problem, ...] = ()
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.warnings: tuple[Problem, ...] = tuple(warnings)
        n = len(self.problems)
        head = str(self.problems[0]) if n else "invalid input"
        super().__init__(head if n == 1 else f"{n} problems in the input; the first: {head}")


class OutputExistsError(AllocateError):
    """The output folder exists and is not empty (or is a file); nothing was written, nothing overwritten."""


class NoPlanError(AllocateError):
    """No feasible plan was found (within the time limit, where one was set)."""
