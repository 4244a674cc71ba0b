"""Deterministic work counters: the engine's model sizes and solves on fixed cases, so CI sees an algorithm slow down.

No timing here: `Plan.stats` counts max-flow and min-cost-flow solves, LPs, MIPs, classes, arcs and components,
which are the same on every machine. When a change makes the engine do less work on purpose, update the numbers.
"""

from __future__ import annotations

import datetime as dt

from allocate.generate import generate
from allocate.schema import Case, Household, Lot, Need, Policy
from allocate.solve import solve
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
