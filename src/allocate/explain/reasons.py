"""Why each need or service was not fully served: one reason code of SPEC section 4 per shortfall.

Reasons are computed from the plan and the case, never guessed: the `Ledger` reads once what the plan did with
each lot and each volunteer's hours, and `shortfalls` tests the rules in a fixed order (its docstring lists
them). `allocate.explain.household` reads the same ledger to put the numbers behind a reason into words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from allocate.plan import Plan
from allocate.schema import Lot

HOURS_TOLERANCE = 1e-9
"""Hours within this of each other are equal (as in `allocate.verify`)."""


class Reason(StrEnum):
    """Why a need or service is short (SPEC section 4), in the order they are tested."""

    NO_SUPPLY = "no_supply"  # no lot of that item at all
    NOT_ELIGIBLE = "not_eligible"  # lots exist, but earmarks, grids or expiry exclude this household
    NO_VOLUNTEER = "no_volunteer"  # no volunteer covers the grid or has the skill
    VOLUNTEER_HOURS_EXHAUSTED = "volunteer_hours_exhausted"  # volunteers exist, but their hours went elsewhere
    ALL_OR_NOTHING = "all_or_nothing"  # some stock was left, but not enough for the whole quantity
    FAIR_SHARE = "fair_share"  # a scarce item shared evenly inside the tier
    SUPPLY_EXHAUSTED = "supply_exhausted"  # higher tiers took what this household could receive


SUPPLY_REASONS = frozenset(
    {Reason.NO_SUPPLY, Reason.NOT_ELIGIBLE, Reason.ALL_OR_NOTHING, Reason.FAIR_SHARE, Reason.SUPPLY_EXHAUSTED}
)
"""Shortfalls that more of the item could relieve; the others wait for volunteer time."""

VOLUNTEER_REASONS = frozenset({Reason.NO_VOLUNTEER, Reason.VOLUNTEER_HOURS_EXHAUSTED})
"""Shortfalls that more volunteer time in the grid could relieve."""


class Shortfall(BaseModel):
    """A need or service not fully served: one row of `unmet.csv`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["need", "service"]
    id: str
    household_id: str
    grid: str
    tier: str
    item_or_skill: str
    requested: float  # units for a need, hours for a service
    received: float  # units for a need; 0 hours for a service not done
    shortfall: float
    reason: Reason


@dataclass(frozen=True)
class _Pool:
    """The lots one need may receive from (its eligible lots) and where their units went."""

    lots: tuple[int, ...]
    units: int  # units the lots hold
    per_tier: npt.NDArray[np.int64]  # units given to each tier's needs
    left: int  # units not given to anyone


def _reaches(lot: Lot, grid: str) -> bool:
    """Whether `lot` may go to households of `grid`."""
    return lot.grids is None or grid in lot.grids


class Ledger:
    """Eligibility, units given per lot and tier, and volunteer hours left, read once from a plan.

    Eligibility is computed here from the case (item, expiry on the plan date, `reserved_for`, `grids`), not
    taken from the engine, so a reason never depends on how the plan was made.
    """

    def __init__(self, plan: Plan) -> None:
        case = self.case = plan.case
        self.plan = plan
        self.tier_names = case.policy.tier_names
        need_pos = {n.need_id: i for i, n in enumerate(case.needs)}
        lot_pos = {lot.lot_id: i for i, lot in enumerate(case.lots)}
        self.grid_of = [case.households[case.household_index[n.household_id]].grid for n in case.needs]
        last = len(self.tier_names) - 1
        self.reserve = [last if lot.reserved_for is None else case.policy.rank(lot.reserved_for) for lot in case.lots]
        self.usable = [lot.usable_on(plan.plan_date) for lot in case.lots]
        self.item_lots: dict[str, list[int]] = {}
        for k, lot in enumerate(case.lots):
            self.item_lots.setdefault(lot.item, []).append(k)
        given = np.zeros((len(case.lots), len(self.tier_names)), np.int64)
        self.from_lots: dict[int, list[tuple[int, int]]] = {}
        for a in plan.allocations:
            need, lot_row = need_pos.get(a.need_id), lot_pos.get(a.lot_id)
            if need is not None and lot_row is not None:
                given[lot_row, case.need_tiers[need]] += a.quantity
                self.from_lots.setdefault(need, []).append((lot_row, a.quantity))
        self.given = given
        qty = np.array([lot.quantity for lot in case.lots], np.int64)
        self.left = np.maximum(qty - given.sum(axis=1), 0)
        self.received = [plan.received.get(n.need_id, 0) for n in case.needs]
        self._pools: dict[tuple[str, int, str], _Pool] = {}
        self._covering: dict[tuple[str, str | None], list[int]] = {}
        self._delivery: dict[str, Reason | None] = {}

    def pool(self, need: int) -> _Pool:
        """The eligible lots of `need` with units, and where their units went (memoised per item, tier, grid)."""
        nd, tier, grid = self.case.needs[need], self.case.need_tiers[need], self.grid_of[need]
        key = (nd.item, tier, grid)
        found = self._pools.get(key)
        if found is None:
            lots = self.case.lots
            ks = tuple(
                k
                for k in self.item_lots.get(nd.item, ())
                if lots[k].quantity > 0 and self.usable[k] and tier <= self.reserve[k] and _reaches(lots[k], grid)
            )
            rows = list(ks)
            found = self._pools[key] = _Pool(
                lots=ks,
                units=sum(lots[k].quantity for k in ks),
                per_tier=self.given[rows].sum(axis=0),
                left=int(self.left[rows].sum()),
            )
        return found

    def own_from(self, need: int, lots: Iterable[int]) -> int:
        """Units `need` received from `lots`."""
        inside = set(lots)
        return sum(q for k, q in self.from_lots.get(need, ()) if k in inside)

    @cached_property
    def delivered(self) -> frozenset[str]:
        """Households with a delivery visit."""
        return frozenset(v.household_id for v in self.plan.visits if v.kind == "delivery")

    @cached_property
    def hours_left(self) -> list[float]:
        """Hours each volunteer has left after the plan's visits, aligned with `case.volunteers`."""
        vols = self.case.volunteers or ()
        used: dict[str, float] = {}
        for v in self.plan.visits:
            used[v.volunteer_id] = used.get(v.volunteer_id, 0.0) + v.hours
        return [v.hours - used.get(v.volunteer_id, 0.0) for v in vols]

    def covering(self, grid: str, skill: str | None = None) -> list[int]:
        """Volunteers covering `grid` (and having `skill`, when given), memoised: thousands of needs share a grid."""
        key = (grid, skill)
        found = self._covering.get(key)
        if found is None:
            vols = self.case.volunteers or ()
            found = self._covering[key] = [
                k for k, v in enumerate(vols) if v.covers(grid) and (skill is None or skill in v.skills)
            ]
        return found

    @cached_property
    def supplied(self) -> frozenset[str]:
        """Items some lot holds a unit of."""
        return frozenset(lot.item for lot in self.case.lots if lot.quantity > 0)

    def delivery_reason(self, grid: str) -> Reason | None:
        """Why an undelivered household of `grid` got no visit, if volunteer time is why (rules 3 and 4); memoised."""
        if grid not in self._delivery:
            case, visit = self.case, self.case.policy.visit_hours
            vols = self.covering(grid)
            why = None
            if not any((case.volunteers or ())[k].hours >= visit - HOURS_TOLERANCE for k in vols):
                why = Reason.NO_VOLUNTEER
            elif all(self.hours_left[k] < visit - HOURS_TOLERANCE for k in vols):
                why = Reason.VOLUNTEER_HOURS_EXHAUSTED
            self._delivery[grid] = why
        return self._delivery[grid]

    def need_reason(self, need: int) -> Reason:
        """The reason a short need is short; the rules are `shortfalls`'s docstring."""
        case = self.case
        nd = case.needs[need]
        if nd.item not in self.supplied:
            return Reason.NO_SUPPLY
        pool = self.pool(need)
        if not pool.lots:
            return Reason.NOT_ELIGIBLE
        if case.volunteers is not None and nd.household_id not in self.delivered:
            why = self.delivery_reason(self.grid_of[need])
            if why is not None:
                return why
        tier = case.need_tiers[need]
        lower = int(pool.per_tier[tier + 1 :].sum())
        if nd.all_or_nothing and self.received[need] == 0 and pool.left + lower > 0:
            return Reason.ALL_OR_NOTHING
        if pool.per_tier[tier] - self.own_from(need, pool.lots) > 0:
            return Reason.FAIR_SHARE
        return Reason.SUPPLY_EXHAUSTED

    def service_reason(self, service: int) -> Reason:
        """The reason a service is not done: nobody able to do it, or the able ones' hours went elsewhere."""
        case = self.case
        s = case.services[service]
        grid = case.households[case.household_index[s.household_id]].grid
        vols = case.volunteers or ()
        if not any(vols[k].hours >= s.hours - HOURS_TOLERANCE for k in self.covering(grid, s.skill)):
            return Reason.NO_VOLUNTEER
        return Reason.VOLUNTEER_HOURS_EXHAUSTED


def shortfalls(plan: Plan) -> tuple[Shortfall, ...]:
    """Every need that received less than it asked and every service not done, with one reason each.

    Rows are in case order, needs first, then services. A need's reason is the first of these that holds
    (its *eligible lots* are the lots of its item that hold units, are usable on the plan date, are reserved for
    its tier or a lower-priority one or not at all, and are limited to its grid or not at all):

    1. `no_supply`: no lot of the item holds a unit.
    2. `not_eligible`: it has no eligible lot (every lot of the item is expired, reserved for higher tiers, or
       limited to other grids).
    3. `no_volunteer` (with a volunteers table, household without a delivery visit): no volunteer covering its
       grid offers the hours of one delivery visit.
    4. `volunteer_hours_exhausted` (same): every volunteer covering its grid has less than one delivery visit's
       hours left in the plan. (When one still has the hours, the household went undelivered because it would
       have received nothing, and a supply reason below says why.)
    5. `all_or_nothing`: an all-or-nothing need that received nothing, while units of its eligible lots were
       left unused or went to lower tiers (in a plan without waste: fewer than its quantity).
    6. `fair_share`: units of its eligible lots went to other needs of its own tier: the tier shared them.
    7. `supply_exhausted`: otherwise: its eligible lots' units went to higher tiers, and to itself.

    A service not done is `no_volunteer` when no volunteer covering its grid has the skill and offers its hours,
    and `volunteer_hours_exhausted` otherwise. The rules assume a feasible plan (see `allocate.verify`).
    """
    ledger = Ledger(plan)
    case = plan.case
    names = ledger.tier_names
    out: list[Shortfall] = []
    for i, nd in enumerate(case.needs):
        got = ledger.received[i]
        if got < nd.quantity:
            out.append(
                Shortfall(
                    kind="need",
                    id=nd.need_id,
                    household_id=nd.household_id,
                    grid=ledger.grid_of[i],
                    tier=names[case.need_tiers[i]],
                    item_or_skill=nd.item,
                    requested=nd.quantity,
                    received=got,
                    shortfall=nd.quantity - got,
                    reason=ledger.need_reason(i),
                )
            )
    done = plan.served_services
    for i, s in enumerate(case.services):
        if s.service_id not in done:
            out.append(
                Shortfall(
                    kind="service",
                    id=s.service_id,
                    household_id=s.household_id,
                    grid=case.households[case.household_index[s.household_id]].grid,
                    tier=names[case.service_tiers[i]],
                    item_or_skill=s.skill,
                    requested=s.hours,
                    received=0.0,
                    shortfall=s.hours,
                    reason=ledger.service_reason(i),
                )
            )
    return tuple(out)
