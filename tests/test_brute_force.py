"""The brute-force reference itself, on cases small enough to check by hand."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from allocate.schema import Case, Household, Lot, Need, Policy, Service, Volunteer
from support.brute_force import best_objective, feasible_plans, infeasibilities, optimal_plan

DAY = dt.date(2026, 3, 1)
F = Fraction
NONE: tuple[Fraction, ...] = ()  # an empty tier


def goods_case(needs: list[Need], lots: list[Lot], *, fairness: str = "leximin") -> Case:
    """Two households of grid A, H1 elderly and H2 general, under the default four tiers."""
    return Case(
        households=(Household(household_id="H1", grid="A", oldest_age=70), Household(household_id="H2", grid="A")),
        needs=tuple(needs),
        lots=tuple(lots),
        policy=Policy(plan_date=DAY, fairness=fairness),
    )


def need(nid: str, household: str, quantity: int, *, all_or_nothing: bool = False) -> Need:
    """A rice need."""
    return Need(need_id=nid, household_id=household, item="rice", quantity=quantity, all_or_nothing=all_or_nothing)


def lot(lid: str, quantity: int, **extra: object) -> Lot:
    """A rice lot."""
    return Lot.model_validate({"lot_id": lid, "item": "rice", "quantity": quantity, **extra})


def test_enumerates_every_feasible_split() -> None:
    """One lot of 2 and one need of 2 give exactly three plans (0, 1, 2 units); all-or-nothing leaves two."""
    case = goods_case([need("N1", "H2", 2)], [lot("L1", 2)])
    assert sorted(sum(a.quantity for a in p.allocations) for p in feasible_plans(case)) == [0, 1, 2]
    case = goods_case([need("N1", "H2", 2, all_or_nothing=True)], [lot("L1", 2)])
    assert sorted(sum(a.quantity for a in p.allocations) for p in feasible_plans(case)) == [0, 2]


def test_shortage_is_shared_in_proportion_within_a_tier() -> None:
    """Three units for two general needs of 3 each: leximin gives 1 and 2 (fills 1/3, 2/3), not 0 and 3."""
    case = goods_case([need("N1", "H2", 3), need("N2", "H2", 3)], [lot("L1", 3)])
    assert best_objective(case) == (NONE, NONE, NONE, (F(1, 3), F(2, 3)))


def test_a_higher_tier_is_served_first() -> None:
    """Three units, an elderly and a general need of 3: the elderly need takes all three."""
    case = goods_case([need("N1", "H1", 3), need("N2", "H2", 3)], [lot("L1", 3)])
    assert best_objective(case) == (NONE, NONE, (F(1),), (F(0),))


def test_reserved_lot_serves_the_priority_household_so_the_open_lot_reaches_others() -> None:
    """A lot reserved for the elderly beside an open one: both needs are filled."""
    case = goods_case([need("N1", "H1", 2), need("N2", "H2", 2)], [lot("L1", 2, reserved_for="elderly"), lot("L2", 2)])
    assert best_objective(case) == (NONE, NONE, (F(1),), (F(1),))


def test_all_or_nothing_need_is_whole_or_empty() -> None:
    """Three units for an all-or-nothing need of 3 and a need of 3: one of them is filled, the other gets 0."""
    case = goods_case([need("N1", "H2", 3, all_or_nothing=True), need("N2", "H2", 3)], [lot("L1", 3)])
    assert best_objective(case) == (NONE, NONE, NONE, (F(0), F(1)))


def test_fairness_none_maximises_the_tier_total() -> None:
    """With fairness "none" the objective is each tier's total fill: 2 units for needs of 1 and 2 give 1 + 1/2."""
    case = goods_case([need("N1", "H2", 1), need("N2", "H2", 2)], [lot("L1", 2)], fairness="none")
    assert best_objective(case) == ((F(0),), (F(0),), (F(0),), (F(3, 2),))


def test_volunteer_hours_limit_deliveries_and_services_need_the_skill() -> None:
    """A quarter hour delivers one of two households; the service in grid B is done by its one skilled volunteer."""
    case = Case(
        households=(
            Household(household_id="H1", grid="A"),
            Household(household_id="H2", grid="A"),
            Household(household_id="H3", grid="B"),
        ),
        needs=(need("N1", "H1", 1), need("N2", "H2", 1)),
        lots=(lot("L1", 2),),
        volunteers=(
            Volunteer(volunteer_id="V1", grids=("*",), hours=0.25),
            Volunteer(volunteer_id="V2", grids=("B",), hours=1.0, skills=("medical",)),
        ),
        services=(Service(service_id="S1", household_id="H3", skill="medical", hours=1.0),),
        policy=Policy(plan_date=DAY),
    )
    plan = optimal_plan(case)
    assert best_objective(case) == (NONE, NONE, NONE, (F(0), F(1), F(1)))
    assert not infeasibilities(case, plan)
    assert [(v.volunteer_id, v.kind) for v in plan.visits] == [("V1", "delivery"), ("V2", "service")]
