"""Models whose constructors raise `InputError`, so that every bad input is one exception type.

A record built in code (`Need(quantity=0)`) breaks a field rule the way a cell of a file does; it should be
caught the same way, with each problem naming where it is (`needs.quantity`, `households[2].grid`), not as
pydantic's ValidationError. Only the constructors (and `Case.model_validate`) convert: the file readers call
`model_validate` on the records and turn pydantic's errors into `file:line:column` messages themselves.
"""

from __future__ import annotations

import reprlib
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from allocate.errors import InputError, Problem

_ONE_SECOND = 1 / 3600
"""`allocate.schema.SECOND`, the least time a visit or service may take, which messages say in words."""

CASE_TABLES = {
    "households": "households",
    "needs": "needs",
    "lots": "supplies",
    "volunteers": "volunteers",
    "services": "services",
    "policy": "policy",
}
"""A `Case` field -> the table its problems name (the lots are the `supplies` table, as in files)."""

_RANGES = {"greater_than_equal": (">=", "ge"), "greater_than": (">", "gt"), "less_than_equal": ("<=", "le"),
           "less_than": ("<", "lt")}  # fmt: skip

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60


class Checked(BaseModel):
    """A model whose constructor raises `InputError` with one problem per bad field, instead of ValidationError.

    `problem_table` is the table its problems name. Subclasses keep the typed `__init__` that pydantic's mypy
    plugin gives each model.
    """

    problem_table: ClassVar[str] = "case"

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as e:
            raise InputError(field_problems(e, type(self))) from None

    # pydantic calls a model's own `__init__` when it validates one nested in another, unless marked as its
    # base `__init__`: nested records (and the file readers' `model_validate`) keep pydantic's errors
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


def field_problems(error: ValidationError, model: type[Checked]) -> list[Problem]:
    """Each of pydantic's errors in building a `model` as a Problem at `table.field` (a `Case`'s at
    `table[row].field`); an InputError raised inside a validator (a case's cross-table checks) gives its own."""
    table = model.problem_table
    out: list[Problem] = []
    for err in error.errors():
        raised = (err.get("ctx") or {}).get("error")
        if isinstance(raised, InputError):
            out.extend(raised.problems)
            continue
        loc: tuple[int | str, ...] = tuple(err["loc"])
        where, row = table, None
        if table == "case" and loc and loc[0] in CASE_TABLES:
            where, loc = CASE_TABLES[str(loc[0])], loc[1:]
            if loc and isinstance(loc[0], int) and where != "policy":
                row, loc = loc[0], loc[1:]
        path = "".join(f"[{k}]" if isinstance(k, int) else (f".{k}" if i else k) for i, k in enumerate(loc))
        fields = tuple(model.model_fields) if where == table and len(loc) == 1 else ()
        out.append(Problem(table=where, row=row, field=path or None, message=_message(err, fields)))
    return out


def _message(err: Any, fields: tuple[str, ...]) -> str:
    """What is wrong, in the words of the file readers where they have some (`expected a number >= 1`);
    `fields` are the fields the model has, for a misspelt one."""
    kind, ctx = err["type"], err.get("ctx") or {}
    got = f", got {_SHORT.repr(err['input'])}" if "input" in err else ""
    if kind == "missing":
        return "missing: a value is required"
    if kind == "extra_forbidden":
        return f"unknown field; the fields are {', '.join(fields)}" if fields else "unknown field"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "expected text, found a blank"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return f"expected at least one entry{got}"
    if kind in _RANGES:
        op, key = _RANGES[kind]
        bound = ctx[key]
        if bound == _ONE_SECOND:
            said = "1/3600 (one second)"
        else:  # as the file readers write a number: 1000000000, 0.25
            said = str(int(bound)) if float(bound).is_integer() and abs(bound) < 1e15 else repr(float(bound))
        return f"expected a number {op} {said}{got}"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind == "value_error":
        return msg
    return f"{msg[:1].lower()}{msg[1:]}{got}"
