"""Cases the references found the engine getting wrong (issue 9), each checkable by hand, as regression tests.

Each was found by the differential tests (`tests/test_differential.py`: hypothesis against brute force, or a
medium case against the exact MIP, then cut down to what still fails) and is named after the rule it shows.
The expected per tier fills (`support.brute_force.Objective`: the sorted fills of each tier, highest first, or
the total with fairness "none") are written out and checked against brute force too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from fractions import Fraction

import pytest

from allocate.schema import Case, Household, Lot, Need, Policy, Service, Urgency, Volunteer
from allocate.solve import solve
from allocate.verify import verify
from support.brute_force import Objective, best_objective, objective

PLAN_DATE = dt.date(2026, 3, 1)
POLICY = Policy(plan_date=PLAN_DATE)  # tiers: critical, vulnerable, elderly, general
CRITICAL = Urgency.CRITICAL
F = Fraction
NONE: tuple[Fraction, ...] = ()  # a tier with no needs or services


def service_or_part_of_a_delivery() -> Case:
    """A household asks 3 rice (2 in stock) and a 0.5 h medical service; its volunteer has 0.5 h. The delivery
    would fill 2/3 of one need, the service all of the other: sorted fills (0, 1) beat (0, 2/3)."""
    return Case(
        households=(Household(household_id="h", grid="g"),),
        needs=(Need(household_id="h", item="rice", quantity=3),),
        lots=(Lot(lot_id="L1", item="rice", quantity=2),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("g",), hours=0.5, skills=("medical",)),),
        services=(Service(household_id="h", skill="medical", hours=0.5),),
        policy=POLICY,
    )


def two_services_or_a_delivery() -> Case:
    """Issue 9's counterexample: a critical need of 3 rice (2 in stock), two critical 0.5 h services, one volunteer
    with 1 h. Both services give (0, 1, 1); a delivery and one service only (0, 2/3, 1)."""
    return Case(
        households=(Household(household_id="h", grid="g"),),
        needs=(Need(household_id="h", item="rice", quantity=3, urgency=CRITICAL),),
        lots=(Lot(lot_id="L1", item="rice", quantity=2),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("g",), hours=1.0, skills=("medical",)),),
        services=tuple(
            Service(service_id=f"S{i}", household_id="h", skill="medical", hours=0.5, urgency=CRITICAL) for i in (1, 2)
        ),
        policy=POLICY,
    )


def the_shorter_service_leaves_time() -> Case:
    """Two critical services of 0.75 h and 0.25 h and a volunteer of 0.75 h: either fills the critical tier the
    same, but only the short one leaves the quarter hour that delivers the general household's rice."""
    return Case(
        households=(Household(household_id="h", grid="g"),),
        needs=(Need(household_id="h", item="rice", quantity=1),),
        lots=(Lot(lot_id="L1", item="rice", quantity=1),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("*",), hours=0.75, skills=("medical",)),),
        services=(
            Service(service_id="S1", household_id="h", skill="medical", hours=0.75, urgency=CRITICAL),
            Service(service_id="S2", household_id="h", skill="medical", hours=0.25, urgency=CRITICAL),
        ),
        policy=POLICY,
    )


def the_delivery_that_fills_more() -> Case:
    """Two critical households ask 2 rice and 1 rice; 1 is in stock and one visit fits. Each visit reaches one
    need, but only the second fills it: (0, 1) beats (0, 1/2)."""
    return Case(
        households=(Household(household_id="a", grid="g"), Household(household_id="b", grid="g")),
        needs=(
            Need(household_id="a", item="rice", quantity=2, urgency=CRITICAL),
            Need(household_id="b", item="rice", quantity=1, urgency=CRITICAL),
        ),
        lots=(Lot(lot_id="L1", item="rice", quantity=1),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("g",), hours=0.25),),
        policy=POLICY,
    )


def the_delivery_that_also_serves_a_lower_tier() -> Case:
    """Two households each have a critical rice need; one also a general one; 2 rice, one visit. Either visit
    gives the critical tier (0, 1); only the household with both needs lets the general tier have its rice."""
    return Case(
        households=(Household(household_id="a", grid="g"), Household(household_id="b", grid="g")),
        needs=(
            Need(need_id="a/urgent", household_id="a", item="rice", quantity=1, urgency=CRITICAL),
            Need(need_id="b/urgent", household_id="b", item="rice", quantity=1, urgency=CRITICAL),
            Need(need_id="b/normal", household_id="b", item="rice", quantity=1),
        ),
        lots=(Lot(lot_id="L1", item="rice", quantity=2),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("g",), hours=0.25),),
        policy=POLICY,
    )


def visits_where_the_goods_are() -> Case:
    """Issue 9's idle hours: three elders ask 1 milk (1 in stock), a general household 1 rice (1 in stock), one
    volunteer of 0.5 h. One elder and the general household are delivered; no milk or hours are left over."""
    return Case(
        households=(
            *(Household(household_id=f"elder{i}", grid="g", oldest_age=70) for i in (1, 2, 3)),
            Household(household_id="young", grid="g"),
        ),
        needs=(
            *(Need(household_id=f"elder{i}", item="milk", quantity=1) for i in (1, 2, 3)),
            Need(household_id="young", item="rice", quantity=1),
        ),
        lots=(Lot(lot_id="milk", item="milk", quantity=1), Lot(lot_id="rice", item="rice", quantity=1)),
        volunteers=(Volunteer(volunteer_id="V1", grids=("g",), hours=0.5),),
        policy=POLICY,
    )


def visits_where_the_goods_are_several_items() -> Case:
    """Three households ask 1 insulin (1 in stock) and two 1 milk (2 in stock); three 0.5 h visits fit. Delivering
    the two milk households and one insulin household fills three needs; a second insulin visit carries nothing."""
    asks = (("H008", "insulin"), ("H010", "insulin"), ("H017", "milk"), ("H019", "insulin"), ("H021", "milk"))
    return Case(
        households=tuple(Household(household_id=h, grid="g") for h, _ in asks),
        needs=tuple(Need(household_id=h, item=item, quantity=1) for h, item in asks),
        lots=(Lot(lot_id="milk", item="milk", quantity=2), Lot(lot_id="insulin", item="insulin", quantity=1)),
        volunteers=(Volunteer(volunteer_id="V1", grids=("*",), hours=1.5),),
        policy=Policy(plan_date=PLAN_DATE, visit_hours=0.5),
    )


def the_delivery_that_leaves_time() -> Case:
    """A critical household needs 1 rice and a 0.75 h service, a general one 1 rice; a volunteer of 1 h, visits of
    0.5 h. The critical tier gets (0, 1) either way; only the delivery leaves the half hour the general one needs."""
    return Case(
        households=(Household(household_id="sick", grid="g"), Household(household_id="other", grid="g")),
        needs=(
            Need(household_id="sick", item="rice", quantity=1, urgency=CRITICAL),
            Need(household_id="other", item="rice", quantity=1),
        ),
        lots=(Lot(lot_id="L1", item="rice", quantity=2),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("*",), hours=1.0, skills=("medical",)),),
        services=(Service(household_id="sick", skill="medical", hours=0.75, urgency=CRITICAL),),
        policy=Policy(plan_date=PLAN_DATE, visit_hours=0.5),
    )


def two_grid_volunteers() -> Case:
    """V1 covers grids A and B (0.5 h), V2 grids B and C (0.25 h); a critical household in B and a general one in
    C each ask 1 rice (2 in stock). V1 takes B, and V2, the only one who reaches C, delivers there."""
    return Case(
        households=(Household(household_id="other", grid="C"), Household(household_id="sick", grid="B")),
        needs=(
            Need(household_id="other", item="rice", quantity=1),
            Need(household_id="sick", item="rice", quantity=1, urgency=CRITICAL),
        ),
        lots=(Lot(lot_id="L1", item="rice", quantity=2),),
        volunteers=(
            Volunteer(volunteer_id="V1", grids=("A", "B"), hours=0.5, skills=("medical",)),
            Volunteer(volunteer_id="V2", grids=("B", "C"), hours=0.25),
        ),
        policy=POLICY,
    )


def total_fill_tie() -> Case:
    """Issue 9's fairness "none" tie: an elder asks rice 4 (all or nothing) and rice 1, a general household rice
    1; 4 in stock. Either of the elder's needs gives the elderly tier a total of 1; only rice 1 leaves rice for
    the general household."""
    return Case(
        households=(Household(household_id="old", grid="g", oldest_age=70), Household(household_id="young", grid="g")),
        needs=(
            Need(need_id="old/sack", household_id="old", item="rice", quantity=4, all_or_nothing=True),
            Need(need_id="old/bag", household_id="old", item="rice", quantity=1),
            Need(household_id="young", item="rice", quantity=1),
        ),
        lots=(Lot(lot_id="L1", item="rice", quantity=4),),
        policy=Policy(plan_date=PLAN_DATE, fairness="none"),
    )


def total_fill_service_or_delivery() -> Case:
    """Fairness "none": a critical need of 3 rice (2 in stock) and a critical 0.25 h service, a volunteer of
    0.25 h. The service adds 1 to the critical tier's total, the delivery only 2/3."""
    return Case(
        households=(Household(household_id="h", grid="g"),),
        needs=(Need(household_id="h", item="rice", quantity=3, urgency=CRITICAL),),
        lots=(Lot(lot_id="L1", item="rice", quantity=2),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("g",), hours=0.25, skills=("medical",)),),
        services=(Service(household_id="h", skill="medical", hours=0.25, urgency=CRITICAL),),
        policy=Policy(plan_date=PLAN_DATE, fairness="none"),
    )


CASES: dict[str, tuple[Callable[[], Case], Objective]] = {
    "service_or_part_of_a_delivery": (service_or_part_of_a_delivery, (NONE, NONE, NONE, (F(0), F(1)))),
    "two_services_or_a_delivery": (two_services_or_a_delivery, ((F(0), F(1), F(1)), NONE, NONE, NONE)),
    "the_shorter_service_leaves_time": (the_shorter_service_leaves_time, ((F(0), F(1)), NONE, NONE, (F(1),))),
    "the_delivery_that_fills_more": (the_delivery_that_fills_more, ((F(0), F(1)), NONE, NONE, NONE)),
    "the_delivery_that_also_serves_a_lower_tier": (
        the_delivery_that_also_serves_a_lower_tier,
        ((F(0), F(1)), NONE, NONE, (F(1),)),
    ),
    "visits_where_the_goods_are": (visits_where_the_goods_are, (NONE, NONE, (F(0), F(0), F(1)), (F(1),))),
    "visits_where_the_goods_are_several_items": (
        visits_where_the_goods_are_several_items,
        (NONE, NONE, NONE, (F(0), F(0), F(1), F(1), F(1))),
    ),
    "the_delivery_that_leaves_time": (the_delivery_that_leaves_time, ((F(0), F(1)), NONE, NONE, (F(1),))),
    "two_grid_volunteers": (two_grid_volunteers, ((F(1),), NONE, NONE, (F(1),))),
    "total_fill_tie": (total_fill_tie, ((F(0),), (F(0),), (F(1),), (F(1),))),
    "total_fill_service_or_delivery": (total_fill_service_or_delivery, ((F(1),), (F(0),), (F(0),), (F(0),))),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_expected_fills_are_brute_forces(name: str) -> None:
    """The fills written down for each case are the optimum by exhaustive enumeration."""
    build, expected = CASES[name]
    assert best_objective(build()) == expected


@pytest.mark.parametrize("name", list(CASES))
def test_the_engine_reaches_the_optimum(name: str) -> None:
    """The engine's plan reaches the written-down optimum, and the verifier accepts it."""
    build, expected = CASES[name]
    case = build()
    plan = solve(case)
    assert verify(case, plan).ok
    assert objective(case, plan) == expected
