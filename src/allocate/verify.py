"""Check a plan against its case and policy (SPEC section 3), trusting nothing the solver did.

`verify` reads the case, the policy and the plan's allocations and visits, never a solver's model, so a
formulation bug cannot hide and a plan made by hand or by another tool is checked the same way. It is vectorised
over allocations and one pass over lots, so it is cheap enough to run on every plan before it is returned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from fractions import Fraction
from itertools import repeat
from operator import is_not
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from allocate.catalog import Lang, message
from allocate.checks import check_verify
from allocate.plan import Plan, TierStats, format_hours, tier_stats
from allocate.rules import DELIVERY, GOODS_RULES, VISIT_RULES, GoodsFacts, VisitFacts, allowed, visit_cap, visit_classes
from allocate.rules.over_rounds import SCALE, offsets
from allocate.rules.reserves import beneficiaries, reserved_items, reserved_units
from allocate.schema import Case, ReserveKind

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
    NOT_DESIGNATED = "not_designated"  # a volunteer not designated visits a quarantined household
    QUARANTINED_VISITS_OVER_CAP = "quarantined_visits_over_cap"  # more visits to quarantined households than the cap
    VOLUNTEER_OVERBOOKED = "volunteer_overbooked"  # a volunteer given more hours than offered
    PRIORITY_INVERSION = "priority_inversion"  # units reach a lower tier while an eligible higher-tier need is short
    WASTE = "waste"  # usable units left while an eligible need in a delivered household is short
    VISIT_INVERSION = "visit_inversion"  # a volunteer's lower-tier task holds hours a higher tier's task could use
    IDLE_HOURS = "idle_hours"  # a volunteer has time left for a task that would raise some tier
    TOTAL_FILL = "total_fill"  # fairness "none": moving units inside a tier raises it, or frees units for a lower one
    UNEVEN_SHARE = "uneven_share"  # leximin: units of a lot moved from one need to another of its tier lift the pair
    RESERVE_SHORT = "reserve_short"  # a minimum guarantee's beneficiaries get less than it while one could get more
    RESERVE_EXCEEDED = "reserve_exceeded"  # reserves' beneficiaries pass a short higher-tier need by more than reserved

    @property
    def is_consequence(self) -> bool:
        """True for the optimality consequences (inversions, waste, idle hours, total fill); False for feasibility."""
        return self in _CONSEQUENCES


_CONSEQUENCES = frozenset(
    {
        Rule.PRIORITY_INVERSION,
        Rule.WASTE,
        Rule.VISIT_INVERSION,
        Rule.IDLE_HOURS,
        Rule.TOTAL_FILL,
        Rule.UNEVEN_SHARE,
        Rule.RESERVE_SHORT,
        Rule.RESERVE_EXCEEDED,
    }
)


class Violation(BaseModel):
    """One broken rule: what, by how much, and the ids involved."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: Rule
    message: str
    ids: tuple[str, ...] = ()
    amount: float | None = None  # by how much, in units or hours, where a number says it
    # the same message in other languages: a catalog key and its values (None: English only, for now)
    key: str | None = Field(default=None, exclude=True, repr=False)
    words: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)

    def __str__(self) -> str:
        return f"{self.rule.value}: {self.message}"

    def text(self, lang: Lang) -> str:
        """`str(self)` in `lang`: the catalog's words where the violation has them, else its message."""
        if lang == "en" or self.key is None:
            return str(self)
        return f"{self.rule.value}: {message(self.key, lang, **self.words)}"


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
    """Check `plan` against `case` and its policy: feasibility, then the consequences of optimality.

    Feasibility is every rule of SPEC section 3, with expiry judged on `plan.plan_date`. The consequences are
    flagged only where they are certain, that is where one move would keep the plan feasible and make it strictly
    better: a unit of a lot could go to a short higher-tier need (inversion) or a leftover unit to a short need
    (waste) in a household already delivered; a volunteer's lower-tier visit or service, or their unused time,
    could do a higher tier's task (visit inversion, idle hours); under fairness "none", units moved inside a tier
    raise its total or free units for a lower one (total fill); under leximin, units moved between two needs of a
    tier lift the pair (uneven share). An all-or-nothing need counts only when the units the move could free cover
    its whole quantity. The volunteer, total-fill and even-sharing checks run on feasible plans only.

    The per tier min and mean fill are reported, but whether the minimum is "as high as whole units allow"
    (leximin optimality) needs an optimiser, so this does not claim it: a plan can pass and not be leximin-optimal.
    """
    check_verify(case, plan)
    return _Checker(case, plan).run()


class _Checker:
    """One verification: index arrays of the case, the plan as arrays, and the violations found so far.

    The case's tables and the plan's rows are read as columns (`Records.column`) and ids resolved with
    `map(dict.get, ...)`, which run at C speed; Python loops touch only lots, services and the rows that break a rule.
    """

    def __init__(self, case: Case, plan: Plan) -> None:
        self.case, self.plan = case, plan
        self.found: list[Violation] = []
        self.tier_names = case.policy.tier_names
        needs, lots = case.needs, case.lots
        self.need_pos = dict(zip(needs.column("need_id"), range(len(needs)), strict=True))
        self.lot_pos = dict(zip(lots.column("lot_id"), range(len(lots)), strict=True))
        # the arrays the rules read are the verifier's own too: built once, from the case alone
        goods = self.goods = GoodsFacts(case, plan.plan_date)
        self.facts = VisitFacts(case)
        self.cap = visit_cap(self.facts) if case.volunteers is not None else None
        self.grid_code = {g: i for i, g in enumerate(goods.grids)}
        self.hh_grid, self.need_hh, self.need_grid = goods.hh_grid, goods.need_hh, goods.need_grid
        self.need_item, self.lot_item = goods.need_item, goods.lot_item
        self.need_rank, self.lot_usable, self.lot_reserve = goods.need_tier, goods.lot_usable, goods.lot_reserve
        self.need_q = np.fromiter(needs.column("quantity"), dtype=np.int64, count=len(needs))
        self.need_aon = np.fromiter(needs.column("all_or_nothing"), dtype=bool, count=len(needs))
        # reserves (`allocate.rules.reserves`): who benefits from which, how many units each holds, which items
        self.need_mask = beneficiaries(goods)
        self.reserve_units = reserved_units(goods)
        self.item_reserved = reserved_items(goods)
        # fairness over rounds (`allocate.rules.over_rounds`): earlier units each need's fill counts
        self.earlier = offsets(case)

    def add(
        self,
        rule: Rule,
        said: str,
        ids: tuple[str, ...],
        amount: float | None = None,
        variant: str = "",
        **words: object,
    ) -> None:
        """Record a violation; `words`, when given, say it in other languages (the catalog's `v_<rule><variant>`)."""
        key = f"v_{rule.value}{variant}" if words else None
        texts = {k: str(v) for k, v in words.items()}
        self.found.append(Violation(rule=rule, message=said, ids=ids, amount=amount, key=key, words=texts))

    def run(self) -> Verification:
        case, plan = self.case, self.plan
        if case.policy.plan_date is not None and plan.plan_date != case.policy.plan_date:
            self.add(
                Rule.PLAN_DATE,
                f"the plan is dated {plan.plan_date} but the policy fixes the plan date to {case.policy.plan_date}",
                (),
                day=plan.plan_date,
                fixed=case.policy.plan_date,
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
                    variant="_no_volunteers",
                    id=repr(v.volunteer_id),
                )
        else:
            delivered, done = self.check_visits(received)
        self.check_consequences(received, delivered)
        if case.policy.reserves:
            self.check_reserves(received, delivered)
        if all(v.rule.is_consequence for v in self.found):  # on an infeasible plan, hours left would mislead
            if case.volunteers is not None:
                self.check_volunteer_time(received, delivered, done)
            if case.policy.fairness == "none":
                self.check_total_fill(received, delivered)
            else:
                self.check_even_sharing(received, delivered)
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
        need_at = _lookup(self.need_pos, allocs.column("need_id"))
        lot_at = _lookup(self.lot_pos, allocs.column("lot_id"))
        qty = np.fromiter(allocs.column("quantity"), dtype=np.int64, count=len(allocs))
        for row in np.flatnonzero((need_at < 0) | (lot_at < 0)).tolist():
            a = allocs[row]
            if need_at[row] < 0:
                self.add(
                    Rule.UNKNOWN_ID,
                    f"an allocation of {a.quantity} names need {a.need_id!r}, not in the case",
                    (a.need_id,),
                    variant="_need",
                    id=repr(a.need_id),
                )
            if lot_at[row] < 0:
                self.add(
                    Rule.UNKNOWN_ID,
                    f"an allocation of {a.quantity} names lot {a.lot_id!r}, not in the case",
                    (a.lot_id,),
                    variant="_lot",
                    id=repr(a.lot_id),
                )

        rows = np.flatnonzero((need_at >= 0) & (lot_at >= 0))
        n, lot, q = need_at[rows], lot_at[rows], qty[rows]
        self.row_need, self.row_lot, self.row_qty = n, lot, q
        needs, lots = case.needs, case.lots

        for rule in GOODS_RULES:
            for r in rows[~rule.allows(self.goods, lot, n)].tolist():
                units = _units(allocs[r].quantity)
                lt, nd = lots[lot_at[r]], needs[need_at[r]]
                self.add(
                    Rule(rule.code),
                    rule.message(self.goods, int(lot_at[r]), int(need_at[r]), units),
                    (lt.lot_id, nd.need_id),
                    allocs[r].quantity,
                    lot=lt.lot_id,
                    need=nd.need_id,
                    n=allocs[r].quantity,
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
                lot=lt.lot_id,
                n=int(given[i]),
                held=lt.quantity,
                over=over,
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
                need=nd.need_id,
                n=int(received[i]),
                asked=nd.quantity,
                over=over,
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
                need=nd.need_id,
                n=int(received[i]),
                asked=nd.quantity,
            )
        return received

    def check_visits(self, received: IntArray) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """Visit rules; returns which households have a delivery visit and which services are done.

        Deliveries (the bulk) are checked as arrays; service visits one by one.
        """
        case, policy, visits, facts = self.case, self.case.policy, self.plan.visits, self.facts
        vols = case.volunteers or ()
        hh = case.households
        vol_at = _lookup({v.volunteer_id: i for i, v in enumerate(vols)}, visits.column("volunteer_id"))
        hh_at = _lookup(case.household_index, visits.column("household_id"))
        kind_is_delivery = np.fromiter(map("delivery".__eq__, visits.column("kind")), dtype=bool, count=len(visits))
        names_service = np.fromiter(
            map(is_not, visits.column("service_id"), repeat(None)), dtype=bool, count=len(visits)
        )
        hours = np.fromiter(visits.column("hours"), dtype=np.float64, count=len(visits))
        self.visit_vol, self.visit_hh, self.visit_hours = vol_at, hh_at, hours
        self.visit_service = np.full(len(visits), -1, np.int64)  # the service a service visit does, by case row

        for r in np.flatnonzero(vol_at < 0).tolist():
            v = visits[r]
            self.add(
                Rule.UNKNOWN_ID,
                f"a {v.kind} visit names volunteer {v.volunteer_id!r}, not in the case",
                (v.volunteer_id,),
                variant="_volunteer",
                id=repr(v.volunteer_id),
            )
        for r in np.flatnonzero(hh_at < 0).tolist():
            v = visits[r]
            self.add(
                Rule.UNKNOWN_ID,
                f"a {v.kind} visit names household {v.household_id!r}, not in the case",
                (v.household_id,),
                variant="_household",
                id=repr(v.household_id),
            )
        for r in np.flatnonzero(kind_is_delivery & names_service).tolist():
            v = visits[r]
            self.add(
                Rule.MALFORMED_VISIT,
                f"a delivery visit to {v.household_id} names service {v.service_id}",
                (v.household_id, v.service_id or ""),
                variant="_delivery",
                household=v.household_id,
                service=v.service_id,
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
                variant="_delivery",
                volunteer=v.volunteer_id,
                household=v.household_id,
                takes=format_hours(v.hours),
                should=format_hours(policy.visit_hours),
            )
        by_known = delivery[vol_at[delivery] >= 0]
        for rule in VISIT_RULES:
            ok = rule.allows(facts, vol_at[by_known], hh_at[by_known], np.full(by_known.size, DELIVERY))
            for r in by_known[~ok].tolist():
                v = visits[r]
                self.add(
                    Rule(rule.code),
                    rule.message(facts, int(vol_at[r]), int(hh_at[r]), DELIVERY, None),
                    (v.volunteer_id, v.household_id),
                    v.hours,
                    volunteer=v.volunteer_id,
                    household=v.household_id,
                    grid=hh[hh_at[r]].grid,
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
                    variant="_service",
                    volunteer=v.volunteer_id,
                    household=v.household_id,
                )
                continue
            found = services.get(v.service_id)
            if found is None:
                self.add(
                    Rule.UNKNOWN_ID,
                    f"a service visit names service {v.service_id!r}, not in the case",
                    (v.service_id,),
                    variant="_service",
                    id=repr(v.service_id),
                )
                continue
            i, s = found
            done[i] = True
            self.visit_service[r] = i
            service_visits[s.service_id] += 1
            if v.household_id != s.household_id:
                self.add(
                    Rule.WRONG_HOUSEHOLD,
                    f"service {s.service_id} is for household {s.household_id} but its visit goes to {v.household_id}",
                    (s.service_id, v.household_id),
                    service=s.service_id,
                    household=s.household_id,
                    went=v.household_id,
                )
            if v.hours < s.hours - HOURS_TOLERANCE:
                self.add(
                    Rule.SERVICE_NOT_WHOLE,
                    f"service {s.service_id} takes {format_hours(s.hours)} h but its visit gives "
                    f"{format_hours(v.hours)} h (short by {format_hours(s.hours - v.hours)} h)",
                    (s.service_id, v.volunteer_id),
                    s.hours - v.hours,
                    service=s.service_id,
                    takes=format_hours(s.hours),
                    gives=format_hours(v.hours),
                )
            elif v.hours > s.hours + HOURS_TOLERANCE:
                self.add(
                    Rule.WRONG_VISIT_HOURS,
                    f"service {s.service_id} takes {format_hours(s.hours)} h but its visit books "
                    f"{format_hours(v.hours)} h (over by {format_hours(v.hours - s.hours)} h)",
                    (s.service_id, v.volunteer_id),
                    v.hours - s.hours,
                    variant="_service",
                    service=s.service_id,
                    takes=format_hours(s.hours),
                    books=format_hours(v.hours),
                )
            if vol_at[r] < 0:
                continue
            at = (np.asarray([vol_at[r]]), facts.service_hh[i : i + 1], facts.service_skill[i : i + 1])
            for rule in VISIT_RULES:
                if not rule.allows(facts, *at)[0]:
                    self.add(
                        Rule(rule.code),
                        rule.message(facts, int(vol_at[r]), int(at[1][0]), int(at[2][0]), s.service_id),
                        (v.volunteer_id, s.service_id),
                        v.hours,
                        variant="_service",
                        volunteer=v.volunteer_id,
                        service=s.service_id,
                        skill=s.skill,
                    )

        for sid, count in service_visits.items():
            if count > 1:
                self.add(
                    Rule.SERVICE_REPEATED,
                    f"service {sid} has {count} visits; a service is done whole by one",
                    (sid,),
                    count - 1,
                    service=sid,
                    n=count,
                )
        known = vol_at >= 0
        self.vol_capped = np.zeros(len(vols), np.int64)
        if self.cap is not None:
            counted = known & (hh_at >= 0)
            counted[counted] = self.cap.households[hh_at[counted]]
            self.vol_capped = np.bincount(vol_at[counted], minlength=len(vols))
            for i in np.flatnonzero(self.vol_capped > self.cap.limit).tolist():
                extra = int(self.vol_capped[i] - self.cap.limit)
                self.add(
                    Rule.QUARANTINED_VISITS_OVER_CAP,
                    f"volunteer {vols[i].volunteer_id} makes {self.vol_capped[i]} visits to quarantined households; "
                    f"the policy allows {self.cap.limit} (over by {extra})",
                    (vols[i].volunteer_id,),
                    extra,
                    volunteer=vols[i].volunteer_id,
                    n=int(self.vol_capped[i]),
                    cap=self.cap.limit,
                )
        used = np.bincount(vol_at[known], weights=hours[known], minlength=len(vols))
        self.vol_used = used
        offered = np.array([v.hours for v in vols], dtype=np.float64)
        for i in np.flatnonzero(used - offered > HOURS_TOLERANCE).tolist():
            vol, over = vols[i], float(used[i]) - vols[i].hours
            self.add(
                Rule.VOLUNTEER_OVERBOOKED,
                f"volunteer {vol.volunteer_id} is given {format_hours(used[i])} h but offers "
                f"{format_hours(vol.hours)} h (over by {format_hours(over)} h)",
                (vol.volunteer_id,),
                over,
                volunteer=vol.volunteer_id,
                given=format_hours(used[i]),
                offered=format_hours(vol.hours),
            )

        goods = np.zeros(len(hh), dtype=bool)
        goods[self.need_hh[received > 0]] = True
        for i in np.flatnonzero(goods & (deliveries == 0)).tolist():
            hid = hh[i].household_id
            said = f"household {hid} receives goods but has no delivery visit"
            self.add(Rule.NO_DELIVERY_VISIT, said, (hid,), household=hid)
        for i in np.flatnonzero(goods & (deliveries > 1)).tolist():
            hid = hh[i].household_id
            extra = int(deliveries[i] - 1)
            self.add(
                Rule.EXTRA_DELIVERY_VISIT,
                f"household {hid} has {deliveries[i]} delivery visits; it needs exactly one ({extra} extra)",
                (hid,),
                extra,
                household=hid,
                n=int(deliveries[i]),
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
                household=hid,
                n=int(deliveries[i]),
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
        self.per_tier, self.lower = per_tier, lower

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
            if self.item_reserved[it]:
                continue  # inversions of an item with reserves: `check_reserves`
            for r, b in enumerate(best):
                moved = int(lower[li, r])
                if b is not None and moved > 0 and b[0] <= moved + left:
                    row = min(example[li * n_tiers + t] for t in range(r + 1, n_tiers) if per_tier[li, t] > 0)
                    self.report_inversion(li, moved, b[1], int(self.row_need[row]), received)

    def check_reserves(self, received: IntArray, delivered: npt.NDArray[np.bool_]) -> None:
        """Items with reserves (docs/reserves.md), where strict priority yields to reserves by at most their units.

        A short need in a delivered household that one more unit (all-or-nothing: its whole quantity) would help,
        of tier t, is passed over by units its eligible lots give to lower tiers. Units to needs that benefit from
        no reserve of the item the short need is not among are a priority inversion, as without reserves (inside
        a reserve's stage its own beneficiaries keep strict priority); units to beneficiaries of those other
        reserves may pass it, but at most the units those reserves hold (`RESERVE_EXCEEDED`). And a minimum
        guarantee whose beneficiaries got fewer units than it holds leaves none of them short and able to take a
        unit from a lot that gives to needs that benefit from no minimum guarantee processed up to it: those
        units were given after its stage, from lots its stage could still have used (`RESERVE_SHORT`).
        """
        case = self.case
        lots, reserves, items = case.lots, case.policy.reserves, self.goods.items
        q, aon, mask, rank = self.need_q, self.need_aon, self.need_mask, self.need_rank
        by_lot: dict[int, tuple[IntArray, IntArray]] = {}
        order = np.argsort(self.row_lot, kind="stable")
        for li, (lo, hi) in _runs(self.row_lot[order]):
            rows = order[lo:hi]
            by_lot[li] = (self.row_need[rows], self.row_qty[rows])
        empty = (np.zeros(0, np.int64), np.zeros(0, np.int64))

        def eligible(it: int, grid: int, tier: int) -> list[int]:
            """Lots of item `it` that may give to a need of `tier` in `grid` (expiry, earmark, grid limit)."""
            name = self.goods.grids[grid]
            return [
                li
                for li in np.flatnonzero((self.lot_item == it) & self.lot_usable).tolist()
                if self.lot_reserve[li] >= tier and ((g := lots[li].grids) is None or name in g)
            ]

        def bits(it: int, keep: Any) -> int:
            return sum(1 << k for k, r in enumerate(reserves) if r.item == items[it] and keep(k, r))

        # passing over short needs
        cand = np.flatnonzero(
            self.item_reserved[self.need_item] & (received < q) & delivered[self.need_hh] & ~(aon & (received > 0))
        )
        req = np.where(aon[cand], q[cand] - received[cand], 1)
        cells: dict[tuple[int, int, int, int], tuple[int, int]] = {}
        for n, r in zip(cand.tolist(), req.tolist(), strict=True):
            key = (int(self.need_item[n]), int(self.need_grid[n]), int(rank[n]), int(mask[n]))
            if key not in cells or r < cells[key][0]:
                cells[key] = (r, n)
        reported: set[int] = set()
        for (it, grid, t, m), (need_units, n) in sorted(cells.items()):
            others = bits(it, lambda k, _, m=m: not (m >> k) & 1)  # reserves the short need is not among
            # an over-and-above reserve's units, held back from the open stage, can keep an all-or-nothing need
            # from being granted there even when its beneficiaries then cannot use them all: not judged
            held_back = aon[n] and bits(it, lambda _, r: r.kind is ReserveKind.OVER_AND_ABOVE) != 0
            excused, example = 0, -1
            for li in eligible(it, grid, t):
                takers, units = by_lot.get(li, empty)
                lower = rank[takers] > t
                plain = lower & ((mask[takers] & others) == 0)
                moved = int(units[plain].sum())
                if li not in reported and not held_back and moved > 0 and moved + int(self.leftover[li]) >= need_units:
                    reported.add(li)
                    self.report_inversion(li, moved, n, int(takers[plain][0]), received)
                passed = lower & ((mask[takers] & others) != 0)
                excused += int(units[passed].sum())
                if example < 0 and passed.any():
                    example = int(takers[passed][0])
            held = sum(self.reserve_units[k] for k in range(len(reserves)) if (others >> k) & 1)
            if excused - held >= need_units and excused > held:
                self.report_exceeded(n, example, excused, held, received)

        # a minimum guarantee's stage
        for k, res in enumerate(reserves):
            if res.kind is not ReserveKind.MINIMUM_GUARANTEE or res.item not in items:
                continue
            it = items.index(res.item)
            mine = ((mask >> k) & 1).astype(bool)
            got = int(received[mine].sum())
            if got >= self.reserve_units[k]:
                continue
            before = bits(it, lambda j, r, k=k: j <= k and r.kind is ReserveKind.MINIMUM_GUARANTEE)
            short = np.flatnonzero(mine & ~aon & (received < q) & delivered[self.need_hh])
            seen: set[tuple[int, int]] = set()
            found = False
            for n in short.tolist():
                cell = (int(self.need_grid[n]), int(rank[n]))
                if cell in seen:
                    continue
                seen.add(cell)
                for li in eligible(it, *cell):
                    takers, units = by_lot.get(li, empty)
                    later = (mask[takers] & before) == 0
                    if units[later].sum() > 0:
                        self.report_short(k, got, n, li, int(takers[later][0]), received)
                        found = True
                        break
                if found:
                    break

    def report_exceeded(self, need: int, low: int, passed: int, held: int, received: IntArray) -> None:
        nd, lo = self.case.needs[need], self.case.needs[low]
        short = int(nd.quantity - received[need])
        tier, low_tier = self.tier_names[self.need_rank[need]], self.tier_names[self.need_rank[low]]
        self.add(
            Rule.RESERVE_EXCEEDED,
            f"lots need {nd.need_id} of tier {tier}, household {nd.household_id}, may use give {_units(passed)} of "
            f"{nd.item} to reserves' beneficiaries of lower tiers (e.g. need {lo.need_id} of tier {low_tier}), more "
            f"than the {held} the reserves it is not among hold, while it is short by {short}",
            (nd.need_id, lo.need_id),
            passed - held,
            need=nd.need_id,
            tier=tier,
            household=nd.household_id,
            passed=passed,
            item=nd.item,
            low=lo.need_id,
            low_tier=low_tier,
            held=held,
            short=short,
        )

    def report_short(self, k: int, got: int, need: int, li: int, other: int, received: IntArray) -> None:
        res, nd, lot, ot = (
            self.case.policy.reserves[k],
            self.case.needs[need],
            self.case.lots[li],
            self.case.needs[other],
        )
        held = self.reserve_units[k]
        self.add(
            Rule.RESERVE_SHORT,
            f"reserve {res.name} guarantees {held} units of {res.item} to its beneficiaries, who get {got}, while "
            f"its beneficiary need {nd.need_id} is short by {int(nd.quantity - received[need])} and lot "
            f"{lot.lot_id}, which it may use, gives units to need {ot.need_id}",
            (res.name, nd.need_id, lot.lot_id),
            held - got,
            reserve=res.name,
            held=held,
            item=res.item,
            got=got,
            need=nd.need_id,
            short=int(nd.quantity - received[need]),
            lot=lot.lot_id,
            other=ot.need_id,
        )

    def movable(self, received: IntArray) -> IntArray:
        """[item, grid, tier] -> units a need of that tier in that grid could take, summed over eligible lots,
        without making the plan worse for its tier or a higher one: what lots keep, what they give to lower tiers,
        and under leximin what they give to same-tier needs beyond one unit each (those keep a positive fill, and
        one zero fewer is the first thing leximin compares). Items are the verifier's item codes."""
        lots, n_tiers, n_grids = self.case.lots, len(self.tier_names), len(self.grid_code)
        spare = np.zeros((len(lots), n_tiers), np.int64)  # same-tier units a lot could take back
        # under fairness over rounds a need at nothing may have the higher cumulative fill: same-tier units count
        # as a sure raise only when each round counts alone
        if self.case.policy.fairness != "none" and self.row_need.size and not self.earlier.active:
            budget = np.where(self.need_aon, 0, np.maximum(received - 1, 0))
            order = np.argsort(self.row_need, kind="stable")
            need, units = self.row_need[order], self.row_qty[order]
            before = np.cumsum(units) - units  # units of the same need in earlier rows, made per need below
            first = np.r_[0, np.flatnonzero(need[1:] != need[:-1]) + 1]
            before -= np.repeat(before[first], np.diff(np.r_[first, need.size]))
            take = np.clip(budget[need] - before, 0, units)
            np.add.at(spare, (self.row_lot[order], self.need_rank[need]), take)
        open_lower, open_spare = self._open_units(received)
        n_items = int(max(self.need_item.max(initial=-1), self.lot_item.max(initial=-1))) + 1
        out = np.zeros((n_items, n_grids, n_tiers), np.int64)
        tiers = np.arange(n_tiers)
        for li, lot in enumerate(lots):
            if not self.lot_usable[li]:
                continue
            if self.item_reserved[self.lot_item[li]]:  # units reserves' beneficiaries hold may not move
                m = (self.leftover[li] + open_lower[li] + open_spare[li]) * (tiers <= self.lot_reserve[li])
            else:
                m = (self.leftover[li] + self.lower[li] + spare[li]) * (tiers <= self.lot_reserve[li])
            if lot.grids is None:
                out[self.lot_item[li]] += m
            else:
                where = [self.grid_code[g] for g in lot.grids if g in self.grid_code]
                out[self.lot_item[li], where] += m
        return out

    def _open_units(self, received: IntArray) -> tuple[IntArray, IntArray]:
        """Like `lower` and `movable`'s same-tier spare, per lot and tier, counting only units given to needs that
        benefit from no reserve (empty arrays without reserves)."""
        lots, n_tiers = self.case.lots, len(self.tier_names)
        if not self.case.policy.reserves:
            return np.zeros((len(lots), n_tiers), np.int64), np.zeros((len(lots), n_tiers), np.int64)
        plain = self.need_mask[self.row_need] == 0
        per_tier = np.zeros((len(lots), n_tiers), np.int64)
        np.add.at(per_tier, (self.row_lot[plain], self.need_rank[self.row_need[plain]]), self.row_qty[plain])
        lower = np.cumsum(per_tier[:, ::-1], axis=1)[:, ::-1] - per_tier
        spare = np.zeros((len(lots), n_tiers), np.int64)
        if self.case.policy.fairness != "none":
            budget = np.where(self.need_aon | (self.need_mask != 0), 0, np.maximum(received - 1, 0))
            left = budget.copy()
            for r in np.flatnonzero(plain).tolist():
                n = int(self.row_need[r])
                take = min(int(left[n]), int(self.row_qty[r]))
                left[n] -= take
                spare[self.row_lot[r], self.need_rank[n]] += take
        return lower, spare

    def check_volunteer_time(
        self, received: IntArray, delivered: npt.NDArray[np.bool_], done: npt.NDArray[np.bool_]
    ) -> None:
        """Volunteer time goes to the highest tiers it can reach: no lower-tier task holds hours that a higher
        tier's task could use (`VISIT_INVERSION`), and nobody has time left for a task that would raise a tier
        (`IDLE_HOURS`). A task that would raise a tier is an undone service the volunteer may do, or a delivery
        to an undelivered household they may visit with a need that would then receive goods (`movable`); a
        delivery's tier is the best tier among its household's needs that receive goods. Who may visit whom is
        asked of the visit rules once per visit class (`allocate.rules`), and a volunteer at the cap of visits to
        quarantined households may take one there only in place of one. Each volunteer is reported once per rule.
        """
        case, policy, facts = self.case, self.case.policy, self.facts
        vols = case.volunteers or ()
        n_tiers = len(self.tier_names)
        never = n_tiers  # "no such task" as a tier
        hh_class, first = visit_classes(facts)
        n_classes = first.size
        need_class = hh_class[self.need_hh]
        capped = self.cap.households[first] if self.cap is not None else np.zeros(n_classes, bool)
        movable = self.movable(received)
        q, aon = self.need_q, self.need_aon
        req = np.where(aon, q, 1)
        # per class: the best tier of an undelivered household that delivering would raise, and an example need
        waiting_tier = np.full(n_classes, never, np.int64)
        waiting_need = np.full(n_classes, -1, np.int64)
        idle = np.flatnonzero(~delivered[self.need_hh])
        idle = idle[movable[self.need_item[idle], self.need_grid[idle], self.need_rank[idle]] >= req[idle]]
        idle = idle[np.lexsort((idle, self.need_rank[idle], need_class[idle]))]  # per class, best tier first
        head = idle[np.r_[True, need_class[idle][1:] != need_class[idle][:-1]]] if idle.size else idle
        waiting_tier[need_class[head]] = self.need_rank[head]
        waiting_need[need_class[head]] = head
        # per (class, skill): the shortest undone service of each tier, then for each tier bound the shortest above
        services = case.services
        service_class = hh_class[facts.service_hh]
        service_tier = np.asarray(case.service_tiers, np.int64)
        shortest: dict[tuple[int, int], list[tuple[float, int]]] = {}
        for i in np.flatnonzero(~done).tolist():
            key = (int(service_class[i]), int(facts.service_skill[i]))
            cell = shortest.setdefault(key, [(np.inf, -1)] * (n_tiers + 1))
            t = int(service_tier[i])
            for bound in range(t + 1, n_tiers + 1):  # undone services of tiers < bound
                if services[i].hours < cell[bound][0]:
                    cell[bound] = (services[i].hours, i)
        cell_keys = list(shortest)
        cell_class = np.asarray([c for c, _ in cell_keys], np.int64)
        cell_skill = np.asarray([k for _, k in cell_keys], np.int64)
        # what each delivery and service visit is worth: its tier (a delivery: its household's best receiving need)
        visit_tier = np.full(len(case.households), never, np.int64)
        np.minimum.at(visit_tier, self.need_hh[received > 0], self.need_rank[received > 0])
        rows = np.flatnonzero(self.visit_vol >= 0)
        task_tier = np.where(
            self.visit_service[rows] >= 0,
            service_tier[np.maximum(self.visit_service[rows], 0)] if len(services) else never,
            visit_tier[np.maximum(self.visit_hh[rows], 0)],
        )
        known_task = (self.visit_service[rows] >= 0) | (self.visit_hh[rows] >= 0)
        task_capped = capped[hh_class[np.maximum(self.visit_hh[rows], 0)]] & (self.visit_hh[rows] >= 0)
        tasks: dict[int, set[tuple[int, float, bool]]] = {}
        for v, t, h, c in zip(
            self.visit_vol[rows][known_task].tolist(),
            task_tier[known_task].tolist(),
            self.visit_hours[rows][known_task].tolist(),
            task_capped[known_task].tolist(),
            strict=True,
        ):
            if t < never:
                tasks.setdefault(v, set()).add((t, h, c))
        everyone = np.arange(n_classes)
        may_deliver = allowed(
            facts,
            np.repeat(np.arange(len(vols)), n_classes),
            np.tile(first, len(vols)),
            np.full(len(vols) * n_classes, DELIVERY),
        ).reshape(len(vols), n_classes)
        tol = HOURS_TOLERANCE
        for k, vol in enumerate(vols):
            at_cap = self.cap is not None and int(self.vol_capped[k]) >= self.cap.limit
            may_do = allowed(facts, np.full(len(cell_keys), k), first[cell_class], cell_skill)
            left = vol.hours - float(self.vol_used[k])

            def best(freed_capped: bool, k: int = k, at_cap: bool = at_cap) -> int:
                """The class whose waiting delivery has the best tier among those `k` may take, or -1."""
                ok = may_deliver[k] & ~(capped & at_cap & (not freed_capped))
                if not ok.any():
                    return -1
                open_ = everyone[ok]
                return int(open_[np.lexsort((open_, waiting_tier[open_]))[0]])

            def service_within(
                bound: int, budget: float, freed_capped: bool, may_do: Any = may_do, at_cap: bool = at_cap
            ) -> int:
                """An undone service of a tier above `bound` that fits `budget` hours, or -1."""
                ok = may_do & ~(capped[cell_class] & at_cap & (not freed_capped))
                fits = [shortest[cell_keys[j]][bound] for j in np.flatnonzero(ok).tolist()]
                fits = [f for f in fits if f[0] <= budget + tol]
                return min(fits)[1] if fits else -1

            c = best(False)
            if c >= 0 and left >= policy.visit_hours - tol and waiting_tier[c] < never:
                self.report_idle(vol.volunteer_id, left, need=int(waiting_need[c]))
            elif (s := service_within(n_tiers, left, False)) >= 0:
                self.report_idle(vol.volunteer_id, left, service=s)
            for t, hours, was_capped in sorted(tasks.get(k, ()), key=lambda th: (-th[0], th[1], th[2])):
                budget = left + hours
                c = best(was_capped)
                if c >= 0 and waiting_tier[c] < t and policy.visit_hours <= budget + tol:
                    self.report_visit_inversion(vol.volunteer_id, t, hours, need=int(waiting_need[c]))
                    break
                if (s := service_within(t, budget, was_capped)) >= 0:
                    self.report_visit_inversion(vol.volunteer_id, t, hours, service=s)
                    break

    def report_idle(self, vid: str, left: float, *, need: int = -1, service: int = -1) -> None:
        what, ids = self._waiting(need, service)
        variant, words = self._waiting_words(need, service)
        self.add(
            Rule.IDLE_HOURS,
            f"volunteer {vid} has {format_hours(left)} h left, enough for {what}",
            (vid, *ids),
            left,
            variant=variant,
            volunteer=vid,
            left=format_hours(left),
            **words,
        )

    def report_visit_inversion(self, vid: str, tier: int, hours: float, *, need: int = -1, service: int = -1) -> None:
        what, ids = self._waiting(need, service)
        variant, words = self._waiting_words(need, service)
        self.add(
            Rule.VISIT_INVERSION,
            f"volunteer {vid} spends {format_hours(hours)} h on a task of tier {self.tier_names[tier]}; that time "
            f"(with what they have left) would do {what}",
            (vid, *ids),
            hours,
            variant=variant,
            volunteer=vid,
            hours=format_hours(hours),
            low_tier=self.tier_names[tier],
            **words,
        )

    def _waiting_words(self, need: int, service: int) -> tuple[str, dict[str, str]]:
        """The catalog variant (`_need` or `_service`) and words of the task a volunteer's time could do."""
        if need >= 0:
            nd = self.case.needs[need]
            tier = self.tier_names[self.need_rank[need]]
            return "_need", {"household": nd.household_id, "need": nd.need_id, "tier": tier}
        sv = self.case.services[service]
        tier = self.tier_names[self.case.service_tiers[service]]
        return "_service", {"service": sv.service_id, "tier": tier, "takes": format_hours(sv.hours)}

    def _waiting(self, need: int, service: int) -> tuple[str, tuple[str, ...]]:
        """Words and ids for the task a volunteer's time could do instead."""
        if need >= 0:
            nd = self.case.needs[need]
            return (
                f"a delivery to household {nd.household_id}, whose need {nd.need_id} of tier "
                f"{self.tier_names[self.need_rank[need]]} would then receive goods",
                (nd.household_id, nd.need_id),
            )
        sv = self.case.services[service]
        tier = self.tier_names[self.case.service_tiers[service]]
        return f"service {sv.service_id} of tier {tier} ({format_hours(sv.hours)} h), which is not done", (
            sv.service_id,
        )

    def check_even_sharing(self, received: IntArray, delivered: npt.NDArray[np.bool_]) -> None:
        """Under leximin, no move of one lot's units from a need to another need of its tier lifts the pair's
        sorted fills (`UNEVEN_SHARE`): only those two fills change, so the tier's sorted fills would rise too.

        The receiver is short in a delivered household and eligible for the lot: a divisible need takes one unit,
        an all-or-nothing need with nothing its whole quantity, from the lot's leftover first (a divisible one
        with leftover is waste, reported as such) and then from one divisible donor of its tier; an all-or-nothing
        donor would fall to zero, which never lifts the pair. Per lot and tier the receivers asking least (lowest
        fill; fewest units) and the donor keeping most are tried. Under fairness over rounds the fills are the
        cumulative ones (`allocate.rules.over_rounds`), compared exactly as ratios of whole numbers.
        """
        lots, n_tiers, n_grids = self.case.lots, len(self.tier_names), len(self.grid_code)
        q, aon = self.need_q, self.need_aon
        top, size = self._fill_terms(received)
        eligible_rx = delivered[self.need_hh] & (received < q) & (~aon | (received == 0))
        # (item, grid, tier, reserves it benefits from) -> divisible receiver with the lowest fill; with reserves a
        # move is judged only between needs of the same reserves, which share every stage alike
        low: dict[tuple[int, int, int, int], int] = {}
        whole: dict[tuple[int, int, int, int], int] = {}  # -> all-or-nothing receiver asking fewest units
        mask = self.need_mask
        for n in np.flatnonzero(eligible_rx).tolist():
            key = (int(self.need_item[n]), int(self.need_grid[n]), int(self.need_rank[n]), int(mask[n]))
            if aon[n]:
                if key not in whole or q[n] < q[whole[key]]:
                    whole[key] = n
            elif key not in low or top[n] * size[low[key]] < top[low[key]] * size[n]:
                low[key] = n
        if not low and not whole:
            return
        divisible = np.flatnonzero(~aon[self.row_need])
        width = int(mask.max(initial=0)) + 1
        group = (self.row_lot[divisible] * n_tiers + self.need_rank[self.row_need[divisible]]) * width + mask[
            self.row_need[divisible]
        ]
        order = np.argsort(group, kind="stable")
        keys, starts = np.unique(group[order], return_index=True)
        bounds = np.r_[starts, order.size]
        for k, (lo, hi) in zip(keys.tolist(), zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True), strict=True):
            k, m = divmod(k, width)
            li, t = divmod(k, n_tiers)
            lot = lots[li]
            if not self.lot_usable[li] or t > self.lot_reserve[li]:
                continue
            it = int(self.lot_item[li])
            where = (
                range(n_grids) if lot.grids is None else [self.grid_code[g] for g in lot.grids if g in self.grid_code]
            )
            rows = divisible[order[lo:hi]]
            found = self._uneven(li, t, m, it, where, rows, low, whole, (top, size))
            if found is not None:
                self.report_uneven(li, found[0], found[1], received)

    def _uneven(
        self,
        li: int,
        t: int,
        m: int,
        it: int,
        where: range | list[int],
        rows: IntArray,
        low: dict[tuple[int, int, int, int], int],
        whole: dict[tuple[int, int, int, int], int],
        terms: tuple[npt.NDArray[Any], npt.NDArray[Any]],
    ) -> tuple[int, int] | None:
        """(donor, receiver) of a lifting move of lot `li`'s units in tier `t`, or None; fills (`_fill_terms`)
        compared as integer cross products, exactly."""
        q, (top, size) = self.need_q, terms
        unit = SCALE if self.earlier.active else 1  # what one unit adds to a fill's numerator
        left = int(self.leftover[li])
        donor = self.row_need[rows]
        n_d, s_d = top[donor], size[donor]
        candidates = [low[it, g, t, m] for g in where if (it, g, t, m) in low]
        if candidates and not left:
            b = min(candidates, key=lambda n: (Fraction(int(top[n]), int(size[n])), n))
            n_b, s_b = int(top[b]), int(size[b])
            # the donor keeps more than the receiver had, or as much while the receiver ends above the donor's old
            lifts = ((n_d - unit) * s_b > n_b * s_d) | (
                ((n_d - unit) * s_b == n_b * s_d) & ((n_b + unit) * s_d > n_d * s_b)
            )
            hit = np.flatnonzero(lifts.astype(bool) & (donor != b))
            if hit.size:
                return int(donor[hit[0]]), b
        candidates = [whole[it, g, t, m] for g in where if (it, g, t, m) in whole]
        if candidates and not self.item_reserved[it]:  # with reserves, a stage's tie may leave a whole need out
            b = min(candidates, key=lambda n: (int(q[n]), n))
            need = int(q[b]) - left
            if need > 0 and not self.earlier.active:
                # the donor gives `need`; the pair (0, donor's fill) becomes (donor's new fill, 1)
                lifts = (self.row_qty[rows] >= need) & ((n_d > need) | ((n_d == need) & (n_d < s_d)))
                hit = np.flatnonzero(lifts)
                if hit.size:
                    return int(donor[hit[0]]), b
            elif need > 0:
                # the donor gives `need`: the pair (receiver's fill, donor's) becomes (receiver's in full, donor's new)
                old_b, new_b = (
                    Fraction(int(top[b]), int(size[b])),
                    Fraction(int(top[b]) + unit * int(q[b]), int(size[b])),
                )
                for at in np.flatnonzero(self.row_qty[rows] >= need).tolist():
                    d = int(donor[at])
                    old_d = Fraction(int(top[d]), int(size[d]))
                    new_d = Fraction(int(top[d]) - unit * need, int(size[d]))
                    if sorted((new_b, new_d)) > sorted((old_b, old_d)):
                        return d, b
        return None

    def _fill_terms(self, received: IntArray) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        """Per need, its fill as numerator and denominator: units received over asked, or under fairness over rounds
        the cumulative fill's in hundredths (as Python integers, whose products cannot overflow)."""
        if not self.earlier.active:
            return received, self.need_q
        e = self.earlier
        return (e.received + SCALE * received).astype(object), (e.requested + SCALE * self.need_q).astype(object)

    def report_uneven(self, li: int, d: int, b: int, received: IntArray) -> None:
        lot, nd, nb = self.case.lots[li], self.case.needs[d], self.case.needs[b]
        tier = self.tier_names[self.need_rank[d]]
        said = f"lot {lot.lot_id} gives need {nd.need_id} {received[d]} of {nd.quantity} while need {nb.need_id} of "
        said += f"the same tier {tier} has {received[b]} of {nb.quantity}"
        words: dict[str, Any] = {
            "lot": lot.lot_id,
            "need": nd.need_id,
            "got": int(received[d]),
            "asked": nd.quantity,
            "other": nb.need_id,
            "tier": tier,
            "other_got": int(received[b]),
            "other_asked": nb.quantity,
        }
        where = (lot.lot_id, nd.need_id, nb.need_id)
        if not self.earlier.active:
            self.add(Rule.UNEVEN_SHARE, f"{said}: moving units to it shares the tier more evenly", where, **words)
            return
        top, size = self._fill_terms(received)
        over: dict[str, Any] = {
            "got_all": _hundredths(int(top[d])),
            "asked_all": _hundredths(int(size[d])),
            "other_got_all": _hundredths(int(top[b])),
            "other_asked_all": _hundredths(int(size[b])),
        }
        mine = f"{over['got_all']} of {over['asked_all']}"
        theirs = f"{over['other_got_all']} of {over['other_asked_all']}"
        said += f"; counting earlier rounds, {mine} against {theirs}: moving units to it shares the tier more evenly"
        said += " over the rounds"
        self.add(Rule.UNEVEN_SHARE, said, where, variant="_over_rounds", **words, **over)

    def check_total_fill(self, received: IntArray, delivered: npt.NDArray[np.bool_]) -> None:
        """Under fairness "none", each tier's total fill is as large as moving units inside the tier can make it,
        and a tie is not broken against a lower tier: per lot, a unit going to a need that asks more while a
        same-tier need that asks less is short and eligible (the total rises); a short all-or-nothing need that the
        lot's leftover and the units it gives to same-tier needs asking more could fill for less than it gains; or
        an all-or-nothing need whose units could fill same-tier needs to the same total and leave some for a short
        lower-tier need (`TOTAL_FILL`).
        """
        case = self.case
        lots, n_grids = case.lots, len(self.grid_code)
        q, aon = self.need_q, self.need_aon
        short = np.flatnonzero((received < q) & delivered[self.need_hh] & ~aon)
        by_cell: dict[tuple[int, int, int], list[int]] = {}  # (item, grid, tier) -> short divisible needs by q
        for n in sorted(short.tolist(), key=lambda n: (int(q[n]), n)):
            by_cell.setdefault((int(self.need_item[n]), int(self.need_grid[n]), int(self.need_rank[n])), []).append(n)
        empty = np.flatnonzero((received == 0) & delivered[self.need_hh] & aon)
        whole_cell: dict[tuple[int, int, int], int] = {}  # (item, grid, tier) -> the empty whole need asking least
        for n in sorted(empty.tolist(), key=lambda n: (int(q[n]), n), reverse=True):
            whole_cell[int(self.need_item[n]), int(self.need_grid[n]), int(self.need_rank[n])] = n
        takers: dict[int, list[int]] = {}  # lot -> its rows
        for r, li in enumerate(self.row_lot.tolist()):
            takers.setdefault(li, []).append(r)
        need_lots = np.bincount(self.row_need, minlength=len(case.needs))
        for li, rows in takers.items():
            lot = lots[li]
            if not self.lot_usable[li]:
                continue
            it, top = int(self.lot_item[li]), int(self.lot_reserve[li])
            where = (
                range(n_grids) if lot.grids is None else [self.grid_code[g] for g in lot.grids if g in self.grid_code]
            )

            def eligible(t: int, where: range | list[int] = where, it: int = it) -> list[int]:
                return sorted((n for g in where for n in by_cell.get((it, g, t), ())), key=lambda n: (int(q[n]), n))

            if self._whole_gains(li, rows, where, it, top, whole_cell, received):
                continue
            for r in rows:
                a = int(self.row_need[r])
                t = int(self.need_rank[a])
                if t > top:
                    continue
                others = [b for b in eligible(t) if b != a]
                if not aon[a]:
                    if others and q[others[0]] < q[a]:
                        self.report_total(li, a, others[0], None)
                        break
                    continue
                if need_lots[a] != 1:
                    continue  # its units come from several lots: not checked
                units, gain = int(q[a]), Fraction(0)
                for b in others:
                    give = min(units, int(q[b] - received[b]))
                    gain += Fraction(give, int(q[b]))
                    units -= give
                    if gain >= 1 or not units:
                        break
                if gain > 1:
                    self.report_total(li, a, others[0], None)
                    break
                if gain == 1 and units:
                    low = [c for tt in range(t + 1, min(top, len(self.tier_names) - 1) + 1) for c in eligible(tt)]
                    if low:
                        self.report_total(li, a, others[0], low[0])
                        break

    def _whole_gains(
        self,
        li: int,
        rows: list[int],
        where: range | list[int],
        it: int,
        top: int,
        whole_cell: dict[tuple[int, int, int], int],
        received: IntArray,
    ) -> bool:
        """Whether an empty all-or-nothing need of some tier could take lot `li`'s leftover and the units it gives
        that tier's divisible needs, those asking most first, losing less fill than the 1 it gains (reported)."""
        q = self.need_q
        for t in range(min(top, len(self.tier_names) - 1) + 1):
            wanting = [whole_cell[it, g, t] for g in where if (it, g, t) in whole_cell]
            if not wanting:
                continue
            b = min(wanting, key=lambda n: (int(q[n]), n))
            donors = sorted(
                (
                    (int(self.row_need[r]), int(self.row_qty[r]))
                    for r in rows
                    if self.need_rank[self.row_need[r]] == t and not self.need_aon[self.row_need[r]]
                ),
                key=lambda d: (-int(q[d[0]]), d[0]),
            )
            units, loss = int(q[b]) - int(self.leftover[li]), Fraction(0)
            for a, given in donors:
                if units <= 0:
                    break
                take = min(units, given)
                loss += Fraction(take, int(q[a]))
                units -= take
            if units <= 0 and loss < 1 and donors:
                self.report_total(li, donors[0][0], b, None)
                return True
        return False

    def report_total(self, li: int, a: int, b: int, low: int | None) -> None:
        lot, na, nb = self.case.lots[li], self.case.needs[a], self.case.needs[b]
        tier = self.tier_names[self.need_rank[a]]
        if low is None:
            self.add(
                Rule.TOTAL_FILL,
                f"lot {lot.lot_id} gives to need {na.need_id} (asks {na.quantity}) while need {nb.need_id} of the same "
                f"tier {tier} (asks {nb.quantity}) is short and eligible: moving units raises the tier's total fill",
                (lot.lot_id, na.need_id, nb.need_id),
                lot=lot.lot_id,
                need=na.need_id,
                asks=na.quantity,
                other=nb.need_id,
                tier=tier,
                other_asks=nb.quantity,
            )
            return
        nl = self.case.needs[low]
        self.add(
            Rule.TOTAL_FILL,
            f"lot {lot.lot_id} gives {na.quantity} units to all-or-nothing need {na.need_id}; need {nb.need_id} of the "
            f"same tier {tier} reaches the same total fill with fewer, leaving units for short need {nl.need_id} of "
            f"tier {self.tier_names[self.need_rank[low]]}",
            (lot.lot_id, na.need_id, nb.need_id, nl.need_id),
            variant="_whole",
            lot=lot.lot_id,
            n=na.quantity,
            need=na.need_id,
            other=nb.need_id,
            tier=tier,
            low=nl.need_id,
            low_tier=self.tier_names[self.need_rank[low]],
        )

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
            lot=lot.lot_id,
            left=left,
            item=lot.item,
            need=nd.need_id,
            tier=tier,
            household=nd.household_id,
            short=short,
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
            lot=lot.lot_id,
            moved=moved,
            item=lot.item,
            tier=tier,
            low=lo.need_id,
            low_tier=low_tier,
            need=nd.need_id,
            household=nd.household_id,
            short=short,
        )


def _units(n: int) -> str:
    """'1 unit', '3 units'."""
    return f"{n} unit" if n == 1 else f"{n} units"


def _lookup(index: dict[str, int], ids: Sequence[str]) -> IntArray:
    """Row of each id in `index`, -1 for an id it does not have."""
    return np.fromiter(map(index.get, ids, repeat(-1)), dtype=np.int64, count=len(ids))


def _runs(values: IntArray) -> list[tuple[int, tuple[int, int]]]:
    """(value, (start, end)) of each run of equal values in a sorted array."""
    if not values.size:
        return []
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    ends = np.r_[starts[1:], values.size]
    return [(int(values[a]), (int(a), int(b))) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


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


def _hundredths(value: int) -> str:
    """Units counted in hundredths (`allocate.rules.over_rounds`) as a planner reads them: 450 is 4.5."""
    whole, part = divmod(value, SCALE)
    return str(whole) if not part else f"{whole}.{part:02d}".rstrip("0")
