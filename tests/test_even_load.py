"""Even volunteer load (`solve(..., earlier_load=...)`, `core.volunteers.even_load`): among volunteers the rules
treat alike, the larger workloads go to those who gave fewer hours in earlier rounds, and nothing changes for
households. Named cases small enough to check by hand, and generated ones against the plan without the load."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest

from allocate import Case, Household, Lot, Need, Policy, Service, Volunteer, solve, verify
from allocate.checks import InvalidParameterError
from allocate.generate import generate
from allocate.plan import Plan

DAY = dt.date(2026, 12, 1)


def street(
    volunteers: list[Volunteer], *, even_load: bool = True, services: list[Service] | None = None, grid_b: bool = False
) -> Case:
    """Four households of grid A (and H5 of grid B with `grid_b`), one rice each, delivered in 0.25 hours; the
    volunteers given."""
    homes = [f"H{i}" for i in range(1, 6 if grid_b else 5)]
    return Case(
        households=[Household(household_id=h, grid="B" if h == "H5" else "A") for h in homes],
        needs=[Need(household_id=h, item="rice", quantity=1) for h in homes],
        lots=[Lot(lot_id="R", item="rice", quantity=10)],
        volunteers=volunteers,
        services=services or [],
        policy=Policy(plan_date=DAY, visit_hours=0.25, even_load=even_load),
    )


def workload(plan: Plan) -> dict[str, float]:
    """Hours per volunteer in `plan`."""
    out: Counter[str] = Counter()
    for v in plan.visits:
        out[v.volunteer_id] += v.hours
    return dict(out)


def twins(hours: float = 2) -> list[Volunteer]:
    return [Volunteer(volunteer_id=v, grids=["A"], hours=hours) for v in ("V1", "V2")]


def test_the_one_who_gave_less_takes_the_workload() -> None:
    """The fast plan sends one of two alike volunteers to all four households (best fit keeps the other's time
    whole); with V1's earlier hours, V2 goes instead. The goods are the same."""
    alone = solve(street(twins()))
    assert workload(alone) == {"V1": 1.0}
    evened = solve(street(twins()), earlier_load={"V1": 1.0})
    assert workload(evened) == {"V2": 1.0}
    assert evened.allocations == alone.allocations
    assert verify(evened.case, evened).ok


def test_rounds_alternate_and_without_it_one_volunteer_takes_all() -> None:
    """Four rounds of the same street: with the earlier rounds' hours the two alternate (2 hours each); without
    them (or with `even_load = false`) V1 takes every round (4 hours) and V2 none."""
    for even, expected in ((True, {"V1": 2.0, "V2": 2.0}), (False, {"V1": 4.0})):
        total: Counter[str] = Counter()
        for _ in range(4):
            plan = solve(street(twins(), even_load=even), earlier_load=dict(total))
            assert verify(plan.case, plan).ok
            total.update(workload(plan))
        assert dict(total) == expected


def test_only_volunteers_alike_trade_and_only_what_fits() -> None:
    """V1 covers grid A only, V2 A and B, where H5 lives: not alike, so V2's lighter past changes nothing (without H5
    they would be: alike for this case's tasks). V3 is alike to V1 but has 0.5 hours: V1's hour of deliveries cannot
    go to them."""
    unlike = [
        Volunteer(volunteer_id="V1", grids=["A"], hours=2),
        Volunteer(volunteer_id="V2", grids=["A", "B"], hours=2),
    ]
    plan = solve(street(unlike, grid_b=True), earlier_load={"V1": 5.0})
    assert plan.visits == solve(street(unlike, grid_b=True)).visits
    assert workload(plan) == {"V1": 1.0, "V2": 0.25}
    assert workload(solve(street(unlike), earlier_load={"V1": 5.0})) == {"V2": 1.0}
    short = [Volunteer(volunteer_id="V1", grids=["A"], hours=2), Volunteer(volunteer_id="V3", grids=["A"], hours=0.5)]
    before = solve(street(short))
    assert workload(solve(street(short), earlier_load={"V1": 5.0})) == workload(before)


def test_a_nurse_is_not_a_courier() -> None:
    """A service needs the skill: the nurse's past does not move the nurse's care to a volunteer without it."""
    crew = [Volunteer(volunteer_id="V1", grids=["A"], hours=3, skills=["nursing"]),
            Volunteer(volunteer_id="V2", grids=["A"], hours=3)]  # fmt: skip
    care = [Service(household_id="H1", skill="nursing", hours=1)]
    plan = solve(street(crew, services=care), earlier_load={"V1": 9.0})
    assert {v.volunteer_id for v in plan.visits if v.kind == "service"} == {"V1"}
    assert verify(plan.case, plan).ok


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_households_get_the_same_with_any_earlier_load(seed: int) -> None:
    """Generated cases, each volunteer with a twin (same grids, skills and designation, other hours), and random
    earlier hours: workloads move, yet the allocations are the same, the same households and services are
    visited, every plan is verified, and the same plan comes twice."""
    base = generate(400, seed)
    assert base.volunteers is not None
    rng = random.Random(seed)
    twins = [v.model_copy(update={"volunteer_id": f"{v.volunteer_id}-b", "hours": rng.choice([0.5, 2.0, 8.0])})
             for v in base.volunteers]  # fmt: skip
    case = base.replace(volunteers=(*base.volunteers, *twins))
    load = {v.volunteer_id: rng.choice([0.0, 0.5, 1.0, 3.25]) for v in case.volunteers}
    plain, evened = solve(case), solve(case, earlier_load=load)
    assert evened.visits != plain.visits
    assert evened.allocations == plain.allocations
    assert sorted((v.household_id, v.kind, v.service_id) for v in evened.visits) == sorted(
        (v.household_id, v.kind, v.service_id) for v in plain.visits
    )
    assert verify(evened.case, evened).ok
    assert solve(case, earlier_load=load) == evened


@pytest.mark.parametrize("bad", [{"V1": -1.0}, {"V1": float("nan")}, {1: 2.0}, {"V1": True}, ["V1"]])
def test_a_bad_earlier_load_is_refused_at_the_call(bad: object) -> None:
    with pytest.raises(InvalidParameterError, match="'earlier_load' parameter of solve"):
        solve(street(twins()), earlier_load=bad)  # type: ignore[arg-type]
