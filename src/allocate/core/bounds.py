"""Certified bounds on what a plan that is not proven optimal could still gain, tier by tier.

For each tier the plan's *reached* count (needs and services with a positive fill: the first thing leximin compares)
is set beside the least of three upper bounds on it, each valid for every plan that reaches at least as many
entries as this one in every higher tier:

- **reach**: needs some usable lot may give to (and, with volunteers, whose household someone may visit), and services
  that someone may do;
- **goods**: at most as many needs of the tier can have a first unit at once as a flow from the lots allows
  while each higher tier's needs keep at least as many first units as the plan gave them (an all-or-nothing
  need asks more, so it is counted generously);
- **time**: a relaxation of the visits and services in which tasks may be split across volunteers, each higher
  tier must reach at least what this plan reached (counted by the same generous weights), and households of one
  visit class with the same reachable needs per tier, and volunteers of the same classes and skills, are merged; it is
  bounded from above by Lagrangian relaxation (`_TimeBound`).

The worst fill is bounded by 0 when some entry must stay at zero (the reach bound is below the tier's size), and
otherwise by the largest fill an LP could give every need of the tier at once, from the lots alone.
"""

from __future__ import annotations

import time

import numpy as np

from allocate.backends.base import Backend, FloatArray, LinearProgram, SolveStatus
from allocate.core.goods import Counter, GoodsProblem
from allocate.core.index import BoolArray, CaseIndex, IntArray
from allocate.core.network import min_cost_flow
from allocate.core.volunteers import Crew, distinct_rows


def tier_bounds(
    index: CaseIndex,
    problem: GoodsProblem,
    crew: Crew | None,
    amount: IntArray,
    done: BoolArray,
    backend: Backend,
    count: Counter,
    deadline: float | None = None,
) -> list[tuple[int, int, int, float | None, float | None]]:
    """Per tier: (entries, reached, reached bound, min fill, min fill bound) for a plan of units `amount` and
    services `done`, by the bounds of the module docstring. Past `deadline` (time.monotonic()) the fill bound's
    LPs are skipped: 1 is a bound too."""
    n_t = index.n_tiers
    reach = problem.need_comp >= 0
    if crew is not None:
        covered = np.asarray([d.size > 0 for d in crew.deliverers], np.bool_)
        reach &= covered[crew.hh_class[index.need_hh]]
        doable = np.asarray([d.size > 0 for d in crew.doers], np.bool_)
        s_tier = crew.service_tier
    else:
        doable, s_tier = np.zeros(0, np.bool_), np.zeros(0, np.int64)
    fill = amount / index.need_qty
    reached = np.bincount(index.need_tier[amount > 0], minlength=n_t) + np.bincount(s_tier[done], minlength=n_t)
    entries = np.bincount(index.need_tier, minlength=n_t) + np.bincount(s_tier, minlength=n_t)
    bound = np.bincount(index.need_tier[reach], minlength=n_t) + np.bincount(s_tier[doable], minlength=n_t)
    services = np.bincount(s_tier[doable], minlength=n_t)
    goods = _GoodsBound(index, problem)
    for t in range(n_t):
        if bound[t] > reached[t]:
            # the higher tiers' needs reached: at least their entries reached less the services they could do
            needs_reached = np.maximum(reached[:t] - services[:t], 0)
            bound[t] = min(bound[t], goods.solve(t, needs_reached, count) + int(services[t]))
    if crew is not None:
        time_bound = _TimeBound(index, crew, reach, doable)
        for t in range(n_t):
            if bound[t] - reached[t] > CLOSE_ENOUGH * entries[t]:
                bound[t] = min(bound[t], time_bound.solve(t, reached, int(bound[t]), count))
    out = []
    for t in range(n_t):
        fills = np.concatenate([fill[index.need_tier == t], done[s_tier == t].astype(np.float64)])
        low = float(fills.min()) if fills.size else None
        if low is None:
            top = None
        elif bound[t] < entries[t]:
            top = 0.0
        else:
            late = deadline is not None and time.monotonic() >= deadline
            top = 1.0 if late else _fill_bound(index, problem, t, backend, count, deadline)
        out.append((int(entries[t]), int(reached[t]), int(max(bound[t], reached[t])), low, top))
    return out


class _GoodsBound:
    """How many needs of a tier can have a first unit at once, while each higher tier's needs still have at least as
    many first units as the plan gave them: one min-cost flow over every component's lots and classes.

    Each need counts for one unit (an all-or-nothing need asks more, so it is counted generously); the higher tiers'
    counts are lower bounds on the arcs into their tier's node, the usual reduction to node supplies.
    """

    def __init__(self, index: CaseIndex, problem: GoodsProblem) -> None:
        self.problem = problem
        comps = problem.components
        pools = [c.net.pools for c in comps]  # lots that reach the same classes as one (`Network.pools`)
        self.lot_start = np.cumsum([0] + [stock.size for stock, _, _ in pools])
        self.cls_start = np.cumsum([0] + [len(c.classes) for c in comps])
        self.stock = np.concatenate([stock for stock, _, _ in pools]) if comps else np.zeros(0, np.int64)
        # without components (no lot may give to any need) the arc arrays are empty, and still index arrays
        self.arc_lot = np.concatenate([self.lot_start[k] + arcs for k, (_, arcs, _) in enumerate(pools)] or [[]])
        self.arc_lot = self.arc_lot.astype(np.int64)
        self.arc_cls = np.concatenate([self.cls_start[k] + arcs for k, (_, _, arcs) in enumerate(pools)] or [[]])
        self.arc_cls = self.arc_cls.astype(np.int64)
        classes = [c for comp in comps for c in comp.classes]
        self.cls_tier = problem.class_tier[np.asarray(classes, np.int64)] if classes else np.zeros(0, np.int64)
        self.cls_size = np.asarray([problem.class_needs[c].size for c in classes], np.int64)

    def solve(self, tier: int, higher: IntArray, count: Counter) -> int:
        """The bound for `tier`, the tiers above it reaching at least `higher` needs each."""
        n_l, n_c = self.stock.size, self.cls_size.size
        live = self.cls_tier <= tier
        arcs = np.flatnonzero(live[self.arc_cls])
        t0, l0 = 2, 2 + tier
        c0 = l0 + n_l
        total = int(self.stock.sum())
        classes = np.flatnonzero(live)
        # the classes' first units go to their tier's node (higher tiers) or straight to the sink (this tier)
        to = np.where(self.cls_tier[classes] < tier, t0 + self.cls_tier[classes], 1)
        tails = np.concatenate([np.zeros(n_l), l0 + self.arc_lot[arcs], c0 + classes, t0 + np.arange(tier), [0]])
        heads = np.concatenate([l0 + np.arange(n_l), c0 + self.arc_cls[arcs], to, np.ones(tier), [1]])
        caps = np.concatenate(
            [self.stock, np.full(arcs.size, total), self.cls_size[classes], np.full(tier, total), [total]]
        )
        costs = np.concatenate(
            [np.zeros(n_l + arcs.size), -(self.cls_tier[classes] == tier).astype(np.int64), np.zeros(tier + 1)]
        )
        supplies = np.zeros(c0 + n_c, np.int64)
        supplies[0], supplies[1] = total, -total
        supplies[t0 : t0 + tier] -= higher  # at least `higher` units must pass each higher tier's node
        supplies[1] += int(higher.sum())
        solver = min_cost_flow((tails, heads, caps, costs), supplies, count, "goods bound")  # the plan is feasible
        return int(-solver.optimal_cost())


def _fill_bound(
    index: CaseIndex, problem: GoodsProblem, tier: int, backend: Backend, count: Counter, deadline: float | None
) -> float:
    """The largest fill every need of `tier` could have at once from the lots alone, by an LP per component."""
    best = 1.0
    for comp in problem.components:
        classes = np.asarray(comp.classes, np.int64)
        mine = np.flatnonzero(problem.class_tier[classes] == tier)
        if not mine.size:
            continue
        net = comp.net
        arcs = np.flatnonzero(np.isin(net.arc_cls, mine))
        asked = np.asarray([int(index.need_qty[problem.class_needs[classes[c]]].sum()) for c in mine], np.float64)
        row_of = {int(c): i for i, c in enumerate(mine.tolist())}
        n_a = arcs.size
        # columns: arc flows, then the common fill; rows: lot stocks, then per class flow - fill * asked >= 0
        lp = LinearProgram(
            objective=np.concatenate([np.zeros(n_a), [1.0]]),
            col_lower=np.zeros(n_a + 1),
            col_upper=np.concatenate([np.full(n_a, np.inf), [1.0]]),
            rows=np.concatenate(
                [
                    net.arc_lot[arcs],
                    net.n_lots + np.asarray([row_of[int(c)] for c in net.arc_cls[arcs]], np.int64),
                    net.n_lots + np.arange(mine.size),
                ]
            ).astype(np.int64),
            cols=np.concatenate([np.arange(n_a), np.arange(n_a), np.full(mine.size, n_a)]).astype(np.int64),
            vals=np.concatenate([np.ones(n_a), np.ones(n_a), -asked]),
            row_lower=np.concatenate([np.full(net.n_lots, -np.inf), np.zeros(mine.size)]),
            row_upper=np.concatenate([net.stock.astype(np.float64), np.full(mine.size, np.inf)]),
            integer=np.zeros(n_a + 1, np.bool_),
        )
        count("lp_solves", 1)
        left = None if deadline is None else max(deadline - time.monotonic(), 0.01)
        sol = backend.solve(lp, left)
        best = min(best, float(sol.objective) if sol.status is SolveStatus.OPTIMAL else 1.0)
    return best


CLOSE_ENOUGH = 0.001
"""The time bound (the dearest) is skipped for a tier whose cheaper bounds already leave it within this share of
its entries: it could tighten them by a handful at most."""
LAGRANGE_ROUNDS = 8
"""Subgradient rounds of the Lagrangian bound: each is one min-cost flow, and every round's value is a bound. On
generated M the eighth round's bound on the general tier is within 0.3% of the LP optimum, at a fifth of its time."""
HOPELESS_AFTER = 3
"""Rounds after which a Lagrangian bound still above the cheaper bounds is given up (see `_TimeBound._lagrange`)."""
_SCALE = 10**9
"""Value per tick is rounded up to 1/_SCALE in the flows, so their optimum stays an upper bound."""


class _TimeBound:
    """The relaxation of visits and services over merged households and merged volunteers (module docstring).

    Volunteers who may deliver to the same visit classes (`allocate.rules`: grids, quarantined or not) and may do
    the same services are one group, their hours summed. A delivery cares only about which classes its volunteer
    may deliver to, so deliveries go to *coverage classes* (groups that reach the same visit classes), and each
    group gives part of its hours to its class's deliveries and the rest to services: the same optimum as pairing
    every family with every group, with a fraction of the pairs. The policy's cap on visits to quarantined
    households is left out: a relaxation, so the bound stays a bound.

    Solved as an LP it takes seconds on a city district (tens of thousands of families), so it is bounded by
    Lagrangian relaxation instead: with the higher tiers' rows priced by multipliers, what is left is a
    transportation problem in ticks, one min-cost flow; any multipliers give a valid bound, and subgradient
    steps lower it towards the LP's.
    """

    def __init__(self, index: CaseIndex, crew: Crew, reach: BoolArray, doable: BoolArray) -> None:
        self.index, self.crew = index, crew
        weight = np.zeros((index.hh_grid.size, index.n_tiers), np.int64)  # reachable needs per household and tier
        np.add.at(weight, (index.need_hh[reach], index.need_tier[reach]), 1)
        wanted = np.flatnonzero(weight.sum(axis=1) > 0)
        # who may do a service depends on its grid and skill: one "ability" per distinct list of doers
        services = np.flatnonzero(doable)
        ability_of: dict[bytes, int] = {}
        ability = np.asarray(
            [ability_of.setdefault(crew.doers[s].tobytes(), len(ability_of)) for s in services], np.int64
        )
        able = np.zeros((crew.n_volunteers, len(ability_of)), np.bool_)
        for key, k in ability_of.items():
            able[np.frombuffer(key, np.int64), k] = True
        n_classes = crew.covers.shape[1]
        groups, group_of = distinct_rows(np.concatenate([crew.covers, able], axis=1))
        self.hours = np.bincount(group_of, weights=crew.hours, minlength=groups.shape[0])
        covers, self.coverage = distinct_rows(groups[:, :n_classes])  # per group: its coverage class
        # delivery families: households of one visit class with the same reachable needs per tier
        rows = np.concatenate([crew.hh_class[wanted, None], weight[wanted]], axis=1)
        fam, self.d_size = np.unique(rows, axis=0, return_counts=True)
        self.d_class, self.d_w = fam[:, 0], fam[:, 1:]
        # service families: the same doers, length and tier
        rows = np.stack([ability, crew.service_ticks[services], crew.service_tier[services]], axis=1)
        fam, self.s_size = np.unique(rows.reshape(-1, 3), axis=0, return_counts=True)
        self.s_ability, self.s_ticks, self.s_tier = fam[:, 0], fam[:, 1], fam[:, 2]
        # who may take each, through one node per visit class and per ability (so arcs grow with families plus
        # pairs of classes and coverages, not with families times coverages): visit class -> coverage class,
        # ability -> group
        self.ck_c, self.ck_k = np.nonzero(covers.T)
        self.ag_a, self.ag_g = np.nonzero(groups[:, n_classes:].T)
        self.n_classes, self.n_abilities = n_classes, len(ability_of)

    def solve(self, tier: int, reached: IntArray, known: int, count: Counter) -> int:
        """An upper bound on `tier`'s reach, every higher tier reaching at least `reached`: the least of
        `LAGRANGE_ROUNDS` Lagrangian bounds (fewer when they stay above the `known` bound, see `_lagrange`)."""
        d_live = np.asarray((self.d_w[:, : tier + 1] > 0).any(axis=1), np.bool_)  # the others only take time
        return self._lagrange(tier, reached, known, d_live, self.s_tier <= tier, count)

    def _lagrange(
        self, tier: int, reached: IntArray, known: int, d_live: BoolArray, s_live: BoolArray, count: Counter
    ) -> int:
        """The least of `LAGRANGE_ROUNDS` Lagrangian bounds: the higher tiers' rows priced by multipliers `mu`,
        moved by Polyak subgradient steps aimed halfway between the best bound so far and the plan's own reach
        (which the bound cannot go below). After `HOPELESS_AFTER` rounds still above the `known` bound, the rest
        are not run: the bound falls a little more each round, and could not tighten anything."""
        mu = np.zeros(tier)
        best = np.inf
        for k in range(LAGRANGE_ROUNDS):
            if k == HOPELESS_AFTER and best > known:
                break
            d_value = self.d_w[:, tier] + self.d_w[:, :tier] @ mu
            priced = np.zeros(self.index.n_tiers)
            priced[:tier] = mu
            s_value = (self.s_tier == tier) + priced[self.s_tier]
            value, d_done, s_done = self._flow(np.where(d_live, d_value, 0.0), np.where(s_live, s_value, 0.0), count)
            bound = value - float(mu @ reached[:tier])
            best = min(best, bound)
            if not tier:
                break
            slack = (
                self.d_w[:, :tier].T @ d_done
                + np.bincount(self.s_tier, weights=s_done, minlength=self.index.n_tiers)[:tier]
                - reached[:tier]
            )
            if (slack >= 0).all() and float(mu @ slack) <= 1e-9:
                break  # the relaxed optimum meets every row it was priced for: the bound is the LP's
            norm = float(slack @ slack)
            if norm == 0:
                break
            target = (best + float(reached[tier])) / 2
            step = max(bound - target, 1.0) / norm
            mu = np.maximum(mu - step * slack, 0.0)
        return int(np.floor(best + 1e-9))

    def _flow(self, d_value: FloatArray, s_value: FloatArray, count: Counter) -> tuple[float, FloatArray, FloatArray]:
        """max (d_value . deliveries + s_value . services) over the time the groups have, as one min-cost flow in
        ticks; its value (rounded up, so still a bound), and the deliveries and services per family.

        Source -> family (its ticks), family -> its visit class or ability (priced by its value per tick), visit
        class -> each coverage class that reaches it, ability -> each group that has it, coverage class -> each of
        its groups and group -> sink (the group's ticks), and a bypass for ticks left undone."""
        visit = int(self.crew.visit)
        n_f, n_s, n_g = self.d_size.size, self.s_size.size, self.hours.size
        n_c, n_a = self.n_classes, self.n_abilities
        n_k = int(self.coverage.max(initial=-1)) + 1
        f0, s0 = 2, 2 + n_f
        c0 = s0 + n_s
        a0 = c0 + n_c
        k0 = a0 + n_a
        g0 = k0 + n_k
        d_cap = self.d_size * visit * (d_value > 0)
        s_cap = self.s_size * self.s_ticks * (s_value > 0)
        df, sf = np.flatnonzero(d_cap > 0), np.flatnonzero(s_cap > 0)
        ck = np.flatnonzero(np.isin(self.ck_c, self.d_class[df]))
        ag = np.flatnonzero(np.isin(self.ag_a, self.s_ability[sf]))
        hours = self.hours.astype(np.int64)
        supply = int(d_cap.sum() + s_cap.sum())
        tails = np.concatenate(
            [
                np.zeros(n_f + n_s),
                f0 + df,
                s0 + sf,
                c0 + self.ck_c[ck],
                a0 + self.ag_a[ag],
                k0 + self.coverage,
                g0 + np.arange(n_g),
                [0],
            ]
        )
        heads = np.concatenate(
            [
                f0 + np.arange(n_f),
                s0 + np.arange(n_s),
                c0 + self.d_class[df],
                a0 + self.s_ability[sf],
                k0 + self.ck_k[ck],
                g0 + self.ag_g[ag],
                g0 + np.arange(n_g),
                np.ones(n_g),
                [1],
            ]
        )
        caps = np.concatenate(
            [d_cap, s_cap, d_cap[df], s_cap[sf], np.full(ck.size + ag.size, supply), hours, hours, [supply]]
        )
        costs = np.concatenate(
            [
                np.zeros(n_f + n_s),
                -np.ceil(d_value[df] / visit * _SCALE),
                -np.ceil(s_value[sf] / self.s_ticks[sf] * _SCALE),
                np.zeros(ck.size + ag.size + 2 * n_g + 1),
            ]
        )
        supplies = np.zeros(g0 + n_g, np.int64)
        supplies[0], supplies[1] = supply, -supply
        solver = min_cost_flow((tails, heads, caps, costs), supplies, count, "time bound")
        out = np.asarray(solver.flows(np.arange(n_f + n_s)), np.float64)
        return -solver.optimal_cost() / _SCALE, out[:n_f] / visit, out[n_f:] / np.maximum(self.s_ticks, 1)
