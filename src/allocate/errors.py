"""The project's own exceptions and the typed problem record behind input errors.

Every problem with a case names where it is. When the case came from files that is `file:line:column`
(what a planner can find in a spreadsheet), from frames `table:line:column` (`allocate.frames`); when it was
built in code it is `table.field`, or `table[row].field` for a record inside a case.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from allocate.catalog import Lang, message
from allocate.text import printable

if TYPE_CHECKING:
    from allocate.verify import Violation

MAX_LISTED = 100
"""Problems of one kind (errors, or warnings and notes) kept per table, and per kind of cross-table check; the
rest are only counted, in one `Omitted` entry, so that a file of bad rows cannot use up memory and time."""

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
    # the same message in other languages: a catalog key and its values, and the column header it is about
    key: str | None = Field(default=None, exclude=True, repr=False)
    words: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)
    header: str | None = Field(default=None, exclude=True, repr=False)

    def __str__(self) -> str:
        """`file:line:column: message`, or `table[row].field: message`, safe to print: a control or invisible
        character from a cell (an ESC, U+202E) is written as its escape (`\\x1b`, `\\u202e`)."""
        return self._at(self.message)

    def text(self, lang: Lang) -> str:
        """`str(self)` in `lang`: the catalog's words where the problem has them (`key`), else its message."""
        if lang == "en" or self.key is None:
            return str(self)
        body = message(self.key, lang, **self.words)
        return self._at(body if self.header is None else message("header_said", lang, header=self.header, said=body))

    def _at(self, said: str) -> str:
        """`said` after where the problem is, safe to print."""
        if self.file is not None:
            return printable(f"{self.file}:{self.line or 0}:{self.column or 0}: {said}")
        where = self.table or "case"
        if self.row is not None:
            where += f"[{self.row}]"
        if self.field is not None:
            where += f".{self.field}"
        return printable(f"{where}: {said}")

    @property
    def count(self) -> int:
        """How many problems this entry stands for: 1, or for an `Omitted` entry the problems it counts."""
        return 1


class Omitted(Problem):
    """Stands for `omitted` problems of one kind that were found but not kept, after the first `MAX_LISTED`.

    It is placed where the first of them is, and its message says how many there are.
    """

    omitted: int

    @property
    def count(self) -> int:
        """The problems this entry stands for."""
        return self.omitted


class Bounded:
    """Problems of one kind as they are found: the first `limit` kept, the rest only counted.

    `add` takes what a Problem is made of and makes one only when it is kept (or is the first not kept), so
    that a million bad rows cost a counter, not a million records.
    """

    def __init__(self, limit: int = MAX_LISTED) -> None:
        self.limit = limit
        self.kept: list[Problem] = []
        self.first: Problem | None = None  # the first problem not kept: where the `Omitted` entry goes
        self.more = 0

    def add(self, **fields: Any) -> None:
        """Keep (or count) the problem with these fields (those of `Problem`)."""
        if len(self.kept) < self.limit:
            self.kept.append(Problem(**fields))
            return
        if self.first is None:
            self.first = Problem(**fields)
        self.more += 1

    def listed(self) -> list[Problem]:
        """The problems kept, then one `Omitted` entry for the rest, if there are any."""
        if self.first is None:
            return list(self.kept)
        return [*self.kept, omitted(self.first, self.more, self.limit)]


def omitted(first: Problem, n: int, limit: int = MAX_LISTED) -> Omitted:
    """The entry for `n` problems not kept, of which `first` is the first: `and 1,234 more errors ...`."""
    kind = {"error": "errors", "warning": "warnings", "note": "notes"}[first.severity]
    said = f"and {n:,} more {kind} like these from here on, not listed (only the first {limit} are)"
    if first.severity == "error":
        said += "; fix those listed and check again"
    key = "omitted_errors" if first.severity == "error" else "omitted_others"
    words = {"n": f"{n:,}", "limit": str(limit)}
    return Omitted(**first.model_dump(exclude={"message"}), message=said, omitted=n, key=key, words=words)


class SaidError(ValueError):
    """A ValueError a model's validator raises, with the catalog key and words that say it in other languages, so
    that the reader that turns it into a `Problem` can keep them (`Problem.key`)."""

    def __init__(self, message: str, key: str, **words: str) -> None:
        super().__init__(message)
        self.key, self.words = key, words


_SECOND = 1 / 3600
"""`allocate.schema.SECOND`, the least time a visit or service may take, which messages say in words."""

_BOUNDS = {"greater_than_equal": "ge", "greater_than": "gt", "less_than_equal": "le", "less_than": "lt"}
"""pydantic's error type of a broken bound -> the bound's key in the error's `ctx`, and the catalog's `bound_*`."""

_TOO_LONG = {"string_too_long": "text_too_long", "too_long": "list_too_long"}
"""pydantic's error type of a `max_length` broken -> the catalog message."""

_OWN_WORDS = {"expected 0, or at least 1/3600 (one second)": "zero_or_second"}
"""The words of a plain ValueError one of the schema's validators raises -> the catalog message that says them;
a validator that raises `SaidError` needs no entry."""


def record_said(err: Any, found: str | None, noun: str = "") -> dict[str, Any]:
    """How the catalog says one of pydantic's errors about a record read from a row whose cells all parsed: its
    `Problem.key` and `words`. `found` is the cell as messages quote it (None when the error is not about one
    cell), `noun` the kind of the cell (`a whole number`).

    A bound (`ge`, `le`, ...), a list left empty, an overlong text and our validators' words (`SaidError`, or
    `_OWN_WORDS`) have their own message; any other error a generic one naming the value, never pydantic's
    English. `allocate.io.tables` places it at `file:line:column` and adds the header."""
    kind = str(err["type"])
    ctx = err.get("ctx") or {}
    raised = ctx.get("error")
    if isinstance(raised, SaidError):
        return {"key": raised.key, "words": raised.words}
    if found is None:
        return {"key": "row_invalid", "words": {"said": str(err["msg"]).removeprefix("Value error, ")}}
    expected = str(err["msg"]).removeprefix("Value error, ").removeprefix("expected ")
    words: dict[str, str] = {"found": found, "noun": noun, "expected": expected}
    if kind in _BOUNDS:
        op = _BOUNDS[kind]
        bound = ctx.get(op)
        if isinstance(bound, int | float):
            key = "bound_second" if op == "ge" and bound == _SECOND else f"bound_{op}"
            return {"key": key, "words": words | {"bound": _number(bound)}}
    if kind == "value_error" and str(raised) in _OWN_WORDS:
        return {"key": _OWN_WORDS[str(raised)], "words": words}
    if kind == "too_short":
        return {"key": "at_least_one", "words": words}
    if kind in _TOO_LONG and "max_length" in ctx:
        return {"key": _TOO_LONG[kind], "words": words | {"most": str(ctx["max_length"])}}
    return {"key": "field_invalid", "words": words}


def _number(x: int | float) -> str:
    """A bound as messages write it: `1`, `130`, `0.5` (as `allocate.io.cells.NUMBER` writes a cell)."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


class AllocateError(Exception):
    """Base of every error this library raises on purpose."""


class InputError(AllocateError, ValueError):
    """The case or policy is invalid; `problems` lists every problem found, in input order.

    Raised for every bad input, however it came: files (`file:line:column`), frames (`table:line:column`) and
    records built in code (`table[row].field`). It is a ValueError too, as pydantic's ValidationError is, so
    code that caught that keeps working. `warnings` are the warnings and notes found beside the problems (a
    misspelt header behind a missing column, say). Past `MAX_LISTED` problems of a kind an `Omitted` entry counts
    the rest; `total` is every problem found.
    """

    def __init__(
        self, problems: list[Problem] | tuple[Problem, ...], warnings: list[Problem] | tuple[Problem, ...] = ()
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.warnings: tuple[Problem, ...] = tuple(warnings)
        n = self.total
        head = str(self.problems[0]) if self.problems else "invalid input"
        super().__init__(head if n == 1 else f"{n:,} problems in the input; the first: {head}")

    @property
    def total(self) -> int:
        """Every problem found, those an `Omitted` entry only counts included."""
        return sum(p.count for p in self.problems)


class OutputExistsError(AllocateError):
    """The output folder exists and is not empty (or is a file); nothing was written, nothing overwritten."""


class VerificationError(AllocateError):
    """A plan `allocate.run` made failed its own verification: a bug in allocate, never the input's fault.

    Nothing was written; `violations` lists what the plan breaks (`allocate.verify.Violation`), so the report
    of the bug can say it.
    """

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations: tuple[Violation, ...] = tuple(violations)
        n = len(self.violations)
        first = f"; the first: {self.violations[0]}" if n else ""
        super().__init__(f"the plan failed its own verification ({n:,} violation{'s' if n != 1 else ''}){first}")
