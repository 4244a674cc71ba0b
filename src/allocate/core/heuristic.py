"""The fast plan: tier by tier, volunteers and goods decided together.

For each tier in priority order, with what earlier tiers were given held (their goods as class totals, their
visits and services on the same volunteers):

1. **Deliveries**: households not yet delivered that have a need of the tier which could still receive something
   (its class has room, `Goods.room`) are delivered by a min-cost flow per region (`deliver_by_flow`) that reaches as
   many such needs as the hours left allow (then as many needs of lower tiers, as a tie-break).
2. **Services** of the tier: `assign_services`. Steps 1 and 2 are also tried the other way round (services
   first leave whole stretches of skilled time to them, deliveries then fill the gaps), and the order that
   reaches more needs and services is kept, region by region (`core.volunteers`), deliveries first on a tie.
3. **Goods** of the tier over the delivered households (`Goods.solve_tier`).
4. **Until nothing changes**: a delivery of this tier that brought nothing is dropped and its time freed; then
   households with a need of the tier that still has room are delivered by whoever has time left, best worth
   first, as long as the goods can reach one such need of each at once; services that now fit are done; and the
   tier's goods are solved again.

Why this makes plans that `verify` accepts: after step 4 no volunteer has time left for a task that would raise the
tier (an undone service they could do, or a household whose need has room), and later tiers only take time away,
so no visit or service of a lower tier ever holds hours a higher tier could use; every delivery carries goods of
the tier it was made for, which later tiers hold. What stays a heuristic is the choice among equally many tasks
(which household gets the last hour): `core.exact` searches that where a part of the case is small enough.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.backends.base import Backend
from allocate.core.goods import Counter, Goods, GoodsProblem, _longest_prefix
from allocate.core.index import BoolArray, CaseIndex, IntArray
from allocate.core.volunteers import Crew, Roster, assign_services, deliver_by_flow

MAX_ROUNDS = 50
"""Rounds of step 4 per tier at most; each round that delivers reaches at least one more need, and in practice
a tier settles in two or three."""


@dataclass
class FastPlan:
    """Units per need and, with volunteers, who does what; `stopped` says why a total-fill MIP (fairness "none")
    was not proven, if one was not."""

    amount: IntArray
    roster: Roster | None
    stopped: str = ""


def plan_fast(
    index: CaseIndex,
    problem: GoodsProblem,
    crew: Crew | None,
    fairness: str,
    backend: Backend,
    count: Counter,
    *,
    settled: Roster | None = None,
    deadline: float | None = None,
    effort: int | None = None,
    starts: list[TierStart] | None = None,
) -> FastPlan:
    """The fast plan of the module docstring, from the `settled` roster (every household of an uncontested region
    delivered, `core.parts.settle`) when given; `deadline` and `effort` limit the MIPs of fairness "none". With
    volunteers, `starts` (if given) receives the state as each tier starts and as the last ends, as `tier_starts`
    makes them."""
    goods = Goods(index, problem, fairness, backend, count, deadline=deadline, effort=effort)
    n_hh = index.hh_grid.size
    if crew is None:
        everyone = np.ones(index.need_qty.size, np.bool_)
        for t in range(index.n_tiers):
            goods.solve_tier(t, everyone)
        return FastPlan(goods.amount, None, goods.stopped)
    planner = _Planner(index, problem, crew, goods, Roster.empty(crew, n_hh) if settled is None else settled.copy())
    for t in range(index.n_tiers):
        if starts is not None:
            starts.append(planner.start(t))
        planner.tier(t, count)
    if starts is not None:
        starts.append(planner.start(index.n_tiers))
    if fairness == "none":  # held totals let earlier tiers' amounts move: settle them all once more, in order
        active = planner.active()
        for t in range(index.n_tiers):
            goods.solve_tier(t, active)
    planner.drop_empty()
    return FastPlan(goods.amount, planner.roster, goods.stopped)


@dataclass(frozen=True)
class TierStart:
    """The fast plan as tier `tier` starts (or, past the last tier, as it ends): what `plan_tier` starts from.

    `explain` measures one more volunteer hour by planning one tier again from here, the higher tiers held as they
    were planned, instead of planning the whole case again.
    """

    tier: int
    roster: Roster
    delivered_at: IntArray
    rounds: int
    amount: IntArray
    totals: tuple[IntArray, ...]  # each goods component's class totals
    best: dict[tuple[int, int], float]


@dataclass(frozen=True)
class Planning:
    """What planning a tier again reads besides the crew: the goods index and problem, the fairness, the engine,
    the work counter and the deadline of fairness "none"'s MIPs."""

    index: CaseIndex
    problem: GoodsProblem
    fairness: str
    backend: Backend
    count: Counter
    deadline: float | None = None

    def goods(self) -> Goods:
        """Fresh goods state over the problem."""
        return Goods(self.index, self.problem, self.fairness, self.backend, self.count, deadline=self.deadline)


def tier_starts(planning: Planning, crew: Crew, settled: Roster, last: int) -> list[TierStart]:
    """The fast plan's state as each tier `0..last` starts, then as tier `last` ends (`last + 2` states), planned
    as `plan_fast` plans them from the `settled` roster."""
    planner = _Planner(planning.index, planning.problem, crew, planning.goods(), settled.copy())
    out = [planner.start(0)]
    for t in range(last + 1):
        planner.tier(t, planning.count)
        out.append(planner.start(t + 1))
    return out


def plan_tier(planning: Planning, start: TierStart, crew: Crew) -> tuple[IntArray, Roster]:
    """Units per need and the roster after planning tier `start.tier` from `start` with `crew`, which may have
    more volunteers than the crew `start` was planned with (appended, as yet unbusy)."""
    goods = planning.goods()
    goods.amount, goods.best = start.amount.copy(), dict(start.best)
    for comp, totals in zip(planning.problem.components, start.totals, strict=True):
        comp.totals = totals.copy()
    roster = start.roster.copy()
    fresh = Roster.empty(crew, 0)
    known = roster.left.size
    roster.left = np.concatenate([roster.left, fresh.left[known:]])
    roster.capped_left = np.concatenate([roster.capped_left, fresh.capped_left[known:]])
    planner = _Planner(planning.index, planning.problem, crew, goods, roster)
    planner.delivered_at, planner.rounds = start.delivered_at.copy(), start.rounds
    planner.tier(start.tier, planning.count)
    return goods.amount, planner.roster


class _Planner:
    """The state of the fast plan under construction, and its steps."""

    def __init__(self, index: CaseIndex, problem: GoodsProblem, crew: Crew, goods: Goods, roster: Roster) -> None:
        self.index, self.problem, self.crew, self.goods, self.roster = index, problem, crew, goods, roster
        self.rounds = 0
        self.reach = problem.need_comp >= 0
        self.req = np.where(index.need_aon, index.need_qty, 1)  # units that make a need's fill positive
        self.delivered_at = np.full(index.hh_grid.size, -1, np.int64)
        # tie-break worth of a delivery: the household's reachable needs of lower tiers, per tier
        self.later = np.zeros((index.n_tiers + 1, index.hh_grid.size), np.int64)
        np.add.at(self.later, (index.need_tier[self.reach], index.need_hh[self.reach]), 1)
        self.later = np.cumsum(self.later[::-1], axis=0)[::-1]  # later[t][h]: reachable needs of tiers >= t

    def start(self, t: int) -> TierStart:
        """A copy of the state as tier `t` starts."""
        goods = self.goods
        totals = tuple(comp.totals.copy() for comp in self.problem.components)
        return TierStart(
            t, self.roster.copy(), self.delivered_at.copy(), self.rounds, goods.amount.copy(), totals, dict(goods.best)
        )

    def active(self) -> BoolArray:
        """Per need, whether its household is delivered."""
        return self.roster.delivery[self.index.need_hh] >= 0

    def tier(self, t: int, count: Counter) -> None:
        """Steps 1 to 4 of the module docstring for tier `t`."""
        index, crew, roster, goods = self.index, self.crew, self.roster, self.goods
        needs = np.flatnonzero(self.reach & (index.need_tier == t))
        services = np.flatnonzero(crew.service_tier == t)
        if not needs.size and not services.size:
            return
        comps = sorted(set(self.problem.need_comp[needs].tolist()))
        households, _, worth = self._candidates(t, needs, comps)

        def reached(r: Roster, done: list[int]) -> IntArray:  # needs reached and services done, per region
            got = r.delivery[households] >= 0
            tasks = np.bincount(crew.hh_region(households[got]), worth[got], crew.n_regions).astype(np.int64)
            return tasks + np.bincount(crew.service_region(np.asarray(done, np.int64)), minlength=crew.n_regions)

        def deliveries(r: Roster) -> None:
            deliver_by_flow(crew, r, households, worth, index.hh_rank, count, then=self.later[t + 1][households])

        # deliveries reach more needs per hour, services need long stretches of skilled time: try both orders
        first = roster.copy()
        deliveries(first)
        first_reached = reached(first, assign_services(crew, first, services))
        if first_reached.sum() < int(worth.sum()) + services.size and services.size and households.size:
            second = roster.copy()  # something was left undone: would the other order leave less?
            done = assign_services(crew, second, services)
            deliveries(second)
            better = reached(second, done) > first_reached  # regions share no volunteer: choose region by region
            if better.any():
                first = first.mixed(crew, second, better)
        self.roster = roster = first
        self.delivered_at[households[roster.delivery[households] >= 0]] = t
        goods.solve_tier(t, self.active(), comps)
        while self.rounds < MAX_ROUNDS * index.n_tiers:
            self._prune(t)
            added = self._augment(t, needs, comps)
            done = assign_services(crew, roster, services)
            if not added and not done:
                break
            self.rounds += 1
            if added:
                goods.solve_tier(t, self.active(), comps)

    def _candidates(self, t: int, needs: IntArray, comps: list[int]) -> tuple[IntArray, IntArray, IntArray]:
        """Undelivered households with a need of tier `t` that could receive something now: the households, the
        need of each that takes fewest units, and how many such needs each has."""
        needs = needs[self.roster.delivery[self.index.need_hh[needs]] < 0]
        comp, cls = self.problem.need_comp[needs], self.problem.need_class[needs]
        codes, first, at = np.unique(comp * (int(cls.max(initial=0)) + 1) + cls, return_index=True, return_inverse=True)
        keys = list(zip(comp[first].tolist(), cls[first].tolist(), strict=True))  # each (component, class) once
        room = self.goods.room(t, comps, set(keys))
        space = np.asarray([room[key] for key in keys], np.int64)[at.reshape(-1)] if codes.size else codes
        ok = space >= self.req[needs]
        needs = needs[ok]
        hh = self.index.need_hh[needs]
        if not needs.size:
            return needs, needs, needs
        worth = np.bincount(hh, minlength=self.index.hh_grid.size)
        order = np.lexsort((self.req[needs], hh))  # per household, its cheapest need first
        first = order[np.r_[True, hh[order][1:] != hh[order][:-1]]]
        households = hh[first]
        return households, needs[first], worth[households]

    def _prune(self, t: int) -> None:
        """Drop this tier's deliveries that brought nothing (their time goes back)."""
        got = np.bincount(self.index.need_hh, weights=self.goods.amount, minlength=self.index.hh_grid.size)
        for h in np.flatnonzero((self.delivered_at == t) & (got == 0)).tolist():
            self.roster.undeliver(self.crew, h)
            self.delivered_at[h] = -1

    def _augment(self, t: int, needs: IntArray, comps: list[int]) -> bool:
        """Deliver households with a need of the tier that has room, by whoever has time, best worth first, as
        many as the goods can reach at once (one cheapest need each); whether any was delivered."""
        crew, roster, index = self.crew, self.roster, self.index
        households, best, worth = self._candidates(t, needs, comps)
        if not households.size:
            return False
        order = np.lexsort((index.hh_rank[households], -worth))
        taken: list[tuple[int, int]] = []  # (household, its cheapest need)
        for i in order.tolist():
            h = int(households[i])
            v = roster.fitting(crew, crew.deliverers[int(crew.hh_class[h])], crew.visit, h)
            if v >= 0:
                roster.deliver(crew, h, v)
                taken.append((h, int(best[i])))
        if not taken:
            return False
        comp, cls = self.problem.need_comp, self.problem.need_class
        accepted: list[tuple[int, int]] = []
        rest = taken
        while rest:

            def fits(m: int, rest: list[tuple[int, int]] = rest, accepted: list[tuple[int, int]] = accepted) -> bool:
                extra: dict[tuple[int, int], int] = {}
                for _, n in accepted + rest[:m]:
                    key = (int(comp[n]), int(cls[n]))
                    extra[key] = extra.get(key, 0) + int(self.req[n])
                return self.goods.fits(t, extra)

            m = _longest_prefix(fits, len(rest))
            accepted += rest[:m]
            if m == len(rest):
                break
            roster.undeliver(crew, rest[m][0])  # the goods cannot reach it beside the ones before it
            rest = rest[m + 1 :]
        for h, _ in accepted:
            self.delivered_at[h] = t
        return bool(accepted)

    def drop_empty(self) -> None:
        """Drop deliveries to households that receive nothing (a safety net: the steps leave none)."""
        got = np.bincount(self.index.need_hh, weights=self.goods.amount, minlength=self.index.hh_grid.size)
        for h in np.flatnonzero((self.roster.delivery >= 0) & (got == 0)).tolist():
            self.roster.undeliver(self.crew, h)
