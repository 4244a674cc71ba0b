"""The frozen result of a solve: who gets which units of which lot, which volunteer visits whom.

A plan carries the case it answers, so that it can say fills, tiers and grids on its own; `verify` reads only
`allocations` and `visits` (and the case), so a plan made by hand or by another tool is checked the same way.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from allocate.schema import Case


class Status(StrEnum):
    """How good the plan is known to be."""

    OPTIMAL = "optimal"  # proven optimal in the sense of SPEC section 3
    FEASIBLE = "feasible"  # feasible and verified; `gap` bounds how far from the proven bound it may be


class Allocation(BaseModel):
    """`quantity` whole units of lot `lot_id` to need `need_id`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    need_id: str
    lot_id: str
    quantity: int = Field(ge=1)


class Visit(BaseModel):
    """A volunteer's visit: a delivery (all of a household's goods) or one service."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    volunteer_id: str
    household_id: str
    kind: Literal["delivery", "service"]
    service_id: str | None = None  # set exactly when kind == "service"
    hours: float = Field(gt=0, allow_inf_nan=False)


class Plan(BaseModel):
    """A plan for a case. Rows are in a documented, deterministic order (see `allocate.solve`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case: Case
    allocations: tuple[Allocation, ...]
    visits: tuple[Visit, ...] = ()
    plan_date: dt.date
    status: Status = Status.OPTIMAL
    gap: float | None = None  # with FEASIBLE: relative gap to the proven bound, where known
    backend: str = "manual"
    stats: dict[str, int] = Field(default_factory=dict)  # deterministic work counters (solves, model sizes)

    @cached_property
    def received(self) -> dict[str, int]:
        """Units received by each need id (needs that received nothing are absent)."""
        out: dict[str, int] = {}
        for a in self.allocations:
            out[a.need_id] = out.get(a.need_id, 0) + a.quantity
        return out

    @cached_property
    def served_services(self) -> frozenset[str]:
        """Ids of the services that a visit does."""
        return frozenset(v.service_id for v in self.visits if v.kind == "service" and v.service_id is not None)

    @cached_property
    def need_fills(self) -> tuple[float, ...]:
        """Fill of each need, aligned with `case.needs`."""
        got = self.received
        return tuple(got.get(n.need_id, 0) / n.quantity for n in self.case.needs)

    @cached_property
    def service_fills(self) -> tuple[float, ...]:
        """1.0 for each service done, 0.0 otherwise, aligned with `case.services`."""
        done = self.served_services
        return tuple(1.0 if s.service_id in done else 0.0 for s in self.case.services)
