"""Volunteers: which households get a delivery visit and which services are done, tier by tier.

Time is counted in whole seconds so that sums of hours are exact. A household's goods need one delivery visit
(`visit_hours`); it is decided at the household's *delivery tier*: the highest tier among its needs that have
an eligible lot. For each tier, in priority order, with the hours earlier tiers took held:

1. **Deliveries**: a min-cost flow over (grid, weight) groups of households -> volunteers covering the grid
   (capacity: whole visits that fit the hours services left). Earlier tiers' deliveries are in it too, worth more
   than any new one, so they are kept but may move to another volunteer. It maximises the tier's needs reached (a
   household's weight is its number of the tier's needs with an eligible lot), then prefers volunteers covering
   fewer grids and with fewer skills (so wide-ranging and skilled volunteers stay free for others); inside a group
   the households with the lowest seeded rank go first. Deliveries come before the tier's services: one visit
   reaches at least one need in `visit_hours`, a service one in its (longer) hours.
2. **Services** of the tier: shortest first (then seeded rank), each to the volunteer with the skill covering the
   grid who covers the fewest grids, then has the fewest hours left that fit, then comes first in the case.
3. If the tier left a task undone that some volunteer could do, the tier is re-decided exactly by a MIP through the
   backend when it is small (every task of this and earlier tiers over its eligible volunteers; earlier tiers'
   done tasks must stay done; at most `MIP_PAIRS` pairs, `MIP_SECONDS` unless `solve` got a time limit). Otherwise,
   or when the MIP stops at its limit, the LP relaxation over identical tasks and identical volunteers (merging
   them does not change the LP) bounds the tier's needs and services reached; `gap` = (bound - reached) / bound of
   the worst tier. A tier that left a doable task undone makes the plan FEASIBLE even at gap 0: the number reached is
   then proven, but which of equally many tasks got the hours is not proven leximin-best.

What is optimised per tier is the number of the tier's needs and services a visit reaches: the first thing leximin
compares is how many fills are zero, and an undelivered household's needs are all zero. Which reached household
gets how much is then the goods engine's (exact) business. Re-planning when a delivered household ends up with no
goods is `allocate.solve`'s.
"""

from __future__ import annotations

import collections
import math
from dataclasses import dataclass

import numpy as np

from allocate.backends.base import Backend, LinearProgram, SolveStatus
from allocate.core.goods import Counter
from allocate.core.index import BoolArray, CaseIndex, IntArray, seeded_rank
from allocate.schema import ALL_GRIDS, Case

MIP_PAIRS = 2000
"""Largest number of (task, volunteer) pairs re-decided exactly by a MIP; above it the LP bound is reported."""

MIP_SECONDS = 10.0
"""Time limit of such a MIP when `solve` is given none (CP-SAT counts it in deterministic time)."""

TICKS = 3600
"""Time unit: one second."""
ROUNDING = 1e-6
"""Seconds of float noise forgiven when hours become ticks (0.1 h * 3600 is 360.00000000000006)."""


@dataclass(frozen=True)
class VolunteerPlan:
    """Households delivered, visits (volunteer, household, service or -1 for a delivery), and the gap if any."""

    delivered: BoolArray
    visits: list[tuple[int, int, int]]
    gap: float | None
    undelivered: int  # households with a need some lot could serve that get no delivery


@dataclass
class _Tasks:
    """Deliveries and services as one task list (a delivery has service -1, skill -1)."""

    hh: IntArray
    service: IntArray
    skill: IntArray
    ticks: IntArray
    weight: IntArray
    tier: IntArray
    rank: IntArray


def plan_volunteers(
    case: Case,
    index: CaseIndex,
    backend: Backend,
    time_limit: float | None,
    count: Counter,
    skip: BoolArray | None = None,
) -> VolunteerPlan:
    """Decide deliveries and services (see the module docstring); without volunteers everyone is delivered.

    Households in `skip` get no delivery (the caller found that they would receive nothing).
    """
    n_hh = len(case.households)
    if case.volunteers is None:
        return VolunteerPlan(delivered=np.ones(n_hh, np.bool_), visits=[], gap=None, undelivered=0)
    return _Planner(case, index, backend, time_limit, count, skip).run()


class _Planner:
    def __init__(
        self,
        case: Case,
        index: CaseIndex,
        backend: Backend,
        time_limit: float | None,
        count: Counter,
        skip: BoolArray | None,
    ) -> None:
        assert case.volunteers is not None
        self.skip = np.zeros(len(case.households), np.bool_) if skip is None else skip
        self.case, self.index, self.backend, self.time_limit, self.count = case, index, backend, time_limit, count
        vols = case.volunteers
        self.n_vol = len(vols)
        # offered time rounds down and task time up, so a plan in ticks never overbooks anyone in hours
        self.hours = np.asarray([math.floor(v.hours * TICKS + ROUNDING) for v in vols], np.int64)
        self.left = self.hours.copy()
        n_grids = len(index.grids)
        self.width = np.asarray([n_grids + 1 if ALL_GRIDS in v.grids else len(v.grids) for v in vols], np.int64)
        skills = sorted({s.skill for s in case.services})
        self.skills = {s: i for i, s in enumerate(skills)}
        grid_of = {g: i for i, g in enumerate(index.grids)}
        self.skill_sets = [frozenset(self.skills[k] for k in v.skills if k in self.skills) for v in vols]
        # volunteers covering each grid (grids without households are ignored), then per (grid, skill or -1)
        self.covering: dict[int, list[int]] = {}
        everywhere = [k for k, v in enumerate(vols) if ALL_GRIDS in v.grids]
        for g in range(len(index.grids)):
            self.covering[g] = list(everywhere)
        for k, v in enumerate(vols):
            if ALL_GRIDS not in v.grids:
                for name in v.grids:
                    if name in grid_of:
                        self.covering[grid_of[name]].append(k)
        self._eligible: dict[tuple[int, int], list[int]] = {}
        self.tasks = self._tasks()
        self.vol_of = np.full(self.tasks.hh.size, -1, np.int64)
        self.task_grid = index.hh_grid[self.tasks.hh]
        # volunteers who may do each task, counted once per distinct (grid, skill)
        pairs, which = np.unique(self.task_grid * (len(skills) + 1) + self.tasks.skill + 1, return_inverse=True)
        counts = [len(self.eligible(p // (len(skills) + 1), p % (len(skills) + 1) - 1)) for p in pairs.tolist()]
        self.n_eligible = np.asarray(counts, np.int64)[which.reshape(-1)]
        # who may deliver in each grid, laid end to end: grid g's are deliverers[deliverer_start[g]:...[g + 1]]
        per_grid = [self.eligible(g, -1) for g in range(n_grids)]
        self.deliverers = np.asarray([v for vs in per_grid for v in vs], np.int64)
        self.deliverer_start = np.cumsum([0] + [len(vs) for vs in per_grid], dtype=np.int64)

    def eligible(self, grid: int, skill: int) -> list[int]:
        """Volunteers who may do a task of `skill` (-1: a delivery) in `grid`, narrowest coverage first."""
        key = (grid, skill)
        if key not in self._eligible:
            vs = [k for k in self.covering[grid] if skill < 0 or skill in self.skill_sets[k]]
            self._eligible[key] = sorted(vs, key=lambda k: (int(self.width[k]), k))
        return self._eligible[key]

    def _tasks(self) -> _Tasks:
        index, case = self.index, self.case
        n_hh = len(case.households)
        reach = index.reachable() & ~self.skip[index.need_hh]
        tier = np.full(n_hh, index.n_tiers, np.int64)
        np.minimum.at(tier, index.need_hh[reach], index.need_tier[reach])
        weight = np.zeros(n_hh, np.int64)
        at_tier = reach & (index.need_tier == tier[index.need_hh])
        np.add.at(weight, index.need_hh[at_tier], 1)
        d_hh = np.flatnonzero(tier < index.n_tiers)
        s_rank = seeded_rank([s.service_id for s in case.services], case.policy.seed)
        hh_idx = case.household_index
        s_hh = np.asarray([hh_idx[s.household_id] for s in case.services], np.int64)
        n_s = len(case.services)
        return _Tasks(
            hh=np.concatenate([d_hh, s_hh]).astype(np.int64),
            service=np.concatenate([np.full(d_hh.size, -1), np.arange(n_s)]).astype(np.int64),
            skill=np.concatenate([np.full(d_hh.size, -1), [self.skills[s.skill] for s in case.services]]).astype(
                np.int64
            ),
            ticks=np.concatenate(
                [
                    np.full(d_hh.size, math.ceil(case.policy.visit_hours * TICKS - ROUNDING)),
                    [math.ceil(s.hours * TICKS - ROUNDING) for s in case.services],
                ]
            ).astype(np.int64),
            weight=np.concatenate([weight[d_hh], np.ones(n_s)]).astype(np.int64),
            tier=np.concatenate([tier[d_hh], np.asarray(case.service_tiers, np.int64).reshape(-1)]).astype(np.int64),
            rank=np.concatenate([index.hh_rank[d_hh], s_rank]).astype(np.int64),
        )

    def run(self) -> VolunteerPlan:
        """Every tier in priority order; then the visits and the delivered households."""
        gaps: list[float] = []
        contested = False
        for t in range(self.index.n_tiers):
            mine = np.flatnonzero(self.tasks.tier == t)
            if not mine.size:
                continue
            self._deliveries(mine[self.tasks.service[mine] < 0])
            self._services(mine[self.tasks.service[mine] >= 0])
            undone = (self.vol_of[mine] < 0) & (self.n_eligible[mine] > 0)  # that someone could have done
            if undone.any():
                contested = True
                gap = self._exact_or_bound(t)
                if gap is not None:
                    gaps.append(gap)
        tasks = self.tasks
        done = np.flatnonzero(self.vol_of >= 0)
        delivered = np.zeros(len(self.case.households), np.bool_)
        delivered[tasks.hh[done[tasks.service[done] < 0]]] = True
        done = done[np.lexsort((tasks.service[done], tasks.hh[done], self.vol_of[done]))]
        visits = list(
            zip(self.vol_of[done].tolist(), tasks.hh[done].tolist(), tasks.service[done].tolist(), strict=True)
        )
        undelivered = int(((self.vol_of < 0) & (tasks.service < 0)).sum())
        # Counts reached are proven (or bounded); which of equally many tasks get the hours is not leximin-proven,
        # so a plan where hours ran short for doable tasks is never called optimal: its gap is at least 0.
        gap = max(gaps) if gaps else (0.0 if contested else None)
        return VolunteerPlan(delivered=delivered, visits=visits, gap=gap, undelivered=undelivered)

    # -- greedy steps --------------------------------------------------------------------------------------------
    def _deliveries(self, tasks: IntArray) -> None:
        """Step 1: one min-cost flow over (grid, weight) groups -> volunteers, earlier deliveries re-routed."""
        if not tasks.size:
            return
        from ortools.graph.python import min_cost_flow

        t = self.tasks
        visit = int(t.ticks[tasks[0]])
        held = np.flatnonzero((self.vol_of >= 0) & (t.service < 0))
        np.add.at(self.left, self.vol_of[held], visit)  # earlier deliveries are re-routed, never dropped
        self.vol_of[held] = -1
        top = int(t.weight[tasks].max()) + 1  # an earlier delivery outweighs any new one
        everything = np.concatenate([held, tasks])
        worth = np.concatenate([np.full(held.size, top), t.weight[tasks]])
        keys, group = np.unique(self.task_grid[everything] * (top + 1) + worth, return_inverse=True)  # by (grid, w)
        group = group.reshape(-1)
        key_grid, key_worth = keys // (top + 1), keys % (top + 1)
        size = np.bincount(group, minlength=keys.size)
        cap_v = self.left // visit
        n_g, n_v = keys.size, self.n_vol
        use_cost = self.width * (len(self.skills) + 1) + np.asarray([len(sk) for sk in self.skill_sets], np.int64)
        big = int(use_cost.max(initial=0)) + 1  # one more need reached outweighs any choice of volunteer
        g0, v0 = 2, 2 + n_g
        n = int(everything.size)
        # arcs: bypass (a household not delivered), source -> group, group -> volunteer, volunteer -> sink
        first, length = self.deliverer_start[key_grid], np.diff(self.deliverer_start)[key_grid]
        pair_group = np.repeat(np.arange(n_g), length)
        pair_v = self.deliverers[np.arange(pair_group.size) + np.repeat(first - (np.cumsum(length) - length), length)]
        keep = cap_v[pair_v] > 0
        pair_group, pair_v = pair_group[keep], pair_v[keep]
        n_p = pair_v.size
        solver = min_cost_flow.SimpleMinCostFlow()
        solver.add_arcs_with_capacity_and_unit_cost(
            np.concatenate([[0], np.zeros(n_g, np.int64), g0 + pair_group, v0 + np.arange(n_v)]).astype(np.int64),
            np.concatenate([[1], g0 + np.arange(n_g), v0 + pair_v, np.ones(n_v, np.int64)]).astype(np.int64),
            np.concatenate([[n], size, np.full(n_p, n), cap_v]).astype(np.int64),
            np.concatenate([[0], -key_worth * big, use_cost[pair_v], np.zeros(n_v, np.int64)]).astype(np.int64),
        )
        supplies = np.zeros(v0 + n_v, np.int64)
        supplies[0], supplies[1] = n, -n
        solver.set_nodes_supplies(np.arange(supplies.size), supplies)
        self.count("flow_solves", 1)
        if solver.solve() != solver.OPTIMAL:
            raise RuntimeError("delivery flow failed")
        flow = np.asarray(solver.flows(np.arange(1 + n_g, 1 + n_g + n_p)), np.int64)
        # each group's households by seeded rank take its volunteers' visits in volunteer order
        used = np.flatnonzero(flow > 0)
        used = used[np.lexsort((pair_v[used], pair_group[used]))]
        members = everything[np.lexsort((t.rank[everything], group))]
        by_group = np.sort(group)
        within = np.arange(n) - (np.cumsum(size) - size)[by_group]
        served = within < np.bincount(pair_group[used], weights=flow[used], minlength=n_g).astype(np.int64)[by_group]
        self.vol_of[members[served]] = np.repeat(pair_v[used], flow[used])
        self.left -= np.bincount(pair_v[used], weights=flow[used], minlength=n_v).astype(np.int64) * visit
        if (self.vol_of[held] < 0).any():
            raise RuntimeError("an earlier tier's delivery was dropped")

    def _services(self, tasks: IntArray) -> None:
        """Step 2: shortest first, narrowest volunteer, then best fit."""
        t = self.tasks
        for k in sorted(tasks.tolist(), key=lambda k: (int(t.ticks[k]), int(t.rank[k]))):
            need = int(t.ticks[k])
            fits = [v for v in self.eligible(int(self.index.hh_grid[t.hh[k]]), int(t.skill[k])) if self.left[v] >= need]
            if fits:
                v = min(fits, key=lambda v: (int(self.width[v]), int(self.left[v]), v))
                self.vol_of[k] = v
                self.left[v] -= need

    # -- exact re-decision or bound ------------------------------------------------------------------------------
    def _exact_or_bound(self, tier: int) -> float | None:
        """Step 3: a MIP when small (then no gap when proven), else the LP bound; returns the tier's gap."""
        t = self.tasks
        held = np.flatnonzero((t.tier < tier) & (self.vol_of >= 0))
        cand = np.flatnonzero(t.tier == tier)
        cand = cand[self.n_eligible[cand] > 0]
        reached = int(t.weight[cand][self.vol_of[cand] >= 0].sum())
        tasks = np.concatenate([held, cand])
        if int(self.n_eligible[tasks].sum()) > MIP_PAIRS:
            return self._bound(held, cand, reached)
        grid, skill = self.task_grid[tasks].tolist(), t.skill[tasks].tolist()
        pairs = [(i, v) for i, (g, sk) in enumerate(zip(grid, skill, strict=True)) for v in self.eligible(g, sk)]
        return self._mip(held, cand, pairs, reached)

    def _mip(self, held: IntArray, cand: IntArray, pairs: list[tuple[int, int]], reached: int) -> float | None:
        """Re-decide the tier exactly: every task of this and earlier tiers over its eligible volunteers."""
        t = self.tasks
        tasks = np.concatenate([held, cand])
        n_t, n_p = tasks.size, len(pairs)
        p_task = np.asarray([p[0] for p in pairs], np.int64)
        p_vol = np.asarray([p[1] for p in pairs], np.int64)
        is_cand = np.arange(n_t) >= held.size
        # seeded tie-break worth less than one need in total: lower rank first
        order = np.argsort(np.argsort(t.rank[tasks]))
        tie = (n_t - order) / (n_t * (n_t + 1.0))
        obj = np.where(is_cand[p_task], t.weight[tasks][p_task] + tie[p_task], 0.0)
        lp = LinearProgram(
            objective=obj.astype(np.float64),
            col_lower=np.zeros(n_p),
            col_upper=np.ones(n_p),
            rows=np.concatenate([p_task, n_t + p_vol]),
            cols=np.concatenate([np.arange(n_p), np.arange(n_p)]),
            vals=np.concatenate([np.ones(n_p), t.ticks[tasks][p_task].astype(np.float64)]),
            row_lower=np.concatenate([np.where(is_cand, -np.inf, 1.0), np.full(self.n_vol, -np.inf)]),
            row_upper=np.concatenate([np.ones(n_t), self.hours.astype(np.float64)]),
            integer=np.ones(n_p, np.bool_),
        )
        self.count("mip_solves", 1)
        sol = self.backend.solve(lp, MIP_SECONDS if self.time_limit is None else self.time_limit)
        x = np.rint(sol.x) > 0.5
        new_of = np.full(n_t, -1, np.int64)
        new_of[p_task[x]] = p_vol[x]
        got = int(t.weight[cand][new_of[held.size :] >= 0].sum())
        if got < reached or (new_of[: held.size] < 0).any():
            return self._bound(held, cand, reached)  # keep the greedy answer, which was better
        self.vol_of[tasks] = new_of
        self.left = self.hours - np.bincount(
            new_of[new_of >= 0], weights=t.ticks[tasks][new_of >= 0], minlength=self.n_vol
        ).astype(np.int64)
        if sol.status is SolveStatus.OPTIMAL:
            return None
        return self._bound(held, cand, got)  # stopped at the limit: the LP bound is always available

    def _bound(self, held: IntArray, cand: IntArray, reached: int) -> float | None:
        """The tier's relative gap to the LP relaxation (None if none), over identical tasks and volunteers.

        A *family* is the tasks of one grid, skill (or delivery) and length; a volunteer group, the volunteers
        with the same grids and skills. Per family f and group V a variable x_fV counts its tasks done by V;
        sum_V x_fV = (earlier tiers' done tasks of f) + sum_j y_fj, where y_fj <= (this tier's tasks of f of
        weight j) is worth j each; per group, sum_f length_f x_fV <= its hours. Merging identical tasks and
        identical volunteers does not change the LP's optimum.
        """
        assert self.case.volunteers is not None
        t = self.tasks
        vkey = [(tuple(sorted(v.grids)), self.skill_sets[k]) for k, v in enumerate(self.case.volunteers)]
        groups = sorted(set(vkey), key=lambda key: (key[0], sorted(key[1])))
        group_of = {key: i for i, key in enumerate(groups)}
        group_hours = np.zeros(len(groups), np.float64)
        np.add.at(group_hours, np.asarray([group_of[key] for key in vkey], np.int64), self.hours.astype(np.float64))
        group_covering: dict[int, list[int]] = {}
        for g, vols in self.covering.items():
            group_covering[g] = sorted({group_of[vkey[k]] for k in vols})

        must = collections.Counter(
            zip(self.task_grid[held].tolist(), t.skill[held].tolist(), t.ticks[held].tolist(), strict=True)
        )
        segments: dict[tuple[int, int, int], dict[int, int]] = {}
        of_cand = (self.task_grid[cand], t.skill[cand], t.ticks[cand], t.weight[cand])
        for (g, sk, ticks, w), c in collections.Counter(zip(*(a.tolist() for a in of_cand), strict=True)).items():
            segments.setdefault((g, sk, ticks), {})[w] = c
        families = sorted(set(must) | set(segments))
        n_f = len(families)
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        obj: list[float] = []
        upper: list[float] = []
        for i, (g, sk, ticks) in enumerate(families):
            for j in group_covering[g]:
                if sk < 0 or sk in groups[j][1]:
                    col = len(obj)
                    rows += [i, n_f + j]
                    cols += [col, col]
                    vals += [1.0, float(ticks)]
                    obj.append(0.0)
                    upper.append(np.inf)
            for w, c in sorted(segments.get((g, sk, ticks), {}).items()):
                rows.append(i)
                cols.append(len(obj))
                vals.append(-1.0)
                obj.append(float(w))
                upper.append(float(c))
        fixed = np.asarray([must.get(f, 0) for f in families], np.float64)
        lp = LinearProgram(
            objective=np.asarray(obj, np.float64),
            col_lower=np.zeros(len(obj)),
            col_upper=np.asarray(upper, np.float64),
            rows=np.asarray(rows, np.int64),
            cols=np.asarray(cols, np.int64),
            vals=np.asarray(vals, np.float64),
            row_lower=np.concatenate([fixed, np.full(len(groups), -np.inf)]),
            row_upper=np.concatenate([fixed, group_hours]),
            integer=np.zeros(len(obj), np.bool_),
        )
        self.count("lp_solves", 1)
        bound = float(np.floor(self.backend.solve(lp).objective + 1e-6))  # never time-limited: it must be a bound
        if bound <= reached:
            return None
        return (bound - reached) / bound
