"""What one more unit of an item, or one more volunteer hour in a grid, would do: measured by solving again.

The engine does not expose dual prices (leximin over whole units has none to give), so each marginal value is the
difference between two solves, without and with one more unit or hour. Items are measured alone, on their own
needs and lots, all in one solve of the goods. An hour is measured on the one tier it helps: the fast plan is made
once up to that tier, keeping its state as each tier starts (`core.heuristic.tier_starts`), and for each grid that
tier alone is planned again from where the higher tiers left it, with the extra volunteer (`plan_tier`): a warm
start that costs one tier, not a solve of the whole case. Only the grids most short are measured
(`DEFAULT_LIMIT`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from allocate.backends import get_backend
from allocate.checks import check_seconds
from allocate.core.heuristic import Planning, TierStart, plan_tier, tier_starts
from allocate.core.parts import settle
from allocate.core.volunteers import Roster, build_crew
from allocate.explain.reasons import SUPPLY_REASONS, VOLUNTEER_REASONS, Shortfall, shortfalls
from allocate.gc_pause import collector_paused
from allocate.plan import Plan
from allocate.schema import Case, Lot, Records, Volunteer
from allocate.solve import Decision, Prepared, SolveParams, decide, prepare, prepared, solve


class MarginalValue(BaseModel):
    """What one more unit of an item, or one more volunteer hour in a grid, would do.

    Gains are measured differences between two solves (`method`: "resolve" the item's goods solved again,
    "resolve_tier" the tier the hour helps planned again from where the higher tiers left it). They can be 0 (the
    tier's minimum is held down by another item, or an all-or-nothing need needs more than one unit) and the mean
    gain can be negative: leximin raises the worst-off first, so a volunteer hour that reaches one more household
    can spread scarce goods more thinly (the tier's sorted fills improve while their mean falls); volunteer packing
    being a heuristic on large cases adds noise of the same kind."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["item", "volunteer_hours"]
    resource: str  # the item, or the grid whose volunteer time it is
    tier: str | None  # the highest-priority tier the extra unit or hour would help; None: it would help nobody
    min_fill_gain: float  # rise of that tier's minimum fill
    mean_fill_gain: float  # rise of that tier's mean fill
    method: Literal["resolve", "resolve_tier"]  # how the gains were found (see above)
    measured: bool = True  # False: left out by `limit`, gains not measured (reported as 0)
    shortage: float = 0.0  # units short for want of the item, or hours of deliveries and services short in the grid
    skills: tuple[str, ...] = ()  # volunteer hours: the skills the measured volunteer has (the short services')
    designated: bool = False  # volunteer hours: the measured volunteer is designated (a quarantined household waits)


DEFAULT_LIMIT = 3
"""Grids whose volunteer time `marginal_values` measures: each costs one tier planned again (and all of them
one fast plan up to the lowest tier they help). On generated L (100,000 households) a grid costs about 0.6 s.
Items are always all measured, all in one solve of the goods.
"""


@dataclass(frozen=True)
class _Resource:
    """An item or a grid's volunteer time, the tier one more of it could help, and how short of it the case is."""

    kind: Literal["item", "volunteer_hours"]
    name: str
    tier: int | None  # rank of the highest-priority tier it could help
    shortage: float
    skills: tuple[str, ...] = ()  # volunteer hours: the skills of the grid's short services
    designated: bool = False  # volunteer hours: a quarantined household of the grid is short


def _resources(plan: Plan, rows: Records[Shortfall]) -> list[_Resource]:
    """Every item asked for, then (with volunteers) every grid, in case order, with the tier it could help and
    its shortage: units short for want of supply, or hours of the services and deliveries short for want of time.
    The shortfalls are read by their columns: no record is made."""
    case = plan.case
    rank = case.policy.rank
    kind, tier, short = rows.column("kind"), rows.column("tier"), rows.column("shortfall")
    what, home = rows.column("item_or_skill"), rows.column("household_id")
    items: dict[str, list[int]] = {item: [] for item in case.needs.column("item")}
    grids: dict[str, list[int]] = {grid: [] for grid in case.households.column("grid")}
    for i, (k, reason, grid) in enumerate(zip(kind, rows.column("reason"), rows.column("grid"), strict=True)):
        if k == "need" and reason in SUPPLY_REASONS:
            items[what[i]].append(i)
        elif reason in VOLUNTEER_REASONS:
            grids[grid].append(i)
    out = [
        _Resource("item", item, min(map(rank, {tier[i] for i in mine}), default=None), sum(short[i] for i in mine))
        for item, mine in items.items()
    ]
    if case.volunteers is not None:
        visit = case.policy.visit_hours
        quarantined, at = case.households.column("quarantined"), case.household_index
        for grid, mine in grids.items():
            hours = sum(short[i] for i in mine if kind[i] == "service")
            hours += visit * len({home[i] for i in mine if kind[i] == "need"})
            skills = tuple(sorted({what[i] for i in mine if kind[i] == "service"}))
            designated = any(quarantined[at[home[i]]] for i in mine)
            low = min(map(rank, {tier[i] for i in mine}), default=None)
            out.append(_Resource("volunteer_hours", grid, low, hours, skills, designated))
    return out


def _fresh_id(taken: Iterable[str], stem: str) -> str:
    """An id starting with `stem` that none of `taken` has."""
    used = set(taken)
    name, k = stem, 1
    while name in used:
        k += 1
        name = f"{stem} #{k}"
    return name


_RESOLVE = SolveParams(bounds=False)
"""Solving again only to compare fills needs no certified bounds."""


class _Measure:
    """Measures by solving again: the case as planned (its plan date fixed), with one more unit or one more hour.

    The goods index is built once and shared by every tier planned again with one more volunteer (volunteers change
    nothing in it), and those stop where the tier's units and visits are decided: the gains need fills, not rows.
    """

    def __init__(
        self,
        plan: Plan,
        backend: str,
        deadline: float | None = None,
        last_tier: int = 0,
        items: frozenset[str] | None = None,
    ) -> None:
        self.plan, self.backend, self.deadline, self.last_tier = plan, backend, deadline, last_tier
        self.items = items  # the items to measure (None: all), the only ones the one solve of the goods holds
        c, dated = plan.case, plan.case.policy.model_copy(update={"plan_date": plan.plan_date})
        self.case = c if dated == c.policy else c.replace(policy=dated)  # the same case keeps its tiers worked out

    def time_left(self) -> float | None:
        """Wall seconds left for the solves (0 when none), or None without a time limit."""
        return None if self.deadline is None else max(self.deadline - time.monotonic(), 0.0)

    def _decide(self, case: Case, ready: Prepared) -> Decision:
        """Decide units and visits again, within what is left of the time limit."""
        left = self.time_left()
        deadline = None if left is None else time.monotonic() + max(left, 0.01)
        with collector_paused():
            return decide(case, ready, get_backend(self.backend), deadline, _RESOLVE, _uncounted)

    @cached_property
    def base(self) -> Plan:
        """The plan as the engine makes it for this case and date, so both sides of a difference come from it.

        A plan this engine made is that plan already (solving is deterministic); any other plan (read from files,
        made by hand or by another backend) is solved again.
        """
        if self.plan.backend == get_backend(self.backend).name:
            return self.plan
        left = self.time_left()
        return solve(
            self.case, backend=self.backend, time_limit=None if left is None else max(left, 0.01), params=_RESOLVE
        )

    def gains(self, r: _Resource) -> tuple[float, float]:
        """(min fill gain, mean fill gain) of tier `r.tier` with one more unit of the item or hour in the grid."""
        assert r.tier is not None
        if r.kind == "item":
            return self._item_alone(r.name, r.tier)
        case = self.case
        vid = _fresh_id(case.volunteers.column("volunteer_id") if case.volunteers else (), f"+1 h {r.name}")
        extra = Volunteer(volunteer_id=vid, grids=(r.name,), hours=1.0, skills=r.skills, designated=r.designated)
        crew = build_crew(_one_more_volunteer(case, extra))
        assert crew is not None
        with collector_paused():
            amount, roster = plan_tier(self._planning(), self._starts[r.tier], crew)
        done = self._starts[r.tier + 1]
        (low, mean), (low0, mean0) = self._fill(r.tier, amount, roster), self._fill(r.tier, done.amount, done.roster)
        return low - low0, mean - mean0

    def _fill(self, tier: int, amount: npt.NDArray[np.int64], roster: Roster) -> tuple[float, float]:
        """Min and mean fill of `tier`'s needs and services (as `Plan.tiers`), from units and a roster."""
        index = self._ready.index
        mine = index.need_tier == tier
        fills = np.concatenate(
            [
                amount[mine] / index.need_qty[mine],
                (roster.service[: self._service_tier.size] >= 0)[self._service_tier == tier],
            ]
        )
        return (float(fills.min()), float(fills.mean())) if fills.size else (0.0, 0.0)

    def _planning(self) -> Planning:
        """The case's goods, fairness and engine for planning tiers again, within what is left of the time limit."""
        ready, left = self._ready, self.time_left()
        deadline = None if left is None else time.monotonic() + max(left, 0.01)
        engine = get_backend(self.backend)
        return Planning(ready.index, ready.problem, self.case.policy.fairness, engine, _uncounted, deadline)

    @cached_property
    def _starts(self) -> list[TierStart]:
        """The fast plan of the case as each tier up to `last_tier` starts, and as that tier ends: those the solve
        recorded (`allocate.run` keeps them), or made again here."""
        ready = self._ready
        if len(ready.starts) > self.last_tier + 1:
            return ready.starts
        crew = build_crew(self.case)
        assert crew is not None
        with collector_paused():
            settled = settle(ready.index, ready.problem, crew, _uncounted).roster
            assert settled is not None
            return tier_starts(self._planning(), crew, settled, self.last_tier)

    @cached_property
    def _ready(self) -> Prepared:
        return prepared(self.plan.case, self.plan.plan_date)

    def _item_alone(self, item: str, tier: int) -> tuple[float, float]:
        """Only the item's needs (in delivered households, the plan's deliveries held) and lots are solved again.

        Given who is delivered, items compete for nothing, so this is the exact effect of one more unit on the
        goods. The engine solves such independent parts separately, so the base plan's fills are what solving the
        item alone gives (checked on the demo and on generated cases), and so are the fills of one solve of every
        item at once, each with its one more unit (`_one_more`). The tier's other needs and its services keep
        their fills.
        """
        rows = self._delivered_rows.get(item, np.zeros(0, np.int64))
        mine = rows[self._need_tier[rows] == tier]
        if not mine.size:
            return 0.0, 0.0
        before, after = self._fills[mine], self._one_more[mine]
        others = self._need_tier == tier
        others[rows] = False
        rest = np.concatenate([self._fills[others], self._service_fills[self._service_tier == tier]])
        floor = float(rest.min()) if rest.size else 1.0
        size = rest.size + mine.size
        low = min(floor, float(after.min())) - min(floor, float(before.min()))
        return low, float(after.sum() - before.sum()) / size

    @cached_property
    def _one_more(self) -> npt.NDArray[np.float64]:
        """Fill of each need (case order; NaN where not delivered or not measured) when every item measured has
        one more open unit (no earmark, grid limit or expiry), the plan's deliveries held: one solve of the goods
        alone, of the measured items' needs only (items compete for nothing, so the others change nothing)."""
        case = self.case
        measured = [item for item in self._delivered_rows if self.items is None or item in self.items]
        rows = np.sort(np.concatenate([np.zeros(0, np.int64), *(self._delivered_rows[item] for item in measured)]))
        need_of = case.needs.column("household_id")
        owners = {need_of[i] for i in rows.tolist()}
        taken = {lot.lot_id for lot in case.lots}
        extra = []
        for item in measured:
            lot_id = _fresh_id(taken, f"+1 {item}")
            taken.add(lot_id)
            extra.append(Lot(lot_id=lot_id, item=item, quantity=1))
        goods = Case(
            households=case.households.take(
                i for i, h in enumerate(case.households.column("household_id")) if h in owners
            ),
            needs=case.needs.take(rows.tolist()),
            lots=case.lots.extended(extra),
            policy=case.policy,
        )
        tiers = case.need_tiers
        goods.__dict__["need_tiers"] = tuple(tiers[i] for i in rows.tolist())  # its needs' tiers are the case's
        ready = prepare(goods)
        decision = self._decide(goods, ready)
        out = np.full(len(case.needs), np.nan)
        out[rows] = decision.amount / ready.index.need_qty
        return out

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
        """Rows of each item's needs that an extra unit could reach: all, or those of delivered households; items in
        the order of their first such need."""
        case, visits, n = self.case, self.base.visits, len(self.case.needs)
        keep = np.ones(n, np.bool_)
        if case.volunteers is not None:
            at, kinds = case.household_index, visits.column("kind")
            delivered = np.zeros(len(case.households), np.bool_)
            homes = visits.column("household_id")
            delivered[[at[h] for h, k in zip(homes, kinds, strict=True) if k == "delivery"]] = True
            keep = delivered[self._ready.index.need_hh]
        codes: dict[str, int] = {}
        item = np.fromiter((codes.setdefault(x, len(codes)) for x in case.needs.column("item")), np.int64, count=n)
        rows = np.flatnonzero(keep)
        first = np.full(len(codes), n, np.int64)
        np.minimum.at(first, item[rows], rows)
        by_item = rows[np.argsort(item[rows], kind="stable")]
        counts = np.bincount(item[rows], minlength=len(codes))
        ends, names = np.cumsum(counts), list(codes)
        starts = ends - counts
        return {
            names[c]: by_item[starts[c] : ends[c]] for c in np.argsort(first, kind="stable").tolist() if first[c] < n
        }


def _one_more_volunteer(case: Case, extra: Volunteer) -> Case:
    """`case` with `extra` among its volunteers, not checked again: the case is checked, and `extra` has a fresh id
    and one of its grids, which is all the cross-table checks would look at. What the case worked out once and
    reads no volunteer (rows of households, tiers) carries over; the rest is dropped, to be worked out again."""
    bigger = case.model_copy(update={"volunteers": (*(case.volunteers or ()), extra)})
    for name in set(bigger.__dict__) - set(type(case).model_fields) - _READS_NO_VOLUNTEER:
        del bigger.__dict__[name]
    return bigger


_READS_NO_VOLUNTEER = frozenset({"household_index", "need_tiers", "service_tiers"})


def _uncounted(name: str, k: int) -> None:
    """Solves for marginal values keep no counters."""


def _clean(x: float) -> float:
    """Round away float noise from differences of means (and -0.0), so equal plans give equal numbers."""
    return round(x, 12) + 0.0


def marginal_from(
    plan: Plan, rows: Records[Shortfall], backend: str, limit: int | None, time_limit: float | None = None
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
    hours = [r.tier for r in resources if r.kind == "volunteer_hours" and (r.kind, r.name) in chosen]
    items = frozenset(name for kind, name in chosen if kind == "item")
    measure = _Measure(plan, backend, deadline, max((t for t in hours if t is not None), default=0), items)
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
                method="resolve" if r.kind == "item" else "resolve_tier",
                measured=measured,
                shortage=_clean(r.shortage),
                skills=r.skills,
                designated=r.designated,
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
    time (`no_volunteer`, `no_designated_volunteer`, `volunteer_hours_exhausted`). The gains are the rise of that
    tier's minimum and mean fill (over all its needs and services, as `Plan.tiers`) when the case, with the plan's
    date, is solved again with one more open unit of the item (no earmark, grid limit or expiry), or when the tier
    is planned again, from where the higher tiers left it, with one more volunteer covering only that grid for one
    hour, with the skills of the grid's short services and designated
    when a quarantined household there is short: exactly the volunteer the report names, so a planner knows whom
    to ask for.
    Nothing short: tier None, gain 0, no solve.

    An item is measured on its own needs and lots, with the plan's delivery visits held: given who is delivered,
    items compete for nothing, so this is exact and all items together cost about two solves of the goods. One
    more volunteer hour can change who is delivered, which ties items and grids together, so an hour is measured on
    the engine's fast plan (`core.heuristic`): it is made once up to the lowest tier measured, and each grid's tier
    is planned again from the state it started in, the higher tiers held as planned (strict priority: the hour
    cannot take from them, and the tier the hour helps is the highest one short of time there); both sides of the
    difference are the fast plan's fills of that tier, so the exact search's improvements of the published plan
    do not enter it. Only the `limit` grids with the largest shortage (ties: the higher tier, then case order) are
    measured, the others are reported with `measured=False` and gain 0.
    `limit=None` measures all. `time_limit` (wall seconds) is shared by all the solves; what is left unmeasured
    when it runs out is reported with `measured=False` too.
    """
    return marginal_from(plan, shortfalls(plan), backend, limit, time_limit)
