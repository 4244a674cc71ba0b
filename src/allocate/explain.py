"""Why each need or service was not fully served, and what one more unit or volunteer hour would do.

Reasons are computed from the plan and the case, never guessed: each shortfall gets exactly one reason code of
SPEC section 4 (the rules are in `shortfalls`), and marginal values say which method produced them. The engine
does not expose dual prices, so marginal values are measured by solving again with one more unit or hour
(`marginal_values`). `explain_household` puts both in plain words, in English or Chinese, for one household.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from allocate.backends import get_backend
from allocate.checks import check_seconds
from allocate.errors import AllocateError
from allocate.plan import Plan, format_hours
from allocate.schema import Case, Clause, Household, Lot, Urgency, Volunteer
from allocate.solve import SolveParams, solve

HOURS_TOLERANCE = 1e-9
"""Hours within this of each other are equal (as in `allocate.verify`)."""

Lang = Literal["en", "zh"]


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


class MarginalValue(BaseModel):
    """What one more unit of an item, or one more volunteer hour in a grid, would do.

    Gains are measured differences between two solves. They can be 0 (the tier's minimum is held down by
    another item, or an all-or-nothing need needs more than one unit) and the mean gain can be negative: leximin
    raises the worst-off first, so a volunteer hour that reaches one more household can spread scarce goods
    more thinly (the tier's sorted fills improve while their mean falls); volunteer packing being a heuristic on
    large cases adds noise of the same kind.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["item", "volunteer_hours"]
    resource: str  # the item, or the grid whose volunteer time it is
    tier: str | None  # the highest-priority tier the extra unit or hour would help; None: it would help nobody
    min_fill_gain: float  # rise of that tier's minimum fill
    mean_fill_gain: float  # rise of that tier's mean fill
    method: Literal["dual", "resolve"]  # from dual prices, or measured by solving again
    measured: bool = True  # False: left out by `limit`, gains not measured (reported as 0)
    shortage: float = 0.0  # units short for want of the item, or hours of deliveries and services short in the grid


class Explanation(BaseModel):
    """Every shortfall of a plan and the marginal value of every item and every grid's volunteer time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shortfalls: tuple[Shortfall, ...]
    marginal_values: tuple[MarginalValue, ...]


class UnknownHouseholdError(AllocateError, LookupError):
    """`explain_household` was asked about a household the case does not have."""


# --- the ledger: what the plan did with each lot and each volunteer's hours --------------------------------------


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


class _Ledger:
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
    ledger = _Ledger(plan)
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


# --- marginal values -----------------------------------------------------------------------------------------------

DEFAULT_LIMIT = 3
"""Grids whose volunteer time `marginal_values` measures: each costs a solve of the whole case.

Measured on `generate(5000, seed=1)` (2 shared cores): one solve takes about 1.5 s, so the default adds at most
4 solves (the baseline and 3 grids), about 6 s. Items are always all measured: each costs two small solves of
that item alone.
"""


@dataclass(frozen=True)
class _Resource:
    """An item or a grid's volunteer time, the tier one more of it could help, and how short of it the case is."""

    kind: Literal["item", "volunteer_hours"]
    name: str
    tier: int | None  # rank of the highest-priority tier it could help
    shortage: float


def _resources(plan: Plan, rows: Sequence[Shortfall]) -> list[_Resource]:
    """Every item asked for, then (with volunteers) every grid, in case order, with the tier it could help and
    its shortage: units short for want of supply, or hours of the services and deliveries short for want of time.
    """
    case = plan.case
    rank = case.policy.rank
    items: dict[str, list[Shortfall]] = {n.item: [] for n in case.needs}
    grids: dict[str, list[Shortfall]] = {h.grid: [] for h in case.households}
    for r in rows:
        if r.kind == "need" and r.reason in SUPPLY_REASONS:
            items[r.item_or_skill].append(r)
        elif r.reason in VOLUNTEER_REASONS:
            grids[r.grid].append(r)
    out = [
        _Resource("item", item, min((rank(r.tier) for r in mine), default=None), sum(r.shortfall for r in mine))
        for item, mine in items.items()
    ]
    if case.volunteers is not None:
        visit = case.policy.visit_hours
        for grid, mine in grids.items():
            hours = sum(r.shortfall for r in mine if r.kind == "service")
            hours += visit * len({r.household_id for r in mine if r.kind == "need"})
            out.append(_Resource("volunteer_hours", grid, min((rank(r.tier) for r in mine), default=None), hours))
    return out


def _fresh_id(taken: Iterable[str], stem: str) -> str:
    """An id starting with `stem` that none of `taken` has."""
    used = set(taken)
    name, k = stem, 1
    while name in used:
        k += 1
        name = f"{stem} #{k}"
    return name


def _with(case: Case, *, lots: tuple[Lot, ...] = (), volunteers: tuple[Volunteer, ...] = ()) -> Case:
    """`case` with extra lots and volunteers."""
    more = None if case.volunteers is None else case.volunteers + volunteers
    return case.replace(lots=case.lots + lots, volunteers=more)


_RESOLVE = SolveParams(bounds=False)
"""Solving again only to compare fills needs no certified bounds."""


class _Measure:
    """Measures by solving again: the case as planned (its plan date fixed), with one more unit or one more hour."""

    def __init__(self, plan: Plan, backend: str, deadline: float | None = None) -> None:
        self.plan, self.backend, self.deadline = plan, backend, deadline
        c = plan.case
        self.case = c.replace(policy=c.policy.model_copy(update={"plan_date": plan.plan_date}))

    def time_left(self) -> float | None:
        """Wall seconds left for the solves (0 when none), or None without a time limit."""
        return None if self.deadline is None else max(self.deadline - time.monotonic(), 0.0)

    def _solve(self, case: Case) -> Plan:
        """Solve again, within what is left of the time limit."""
        left = self.time_left()
        return solve(case, backend=self.backend, time_limit=None if left is None else max(left, 0.01), params=_RESOLVE)

    @cached_property
    def base(self) -> Plan:
        """The plan as the engine makes it for this case and date, so both sides of a difference come from it.

        A plan this engine made is that plan already (solving is deterministic); any other plan (read from files,
        made by hand or by another backend) is solved again.
        """
        if self.plan.backend == get_backend(self.backend).name:
            return self.plan
        return self._solve(self.case)

    def extra_lot(self, item: str) -> Lot:
        """One open unit of `item`: no earmark, no grid limit, no expiry."""
        return Lot(lot_id=_fresh_id((lot.lot_id for lot in self.case.lots), f"+1 {item}"), item=item, quantity=1)

    def gains(self, r: _Resource) -> tuple[float, float]:
        """(min fill gain, mean fill gain) of tier `r.tier` with one more unit of the item or hour in the grid."""
        assert r.tier is not None
        case = self.case
        if r.kind == "item":
            return self._item_alone(r.name, r.tier)
        skills = tuple(sorted({s.skill for s in case.services} | {k for v in case.volunteers or () for k in v.skills}))
        vid = _fresh_id((v.volunteer_id for v in case.volunteers or ()), f"+1 h {r.name}")
        bigger = _with(case, volunteers=(Volunteer(volunteer_id=vid, grids=(r.name,), hours=1.0, skills=skills),))
        before, after = self.base.tiers[r.tier], self._solve(bigger).tiers[r.tier]
        return (after.min_fill or 0.0) - (before.min_fill or 0.0), (after.mean_fill or 0.0) - (before.mean_fill or 0.0)

    def _item_alone(self, item: str, tier: int) -> tuple[float, float]:
        """Only the item's needs (in delivered households, the plan's deliveries held) and lots are solved again.

        Given who is delivered, items compete for nothing, so this is the exact effect of one more unit on the
        goods. The engine solves such independent parts separately, so the base plan's fills are what solving the
        item alone gives (checked on the demo and on generated cases); one small solve with the extra unit remains.
        The tier's other needs and its services keep their fills.
        """
        case = self.case
        rows = self._delivered_rows.get(item, np.zeros(0, np.int64))
        owners = {case.needs[i].household_id for i in rows}
        mine = rows[self._need_tier[rows] == tier]
        if not mine.size:
            return 0.0, 0.0
        part = Case(
            households=tuple(h for h in case.households if h.household_id in owners),
            needs=tuple(case.needs[i] for i in mine) + tuple(case.needs[i] for i in rows if self._need_tier[i] != tier),
            lots=tuple(lot for lot in case.lots if lot.item == item),
            policy=case.policy,
        )
        before = self._fills[mine]
        after = np.array(self._solve(_with(part, lots=(self.extra_lot(item),))).need_fills)[: mine.size]
        others = self._need_tier == tier
        others[rows] = False
        rest = np.concatenate([self._fills[others], self._service_fills[self._service_tier == tier]])
        floor = float(rest.min()) if rest.size else 1.0
        size = rest.size + mine.size
        low = min(floor, float(after.min())) - min(floor, float(before.min()))
        return low, float(after.sum() - before.sum()) / size

    @cached_property
    def _fills(self) -> npt.NDArray[np.float64]:
        return np.array(self.base.need_fills, np.float64)

    @cached_property
    def _service_fills(self) -> npt.NDArray[np.float64]:
        return np.array(self.base.service_fills, np.float64)

    @cached_property
    def _need_tier(self) -> npt.NDArray[np.int64]:
        return np.array(self.case.need_tiers, np.int64)

    @cached_property
    def _service_tier(self) -> npt.NDArray[np.int64]:
        return np.array(self.case.service_tiers, np.int64)

    @cached_property
    def _delivered_rows(self) -> dict[str, npt.NDArray[np.int64]]:
        """Rows of each item's needs that an extra unit could reach: all, or those of delivered households."""
        case, plan = self.case, self.base
        delivered = None if case.volunteers is None else {v.household_id for v in plan.visits if v.kind == "delivery"}
        rows: dict[str, list[int]] = {}
        for i, n in enumerate(case.needs):
            if delivered is None or n.household_id in delivered:
                rows.setdefault(n.item, []).append(i)
        return {item: np.array(r, np.int64) for item, r in rows.items()}


def _clean(x: float) -> float:
    """Round away float noise from differences of means (and -0.0), so equal plans give equal numbers."""
    return round(x, 12) + 0.0


def _marginal(
    plan: Plan, rows: Sequence[Shortfall], backend: str, limit: int | None, time_limit: float | None = None
) -> tuple[MarginalValue, ...]:
    """`marginal_values` from shortfalls already computed (`explain` computes them once for both)."""
    if limit is not None and limit < 0:
        raise ValueError(f"The 'limit' parameter of marginal_values must be None or >= 0. Got {limit!r} instead.")
    check_seconds(time_limit, "time_limit", "marginal_values")
    deadline = None if time_limit is None else time.monotonic() + time_limit
    resources = _resources(plan, rows)
    chosen: set[tuple[str, str]] = set()
    for kind in ("item", "volunteer_hours"):
        short = [r for r in resources if r.kind == kind and r.tier is not None]
        if kind == "volunteer_hours" and limit is not None:
            short = sorted(short, key=lambda r: (-r.shortage, r.tier))[:limit]  # stable: then case order
        chosen |= {(r.kind, r.name) for r in short}
    measure = _Measure(plan, backend, deadline)
    names = plan.case.policy.tier_names
    out = []
    for r in resources:
        measured = r.tier is None or ((r.kind, r.name) in chosen and measure.time_left() != 0)
        low, mean = measure.gains(r) if r.tier is not None and measured else (0.0, 0.0)
        out.append(
            MarginalValue(
                kind=r.kind,
                resource=r.name,
                tier=None if r.tier is None else names[r.tier],
                min_fill_gain=_clean(low),
                mean_fill_gain=_clean(mean),
                method="resolve",
                measured=measured,
                shortage=_clean(r.shortage),
            )
        )
    return tuple(out)


def marginal_values(
    plan: Plan, *, backend: str = "auto", limit: int | None = DEFAULT_LIMIT, time_limit: float | None = None
) -> tuple[MarginalValue, ...]:
    """What one more unit of each item asked for, and one more volunteer hour in each grid, would do.

    Items come first, then, with a volunteers table, grids, each in the order the case first names them. The
    `tier` of an item is the highest-priority tier with a need of it short for want of supply (a supply reason of
    `shortfalls`); of a grid, the highest-priority tier with a need or service there short for want of volunteer
    time (`no_volunteer`, `volunteer_hours_exhausted`). The gains are the rise of that tier's minimum and mean
    fill (over all its needs and services, as `Plan.tiers`) when the case, with the plan's date, is solved again
    with one more open unit of the item (no earmark, grid limit or expiry), or one more volunteer covering only
    that grid for one hour with every skill. Nothing short: tier None, gain 0, no solve.

    An item is measured on its own needs and lots, with the plan's delivery visits held: given who is delivered,
    items compete for nothing, so this is exact and all items together cost about two solves of the goods. One
    more volunteer hour can change who is delivered, which ties items and grids together, so each grid costs one
    solve of the whole case (plus one baseline solve); only the `limit` grids with the largest shortage (ties: the
    higher tier, then case order) are measured, the others are reported with `measured=False` and gain 0.
    `limit=None` measures all. `time_limit` (wall seconds) is shared by all the solves; what is left unmeasured
    when it runs out is reported with `measured=False` too.
    """
    return _marginal(plan, shortfalls(plan), backend, limit, time_limit)


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
    rows = shortfalls(plan)
    values = _marginal(plan, rows, backend, limit, time_limit) if marginal else ()
    return Explanation(shortfalls=rows, marginal_values=values)


# --- one household in plain words ---------------------------------------------------------------------------------

_ZH_TIERS = {"critical": "危急", "vulnerable": "困难群体", "elderly": "老年人", "general": "一般"}
"""Chinese names of the default policy's tiers; other tier names are quoted as the policy writes them."""
_ZH_URGENCY = {Urgency.CRITICAL: "紧急", Urgency.HIGH: "高", Urgency.NORMAL: "普通", Urgency.LOW: "低"}
_UNIT = re.compile(r"^\s*(.+?)\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$")
_SHOWN_LOTS = 3
"""Lots named when saying why none may go to a household; the rest are counted."""


class _Words:
    """Numbers, items and tiers in one language."""

    def __init__(self, lang: Lang) -> None:
        self.zh = lang == "zh"

    def tier(self, name: str) -> str:
        """A tier's name; in Chinese the default tiers' Chinese names."""
        if not self.zh:
            return name
        return _ZH_TIERS.get(name, f"“{name}”")

    def item(self, item: str) -> str:
        """The item's name; in Chinese without its unit in brackets, which goes after numbers instead."""
        m = _UNIT.match(item)
        return m.group(1) if self.zh and m else item

    def units(self, n: int, item: str) -> str:
        """`n` units of `item`: "3" in English, "3袋" in Chinese."""
        if not self.zh:
            return str(n)
        m = _UNIT.match(item)
        return f"{n}{m.group(2) if m else '份'}"

    def join(self, parts: Sequence[str]) -> str:
        """A list of phrases: "a, b" or "a、b"."""
        return ("、" if self.zh else ", ").join(parts)


def _clause_words(w: _Words, clause: Clause, h: Household, urgency: Urgency) -> list[str]:
    """The conditions of a clause that matched, in the household's own values ("aged 82", "lives alone")."""
    out: list[str] = []
    zh = w.zh
    if clause.urgency is not None:
        out.append(f"紧急程度为{_ZH_URGENCY[urgency]}" if zh else f"urgency {urgency.value}")
    if clause.min_age is not None or clause.max_age is not None:
        out.append(f"{h.oldest_age}岁" if zh else f"aged {h.oldest_age}")
    for flag, value, en, cn in (
        (clause.lives_alone, h.lives_alone, ("lives alone", "does not live alone"), ("独居", "非独居")),
        (clause.disabled, h.disabled, ("disabled", "not disabled"), ("有残疾", "无残疾")),
        (
            clause.chronic_illness,
            h.chronic_illness,
            ("chronic illness", "no chronic illness"),
            ("有慢性病", "无慢性病"),
        ),
    ):
        if flag is not None:
            out.append((cn if zh else en)[0 if value else 1])
    if clause.grids is not None:
        out.append(f"位于{h.grid}" if zh else f"in grid {h.grid}")
    if clause.min_members is not None:
        out.append(f"{h.members}口人" if zh else f"{h.members} members")
    return out


def _why_tier(w: _Words, case: Case, h: Household, urgency: Urgency, rank: int) -> str:
    """Which policy clause put a need or service in its tier, or that the household was raised by hand."""
    policy = case.policy
    by_policy, why = len(policy.tiers) - 1, ""
    for r, tier in enumerate(policy.tiers):
        if tier.catch_all:
            by_policy, why = r, ("不符合更高优先级的条件" if w.zh else "no higher tier's condition holds")
            break
        clause = next(
            (
                c
                for c in tier.when or ()
                if c.holds(
                    urgency=urgency,
                    oldest_age=h.oldest_age,
                    lives_alone=h.lives_alone,
                    disabled=h.disabled,
                    chronic_illness=h.chronic_illness,
                    grid=h.grid,
                    members=h.members,
                )
            ),
            None,
        )
        if clause is not None:
            by_policy, why = r, w.join(_clause_words(w, clause, h, urgency))
            break
    names = policy.tier_names
    if rank < by_policy:
        if w.zh:
            return f"住户表中手动提升至{w.tier(names[rank])}（按政策应为{w.tier(names[by_policy])}：{why}）"
        return f"raised by hand in the households table (by the policy it would be {names[by_policy]}: {why})"
    return why


def _not_eligible_words(w: _Words, ledger: _Ledger, need: int) -> str:
    case = ledger.case
    nd, tier, grid = case.needs[need], case.need_tiers[need], ledger.grid_of[need]
    lots = [k for k in ledger.item_lots.get(nd.item, ()) if case.lots[k].quantity > 0]
    parts: list[str] = []
    for k in lots[:_SHOWN_LOTS]:
        lot = case.lots[k]
        if not ledger.usable[k]:
            parts.append(f"{lot.lot_id}已于{lot.expires}过期" if w.zh else f"{lot.lot_id} expired on {lot.expires}")
        elif tier > ledger.reserve[k]:
            t = w.tier(lot.reserved_for or "")
            parts.append(
                f"{lot.lot_id}定向给{t}及更高优先级" if w.zh else f"{lot.lot_id} is reserved for {t} and higher"
            )
        else:
            gs = w.join(lot.grids or ())
            parts.append(f"{lot.lot_id}只限{gs}" if w.zh else f"{lot.lot_id} is only for grid(s) {gs}")
    more = len(lots) - _SHOWN_LOTS
    if w.zh:
        tail = f"等（另有{more}个）" if more > 0 else ""
        return (
            f"有{len(lots)}个{w.item(nd.item)}批次，但都不能发给本户（{grid}，{w.tier(ledger.tier_names[tier])}）："
            + ("；".join(parts) + tail)
        )
    tail = f"; and {more} more" if more > 0 else ""
    return (
        f"{len(lots)} lot(s) of {nd.item} exist, but none may go to this household (grid {grid}, tier "
        f"{ledger.tier_names[tier]}): " + "; ".join(parts) + tail
    )


def _volunteer_words(w: _Words, ledger: _Ledger, reason: Reason, grid: str, skill: str | None, hours: float) -> str:
    """Why no volunteer came: nobody able, or the able ones' hours booked; `skill` None for a delivery."""
    vols = ledger.case.volunteers or ()
    able = ledger.covering(grid, skill)
    h = format_hours(hours)
    with_en = f" with skill {skill}" if skill else ""
    who_zh = f"负责{grid}且具备“{skill}”技能的" if skill else f"负责{grid}的"
    if reason is Reason.NO_VOLUNTEER:
        if not able:
            return f"没有{who_zh}志愿者" if w.zh else f"no volunteer{with_en} covers grid {grid}"
        if w.zh:
            return f"{who_zh}志愿者可用时长都不足{h}小时"
        return f"no volunteer{with_en} covering grid {grid} offers the {h} h it takes"
    offered = format_hours(sum(vols[k].hours for k in able))
    left = max((ledger.hours_left[k] for k in able), default=0.0)
    if w.zh:
        most = f"（最多剩{format_hours(left)}小时）" if left > HOURS_TOLERANCE else ""
        return (
            f"志愿者时间已用完：{who_zh}{len(able)}位志愿者共{offered}小时，都已安排给其他上门，剩余都不足{h}小时{most}"
        )
    most = f" (at most {format_hours(left)} h)" if left > HOURS_TOLERANCE else ""
    return (
        f"volunteer time ran out: the {len(able)} volunteer(s){with_en} covering grid {grid} offer {offered} h, all "
        f"booked for other visits; none has {h} h left{most}"
    )


def _need_reason_words(w: _Words, ledger: _Ledger, need: int, reason: Reason) -> str:
    case = ledger.case
    nd, tier = case.needs[need], case.need_tiers[need]
    got, q, item, name = ledger.received[need], nd.quantity, nd.item, w.item(nd.item)
    names = ledger.tier_names
    if reason is Reason.NO_SUPPLY:
        return f"没有任何批次捐赠{name}" if w.zh else f"no lot of {item} was donated"
    if reason is Reason.NOT_ELIGIBLE:
        return _not_eligible_words(w, ledger, need)
    if reason in VOLUNTEER_REASONS:
        text = _volunteer_words(w, ledger, reason, ledger.grid_of[need], None, case.policy.visit_hours)
        return text + ("，本户未获送货上门" if w.zh else "; this household got no delivery")
    pool = ledger.pool(need)
    if reason is Reason.ALL_OR_NOTHING:
        spare = pool.left + int(pool.per_tier[tier + 1 :].sum())
        if w.zh:
            return f"{name}须整份发放（一次{w.units(q, item)}）：可发给本户的仅剩{w.units(spare, item)}，不足一份"
        return (
            f"{item} is all-or-nothing for this household (all {q} at once): only {spare} unit(s) it could receive "
            f"were left, fewer than {q}"
        )
    if reason is Reason.FAIR_SHARE:
        rows = [i for i, n in enumerate(case.needs) if n.item == item and case.need_tiers[i] == tier]
        households = len({case.needs[i].household_id for i in rows})
        pct = round(100 * sum(ledger.received[i] / case.needs[i].quantity for i in rows) / len(rows))
        if w.zh:
            return (
                f"{name}短缺：{w.tier(names[tier])}层级中申请{name}的{households}户平均获得约{pct}%，"
                f"本户获得{w.units(q, item)}中的{w.units(got, item)}"
            )
        return (
            f"{item} was short: the {households} {names[tier]} households asking for it received about {pct}% of "
            f"what they asked on average; this household received {got} of {q}"
        )
    higher = int(pool.per_tier[:tier].sum())
    taken = [(names[t], int(pool.per_tier[t])) for t in range(tier) if pool.per_tier[t] > 0]
    if w.zh:
        by = f"（{'、'.join(f'{w.tier(t)}{w.units(u, item)}' for t, u in taken)}）" if taken else ""
        return (
            f"{name}已发完：本户可领取的批次共{w.units(pool.units, item)}，更高优先级领走{w.units(higher, item)}{by}，"
            f"本户获得{w.units(q, item)}中的{w.units(got, item)}"
        )
    by = f" ({', '.join(f'{t} {u}' for t, u in taken)})" if taken else ""
    return (
        f"{item} ran out: the lots this household may receive held {pool.units} units; higher-priority tiers took "
        f"{higher}{by}, and this household received {got} of {q}"
    )


def explain_household(plan: Plan, explanation: Explanation, household_id: str, *, lang: Lang = "en") -> str:
    """Each need and service of one household: its tier and why, asked, received, from which lots (and donors),
    and for a shortfall its reason (from `explanation`) in plain words with numbers; English or Chinese.

    Raises `UnknownHouseholdError` when the case has no such household.
    """
    if lang not in ("en", "zh"):
        raise ValueError(f"The 'lang' parameter of explain_household must be 'en' or 'zh'. Got {lang!r} instead.")
    case = plan.case
    row = case.household_index.get(household_id)
    if row is None:
        sample = ", ".join(h.household_id for h in case.households[:3])
        raise UnknownHouseholdError(
            f"household {household_id!r} is not in the case ({len(case.households)} households, e.g. {sample}); "
            "check the household_id"
        )
    w = _Words(lang)
    h = case.households[row]
    ledger = _Ledger(plan)
    reasons = {(s.kind, s.id): s.reason for s in explanation.shortfalls}
    names = case.policy.tier_names
    zh = w.zh
    facts = [f"{h.members}口人" if zh else f"{h.members} member(s)"]
    if h.oldest_age is not None:
        facts.append(f"最大年龄{h.oldest_age}岁" if zh else f"oldest {h.oldest_age}")
    if zh:
        lines = [f"住户 {h.household_id}（{h.grid}，{'，'.join(facts)}），计划日期 {plan.plan_date}"]
    else:
        lines = [f"household {h.household_id} (grid {h.grid}, {', '.join(facts)}), plan of {plan.plan_date}"]
    needs = [i for i, n in enumerate(case.needs) if n.household_id == household_id]
    services = [i for i, s in enumerate(case.services) if s.household_id == household_id]
    if not needs and not services:
        lines.append("本户没有申请" if zh else "this household asks for nothing")
    for i in needs:
        lines += _need_lines(w, ledger, i, reasons.get(("need", case.needs[i].need_id)))
    for i in services:
        s = case.services[i]
        rank = case.service_tiers[i]
        why = _why_tier(w, case, h, s.urgency, rank)
        hours = format_hours(s.hours)
        visit = next((v for v in plan.visits if v.service_id == s.service_id), None)
        if zh:
            lines += [f"服务 {s.service_id}：{s.skill}，{hours}小时", f"  优先级：{w.tier(names[rank])}，因为{why}"]
        else:
            lines += [f"service {s.service_id}: {s.skill}, {hours} h", f"  tier: {names[rank]}, because {why}"]
        if visit is not None:
            lines.append(f"  由志愿者{visit.volunteer_id}完成" if zh else f"  done by volunteer {visit.volunteer_id}")
            continue
        reason = reasons.get(("service", s.service_id))
        text = "" if reason is None else _volunteer_words(w, ledger, reason, h.grid, s.skill, s.hours)
        lines.append(f"  未完成：{text}" if zh else f"  not done: {text}")
    return "\n".join(lines)


def _need_lines(w: _Words, ledger: _Ledger, need: int, reason: Reason | None) -> list[str]:
    """The lines of one need: what, tier and why, asked and received (from which lots), and why short."""
    case = ledger.case
    nd = case.needs[need]
    h = case.households[case.household_index[nd.household_id]]
    rank = case.need_tiers[need]
    why = _why_tier(w, case, h, nd.urgency, rank)
    got, item = ledger.received[need], nd.item
    whole = ("，须整份" if w.zh else ", all-or-nothing") if nd.all_or_nothing else ""
    sources = []
    for k, q in ledger.from_lots.get(need, ()):
        lot = case.lots[k]
        if w.zh:
            sources.append(f"批次{lot.lot_id}" + (f"（{lot.donor}）" if lot.donor else "") + w.units(q, item))
        else:
            sources.append(f"{q} from lot {lot.lot_id}" + (f" (donor {lot.donor})" if lot.donor else ""))
    if w.zh:
        lines = [
            f"需求 {nd.need_id}：{w.item(item)}{whole}",
            f"  优先级：{w.tier(ledger.tier_names[rank])}，因为{why}",
            f"  申请{w.units(nd.quantity, item)}，获得{w.units(got, item)}"
            + (f"：{'，'.join(sources)}" if sources else ""),
        ]
    else:
        lines = [
            f"need {nd.need_id}: {item}{whole}",
            f"  tier: {ledger.tier_names[rank]}, because {why}",
            f"  asked {nd.quantity}, received {got}" + (f": {', '.join(sources)}" if sources else ""),
        ]
    if got < nd.quantity:
        short = w.units(nd.quantity - got, item)
        text = "" if reason is None else _need_reason_words(w, ledger, need, reason)
        lines.append(f"  缺{short}：{text}" if w.zh else f"  short by {short}: {text}")
    return lines
