"""Independent parts of a case: what the exact model must decide together, and what the fast plan has proven.

Two things tie households together. Volunteer time: a *region* is a set of visit classes (grids, and within a grid the
quarantined households apart: `allocate.rules`) linked by volunteers who may do tasks in several of them
(`Crew.region`); it is *contested* when its volunteers cannot deliver every household with a reachable need and do every
service that has a doer all at once (tried greedily: services narrowest-first, then the delivery flows). An uncontested
region's choice is settled: delivering everyone is optimal, since every goods allocation possible with fewer deliveries
stays possible. Goods: a *scarce* component (`core.goods`: lots and the classes they may give to) cannot give every need
its whole quantity, so households sharing it compete.

A part is a connected set of households under those ties that holds something the fast plan has not proven: a
household of a contested region (who gets the hours is a heuristic's choice), or a component with all-or-nothing
needs of a tier that is not fully served (which whole needs are given is a heuristic's choice). Leximin of
independent parts is the union of their leximin plans, so each part is solved on its own; households in no part
keep the fast plan, which is optimal for them (the goods flows are exact given the deliveries).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.core.goods import Counter, GoodsProblem
from allocate.core.index import BoolArray, CaseIndex, IntArray
from allocate.core.volunteers import Crew, Roster, assign_services, deliver_by_flow


@dataclass(frozen=True)
class Part:
    """Households decided together; `open`: those whose delivery is in question (in a contested region)."""

    households: IntArray
    needs: IntArray  # every need of its households, ascending (reachable or not)
    open: IntArray
    volunteers: IntArray  # of the contested regions in the part
    components: IntArray  # scarce goods components the part's needs compete in
    services: IntArray  # services of the part's households
    steps: tuple[str, ...]  # the fast plan's unproven steps it holds: "volunteers", "all_or_nothing"


@dataclass(frozen=True)
class Settled:
    """Who does what in every uncontested region (everyone is delivered and every service done), which regions are
    contested, and the region of each grid; `roster` is None without volunteers."""

    roster: Roster | None
    contested: BoolArray  # per household: in a contested region
    region: IntArray  # per visit class


def settle(index: CaseIndex, problem: GoodsProblem, crew: Crew | None, count: Counter) -> Settled:
    """Try to deliver every household with a reachable need and do every service that has a doer, all at once
    (services narrowest-first, then the delivery flows): a region where that works is settled, its roster kept."""
    n_hh = index.hh_grid.size
    if crew is None:
        return Settled(None, np.zeros(n_hh, np.bool_), np.zeros(len(index.grids), np.int64))
    has_need = np.zeros(n_hh, np.bool_)
    has_need[index.need_hh[problem.need_comp >= 0]] = True
    region = crew.region
    everyone = Roster.empty(crew, n_hh)
    assign_services(crew, everyone, np.arange(crew.service_hh.size))
    wanted = np.flatnonzero(has_need)
    deliver_by_flow(crew, everyone, wanted, np.ones(wanted.size, np.int64), index.hh_rank, count)
    doable = np.asarray([d.size > 0 for d in crew.doers], np.bool_)
    short_class = np.zeros(crew.covers.shape[1], np.bool_)
    short_class[crew.hh_class[has_need & (everyone.delivery < 0)]] = True
    short_class[crew.hh_class[crew.service_hh[doable & (everyone.service < 0)]]] = True
    short_region = np.zeros(int(region.max(initial=-1)) + 1, np.bool_)
    short_region[region[short_class]] = True
    contested = short_region[region[crew.hh_class]]
    everyone.delivery[contested] = -1  # a contested region's tasks are the planners' to give
    everyone.service[contested[crew.service_hh]] = -1
    everyone.recount(crew)
    return Settled(everyone, contested, region)


def find_parts(
    index: CaseIndex,
    problem: GoodsProblem,
    crew: Crew | None,
    settled: Settled,
    amount: IntArray,
    delivered: BoolArray,
    count: Counter,
) -> list[Part]:
    """The parts of the module docstring, for a fast plan with units `amount` and households `delivered`."""
    n_hh = index.hh_grid.size
    reach = problem.need_comp >= 0
    has_need = np.zeros(n_hh, np.bool_)
    has_need[index.need_hh[reach]] = True
    links: list[IntArray] = []  # sets of households tied together

    def join(members: IntArray) -> None:
        if members.size > 1:
            links.append(members)

    contested = settled.contested
    if crew is not None:
        busy = has_need.copy()
        busy[crew.service_hh] = True
        for r in np.unique(settled.region[crew.hh_class[contested]]).tolist():
            join(np.flatnonzero(busy & (settled.region[crew.hh_class] == r)))

    in_question = np.zeros(len(problem.components), np.bool_)
    aon_open = np.zeros(len(problem.components), np.bool_)
    for k, comp in enumerate(problem.components):
        classes = np.asarray(comp.classes, np.int64)
        needs = np.concatenate([problem.class_needs[c] for c in comp.classes])
        full = np.asarray([int(index.need_qty[problem.class_needs[c]].sum()) for c in comp.classes], np.int64)
        count("flow_solves", 1)
        if comp.net.feasible(full):
            continue  # every need can have all it asks at once: nobody competes here
        tiers = problem.class_tier[classes]
        for t in np.unique(tiers).tolist():
            mine = np.concatenate([problem.class_needs[c] for c in classes[tiers == t].tolist()])
            mine = mine[delivered[index.need_hh[mine]]]
            if index.need_aon[mine].any() and (amount[mine] < index.need_qty[mine]).any():
                aon_open[k] = True
        in_question[k] = aon_open[k] or bool(contested[index.need_hh[needs]].any())
        if in_question[k]:
            join(np.unique(index.need_hh[needs]))

    root = _components(n_hh, links)
    need_rows = np.flatnonzero(reach)
    groups = _Groups(root, root[index.need_hh], np.arange(index.need_hh.size))
    service_groups = None if crew is None else _Groups(root, root[crew.service_hh], np.arange(crew.service_hh.size))
    wanted = np.zeros(n_hh, np.bool_)  # per root: its part holds something in question
    wanted[root[contested]] = True
    wanted[root[index.need_hh[need_rows[in_question[problem.need_comp[need_rows]]]]]] = True
    parts = []
    for r in np.flatnonzero(wanted).tolist():
        households, needs = groups.households(r), groups.rows(r)
        comps = np.unique(problem.need_comp[needs])
        comps = comps[comps >= 0]
        comps = comps[in_question[comps]]
        open_ = households[contested[households]]
        services = np.zeros(0, np.int64)
        volunteers = np.zeros(0, np.int64)
        if crew is not None and service_groups is not None:
            services = service_groups.rows(r)
            classes = np.unique(crew.hh_class[open_])
            volunteers = np.flatnonzero(crew.covers[:, classes].any(axis=1)) if classes.size else volunteers
        steps = (("volunteers",) if open_.size else ()) + (("all_or_nothing",) if aon_open[comps].any() else ())
        parts.append(Part(households, needs, open_, volunteers, comps, services, steps))
    return parts


class _Groups:
    """Households and rows (needs or services) grouped by the root of their household, each group in ascending
    order: one sort instead of a scan of every row per part."""

    def __init__(self, root: IntArray, row_root: IntArray, rows: IntArray) -> None:
        self._hh = np.argsort(root, kind="stable")
        self._hh_at = np.searchsorted(root[self._hh], np.arange(root.size + 1))
        order = np.argsort(row_root, kind="stable")
        self._rows = rows[order]
        self._rows_at = np.searchsorted(row_root[order], np.arange(root.size + 1))

    def households(self, r: int) -> IntArray:
        return self._hh[self._hh_at[r] : self._hh_at[r + 1]]

    def rows(self, r: int) -> IntArray:
        return self._rows[self._rows_at[r] : self._rows_at[r + 1]]


def _components(n: int, links: list[IntArray]) -> IntArray:
    """Per node of 0..n-1, the smallest node of its connected component, when each array of `links` ties its nodes
    together: labels fall to the least over each link, then jump to their label's label, until nothing moves."""
    label = np.arange(n)
    if not links:
        return label
    sizes = np.asarray([m.size for m in links], np.int64)
    member = np.concatenate(links)
    link = np.repeat(np.arange(len(links)), sizes)
    while True:
        low = np.full(len(links), n, np.int64)
        np.minimum.at(low, link, label[member])
        new = label.copy()
        np.minimum.at(new, member, low[link])
        new = new[new]
        while (new[new] != new).any():
            new = new[new]
        if (new == label).all():
            return label
        label = new
