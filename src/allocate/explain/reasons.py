"""Why each need or service was not fully served: one reason code of SPEC section 4 per shortfall.

Reasons are computed from the plan and the case, never guessed: the `Ledger` reads once what the plan did with
each lot and each volunteer's hours, and `shortfalls` tests the rules in a fixed order (its docstring lists
them). `allocate.explain.household` reads the same ledger to put the numbers behind a reason into words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from itertools import repeat
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from allocate.plan import Plan
from allocate.rules import (
    DELIVERY,
    GOODS_RULES,
    VISIT_RULES,
    Cap,
    GoodsFacts,
    GoodsRule,
    VisitFacts,
    allowed,
    goods_allowed,
    goods_signatures,
    visit_cap,
    visit_classes,
)
from allocate.rules.base import BoolArray, IntArray
from allocate.rules.reserves import beneficiaries
from allocate.schema import Records

HOURS_TOLERANCE = 1e-9
"""Hours within this of each other are equal (as in `allocate.verify`)."""


class Reason(StrEnum):
    """Why a need or service is short (SPEC section 4), in the order they are tested."""

    NO_SUPPLY = "no_supply"  # no lot of that item at all
    NOT_ELIGIBLE = "not_eligible"  # lots exist, but earmarks, grids or expiry exclude this household
    NO_VOLUNTEER = "no_volunteer"  # no volunteer covers the grid or has the skill
    NO_DESIGNATED_VOLUNTEER = "no_designated_volunteer"  # quarantined: no designated volunteer may come
    VOLUNTEER_HOURS_EXHAUSTED = "volunteer_hours_exhausted"  # volunteers exist, but their hours went elsewhere
    ALL_OR_NOTHING = "all_or_nothing"  # some stock was left, but not enough for the whole quantity
    RESERVED = "reserved"  # lower tiers' units from a reserve this need is not among (docs/reserves.md)
    FAIR_SHARE = "fair_share"  # a scarce item shared evenly inside the tier
    SUPPLY_EXHAUSTED = "supply_exhausted"  # higher tiers took what this household could receive


SUPPLY_REASONS = frozenset(
    {
        Reason.NO_SUPPLY,
        Reason.NOT_ELIGIBLE,
        Reason.ALL_OR_NOTHING,
        Reason.RESERVED,
        Reason.FAIR_SHARE,
        Reason.SUPPLY_EXHAUSTED,
    }
)
"""Shortfalls that more of the item could relieve; the others wait for volunteer time."""

VOLUNTEER_REASONS = frozenset({Reason.NO_VOLUNTEER, Reason.NO_DESIGNATED_VOLUNTEER, Reason.VOLUNTEER_HOURS_EXHAUSTED})
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


class Ledger:
    """Eligibility, units given per lot and tier, and volunteer hours left, read once from a plan.

    Eligibility is asked of the rules (`allocate.rules`) from the case, not taken from the engine, so a reason
    never depends on how the plan was made.
    """

    def __init__(self, plan: Plan) -> None:
        case = self.case = plan.case
        self.plan = plan
        self.tier_names = case.policy.tier_names
        need_ids = case.needs.column("need_id")
        need_pos = dict(zip(need_ids, range(len(need_ids)), strict=True))
        lot_ids, allocs = case.lots.column("lot_id"), plan.allocations
        lot_pos = dict(zip(lot_ids, range(len(lot_ids)), strict=True))
        n = len(allocs)
        need_at = np.fromiter(map(need_pos.get, allocs.column("need_id"), repeat(-1)), np.int64, count=n)
        lot_at = np.fromiter(map(lot_pos.get, allocs.column("lot_id"), repeat(-1)), np.int64, count=n)
        qty = np.fromiter(allocs.column("quantity"), np.int64, count=n)
        known = (need_at >= 0) & (lot_at >= 0)
        self.alloc_need, self.alloc_lot, self.alloc_qty = need_at[known], lot_at[known], qty[known]
        self.need_tier = np.array(case.need_tiers, np.int64)
        given = np.zeros((len(case.lots), len(self.tier_names)), np.int64)
        np.add.at(given, (self.alloc_lot, self.need_tier[self.alloc_need]), self.alloc_qty)
        self.given = given
        self.lot_qty = np.array([lot.quantity for lot in case.lots], np.int64)
        self.left = np.maximum(self.lot_qty - given.sum(axis=1), 0)
        self.received = list(map(plan.received.get, need_ids, repeat(0)))
        self._pools: dict[int, _Pool] = {}
        self._goods_why: dict[int, Reason | None] = {}
        self._able: dict[tuple[int, int], list[int]] = {}
        self._visit: dict[tuple[int, int, float], Reason | None] = {}
        self._reserved: dict[tuple[int, int], int] = {}

    @cached_property
    def grid_of(self) -> list[str]:
        """Per need, its household's grid."""
        grids = self.goods.grids
        return [grids[g] for g in self.goods.need_grid.tolist()]

    @cached_property
    def from_lots(self) -> dict[int, list[tuple[int, int]]]:
        """Per need given something, the (lot row, units) it received, in plan order."""
        out: dict[int, list[tuple[int, int]]] = {}
        for need, lot, q in zip(
            self.alloc_need.tolist(), self.alloc_lot.tolist(), self.alloc_qty.tolist(), strict=True
        ):
            out.setdefault(need, []).append((lot, q))
        return out

    def prime(self, needs: IntArray) -> None:
        """Work out at once, for every signature of `needs`, its goods reason and its pool (what `goods_reason` and
        `pool` would memoise one signature at a time): one pass of each rule over the pairs of a signature and a
        lot of its item holding a unit."""
        sig = self.signature
        todo = np.unique(sig[needs])
        todo = todo[[int(k) not in self._goods_why for k in todo.tolist()]]
        if not todo.size:
            return
        rep = self._first_of_signature[todo]
        facts, holding = self.goods, self.holding
        item = facts.need_item[rep]
        lot_item = facts.lot_item[holding]
        by_item = np.argsort(lot_item, kind="stable")
        start = np.searchsorted(lot_item[by_item], item, "left")
        stop = np.searchsorted(lot_item[by_item], item, "right")
        size = stop - start
        pair = np.repeat(np.arange(todo.size), size)  # pairs of a signature and a lot of its item (the item rule)
        offset = np.arange(pair.size) - np.repeat(np.cumsum(size) - size, size)
        lot = holding[by_item[np.repeat(start, size) + offset]]
        ok = np.ones(pair.size, np.bool_)
        why: list[Reason | None] = [None] * todo.size
        settled = size == 0
        for k in np.flatnonzero(settled).tolist():
            why[k] = Reason(GOODS_RULES[0].reason)
        for rule in GOODS_RULES:
            ok &= rule.allows(facts, lot, rep[pair])
            alive = np.bincount(pair[ok], minlength=todo.size) > 0
            for k in np.flatnonzero(~alive & ~settled).tolist():
                why[k] = Reason(rule.reason)
            settled |= ~alive
        units = np.bincount(pair[ok], weights=self.lot_qty[lot[ok]], minlength=todo.size)
        left = np.bincount(pair[ok], weights=self.left[lot[ok]], minlength=todo.size)
        per_tier = np.stack(
            [
                np.bincount(pair[ok], weights=self.given[lot[ok], t], minlength=todo.size)
                for t in range(self.given.shape[1])
            ],
            axis=1,
        ).astype(np.int64)
        order = np.lexsort((lot[ok], pair[ok]))  # each signature's lots in case order, as `pool` lists them
        mine = np.split(lot[ok][order], np.cumsum(np.bincount(pair[ok], minlength=todo.size))[:-1])
        for k, key in enumerate(todo.tolist()):
            self._goods_why[key] = why[k]
            self._pools[key] = _Pool(tuple(mine[k].tolist()), int(units[k]), per_tier[k], int(left[k]))

    @cached_property
    def _signatures(self) -> tuple[IntArray, IntArray]:
        return goods_signatures(self.goods)

    @cached_property
    def _first_of_signature(self) -> IntArray:
        return self._signatures[1]

    @cached_property
    def own(self) -> IntArray:
        """Per need, the units it received from its eligible lots holding a unit (its pool)."""
        ok = goods_allowed(self.goods, self.alloc_lot, self.alloc_need) & (self.lot_qty[self.alloc_lot] > 0)
        return np.bincount(self.alloc_need[ok], weights=self.alloc_qty[ok], minlength=len(self.case.needs)).astype(
            np.int64
        )

    def pool(self, need: int) -> _Pool:
        """The eligible lots of `need` with units (those `allocate.rules.GOODS_RULES` allow), and where their units
        went; memoised per signature (what the rules read of a need)."""
        key = int(self.signature[need])
        found = self._pools.get(key)
        if found is None:
            ks = tuple(self.holding[self.allowed_from(self.holding, need)].tolist())
            rows = list(ks)
            found = self._pools[key] = _Pool(
                lots=ks,
                units=int(self.lot_qty[rows].sum()),
                per_tier=self.given[rows].sum(axis=0),
                left=int(self.left[rows].sum()),
            )
        return found

    @cached_property
    def goods(self) -> GoodsFacts:
        """The arrays the goods rules read."""
        return GoodsFacts(self.case, self.plan.plan_date)

    @cached_property
    def signature(self) -> IntArray:
        """Per need, its signature: needs with one signature may use the same lots."""
        return self._signatures[0]

    @cached_property
    def holding(self) -> IntArray:
        """Lots that hold a unit, in case order."""
        return np.flatnonzero(self.lot_qty > 0)

    def allowed_from(self, lots: IntArray, need: int, rules: Sequence[GoodsRule] = GOODS_RULES) -> BoolArray:
        """Which of `lots` `rules` allow to give to `need`."""
        return goods_allowed(self.goods, lots, np.full(lots.size, need), rules)

    def goods_reason(self, need: int) -> Reason | None:
        """The reason of the first goods rule that leaves `need` no lot holding a unit, or None if some lot may
        give to it; memoised per signature."""
        key = int(self.signature[need])
        if key not in self._goods_why:
            lots, why = self.holding, None
            for rule in GOODS_RULES:
                lots = lots[self.allowed_from(lots, need, (rule,))]
                if not lots.size:
                    why = Reason(rule.reason)
                    break
            self._goods_why[key] = why
        return self._goods_why[key]

    @cached_property
    def delivered(self) -> frozenset[str]:
        """Households with a delivery visit."""
        visits = self.plan.visits
        kinds, homes = visits.column("kind"), visits.column("household_id")
        return frozenset(h for k, h in zip(kinds, homes, strict=True) if k == "delivery")

    @cached_property
    def hours_left(self) -> list[float]:
        """Hours each volunteer has left after the plan's visits, aligned with `case.volunteers`."""
        vols = self.case.volunteers or ()
        used: dict[str, float] = {}
        visits = self.plan.visits
        for volunteer_id, hours in zip(visits.column("volunteer_id"), visits.column("hours"), strict=True):
            used[volunteer_id] = used.get(volunteer_id, 0.0) + hours
        return [v.hours - used.get(v.volunteer_id, 0.0) for v in vols]

    @cached_property
    def facts(self) -> VisitFacts:
        """The arrays the visit rules read."""
        return VisitFacts(self.case)

    @cached_property
    def visit_class(self) -> IntArray:
        """Per household, its visit class (`allocate.rules.visit_classes`): who may visit depends on nothing else."""
        return visit_classes(self.facts)[0]

    @cached_property
    def cap(self) -> Cap | None:
        """The rules' cap on some visits per volunteer, or None."""
        return visit_cap(self.facts) if self.case.volunteers is not None else None

    @cached_property
    def capped_left(self) -> IntArray:
        """Per volunteer, the visits to capped households the cap still allows (0 without a cap: unused)."""
        vols = self.case.volunteers or ()
        if self.cap is None:
            return np.zeros(len(vols), np.int64)
        at = {v.volunteer_id: k for k, v in enumerate(vols)}
        made = np.zeros(len(vols), np.int64)
        visits, homes = self.plan.visits, self.case.household_index
        for volunteer_id, home in zip(visits.column("volunteer_id"), visits.column("household_id"), strict=True):
            h = homes.get(home)
            if h is not None and volunteer_id in at and self.cap.households[h]:
                made[at[volunteer_id]] += 1
        return self.cap.limit - made

    def able(self, household: int, skill: int = DELIVERY) -> list[int]:
        """Volunteers the visit rules allow to visit `household` (for a service: with skill code `skill`),
        memoised per visit class: thousands of households share one."""
        key = (int(self.visit_class[household]), skill)
        found = self._able.get(key)
        if found is None:
            n = len(self.case.volunteers or ())
            ok = allowed(self.facts, np.arange(n), np.full(n, household), np.full(n, skill))
            found = self._able[key] = np.flatnonzero(ok).tolist()
        return found

    @cached_property
    def _offered(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Hours each volunteer offers, and has left after the plan's visits."""
        offered = np.asarray([v.hours for v in self.case.volunteers or ()], np.float64)
        return offered, np.asarray(self.hours_left, np.float64)

    def visit_reason(self, household: int, skill: int, hours: float) -> Reason | None:
        """Why nobody made a visit of `hours` to `household` (a delivery, or a service of skill code `skill`), if
        volunteer time is why: the first visit rule that leaves no volunteer offering the hours (its reason), a
        cap of 0 on such visits, or every allowed volunteer's hours (or capped visits) used up; memoised."""
        key = (int(self.visit_class[household]), skill, hours)
        if key in self._visit:
            return self._visit[key]
        offered, left = self._offered
        who = np.flatnonzero(offered >= hours - HOURS_TOLERANCE)
        why: Reason | None = None
        for rule in VISIT_RULES:
            who = who[rule.allows(self.facts, who, np.full(who.size, household), np.full(who.size, skill))]
            if not who.size:
                why = Reason(rule.reason)
                break
        capped = self.cap is not None and bool(self.cap.households[household])
        if why is None and capped and self.cap is not None and self.cap.limit == 0:
            why = Reason(self.cap.reason)
        if why is None:
            free = left[who] >= hours - HOURS_TOLERANCE
            if capped:
                free &= self.capped_left[who] > 0
            if not free.any():
                why = Reason.VOLUNTEER_HOURS_EXHAUSTED
        self._visit[key] = why
        return why

    def need_reason(self, need: int) -> Reason:
        """The reason a short need is short; the rules are `shortfalls`'s docstring."""
        case = self.case
        why = self.goods_reason(need)
        if why is not None:
            return why
        pool = self.pool(need)
        owner = case.needs.column("household_id")[need]
        if case.volunteers is not None and owner not in self.delivered:
            why = self.visit_reason(case.household_index[owner], DELIVERY, case.policy.visit_hours)
            if why is not None:
                return why
        tier = int(self.need_tier[need])
        lower = int(pool.per_tier[tier + 1 :].sum())
        if case.needs.column("all_or_nothing")[need] and self.received[need] == 0 and pool.left + lower > 0:
            return Reason.ALL_OR_NOTHING
        if self.reserved_away(need) > 0:
            return Reason.RESERVED
        if pool.per_tier[tier] - self.own[need] > 0:
            return Reason.FAIR_SHARE
        return Reason.SUPPLY_EXHAUSTED

    @cached_property
    def benefit(self) -> IntArray:
        """Per need, the bit mask of the reserves whose beneficiaries it is among (`allocate.rules.reserves`)."""
        return beneficiaries(self.goods)

    @cached_property
    def item_reserves(self) -> IntArray:
        """Per item code of the goods facts, the bit mask of its reserves (0: none)."""
        out = np.zeros(len(self.goods.items), np.int64)
        code = {item: k for k, item in enumerate(self.goods.items)}
        for bit, r in enumerate(self.case.policy.reserves):
            if r.item in code:
                out[code[r.item]] |= 1 << bit
        return out

    def reserved_away(self, need: int) -> int:
        """Units of `need`'s eligible lots that went to lower tiers' needs among the beneficiaries of a reserve of
        its item that `need` is not among: what strict priority alone would not have let pass it. 0 without
        reserves; memoised per (signature, reserves it is among)."""
        others = int(self.item_reserves[self.goods.need_item[need]]) & ~int(self.benefit[need])
        if not others:
            return 0
        key = (int(self.signature[need]), others)
        if key not in self._reserved:
            lots = np.asarray(self.pool(need).lots, np.int64)
            rows = np.isin(self.alloc_lot, lots)
            rows &= self.need_tier[self.alloc_need] > self.need_tier[need]
            rows &= (self.benefit[self.alloc_need] & others) != 0
            self._reserved[key] = int(self.alloc_qty[rows].sum())
        return self._reserved[key]

    def service_reason(self, service: int) -> Reason:
        """The reason a service is not done: nobody the visit rules allow offers its hours (that rule's reason),
        or the allowed ones' hours (or capped visits) went elsewhere."""
        s, facts = self.case.services[service], self.facts
        why = self.visit_reason(int(facts.service_hh[service]), int(facts.service_skill[service]), s.hours)
        return why or Reason.VOLUNTEER_HOURS_EXHAUSTED


def shortfalls(plan: Plan) -> Records[Shortfall]:
    """Every need that received less than it asked and every service not done, with one reason each.

    Rows are in case order, needs first, then services. A need's reason is the first of these that holds
    (its *eligible lots* are the lots of its item that hold units, are usable on the plan date, are reserved for
    its tier or a lower-priority one or not at all, and are limited to its grid or not at all):

    The goods rules (`allocate.rules.GOODS_RULES`) are tested in order on the lots holding a unit, and rules 1 and
    2 are the reason of the first that leaves none:

    1. `no_supply`: no lot of the item holds a unit.
    2. `not_eligible`: it has no eligible lot (every lot of the item is expired, reserved for higher tiers, or
       limited to other grids).
    3. `no_volunteer` or `no_designated_volunteer` (with a volunteers table, household without a delivery
       visit): no volunteer the visit rules allow (`allocate.rules.VISIT_RULES`, tested in order) offers the
       hours of one delivery visit: none covers its grid (`no_volunteer`), or it is quarantined and none of those
       is designated, or the policy caps visits to quarantined households at 0 (`no_designated_volunteer`).
    4. `volunteer_hours_exhausted` (same): every allowed volunteer has less than one delivery visit's hours left
       in the plan, or (quarantined) has made all the visits the cap allows. (When one still could, the
       household went undelivered because it would have received nothing, and a supply reason below says why.)
    5. `all_or_nothing`: an all-or-nothing need that received nothing, while units of its eligible lots were
       left unused or went to lower tiers (in a plan without waste: fewer than its quantity).
    6. `reserved`: units of its eligible lots went to needs of lower tiers among the beneficiaries of a reserve of
       its item that it is not among (`docs/reserves.md`): the policy set them aside.
    7. `fair_share`: units of its eligible lots went to other needs of its own tier: the tier shared them.
    8. `supply_exhausted`: otherwise: its eligible lots' units went to higher tiers, and to itself.

    A service not done has the reason of the first visit rule that leaves nobody with its skill offering its
    hours (`no_volunteer`, or `no_designated_volunteer` for a quarantined household), and
    `volunteer_hours_exhausted` otherwise. The rules assume a feasible plan (see `allocate.verify`).
    """
    ledger = Ledger(plan)
    case = plan.case
    names = ledger.tier_names
    quantity = np.fromiter(case.needs.column("quantity"), np.int64, len(case.needs))
    short = np.flatnonzero(np.asarray(ledger.received, np.int64) < quantity).tolist()
    ledger.prime(np.asarray(short, np.int64))
    need_ids, owners, items = case.needs.column("need_id"), case.needs.column("household_id"), case.needs.column("item")
    need_tiers, received = case.need_tiers, ledger.received
    done = plan.served_services
    services = [i for i, s in enumerate(case.services.column("service_id")) if s not in done]
    hours, grids = case.services.column("hours"), case.households.column("grid")
    at, service_owners = case.household_index, case.services.column("household_id")
    asked = [float(quantity[i]) for i in short] + [hours[i] for i in services]
    got = [float(received[i]) for i in short] + [0.0] * len(services)
    columns = {
        "kind": ["need"] * len(short) + ["service"] * len(services),
        "id": [need_ids[i] for i in short] + [case.services.column("service_id")[i] for i in services],
        "household_id": [owners[i] for i in short] + [service_owners[i] for i in services],
        "grid": [ledger.grid_of[i] for i in short] + [grids[at[service_owners[i]]] for i in services],
        "tier": [names[need_tiers[i]] for i in short] + [names[case.service_tiers[i]] for i in services],
        "item_or_skill": [items[i] for i in short] + [case.services.column("skill")[i] for i in services],
        "requested": asked,
        "received": got,
        "shortfall": [a - g for a, g in zip(asked, got, strict=True)],
        "reason": [ledger.need_reason(i) for i in short] + [ledger.service_reason(i) for i in services],
    }
    return Records(Shortfall, columns)  # every value is of its field's type already: no record is built
