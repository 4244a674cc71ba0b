"""Volunteers: who may do which task, and the assignment steps the planners share.

A *task* is a delivery visit to a household (all its goods, `visit_hours`) or one service. A volunteer may do a
task when they cover the household's grid and, for a service, have its skill. Time is counted in whole seconds
(ticks) so that sums of hours are exact: offered time rounds down and task time up, so a plan in ticks never
overbooks anyone in hours.

Volunteers who may do a task are listed *narrowest first*: fewest grids covered, then fewest skills, then case
order, so that a wide-ranging or skilled volunteer is kept for the tasks only they can do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from allocate.core.goods import Counter
from allocate.core.index import BoolArray, CaseIndex, IntArray, seeded_rank
from allocate.core.network import min_cost_flow
from allocate.schema import ALL_GRIDS, Case

TICKS = 3600
"""Time unit: one second."""
ROUNDING = 1e-6
"""Seconds of float noise forgiven when hours become ticks (0.1 h * 3600 is 360.00000000000006)."""


def task_ticks(hours: float) -> int:
    """A task's length in ticks, rounded up."""
    return math.ceil(hours * TICKS - ROUNDING)


@dataclass(frozen=True)
class Crew:
    """The volunteers of a case as arrays, and who may do which task."""

    hours: IntArray  # ticks offered by each volunteer
    visit: int  # ticks of one delivery visit
    width: IntArray  # grids covered (every grid counts as one more than all grids)
    n_skills: IntArray
    deliverers: tuple[IntArray, ...]  # per grid: who may deliver there, narrowest first
    service_hh: IntArray
    service_ticks: IntArray
    service_tier: IntArray
    service_rank: IntArray  # seeded rank
    doers: tuple[IntArray, ...]  # per service: who may do it, narrowest first
    covers: BoolArray = field(repr=False)  # volunteer x grid

    @property
    def n_volunteers(self) -> int:
        """Number of volunteers."""
        return int(self.hours.size)


def build_crew(case: Case, index: CaseIndex) -> Crew | None:
    """The crew of `case`, or None when it has no volunteers table (deliveries are then not limited)."""
    if case.volunteers is None:
        return None
    vols = case.volunteers
    n_grids = len(index.grids)
    grid_of = {g: i for i, g in enumerate(index.grids)}
    covers = np.zeros((len(vols), n_grids), np.bool_)
    for k, v in enumerate(vols):
        if ALL_GRIDS in v.grids:
            covers[k] = True
        else:
            covers[k, [grid_of[g] for g in v.grids if g in grid_of]] = True
    width = np.asarray([n_grids + 1 if ALL_GRIDS in v.grids else len(v.grids) for v in vols], np.int64)
    n_skills = np.asarray([len(v.skills) for v in vols], np.int64)
    narrow = np.lexsort((np.arange(len(vols)), n_skills, width))  # narrowest first
    deliverers = tuple(narrow[covers[narrow, g]] for g in range(n_grids))
    hh_idx = case.household_index
    service_hh = np.asarray([hh_idx[s.household_id] for s in case.services], np.int64)
    skill_of = {k: i for i, k in enumerate(sorted({s.skill for s in case.services}))}
    has = np.zeros((len(vols), len(skill_of)), np.bool_)  # volunteer x skill asked for
    for k, v in enumerate(vols):
        has[k, [skill_of[x] for x in v.skills if x in skill_of]] = True
    doers_of: dict[tuple[int, int], IntArray] = {}
    doers = []
    for s, h in zip(case.services, service_hh.tolist(), strict=True):
        key = (int(index.hh_grid[h]), skill_of[s.skill])
        if key not in doers_of:
            doers_of[key] = narrow[covers[narrow, key[0]] & has[narrow, key[1]]]
        doers.append(doers_of[key])
    return Crew(
        hours=np.asarray([math.floor(v.hours * TICKS + ROUNDING) for v in vols], np.int64),
        visit=task_ticks(case.policy.visit_hours),
        width=width,
        n_skills=n_skills,
        deliverers=deliverers,
        service_hh=service_hh.reshape(-1),
        service_ticks=np.asarray([task_ticks(s.hours) for s in case.services], np.int64).reshape(-1),
        service_tier=np.asarray(case.service_tiers, np.int64).reshape(-1),
        service_rank=seeded_rank([s.service_id for s in case.services], case.policy.seed),
        doers=tuple(doers),
        covers=covers,
    )


@dataclass
class Roster:
    """Who does what so far: each household's delivering volunteer and each service's, and the ticks left."""

    delivery: IntArray  # per household: the volunteer delivering it, or -1
    service: IntArray  # per service: the volunteer doing it, or -1
    left: IntArray  # per volunteer

    @classmethod
    def empty(cls, crew: Crew, n_households: int) -> Roster:
        """Nobody does anything yet."""
        return cls(
            delivery=np.full(n_households, -1, np.int64),
            service=np.full(crew.service_hh.size, -1, np.int64),
            left=crew.hours.copy(),
        )

    def copy(self) -> Roster:
        """An independent copy."""
        return Roster(self.delivery.copy(), self.service.copy(), self.left.copy())

    def deliver(self, crew: Crew, h: int, v: int) -> None:
        """Volunteer `v` delivers household `h`."""
        self.delivery[h] = v
        self.left[v] -= crew.visit

    def undeliver(self, crew: Crew, h: int) -> None:
        """Household `h` is no longer delivered."""
        self.left[self.delivery[h]] += crew.visit
        self.delivery[h] = -1

    def assign(self, crew: Crew, s: int, v: int) -> None:
        """Volunteer `v` does service `s`."""
        self.service[s] = v
        self.left[v] -= crew.service_ticks[s]

    def fitting(self, crew: Crew, candidates: IntArray, ticks: int) -> int:
        """Who of `candidates` takes a task of `ticks`: the narrowest with that much left, then the one with the
        least left (best fit, so long stretches stay free for long tasks), then case order; -1 if nobody."""
        ok = candidates[self.left[candidates] >= ticks]
        if not ok.size:
            return -1
        return int(ok[np.lexsort((ok, self.left[ok], crew.n_skills[ok], crew.width[ok]))[0]])


def deliver_by_flow(
    crew: Crew, roster: Roster, households: IntArray, worth: IntArray, grid: IntArray, rank: IntArray, count: Counter
) -> None:
    """Deliver as much `worth` as the hours left allow, in one min-cost flow over (grid, worth) groups.

    Households of one grid and worth are interchangeable, so the flow runs over groups -> volunteers covering
    the grid (capacity: whole visits that fit the ticks left); one more unit of worth outweighs any choice of
    volunteer, and among equal worth narrower volunteers cost less. Inside a group the households with the
    lowest seeded rank are delivered first, by volunteers in narrowest-first order.
    """
    if not households.size:
        return
    top = int(worth.max()) + 1
    keys, group = np.unique(grid[households] * top + worth, return_inverse=True)
    group = group.reshape(-1)
    key_grid, key_worth = keys // top, keys % top
    size = np.bincount(group, minlength=keys.size)
    cap_v = roster.left // crew.visit
    use_cost = crew.width * (int(crew.n_skills.max(initial=0)) + 1) + crew.n_skills
    big = int(use_cost.max(initial=0)) + 1
    pair_group = np.concatenate([np.full(crew.deliverers[g].size, i) for i, g in enumerate(key_grid.tolist())])
    pair_v = np.concatenate([crew.deliverers[g] for g in key_grid.tolist()]).astype(np.int64)
    keep = cap_v[pair_v] > 0
    pair_group, pair_v = pair_group[keep].astype(np.int64), pair_v[keep]
    n_g, n_v, n_p, n = keys.size, crew.n_volunteers, pair_v.size, int(households.size)
    g0, v0 = 2, 2 + n_g
    supplies = np.zeros(v0 + n_v, np.int64)
    supplies[0], supplies[1] = n, -n
    # arcs: bypass (a household not delivered), source -> group, group -> volunteer, volunteer -> sink
    arcs = (
        np.concatenate([[0], np.zeros(n_g, np.int64), g0 + pair_group, v0 + np.arange(n_v)]),
        np.concatenate([[1], g0 + np.arange(n_g), v0 + pair_v, np.ones(n_v, np.int64)]),
        np.concatenate([[n], size, np.full(n_p, n), cap_v]),
        np.concatenate([[0], -key_worth * big, use_cost[pair_v], np.zeros(n_v, np.int64)]),
    )
    solver = min_cost_flow(arcs, supplies, count, "delivery")
    flow = np.asarray(solver.flows(np.arange(1 + n_g, 1 + n_g + n_p)), np.int64)
    used = np.flatnonzero(flow > 0)  # already in (group, narrowest volunteer first) order
    members = households[np.lexsort((rank[households], group))]
    by_group = np.sort(group)
    within = np.arange(n) - (np.cumsum(size) - size)[by_group]
    served = within < np.bincount(pair_group[used], weights=flow[used], minlength=n_g).astype(np.int64)[by_group]
    for h, v in zip(members[served].tolist(), np.repeat(pair_v[used], flow[used]).tolist(), strict=True):
        roster.deliver(crew, h, v)


def assign_services(crew: Crew, roster: Roster, services: IntArray) -> list[int]:
    """Undone `services`, shortest first (then seeded rank), each to its narrowest doer with time that fits;
    returns those assigned."""
    done = []
    for s in sorted(services.tolist(), key=lambda k: (int(crew.service_ticks[k]), int(crew.service_rank[k]))):
        if roster.service[s] >= 0:
            continue
        v = roster.fitting(crew, crew.doers[s], int(crew.service_ticks[s]))
        if v >= 0:
            roster.assign(crew, s, v)
            done.append(s)
    return done
