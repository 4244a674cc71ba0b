"""Deterministic work counters: the engine's model sizes and solves on fixed cases, so CI sees an algorithm slow down.

No timing here: `Plan.stats` counts max-flow and min-cost-flow solves, LPs, MIPs, classes, arcs and components,
which are the same on every machine. When a change makes the engine do less work on purpose, update the numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from allocate.core import bounds, volunteers
from allocate.core.index import IntArray, seeded_rank
from allocate.core.network import min_cost_flow
from allocate.generate import generate
from allocate.schema import Case, Household, Lot, Need, Policy, Volunteer
from allocate.solve import prepare, solve
from allocate.verify import verify


def test_work_on_a_generated_city_district() -> None:
    """2,000 generated households with volunteers: the counters of the leximin engine stay where they are.

    The part of the case that volunteers contest is far above the exact model's size limit, so no MIP runs; the
    certified bounds are min-cost flows too (goods per tier, Lagrangian rounds of the time bound), so no LP runs.
    """
    plan = solve(generate(2000, seed=2))
    assert plan.termination is not None
    assert plan.termination.reason == "size_limit"
    assert plan.stats == {
        "components": 36,
        "classes": 145,
        "arcs": 436,
        "flow_solves": 881,
        "lp_solves": 0,
        "mip_solves": 0,
    }


def test_work_with_total_fill() -> None:
    """Under `fairness = "none"` each tier of each component is one LP, or one MIP with all-or-nothing needs or
    with the higher tiers' totals held; the tiers are settled once more after the volunteers are decided."""
    case = generate(300, seed=1)
    total = Case(
        households=case.households,
        needs=case.needs,
        lots=case.lots,
        volunteers=case.volunteers,
        services=case.services,
        policy=case.policy.model_copy(update={"fairness": "none"}),
    )
    assert solve(total).stats == {
        "components": 38,
        "classes": 112,
        "arcs": 225,
        "flow_solves": 246,
        "lp_solves": 78,
        "mip_solves": 187,
    }


def many_all_or_nothing() -> Case:
    """100 households ask 2 blankets all-or-nothing and 10 ask 50 blankets; 500 blankets exist."""
    whole = [Household(household_id=f"w{i:03d}", grid="g") for i in range(100)]
    part = [Household(household_id=f"p{i:02d}", grid="g") for i in range(10)]
    return Case(
        households=(*whole, *part),
        needs=(
            *(Need(household_id=h.household_id, item="blanket", quantity=2, all_or_nothing=True) for h in whole),
            *(Need(household_id=h.household_id, item="blanket", quantity=50) for h in part),
        ),
        lots=(Lot(lot_id="L1", item="blanket", quantity=500),),
        policy=Policy(plan_date=dt.date(2026, 3, 1)),
    )


def test_all_or_nothing_needs_are_granted_in_bulk() -> None:
    """A run of all-or-nothing needs that surely fit is granted with one max-flow, not one or two per need.

    1 flow finds the divisible needs fit in full alone, 1 grants the hundred whole needs, and 20 share what is left
    among the divisible needs (galloping and bisection over their 500 units); tried one by one it took 221. One more
    finds the blankets scarce, so the exact model then proves the grants right with 4 small MIPs.
    """
    case = many_all_or_nothing()
    plan = solve(case)
    assert verify(case, plan).ok
    assert plan.need_fills == (1.0,) * 100 + (0.6,) * 10  # every whole need granted; 300 left shared evenly
    assert plan.stats["flow_solves"] == 23
    assert plan.stats["mip_solves"] == 4
    assert plan.status == "optimal"


def all_grid_volunteers(grids: int) -> Case:
    """Two households in each of `grids` grids, one volunteer per grid with time for one visit, and two volunteers
    per grid (`grids * 2` in all) who cover every grid."""
    households = [Household(household_id=f"h{g:03d}-{i}", grid=f"g{g:03d}") for g in range(grids) for i in range(2)]
    return Case(
        households=households,
        needs=[Need(household_id=h.household_id, item="rice", quantity=1) for h in households],
        lots=(Lot(lot_id="L1", item="rice", quantity=2 * grids),),
        volunteers=(
            *(Volunteer(volunteer_id=f"v{g:03d}", grids=[f"g{g:03d}"], hours=0.25) for g in range(grids)),
            *(Volunteer(volunteer_id=f"all{i:03d}", grids=["*"], hours=1) for i in range(2 * grids)),
        ),
        policy=Policy(plan_date=dt.date(2026, 3, 1)),
    )


def test_delivery_flow_arcs_grow_linearly_with_all_grid_volunteers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The delivery flow routes each household group through one node per distinct coverage, so volunteers who
    cover every grid add two arcs each, not one per grid: with G grids and 3G volunteers it has 1 + 3G + 2 * 3G
    arcs (bypass, source -> group, group -> its grid's and the all-grid coverage, coverage -> volunteer,
    volunteer -> sink). One arc per group and volunteer who may deliver there made 1 + G + G(1 + 2G) + 3G.

    Inside each grid the household first in seeded order goes to the grid's own volunteer (the narrowest)."""
    built: list[int] = []

    def spy(arcs: tuple[IntArray, IntArray, IntArray, IntArray], *rest: Any) -> Any:
        built.append(len(arcs[0]))
        return min_cost_flow(arcs, *rest)

    monkeypatch.setattr(volunteers, "min_cost_flow", spy)
    for grids in (20, 40):
        case = all_grid_volunteers(grids)
        crew = volunteers.build_crew(case)
        assert crew is not None
        roster = volunteers.Roster.empty(crew, 2 * grids)
        rank = seeded_rank([h.household_id for h in case.households], case.policy.seed)
        everyone = np.arange(2 * grids)
        volunteers.deliver_by_flow(crew, roster, everyone, np.ones(2 * grids, np.int64), rank, lambda *_: None)
        assert built[-1] == 1 + 3 * grids + 2 * 3 * grids
        assert (roster.delivery >= 0).all()
        first = everyone[rank[everyone] < rank[everyone ^ 1]]  # each grid's household first in seeded order
        assert roster.delivery[first].tolist() == [h // 2 for h in first.tolist()]
        assert (roster.delivery[first ^ 1] >= grids).all()  # the other by a volunteer who covers every grid


def test_delivering_at_once_books_what_one_at_a_time_books() -> None:
    """`Roster.deliver_all` leaves the roster as `deliver` called for each pair, caps on quarantined visits too."""
    case = generate(300, seed=2)
    homes = [h.model_copy(update={"quarantined": i % 4 == 0}) for i, h in enumerate(case.households)]
    staff = [v.model_copy(update={"designated": True}) for v in case.volunteers or ()]
    policy = case.policy.model_copy(update={"max_quarantined_visits": 2})
    case = Case(households=homes, needs=case.needs, lots=case.lots, volunteers=staff, policy=policy)
    crew = volunteers.build_crew(case)
    assert crew is not None
    assert crew.cap >= 0
    assert crew.capped.any()
    households = np.arange(0, 300, 3)
    doers = np.asarray([crew.deliverers[crew.hh_class[h]][0] for h in households.tolist()], np.int64)
    one, bulk = volunteers.Roster.empty(crew, 300), volunteers.Roster.empty(crew, 300)
    for h, v in zip(households.tolist(), doers.tolist(), strict=True):
        one.deliver(crew, h, v)
    bulk.deliver_all(crew, households, doers)
    assert (bulk.delivery == one.delivery).all()
    assert (bulk.delivery[households] >= 0).all()
    assert (bulk.left == one.left).all()
    assert (bulk.capped_left == one.capped_left).all()
    assert (one.capped_left < 2).any()  # some quarantined visit was counted


def chained_grids(grids: int, per_grid: int) -> Case:
    """`per_grid` households in each of `grids` grids, the k-th asking for k + 1 items (so each is a family of its
    own in the time bound), one volunteer per grid and one per pair of neighbouring grids, each with one hour."""
    households = [
        Household(household_id=f"h{g:03d}-{k}", grid=f"g{g:03d}") for g in range(grids) for k in range(per_grid)
    ]
    return Case(
        households=households,
        needs=[
            Need(household_id=h.household_id, item=f"item{j}", quantity=1)
            for k, h in enumerate(households)
            for j in range(k % per_grid + 1)
        ],
        lots=tuple(Lot(lot_id=f"L{j}", item=f"item{j}", quantity=len(households)) for j in range(per_grid)),
        volunteers=(
            *(Volunteer(volunteer_id=f"v{g:03d}", grids=[f"g{g:03d}"], hours=1) for g in range(grids)),
            *(
                Volunteer(volunteer_id=f"w{g:03d}", grids=[f"g{g:03d}", f"g{g + 1:03d}"], hours=1)
                for g in range(grids - 1)
            ),
        ),
        policy=Policy(plan_date=dt.date(2026, 3, 1)),
    )


def test_time_bound_arcs_grow_with_families_plus_class_coverage_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The time bound's flow reaches coverage classes through one node per visit class, so a family adds two arcs
    (source -> family -> its class), not one per coverage class that reaches it. G grids of K families, each grid
    reached by its own coverage and the pair coverages beside it (3G - 2 class -> coverage arcs), and 2G - 1 groups
    (coverage -> group, group -> sink), give 2GK + 3G - 2 + 2(2G - 1) + 1 arcs; one arc per family and coverage
    gave GK + K(3G - 2) + 2(2G - 1) + 1. The bound is the most visits the hours allow, every family wanting one."""
    built: list[int] = []

    def spy(arcs: tuple[IntArray, IntArray, IntArray, IntArray], *rest: Any) -> Any:
        built.append(len(arcs[0]))
        return min_cost_flow(arcs, *rest)

    monkeypatch.setattr(bounds, "min_cost_flow", spy)
    for grids, per_grid in ((6, 5), (12, 10)):
        case = chained_grids(grids, per_grid)
        ready, crew = prepare(case), volunteers.build_crew(case)
        assert crew is not None
        reach = np.ones(len(case.needs), np.bool_)
        time_bound = bounds._TimeBound(ready.index, crew, reach, np.zeros(0, np.bool_))
        assert time_bound.d_size.size == grids * per_grid
        value, done, _ = time_bound._flow(np.ones(grids * per_grid), np.zeros(0), lambda *_: None)
        assert built[-1] == 2 * grids * per_grid + 3 * grids - 2 + 2 * (2 * grids - 1) + 1
        visits = int(crew.hours.sum() // crew.visit)  # every volunteer's hour is visits, and every family wants one
        assert value == pytest.approx(min(visits, grids * per_grid))
        assert done.sum() == pytest.approx(min(visits, grids * per_grid))
