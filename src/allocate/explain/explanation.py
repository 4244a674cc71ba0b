"""`explain`: the shortfalls of a plan with their reasons and, by default, the marginal values, in one result.

Its own module because it joins the other two: `reasons` and `marginal` do not know each other's results, and
`household` reads an `Explanation` without computing one.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from allocate.explain.marginal import DEFAULT_LIMIT, MarginalValue, marginal_from
from allocate.explain.reasons import Shortfall, shortfalls
from allocate.gc_pause import collector_paused
from allocate.plan import Plan
from allocate.schema import Records


class Explanation(BaseModel):
    """Every shortfall of a plan and the marginal value of every item and every grid's volunteer time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shortfalls: Records[Shortfall]  # a tuple of shortfalls is taken too
    marginal_values: tuple[MarginalValue, ...]


def explain(
    plan: Plan,
    *,
    marginal: bool = True,
    backend: str = "auto",
    limit: int | None = DEFAULT_LIMIT,
    time_limit: float | None = None,
) -> Explanation:
    """The shortfalls of `plan` and, when `marginal`, the marginal values (`backend`, `limit` and `time_limit` as
    there)."""
    with collector_paused():  # millions of short-lived records, no cycles (`allocate.gc_pause`)
        rows = shortfalls(plan)
        values = marginal_from(plan, rows, backend, limit, time_limit) if marginal else ()
    return Explanation(shortfalls=rows, marginal_values=values)
