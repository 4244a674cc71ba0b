"""Argument checks at the public boundary, with one message shape (as scikit-learn's parameter validation):
"The 'case' parameter of solve must be a Case. Got None instead."

A wrong argument fails here, at the call, with what was expected, rather than deep inside as an AttributeError
or TypeError that names our internals. `InvalidParameterError` is both a TypeError and a ValueError, so callers
catching either keep working.
"""

from __future__ import annotations

import math
import numbers
import os
import reprlib
from typing import Any

from allocate.errors import AllocateError

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60


class InvalidParameterError(AllocateError, TypeError, ValueError):
    """A public function was called with an argument of the wrong type or value; the message says which."""


def fail(param: str, func: str, expected: str, got: object) -> InvalidParameterError:
    """The error for `param` of `func`, which must be `expected` (words after "must be") and was `got`."""
    return InvalidParameterError(
        f"The {param!r} parameter of {func} must be {expected}. Got {_SHORT.repr(got)} instead."
    )


def check_type(value: object, kind: type | tuple[type, ...], param: str, func: str, expected: str) -> None:
    """Raise unless `value` is an instance of `kind`."""
    if not isinstance(value, kind):
        raise fail(param, func, expected, value)


def check_flag(value: object, param: str, func: str) -> None:
    """Raise unless `value` is exactly True or False (a truthy string such as "no" must not switch anything on)."""
    check_type(value, bool, param, func, "True or False")


def check_path(value: object, param: str, func: str) -> None:
    """Raise unless `value` names a file or folder: a non-empty str or an os.PathLike of str."""
    text = value if isinstance(value, str) else os.fspath(value) if isinstance(value, os.PathLike) else None
    if not isinstance(text, str) or not text:
        raise fail(param, func, "a path (a str or a pathlib.Path)", value)


def check_seconds(value: object, param: str, func: str) -> None:
    """Raise unless `value` is None or a positive, finite number of seconds (not a bool, not a str)."""
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not (math.isfinite(value) and float(value) > 0)
    ):
        raise fail(param, func, "a positive, finite number of seconds or None", value)


def check_solve(
    case: Any, policy: Any, backend: Any, time_limit: Any, params: Any, earlier_load: Any = None, previous: Any = None
) -> None:
    """The arguments of `allocate.solve`."""
    from allocate.plan import Previous
    from allocate.schema import Case, Policy
    from allocate.solve import SolveParams  # imported here: solve.py calls this function

    check_type(case, Case, "case", "solve", "a Case")
    check_type(policy, (Policy, type(None)), "policy", "solve", "a Policy or None")
    check_type(backend, str, "backend", "solve", 'a str ("auto", "highs", "ortools" or "pulp")')
    check_seconds(time_limit, "time_limit", "solve")
    check_type(params, (SolveParams, type(None)), "params", "solve", "a SolveParams or None")
    check_load(earlier_load, "solve")
    check_type(previous, (Previous, type(None)), "previous", "solve", "a Previous (allocate.plan) or None")


def check_load(value: Any, func: str) -> None:
    """Raise unless `value` is None or a mapping of volunteer ids (str) to hours (finite numbers >= 0)."""
    from collections.abc import Mapping

    expected = "a mapping of volunteer ids to hours (finite numbers >= 0) or None"
    if value is None:
        return
    if not isinstance(value, Mapping):
        raise fail("earlier_load", func, expected, value)
    for k, v in value.items():
        number = isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v) and float(v) >= 0
        if not isinstance(k, str) or not number:
            raise fail("earlier_load", func, expected, {k: v})


def check_verify(case: Any, plan: Any) -> None:
    """The arguments of `allocate.verify`."""
    from allocate.plan import Plan
    from allocate.schema import Case

    check_type(case, Case, "case", "verify", "a Case")
    check_type(plan, Plan, "plan", "verify", "a Plan")


def check_read_case(path: Any, policy: Any) -> None:
    """The arguments of `allocate.read_case`: a path, and a Policy, a policy.toml path or None."""
    from allocate.schema import Policy

    check_path(path, "path", "read_case")
    if policy is not None and not isinstance(policy, Policy):
        try:
            check_path(policy, "policy", "read_case")
        except InvalidParameterError:
            raise fail("policy", "read_case", "a Policy, the path of a policy.toml, or None", policy) from None
