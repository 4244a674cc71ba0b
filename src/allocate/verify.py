"""Check a plan against its case and policy (SPEC section 3), trusting nothing the solver did.

`verify` reads the case, the policy and the plan's allocations and visits, never a solver's model, so a
formulation bug cannot hide and a plan made by hand or by another tool is checked the same way. It is vectorised
over allocations and one pass over lots, so it is cheap enough to run on every plan before it is returned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from itertools import repeat
from operator import attrgetter, is_not
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from allocate.plan import Plan, TierStats, format_hours, tier_stats
from allocate.schema import ALL_GRIDS, Case

HOURS_TOLERANCE = 1e-9
"""Hours within this of each other are equal: volunteer totals, delivery and service visit lengths."""

IntArray = npt.NDArray[np.int64]


class Rule(StrEnum):
    """What a violation breaks; the values are short stable codes for files and tests."""

    PLAN_DATE = "plan_date"  # the plan is dated otherwise than the policy's fixed plan date
    UNKNOWN_ID = "unknown_id"  # a need, lot, household, volunteer or service the case does not have
    WRONG_ITEM = "wrong_item"  # a lot gives to a need of another item
    RESERVED_FOR = "reserved_for"  # a lot reserved for a tier gives to a lower-priority tier
    GRID_LIMITED = "grid_limited"  # a grid-limited lot gives to a household of another grid
    EXPIRED = "expired"  # a lot that expired before the plan date gives units
    LOT_OVERDRAWN = "lot_overdrawn"  # a lot gives more than it holds
    OVER_ASKED = "over_asked"  # a need receives more than it asks
    ALL_OR_NOTHING = "all_or_nothing"  # an all-or-nothing need receives part of its quantity
    MALFORMED_VISIT = "malformed_visit"  # a delivery naming a service, or a service visit naming none
    NO_DELIVERY_VISIT = "no_delivery_visit"  # a household receives goods but nobody delivers them
    EXTRA_DELIVERY_VISIT = "extra_delivery_visit"  # a household gets more than one delivery visit
    EMPTY_DELIVERY_VISIT = "empty_delivery_visit"  # a delivery visit to a household that receives nothing
    WRONG_VISIT_HOURS = "wrong_visit_hours"  # a delivery not of `visit_hours`, or a service visit too long
    VISIT_NOT_COVERING_GRID = "visit_not_covering_grid"  # the volunteer does not cover the household's grid
    WRONG_HOUSEHOLD = "wrong_household"  # a service visit goes to another household than the service's
    SERVICE_NOT_WHOLE = "service_not_whole"  # a service visit shorter than the service
    SERVICE_REPEATED = "service_repeated"  # a service with more than one visit
    SERVICE_SKILL = "service_skill"  # the volunteer lacks the service's skill
    VOLUNTEER_OVERBOOKED = "volunteer_overbooked"  # a volunteer given more hours than offered
    PRIORITY_INVERSION = "priority_inversion"  # units reach a lower tier while an eligible higher-tier need is short
    WASTE = "waste"  # usable units left while an eligible need in a delivered household is short

    @property
    def is_consequence(self) -> bool:
        """True for the optimality consequences (inversion, waste); False for the feasibility rules."""
        return self in (Rule.PRIORITY_INVERSION, Rule.WASTE)


class Violation(BaseModel):
    """One broken rule: what, by how much, and the ids involved."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: Rule
    message: str
    ids: tuple[str, ...] = ()
    amount: float | None = None  # by how much, in units or hours, where a number says it

    def __str__(self) -> str:
        return f"{self.rule.value}: {self.message}"


class Verification(BaseModel):
    """The verdict on a plan: every violation found, and how each tier fared."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ok: bool
    violations: tuple[Violation, ...]
    tiers: tuple[TierStats, ...]

    @property
    def feasible(self) -> bool:
        """Whether the plan breaks no feasibility rule (it may still show inversion or waste)."""
        return not any(not v.rule.is_consequence for v in self.violations)

    def __str__(self) -> str:
        if self.ok:
            return "plan verified: no violations"
        lines = [f"plan fails verification: {len(self.violations)} violation(s)"]
        lines += [f"  {v}" for v in self.violations]
        return "\n".join(lines)


def verify(case: Case, plan: Plan) -> Verification:
    """Check `plan` against `case` and its policy: feasibility, then no priority inversion and no waste.

    Feasibility is every rule of SPEC section 3, with expiry judged on `plan.plan_date`. Inversion and waste are
    flagged only where they are certain: a unit of a lot could be moved to a short higher-tier need (or a leftover
    unit given to a short need) in a household already delivered, and the plan would stay feasible and be strictly
    better. An all-or-nothing need counts only when the units the move could free cover its whole quantity.

    The per tier min and mean fill are reported, but whether the minimum is "as high as whole units allow"
    (leximin optimality) needs an optimiser, so this does not claim it: a plan can pass and not be leximin-optimal.
    """
    return _Checker(case, plan).run()


class _Checker:
    """One verification: index arrays of the case, the plan as arrays, and the violations found so far.

    Columns are pulled out with `map(attrgetter(...))` and ids resolved with `map(dict.get, ...)`, which run at C
    speed; Python loops touch only lots, services and the rows that break a rule.
    """

    def __init__(self, case: Case, plan: Plan) -> None:
        self.case, self.plan = case, plan
        self.found: list[Violation] = []
        self.tier_names = case.policy.tier_names
        needs, lots = case.needs, case.lots
        self.need_pos = dict(zip(_column(needs, "need_id"), range(len(needs)), strict=True))
        self.lot_pos = dict(zip(_column(lots, "lot_id"), range(len(lots)), strict=True))
        self.grid_code: dict[str, int] = {}
        self.hh_grid = _codes(_column(case.households, "grid"), self.grid_code)
        item_code: dict[str, int] = {}
        self.need_item = _codes(_column(needs, "item"), item_code)
        self.lot_item = _codes(_column(lots, "item"), item_code)
        self.need_q = np.fromiter(_column(needs, "quantity"), dtype=np.int64, count=len(needs))
        self.need_aon = np.fromiter(_column(needs, "all_or_nothing"), dtype=bool, count=len(needs))
        self.need_rank = np.fromiter(case.need_tiers, dtype=np.int64, count=len(needs))
        self.need_hh = _lookup(case.household_index, _column(needs, "household_id"))
        self.need_grid = self.hh_grid[self.need_hh]
        last = len(self.tier_names) - 1
        self.lot_usable = np.array([lot.usable_on(plan.plan_date) for lot in lots], dtype=bool)
        self.lot_reserve = np.array(
            [last if lot.reserved_for is None else case.policy.rank(lot.reserved_for) for lot in lots],
            dtype=np.int64,
        )

    def add(self, rule: Rule, message: str, ids: tuple[str, ...], amount: float | None = None) -> None:
        self.found.append(Violation(rule=rule, message=message, ids=ids, amount=amount))

    def run(self) -> Verification:
        case, plan = self.case, self.plan
        if case.policy.plan_date is not None and plan.plan_date != case.policy.plan_date:
            self.add(
                Rule.PLAN_DATE,
                f"the plan is dated {plan.plan_date} but the policy fixes the plan date to {case.policy.plan_date}",
                (),
            )
        received = self.check_allocations()
        if case.volunteers is None:
            delivered = np.ones(len(case.households), dtype=bool)
            done = np.zeros(len(case.services), dtype=bool)
            for v in plan.visits:
                self.add(
                    Rule.UNKNOWN_ID,
                    f"a {v.kind} visit names volunteer {v.volunteer_id!r}, but the case has no volunteers table",
                    (v.volunteer_id,),
                )
        else:
            delivered, done = self.check_visits(received)
        self.check_consequences(received, delivered)
        service_hh = np.array([case.household_index[s.household_id] for s in case.services], dtype=np.int64)
        ranks = np.concatenate([self.need_rank, np.array(case.service_tiers, dtype=np.int64)])
        tiers = tier_stats(
            self.tier_names,
            np.concatenate([received / self.need_q, done.astype(np.float64)]),
            ranks,
            np.concatenate([self.need_hh, service_hh]),
            np.arange(len(ranks)) < len(case.needs),
        )
        return Verification(ok=not self.found, violations=tuple(self.found), tiers=tiers)

    def check_allocations(self) -> IntArray:
        """Allocation rules (ids, item, reserved_for, grids, expiry) and totals per lot and need.

        Sets the per-row arrays the consequences reuse; returns the units received by each need.
        """
        case, allocs = self.case, self.plan.allocations
        need_at = _lookup(self.need_pos, _column(allocs, "need_id"))
        lot_at = _lookup(self.lot_pos, _column(allocs, "lot_id"))
        qty = np.fromiter(_column(allocs, "quantity"), dtype=np.int64, count=len(allocs))
        for row in np.flatnonzero((need_at < 0) | (lot_at < 0)).tolist():
            a = allocs[row]
            if need_at[row] < 0:
                self.add(
                    Rule.UNKNOWN_ID,
                    f"an allocation of {a.quantity} names need {a.need_id!r}, not in the case",
                    (a.need_id,),
                )
            if lot_at[row] < 0:
                self.add(
                    Rule.UNKNOWN_ID,
                    f"an allocation of {a.quantity} names lot {a.lot_id!r}, not in the case",
                    (a.lot_id,),
                )

        rows = np.flatnonzero((need_at >= 0) & (lot_at >= 0))
        n, lot, q = need_at[rows], lot_at[rows], qty[rows]
        self.row_need, self.row_lot, self.row_qty = n, lot, q
        needs, lots, hh = case.needs, case.lots, case.households

        for r in rows[self.need_item[n] != self.lot_item[lot]].tolist():
            a, nd, lt = allocs[r], needs[need_at[r]], lots[lot_at[r]]
            self.add(
                Rule.WRONG_ITEM,
                f"lot {lt.lot_id} ({lt.item}) gives {_units(a.quantity)} to need {nd.need_id}, which asks for "
                f"{nd.item}",
                (lt.lot_id, nd.need_id),
                a.quantity,
            )
        for r in rows[self.need_rank[n] > self.lot_reserve[lot]].tolist():
            a, nd, lt = allocs[r], needs[need_at[r]], lots[lot_at[r]]
            self.add(
                Rule.RESERVED_FOR,
                f"lot {lt.lot_id} is reserved for tier {lt.reserved_for} or higher but gives {_units(a.quantity)} to "
                f"need {nd.need_id} of tier {self.tier_names[self.need_rank[need_at[r]]]}",
                (lt.lot_id, nd.need_id),
                a.quantity,
            )
        limits = [lt.grids or () for lt in lots]
        for r in rows[~self.in_grids(limits, [lt.grids is None for lt in lots], lot, self.need_grid[n])].tolist():
            a, nd, lt = allocs[r], needs[need_at[r]], lots[lot_at[r]]
            grid = hh[self.need_hh[need_at[r]]].grid
            self.add(
                Rule.GRID_LIMITED,
                f"lot {lt.lot_id} is limited to grids {'; '.join(lt.grids or ())} but gives {_units(a.quantity)} to "
                f"need {nd.need_id} in grid {grid}",
                (lt.lot_id, nd.need_id),
                a.quantity,
            )
        for r in rows[~self.lot_usable[lot]].tolist():
            a, nd, lt = allocs[r], needs[need_at[r]], lots[lot_at[r]]
            self.add(
                Rule.EXPIRED,
                f"lot {lt.lot_id} expired on {lt.expires} (plan date {self.plan.plan_date}) but gives "
                f"{_units(a.quantity)} to need {nd.need_id}",
                (lt.lot_id, nd.need_id),
                a.quantity,
            )

        known_lot = lot_at >= 0
        given = _int_sums(lot_at[known_lot], qty[known_lot], len(lots))
        lot_q = np.fromiter((lt.quantity for lt in lots), dtype=np.int64, count=len(lots))
        for i in np.flatnonzero(given > lot_q).tolist():
            lt = lots[i]
            over = int(given[i] - lt.quantity)
            self.add(
                Rule.LOT_OVERDRAWN,
                f"lot {lt.lot_id} gives {_units(int(given[i]))} but holds {lt.quantity} (over by {over})",
                (lt.lot_id,),
                over,
            )
        self.leftover = np.maximum(lot_q - given, 0)

        known_need = need_at >= 0
        received = _int_sums(need_at[known_need], qty[known_need], len(needs))
        for i in np.flatnonzero(received > self.need_q).tolist():
            nd = needs[i]
            over = int(received[i] - nd.quantity)
            self.add(
                Rule.OVER_ASKED,
                f"need {nd.need_id} receives {_units(int(received[i]))} but asks for {nd.quantity} (over by {over})",
                (nd.need_id,),
                over,
            )
        for i in np.flatnonzero(self.need_aon & (received > 0) & (received < self.need_q)).tolist():
            nd = needs[i]
            short = int(nd.quantity - received[i])
            self.add(
                Rule.ALL_OR_NOTHING,
                f"need {nd.need_id} is all-or-nothing but receives {received[i]} of {nd.quantity} units "
                f"(short by {short})",
                (nd.need_id,),
                short,
            )
        return received

    def in_grids(
        self, lists: Sequence[tuple[str, ...]], everywhere: Sequence[bool], owner: IntArray, grid: IntArray
    ) -> npt.NDArray[np.bool_]:
        """Whether each `grid` code is in the grid list of its `owner` (a lot or a volunteer row), or the owner
        goes `everywhere`; one sorted membership test instead of a Python loop over rows."""
        n_grids = len(self.grid_code)
        pairs = [i * n_grids + self.grid_code[g] for i, gs in enumerate(lists) for g in gs if g in self.grid_code]
        inside = np.isin(owner * n_grids + grid, np.array(pairs, dtype=np.int64))
        return np.asarray(everywhere, dtype=bool)[owner] | inside

    def check_visits(self, received: IntArray) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """Visit rules; returns which households have a delivery visit and which services are done.

        Deliveries (the bulk) are checked as arrays; service visits one by one.
        """
        case, policy, visits = self.case, self.case.policy, self.plan.visits
        vols = case.volunteers or ()
        hh = case.households
        vol_at = _lookup({v.volunteer_id: i for i, v in enumerate(vols)}, _column(visits, "volunteer_id"))
        hh_at = _lookup(case.household_index, _column(visits, "household_id"))
        kind_is_delivery = np.fromiter(map("delivery".__eq__, _column(visits, "kind")), dtype=bool, count=len(visits))
        names_service = np.fromiter(
            map(is_not, _column(visits, "service_id"), repeat(None)), dtype=bool, count=len(visits)
        )
        hours = np.fromiter(_column(visits, "hours"), dtype=np.float64, count=len(visits))

        for r in np.flatnonzero(vol_at < 0).tolist():
            v = visits[r]
            self.add(
                Rule.UNKNOWN_ID,
                f"a {v.kind} visit names volunteer {v.volunteer_id!r}, not in the case",
                (v.volunteer_id,),
            )
        for r in np.flatnonzero(hh_at < 0).tolist():
            v = visits[r]
            self.add(
                Rule.UNKNOWN_ID,
                f"a {v.kind} visit names household {v.household_id!r}, not in the case",
                (v.household_id,),
            )
        for r in np.flatnonzero(kind_is_delivery & names_service).tolist():
            v = visits[r]
            self.add(
                Rule.MALFORMED_VISIT,
                f"a delivery visit to {v.household_id} names service {v.service_id}",
                (v.household_id, v.service_id or ""),
            )

        delivery = np.flatnonzero(kind_is_delivery & (hh_at >= 0))
        off = np.abs(hours[delivery] - policy.visit_hours) > HOURS_TOLERANCE
        for r in delivery[off].tolist():
            v = visits[r]
            self.add(
                Rule.WRONG_VISIT_HOURS,
                f"the delivery visit by {v.volunteer_id} to {v.household_id} takes {format_hours(v.hours)} h; "
                f"a delivery takes {format_hours(policy.visit_hours)} h",
                (v.volunteer_id, v.household_id),
                abs(v.hours - policy.visit_hours),
            )
        by_known = delivery[vol_at[delivery] >= 0]
        covered = self.in_grids(
            [v.grids for v in vols],
            [ALL_GRIDS in v.grids for v in vols],
            vol_at[by_known],
            self.hh_grid[hh_at[by_known]],
        )
        for r in by_known[~covered].tolist():
            v = visits[r]
            self.add(
                Rule.VISIT_NOT_COVERING_GRID,
                f"volunteer {v.volunteer_id} delivers to household {v.household_id} in grid {hh[hh_at[r]].grid}, "
                "which they do not cover",
                (v.volunteer_id, v.household_id),
                v.hours,
            )
        deliveries = np.bincount(hh_at[delivery], minlength=len(hh))

        services = {s.service_id: (i, s) for i, s in enumerate(case.services)}
        service_visits: Counter[str] = Counter()
        done = np.zeros(len(case.services), dtype=bool)
        for r in np.flatnonzero(~kind_is_delivery).tolist():
            v = visits[r]
            if v.service_id is None:
                self.add(
                    Rule.MALFORMED_VISIT,
                    f"a service visit by {v.volunteer_id} to {v.household_id} names no service",
                    (v.volunteer_id, v.household_id),
                )
                continue
            found = services.get(v.service_id)
            if found is None:
                self.add(
                    Rule.UNKNOWN_ID, f"a service visit names service {v.service_id!r}, not in the case", (v.service_id,)
                )
                continue
            i, s = found
            done[i] = True
            service_visits[s.service_id] += 1
            if v.household_id != s.household_id:
                self.add(
                    Rule.WRONG_HOUSEHOLD,
                    f"service {s.service_id} is for household {s.household_id} but its visit goes to {v.household_id}",
                    (s.service_id, v.household_id),
                )
            if v.hours < s.hours - HOURS_TOLERANCE:
                self.add(
                    Rule.SERVICE_NOT_WHOLE,
                    f"service {s.service_id} takes {format_hours(s.hours)} h but its visit gives "
                    f"{format_hours(v.hours)} h (short by {format_hours(s.hours - v.hours)} h)",
                    (s.service_id, v.volunteer_id),
                    s.hours - v.hours,
                )
            elif v.hours > s.hours + HOURS_TOLERANCE:
                self.add(
                    Rule.WRONG_VISIT_HOURS,
                    f"service {s.service_id} takes {format_hours(s.hours)} h but its visit books "
                    f"{format_hours(v.hours)} h (over by {format_hours(v.hours - s.hours)} h)",
                    (s.service_id, v.volunteer_id),
                    v.hours - s.hours,
                )
            if vol_at[r] < 0:
                continue
            vol = vols[vol_at[r]]
            if s.skill not in vol.skills:
                self.add(
                    Rule.SERVICE_SKILL,
                    f"volunteer {vol.volunteer_id} does service {s.service_id} without its skill {s.skill}",
                    (vol.volunteer_id, s.service_id),
                    v.hours,
                )
            grid = hh[case.household_index[s.household_id]].grid
            if not vol.covers(grid):
                self.add(
                    Rule.VISIT_NOT_COVERING_GRID,
                    f"volunteer {vol.volunteer_id} does service {s.service_id} in grid {grid}, which they do not cover",
                    (vol.volunteer_id, s.service_id),
                    v.hours,
                )

        for sid, count in service_visits.items():
            if count > 1:
                self.add(
                    Rule.SERVICE_REPEATED,
                    f"service {sid} has {count} visits; a service is done whole by one",
                    (sid,),
                    count - 1,
                )
        known = vol_at >= 0
        used = np.bincount(vol_at[known], weights=hours[known], minlength=len(vols))
        offered = np.array([v.hours for v in vols], dtype=np.float64)
        for i in np.flatnonzero(used - offered > HOURS_TOLERANCE).tolist():
            vol, over = vols[i], float(used[i]) - vols[i].hours
            self.add(
                Rule.VOLUNTEER_OVERBOOKED,
                f"volunteer {vol.volunteer_id} is given {format_hours(used[i])} h but offers "
                f"{format_hours(vol.hours)} h (over by {format_hours(over)} h)",
                (vol.volunteer_id,),
                over,
            )

        goods = np.zeros(len(hh), dtype=bool)
        goods[self.need_hh[received > 0]] = True
        for i in np.flatnonzero(goods & (deliveries == 0)).tolist():
            hid = hh[i].household_id
            self.add(Rule.NO_DELIVERY_VISIT, f"household {hid} receives goods but has no delivery visit", (hid,))
        for i in np.flatnonzero(goods & (deliveries > 1)).tolist():
            hid = hh[i].household_id
            extra = int(deliveries[i] - 1)
            self.add(
                Rule.EXTRA_DELIVERY_VISIT,
                f"household {hid} has {deliveries[i]} delivery visits; it needs exactly one ({extra} extra)",
                (hid,),
                extra,
            )
        for i in np.flatnonzero(~goods & (deliveries > 0)).tolist():
            hid = hh[i].household_id
            wasted = float(deliveries[i] * policy.visit_hours)
            self.add(
                Rule.EMPTY_DELIVERY_VISIT,
                f"household {hid} receives no goods but has {deliveries[i]} delivery visit(s) "
                f"({format_hours(wasted)} h wasted)",
                (hid,),
                wasted,
            )
        return deliveries > 0, done

    def check_consequences(self, received: IntArray, delivered: npt.NDArray[np.bool_]) -> None:
        """No priority inversion and no waste, in one pass over lots with short needs grouped by item and grid.

        A short need is a candidate when its household is delivered and one more unit (all-or-nothing: its whole
        quantity) would be feasible for it; per (item, grid, tier) we keep the candidate that asks fewest units.
        """
        lots = self.case.lots
        n_tiers, n_grids = len(self.tier_names), len(self.grid_code)
        q, aon = self.need_q, self.need_aon
        cand = np.flatnonzero((received < q) & delivered[self.need_hh] & ~(aon & (received > 0)))
        req = np.where(aon[cand], q[cand] - received[cand], 1)
        rank, item = self.need_rank[cand], self.need_item[cand]
        by_grid = _fewest((item * n_grids + self.need_grid[cand]) * n_tiers + rank, req, cand)
        by_item = _fewest(item * n_tiers + rank, req, cand)

        # units of each lot per receiving tier, and the first allocation row of each (lot, tier) as an example
        key = self.row_lot * n_tiers + self.need_rank[self.row_need]
        per_tier = np.bincount(key, weights=self.row_qty, minlength=len(lots) * n_tiers).astype(np.int64)
        per_tier = per_tier.reshape(len(lots), n_tiers)
        first_keys, first_rows = np.unique(key, return_index=True)
        example = dict(zip(first_keys.tolist(), first_rows.tolist(), strict=True))
        # lower[l, r]: units of lot l given to tiers below r
        lower = np.cumsum(per_tier[:, ::-1], axis=1)[:, ::-1] - per_tier

        for li, lot in enumerate(lots):
            left = int(self.leftover[li])
            if not self.lot_usable[li] or (left == 0 and lower[li, 0] == 0):
                continue
            top = int(self.lot_reserve[li])
            it = int(self.lot_item[li])
            if lot.grids is None:
                best = [by_item.get(it * n_tiers + r) for r in range(top + 1)]
            else:
                cells = [(it * n_grids + self.grid_code[g]) * n_tiers for g in lot.grids if g in self.grid_code]
                best = [min(filter(None, (by_grid.get(c + r) for c in cells)), default=None) for r in range(top + 1)]
            wasted = next((b for b in best if b is not None and b[0] <= left), None)
            if wasted is not None:
                self.report_waste(li, left, wasted[1], received)
            for r, b in enumerate(best):
                moved = int(lower[li, r])
                if b is not None and moved > 0 and b[0] <= moved + left:
                    row = min(example[li * n_tiers + t] for t in range(r + 1, n_tiers) if per_tier[li, t] > 0)
                    self.report_inversion(li, moved, b[1], int(self.row_need[row]), received)

    def report_waste(self, li: int, left: int, need: int, received: IntArray) -> None:
        lot, nd = self.case.lots[li], self.case.needs[need]
        short = int(nd.quantity - received[need])
        tier = self.tier_names[self.need_rank[need]]
        whole = " (all-or-nothing)" if nd.all_or_nothing else ""
        self.add(
            Rule.WASTE,
            f"lot {lot.lot_id} keeps {_units(left)} of {lot.item} unused while need {nd.need_id}{whole} of tier "
            f"{tier}, household {nd.household_id}, is eligible and short by {short}",
            (lot.lot_id, nd.need_id),
            short if nd.all_or_nothing else min(left, short),
        )

    def report_inversion(self, li: int, moved: int, need: int, low: int, received: IntArray) -> None:
        lot, nd, lo = self.case.lots[li], self.case.needs[need], self.case.needs[low]
        short = int(nd.quantity - received[need])
        tier, low_tier = self.tier_names[self.need_rank[need]], self.tier_names[self.need_rank[low]]
        whole = " (all-or-nothing)" if nd.all_or_nothing else ""
        self.add(
            Rule.PRIORITY_INVERSION,
            f"lot {lot.lot_id} gives {_units(moved)} of {lot.item} to tiers below {tier} (e.g. need {lo.need_id} of "
            f"tier {low_tier}) while need {nd.need_id}{whole} of tier {tier}, household {nd.household_id}, is "
            f"eligible and short by {short}",
            (lot.lot_id, nd.need_id, lo.need_id),
            short if nd.all_or_nothing else min(moved, short),
        )


def _units(n: int) -> str:
    """'1 unit', '3 units'."""
    return f"{n} unit" if n == 1 else f"{n} units"


def _column(records: Sequence[BaseModel], name: str) -> list[Any]:
    """One field of every record, in order."""
    return list(map(attrgetter(name), records))


def _lookup(index: dict[str, int], ids: list[str]) -> IntArray:
    """Row of each id in `index`, -1 for an id it does not have."""
    return np.fromiter(map(index.get, ids, repeat(-1)), dtype=np.int64, count=len(ids))


def _codes(values: list[str], code: dict[str, int]) -> IntArray:
    """Integer codes of `values`, extending `code` with values not seen before."""
    for v in dict.fromkeys(values):
        code.setdefault(v, len(code))
    return np.fromiter(map(code.__getitem__, values), dtype=np.int64, count=len(values))


def _fewest(keys: IntArray, req: IntArray, need: IntArray) -> dict[int, tuple[int, int]]:
    """Per key, (fewest units required, need index) of the candidate asking fewest, first in case order on ties."""
    order = np.lexsort((need, req, keys))
    k = keys[order]
    first = order[np.flatnonzero(np.r_[True, k[1:] != k[:-1]])] if len(k) else order
    return dict(zip(keys[first].tolist(), zip(req[first].tolist(), need[first].tolist(), strict=True), strict=True))


def _int_sums(at: npt.NDArray[np.int64], qty: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.int64]:
    """Units per row, summed exactly in integers (`bincount` weights are floats, inexact past 2**53)."""
    out = np.zeros(n, np.int64)
    np.add.at(out, at, qty.astype(np.int64))
    return out
