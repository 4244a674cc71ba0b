"""Volunteers: who may do which task, and the assignment steps the planners share.

A *task* is a delivery visit to a household (all its goods, `visit_hours`) or one service. Who may do a task is what
`allocate.rules.VISIT_RULES` allow (they cover its grid; for a service, they have its skill; for a quarantined
household, they are designated), at most the policy's cap of visits to quarantined households each. Time is counted in
whole seconds (ticks) so that sums of hours are exact: offered time rounds down and task time up, so a plan in ticks
never overbooks anyone in hours.

Volunteers who may do a task are listed *narrowest first*: fewest visit classes they may deliver to (grids
covered, and a designated volunteer counts the grids' quarantined households too), then fewest skills, then case
order, so that a wide-ranging, designated or skilled volunteer is kept for the tasks only they can do.

A *region* is a set of visit classes linked by volunteers who may do tasks (deliveries or services) in several of
them; regions share no volunteer, so what is decided in one never touches another. The planners decide each region
on its own (one delivery flow per region, priced from the region's volunteers only), so that a region is planned
the same whether or not the case holds other regions: a city district that shares no volunteer gets the same
visits solved alone as in the whole city. (One flow over all regions would not do: OR-Tools picks among equally
cheap flows by the whole network it is given.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from allocate.core.goods import Counter
from allocate.core.index import BoolArray, IntArray, seeded_rank
from allocate.core.network import min_cost_flow
from allocate.rules import DELIVERY, VISIT_RULES, VisitFacts, allowed, visit_cap, visit_classes
from allocate.rules.coverage import COVERAGE
from allocate.schema import ALL_GRIDS, Case

TICKS = 3600
"""Time unit: one second."""
NO_CAP = 1 << 40
"""Capped visits left when the policy sets no cap: more than any plan makes."""
PAIRS = 1 << 21
"""(volunteer, visit class) pairs asked of the visit rules at once: a million households have about 50,000
volunteers and 3,000 classes, whose pairs as index arrays at once would take gigabytes."""
ROUNDING = 1e-6
"""Seconds of float noise forgiven when hours become ticks (0.1 h * 3600 is 360.00000000000006)."""


def task_ticks(hours: float) -> int:
    """A task's length in ticks, rounded up."""
    return math.ceil(hours * TICKS - ROUNDING)


@dataclass(frozen=True)
class Crew:
    """The volunteers of a case as arrays, and who may do which task.

    Who may visit a household depends only on its *visit class* (`allocate.rules.visit_classes`: its grid, and
    whether it is quarantined), so deliveries are planned per class. `cap` limits each volunteer's visits to the
    households of the classes in `capped` (infection control); -1 means no cap.
    """

    hours: IntArray  # ticks offered by each volunteer
    visit: int  # ticks of one delivery visit
    width: IntArray  # visit classes they may deliver to (`*`, every grid, counts as one more than all classes)
    n_skills: IntArray
    narrow: IntArray  # the volunteers, narrowest first
    coverage: IntArray  # per volunteer: its coverage, the distinct set of visit classes it may deliver to
    hh_class: IntArray  # per household: its visit class
    deliverers: tuple[IntArray, ...]  # per visit class: who may deliver there, narrowest first
    coverers: tuple[IntArray, ...]  # per visit class: the coverages that include it
    service_hh: IntArray
    service_ticks: IntArray
    service_tier: IntArray
    service_rank: IntArray  # seeded rank
    doers: tuple[IntArray, ...]  # per service: who may do it, narrowest first
    region: IntArray  # per visit class: its region, numbered by the region's first class
    vol_region: IntArray  # per volunteer: the region of the tasks they may do, or -1 if none
    covers: BoolArray = field(repr=False)  # volunteer x visit class: may deliver there
    capped: BoolArray = field(repr=False)  # per visit class: its visits count towards the cap
    cap: int = -1

    @property
    def n_volunteers(self) -> int:
        """Number of volunteers."""
        return int(self.hours.size)

    def counts(self, household: int) -> bool:
        """Whether a visit to `household` counts towards the cap."""
        return self.cap >= 0 and bool(self.capped[self.hh_class[household]])

    @property
    def n_regions(self) -> int:
        """Number of regions."""
        return int(self.region.max(initial=-1)) + 1

    def hh_region(self, households: IntArray) -> IntArray:
        """The region of each of `households`."""
        return self.region[self.hh_class[households]]

    def service_region(self, services: IntArray) -> IntArray:
        """The region of each of `services` (its household's)."""
        return self.region[self.hh_class[self.service_hh[services]]]


def build_crew(case: Case) -> Crew | None:
    """The crew of `case`, or None when it has no volunteers table (deliveries are then not limited).

    Who may do what comes from `allocate.rules.VISIT_RULES`, asked once per visit class (and skill), never per
    household."""
    if case.volunteers is None:
        return None
    vols = case.volunteers
    facts = VisitFacts(case)
    hh_class, first = visit_classes(facts)
    n_v, n_c = len(vols), first.size
    covers = np.zeros((n_v, n_c), np.bool_)
    # a visit passes every rule, grid coverage among them (`VISIT_RULES`): the rules are asked only of a volunteer
    # and the classes in the grids they cover (a city's volunteers cover a few of its thousands of grids), a slice
    # of volunteers at a time, so that the pairs' index arrays stay small
    assert COVERAGE in VISIT_RULES
    class_grid = facts.hh_grid[first]
    step = max(1, PAIRS // max(n_c, 1))
    for lo in range(0, n_v, step):
        pairs_v, pairs_c = np.nonzero(facts.covers[lo : lo + step][:, class_grid])
        pairs_v += lo
        covers[pairs_v, pairs_c] = allowed(facts, pairs_v, first[pairs_c], np.full(pairs_v.size, DELIVERY))
    every = np.asarray([ALL_GRIDS in grids for grids in vols.column("grids")], np.bool_)
    width = np.where(every, n_c + 1, covers.sum(axis=1)).astype(np.int64)
    n_skills = np.asarray([len(skills) for skills in vols.column("skills")], np.int64)
    narrow = np.lexsort((np.arange(n_v), n_skills, width))  # narrowest first
    deliverers = tuple(narrow[covers[narrow, c]] for c in range(n_c))
    coverages, coverage = distinct_rows(covers)
    service_hh, service_skill = facts.service_hh, facts.service_skill
    doers_of: dict[tuple[int, int], IntArray] = {}
    doers = []
    for h, k in zip(service_hh.tolist(), service_skill.tolist(), strict=True):
        key = (int(hh_class[h]), k)
        if key not in doers_of:  # only who may deliver there may do a service there (`VisitRule.allows`)
            able = deliverers[key[0]]
            doers_of[key] = able[allowed(facts, able, np.full(able.size, first[key[0]]), np.full(able.size, k))]
        doers.append(doers_of[key])
    region = _regions(coverages)  # a volunteer may do services only where they may deliver: covers says all
    cap = visit_cap(facts)
    capped = np.zeros(n_c, np.bool_)
    if cap is not None:
        capped = cap.households[first]
        if (cap.households != capped[hh_class]).any():
            raise ValueError("a visit cap must depend only on what the visit rules read of a household")
    return Crew(
        hours=np.asarray([math.floor(h * TICKS + ROUNDING) for h in vols.column("hours")], np.int64),
        visit=task_ticks(case.policy.visit_hours),
        width=width,
        n_skills=n_skills,
        narrow=narrow,
        coverage=coverage,
        hh_class=hh_class,
        deliverers=deliverers,
        coverers=tuple(np.flatnonzero(coverages[:, c]) for c in range(n_c)),
        service_hh=service_hh.reshape(-1),
        service_ticks=np.asarray([task_ticks(h) for h in case.services.column("hours")], np.int64).reshape(-1),
        service_tier=np.asarray(case.service_tiers, np.int64).reshape(-1),
        service_rank=seeded_rank(list(case.services.column("service_id")), case.policy.seed),
        doers=tuple(doers),
        region=region,
        vol_region=np.where(covers.any(axis=1), region[covers.argmax(axis=1)], -1).astype(np.int64),
        covers=covers,
        capped=capped,
        cap=-1 if cap is None else cap.limit,
    )


def distinct_rows(rows: BoolArray) -> tuple[BoolArray, IntArray]:
    """The distinct rows in lexicographic order and each row's place among them, as `np.unique(axis=0)` gives them
    but by hashing each row's packed bits (bits packed first-column-first compare as the rows do), which is ten
    times faster on thousands of volunteers."""
    keys = [row.tobytes() for row in np.packbits(rows, axis=1)]
    place = {key: k for k, key in enumerate(sorted(set(keys)))}
    of = np.fromiter(map(place.__getitem__, keys), np.int64, len(keys))
    first = np.zeros(len(place), np.int64)
    first[of[::-1]] = np.arange(len(keys))[::-1]
    return rows[first], of


def _regions(tasks: BoolArray) -> IntArray:
    """Per visit class, its region: classes linked by volunteers who may do tasks in more than one (`tasks`: who
    may do some task in which class, a row per volunteer or per distinct such row), numbered in the order of each
    region's first class."""
    n = tasks.shape[1]
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for row in tasks:
        classes = np.flatnonzero(row).tolist()
        for c in classes[1:]:
            ra, rb = find(classes[0]), find(c)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    roots = np.asarray([find(c) for c in range(n)], np.int64)
    return np.unique(roots, return_inverse=True)[1].reshape(-1).astype(np.int64)


@dataclass
class Roster:
    """Who does what so far: each household's delivering volunteer and each service's, the ticks left, and the
    capped visits (`Crew.cap`) each volunteer may still make."""

    delivery: IntArray  # per household: the volunteer delivering it, or -1
    service: IntArray  # per service: the volunteer doing it, or -1
    left: IntArray  # per volunteer
    capped_left: IntArray  # per volunteer (a large number when there is no cap)

    @classmethod
    def empty(cls, crew: Crew, n_households: int) -> Roster:
        """Nobody does anything yet."""
        return cls(
            delivery=np.full(n_households, -1, np.int64),
            service=np.full(crew.service_hh.size, -1, np.int64),
            left=crew.hours.copy(),
            capped_left=np.full(crew.n_volunteers, crew.cap if crew.cap >= 0 else NO_CAP, np.int64),
        )

    def copy(self) -> Roster:
        """An independent copy."""
        return Roster(self.delivery.copy(), self.service.copy(), self.left.copy(), self.capped_left.copy())

    def mixed(self, crew: Crew, other: Roster, regions: BoolArray) -> Roster:
        """This roster with the tasks and volunteers of the chosen `regions` (a flag per region) taken from
        `other`: regions share no volunteer, so the two never book one volunteer twice."""
        hh = regions[crew.hh_region(np.arange(self.delivery.size))]
        service = regions[crew.service_region(np.arange(self.service.size))]
        vol = (crew.vol_region >= 0) & regions[crew.vol_region]
        return Roster(
            delivery=np.where(hh, other.delivery, self.delivery),
            service=np.where(service, other.service, self.service),
            left=np.where(vol, other.left, self.left),
            capped_left=np.where(vol, other.capped_left, self.capped_left),
        )

    def recount(self, crew: Crew) -> None:
        """Ticks and capped visits left, counted again from who does what."""
        n_v = crew.n_volunteers
        h = np.flatnonzero(self.delivery >= 0)
        s = np.flatnonzero(self.service >= 0)
        by_h, by_s = self.delivery[h], self.service[s]
        used = np.bincount(by_h, minlength=n_v) * crew.visit
        used += np.bincount(by_s, weights=crew.service_ticks[s], minlength=n_v).astype(np.int64)
        self.left = crew.hours - used
        self.capped_left = Roster.empty(crew, 0).capped_left
        if crew.cap >= 0:
            counted = crew.capped[crew.hh_class[h]], crew.capped[crew.hh_class[crew.service_hh[s]]]
            self.capped_left -= np.bincount(by_h[counted[0]], minlength=n_v)
            self.capped_left -= np.bincount(by_s[counted[1]], minlength=n_v)

    def deliver(self, crew: Crew, h: int, v: int) -> None:
        """Volunteer `v` delivers household `h`."""
        self.delivery[h] = v
        self.left[v] -= crew.visit
        self.capped_left[v] -= crew.counts(h)

    def deliver_all(self, crew: Crew, households: IntArray, volunteers: IntArray) -> None:
        """Each of `volunteers` delivers the household beside it (no household twice): `deliver`, at once."""
        n_v = crew.n_volunteers
        self.delivery[households] = volunteers
        self.left -= np.bincount(volunteers, minlength=n_v) * crew.visit
        if crew.cap >= 0:
            self.capped_left -= np.bincount(volunteers[crew.capped[crew.hh_class[households]]], minlength=n_v)

    def undeliver(self, crew: Crew, h: int) -> None:
        """Household `h` is no longer delivered."""
        self.left[self.delivery[h]] += crew.visit
        self.capped_left[self.delivery[h]] += crew.counts(h)
        self.delivery[h] = -1

    def assign(self, crew: Crew, s: int, v: int) -> None:
        """Volunteer `v` does service `s`."""
        self.service[s] = v
        self.left[v] -= crew.service_ticks[s]
        self.capped_left[v] -= crew.counts(int(crew.service_hh[s]))

    def fitting(self, crew: Crew, candidates: IntArray, ticks: int, household: int) -> int:
        """Who of `candidates` takes a task of `ticks` at `household`: the narrowest with that much left (and a
        capped visit left, if the visit counts), then the one with the least left (best fit, so long stretches
        stay free for long tasks), then case order; -1 if nobody."""
        fits = self.left[candidates] >= ticks
        if crew.counts(household):
            fits &= self.capped_left[candidates] > 0
        ok = candidates[fits]
        if not ok.size:
            return -1
        return int(ok[np.lexsort((ok, self.left[ok], crew.n_skills[ok], crew.width[ok]))[0]])


def deliver_by_flow(
    crew: Crew,
    roster: Roster,
    households: IntArray,
    worth: IntArray,
    rank: IntArray,
    count: Counter,
    then: IntArray | None = None,
) -> None:
    """Deliver as much `worth` (then as much `then`, a tie-break worth per household) as the hours left allow, with
    one min-cost flow per region (the module docstring), regions in order."""
    if not households.size:
        return
    region = crew.hh_region(households)
    order = np.argsort(region, kind="stable")
    ends = np.flatnonzero(np.diff(region[order], append=-1)) + 1
    for a, b in zip(np.r_[0, ends[:-1]].tolist(), ends.tolist(), strict=True):
        mine = order[a:b]
        extra = np.zeros(b - a, np.int64) if then is None else then[mine]
        full = worth[mine] * (int(extra.max()) + 1) + extra
        _deliver_region(crew, roster, int(region[mine[0]]), households[mine], full, rank, count)


def _deliver_region(
    crew: Crew, roster: Roster, r: int, households: IntArray, worth: IntArray, rank: IntArray, count: Counter
) -> None:
    """Deliver as much `worth` as the hours left allow in region `r`, in one min-cost flow over (visit class, worth)
    groups.

    Households of one class and worth are interchangeable, so the flow runs over groups -> coverages ->
    volunteers (capacity: whole visits that fit the ticks left). A coverage node stands for the volunteers who
    may deliver to exactly the same classes (`Crew.coverage`): a group has an arc to each coverage that includes
    its class rather than to each volunteer, so arcs grow with groups plus volunteers, not with their product,
    even when many volunteers cover every grid. One more unit of worth outweighs any choice of volunteer, and
    among equal worth narrower volunteers cost less (on the coverage -> volunteer arcs). Capped classes use a
    coverage node of their own whose arcs pass through each volunteer's cap node (capacity: capped visits left).
    Costs are priced from the region's volunteers and the nodes numbered in the region alone, so the flow is the
    one the region would have in a case of its own. Inside a group the households with the lowest seeded rank are
    delivered first, by volunteers in narrowest-first order.
    """
    top = int(worth.max()) + 1
    keys, group = np.unique(crew.hh_class[households] * top + worth, return_inverse=True)
    group = group.reshape(-1)
    key_class, key_worth = keys // top, keys % top
    size = np.bincount(group, minlength=keys.size)
    cap_v = roster.left // crew.visit
    crew_r = np.flatnonzero(crew.vol_region == r)
    use_cost = crew.width * (int(crew.n_skills[crew_r].max(initial=0)) + 1) + crew.n_skills
    big = int(use_cost[crew_r].max(initial=0)) + 1
    n_g, n_v, n = keys.size, crew.n_volunteers, int(households.size)
    n_k = int(crew.coverage.max(initial=-1)) + 1
    capped_g = crew.capped[key_class] if crew.cap >= 0 else np.zeros(n_g, np.bool_)
    # coverage node k takes a coverage's uncapped groups, n_k + k its capped ones
    arc_g = np.concatenate([np.full(crew.coverers[c].size, i) for i, c in enumerate(key_class.tolist())])
    arc_g = arc_g.astype(np.int64)
    arc_k = np.concatenate([crew.coverers[c] for c in key_class.tolist()]).astype(np.int64) + n_k * capped_g[arc_g]
    narrow = crew.narrow[crew.vol_region[crew.narrow] == r]
    free = narrow[cap_v[narrow] > 0]  # coverage -> volunteer arcs, narrowest first
    free_capped = free[roster.capped_left[free] > 0] if capped_g.any() else np.zeros(0, np.int64)
    out_v = np.concatenate([free, free_capped])
    out_k = np.concatenate([crew.coverage[free], n_k + crew.coverage[free_capped]])
    keep = np.isin(arc_k, out_k)
    arc_g, arc_k = arc_g[keep], arc_k[keep]
    n_a, n_o = arc_g.size, out_v.size
    g0, k0 = 2, 2 + n_g
    v0 = k0 + 2 * n_k
    c0 = v0 + n_v  # a volunteer's cap node, used only by capped classes
    supplies = np.zeros(c0 + (n_v if free_capped.size else 0), np.int64)
    supplies[0], supplies[1] = n, -n
    # arcs: bypass (a household not delivered), source -> group, group -> coverage, coverage -> volunteer (or its
    # cap node), volunteer -> sink, cap node -> volunteer
    cap_arcs = crew_r if free_capped.size else np.zeros(0, np.int64)
    tails, heads = (
        np.concatenate([[0], np.zeros(n_g, np.int64), g0 + arc_g, k0 + out_k, v0 + crew_r, c0 + cap_arcs]),
        np.concatenate(
            [
                [1],
                g0 + np.arange(n_g),
                k0 + arc_k,
                v0 + out_v + (c0 - v0) * (out_k >= n_k),
                np.ones(crew_r.size, np.int64),
                v0 + cap_arcs,
            ]
        ),
    )
    nodes, local = np.unique(np.concatenate([tails, heads]), return_inverse=True)  # the region's nodes, in order
    arcs = (
        local[: tails.size],
        local[tails.size :],
        np.concatenate([[n], size, np.full(n_a + n_o, n), cap_v[crew_r], np.minimum(roster.capped_left[cap_arcs], n)]),
        np.concatenate(
            [
                [0],
                -key_worth * big,
                np.zeros(n_a, np.int64),
                use_cost[out_v],
                np.zeros(crew_r.size + cap_arcs.size, np.int64),
            ]
        ),
    )
    solver = min_cost_flow(arcs, supplies[nodes], count, "delivery")
    first = 1 + n_g
    into = np.asarray(solver.flows(np.arange(first, first + n_a)), np.int64)
    out = np.asarray(solver.flows(np.arange(first + n_a, first + n_a + n_o)), np.int64)
    pair_g, pair_v, pair_flow = _pairs(arc_g, arc_k, into, out_v, out_k, out)
    members = households[np.lexsort((rank[households], group))]
    by_group = np.sort(group)
    within = np.arange(n) - (np.cumsum(size) - size)[by_group]
    served = within < np.bincount(pair_g, weights=pair_flow, minlength=n_g).astype(np.int64)[by_group]
    roster.deliver_all(crew, members[served], np.repeat(pair_v, pair_flow))


def _pairs(
    arc_g: IntArray, arc_k: IntArray, into: IntArray, out_v: IntArray, out_k: IntArray, out: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """The (group, volunteer, visits) that a flow through coverage nodes makes, in group then narrowest-first order.

    `into` is the flow on each group -> coverage arc, `out` on each coverage -> volunteer arc (listed narrowest
    first). At a coverage node any group may go to any volunteer, so the node's groups (in group order) are
    matched to its volunteers (narrowest first) as they come: both lists, laid end to end node by node, hold the
    same units, and a unit's group and volunteer are read at the same place."""
    a = np.lexsort((arc_g, arc_k))
    b = np.argsort(out_k, kind="stable")
    end_a, end_b = np.cumsum(into[a]), np.cumsum(out[b])
    ends = np.union1d(end_a, end_b)
    starts = np.concatenate([[0], ends])[:-1].astype(np.int64)
    ends, starts = ends[ends > starts], starts[ends > starts]
    pair_g = arc_g[a][np.searchsorted(end_a, starts, side="right")]
    pair_arc = b[np.searchsorted(end_b, starts, side="right")]  # a group's arcs all come from one run of `out_v`
    order = np.lexsort((pair_arc, pair_g))
    return pair_g[order], out_v[pair_arc[order]], (ends - starts)[order]


def assign_services(crew: Crew, roster: Roster, services: IntArray) -> list[int]:
    """Undone `services`, shortest first (then seeded rank), each to its narrowest doer with time that fits;
    returns those assigned."""
    done = []
    for s in sorted(services.tolist(), key=lambda k: (int(crew.service_ticks[k]), int(crew.service_rank[k]))):
        if roster.service[s] >= 0:
            continue
        v = roster.fitting(crew, crew.doers[s], int(crew.service_ticks[s]), int(crew.service_hh[s]))
        if v >= 0:
            roster.assign(crew, s, v)
            done.append(s)
    return done


def even_load(crew: Crew, roster: Roster, earlier: IntArray) -> Roster:
    """`roster` with whole workloads handed round among interchangeable volunteers, so that those with less
    `earlier` load (ticks per volunteer, from earlier rounds) take the larger ones.

    Volunteers are interchangeable when the rules let them do exactly the same tasks of this case (the same visit
    classes, the same services); the policy's cap on visits to quarantined households is the same for everyone. A
    workload (every task of one volunteer) moves whole to such a volunteer with the hours for it, so every
    household gets the same goods, visits and services as before: only who makes them changes. In each group the
    volunteers are taken by earlier load, then by their own workload (larger first), then case order, and the
    workloads, larger first, each go to the first of them with the hours left for it (this always places every
    workload: the volunteers a workload fits include those every larger one fits). Equal earlier loads change
    nothing."""
    n_v = crew.n_volunteers
    distinct = list({d.tobytes(): d for d in crew.doers}.values())
    may = np.zeros((n_v, len(distinct)), np.bool_)
    for k, d in enumerate(distinct):
        may[d, k] = True
    _, group = distinct_rows(np.concatenate([crew.covers, may], axis=1))
    used = crew.hours - roster.left
    owner = np.arange(n_v)
    for g in np.flatnonzero(np.bincount(group) > 1).tolist():
        members = np.flatnonzero(group == g)
        if np.all(earlier[members] == earlier[members[0]]):
            continue
        order = members[np.lexsort((members, -used[members], earlier[members]))].tolist()
        free = list(order)  # volunteers by earlier load; the workloads by size, in the same order on a tie
        for v in sorted(order, key=lambda v: -int(used[v])):
            taker = next(w for w in free if crew.hours[w] >= used[v])
            free.remove(taker)
            owner[v] = taker
    if (owner == np.arange(n_v)).all():
        return roster
    moved = Roster(
        delivery=np.where(roster.delivery >= 0, owner[roster.delivery], -1),
        service=np.where(roster.service >= 0, owner[roster.service], -1),
        left=roster.left.copy(),
        capped_left=roster.capped_left.copy(),
    )
    moved.recount(crew)
    return moved
