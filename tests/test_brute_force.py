"""The references themselves: brute force, the exact MIP and the local-move checker, on cases checkable by hand.

Each oracle is proved on its own before it judges allocate: the named cases below state their optimum, both
oracles must reach it, and on random tiny cases the exact MIP must equal brute force exactly.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allocate.plan import Allocation, Plan, Visit
from allocate.schema import Case, Household, Lot, Need, Policy, Service, Urgency, Volunteer
from support.brute_force import Objective, best_objective, feasible_plans, infeasibilities, objective, optimal_plan
from support.exact_mip import exact_objective, solve_exact
from support.local_moves import IDLE_HOURS, NONE_TIE, VISIT_INVERSION, WASTE, improvements
from support.tiny_cases import TIERS, tiny_cases

DAY = dt.date(2026, 3, 1)
F = Fraction
NONE: tuple[Fraction, ...] = ()  # an empty tier

ORACLES: dict[str, Callable[[Case], Objective]] = {"brute_force": best_objective, "exact_mip": exact_objective}
oracles = pytest.mark.parametrize("best", list(ORACLES.values()), ids=list(ORACLES))


def goods_case(needs: list[Need], lots: list[Lot], *, fairness: str = "leximin") -> Case:
    """Two households of grid A, H1 elderly and H2 general, under the default four tiers."""
    return Case(
        households=(Household(household_id="H1", grid="A", oldest_age=70), Household(household_id="H2", grid="A")),
        needs=tuple(needs),
        lots=tuple(lots),
        policy=Policy(plan_date=DAY, fairness=fairness),
    )


def need(nid: str, household: str, quantity: int, *, all_or_nothing: bool = False, item: str = "rice") -> Need:
    """A rice need (or another item's)."""
    return Need(need_id=nid, household_id=household, item=item, quantity=quantity, all_or_nothing=all_or_nothing)


def lot(lid: str, quantity: int, **extra: object) -> Lot:
    """A rice lot (or, with item=..., another item's)."""
    return Lot.model_validate({"lot_id": lid, "item": "rice", "quantity": quantity, **extra})


def test_enumerates_every_feasible_split() -> None:
    """One lot of 2 and one need of 2 give exactly three plans (0, 1, 2 units); all-or-nothing leaves two."""
    case = goods_case([need("N1", "H2", 2)], [lot("L1", 2)])
    assert sorted(sum(a.quantity for a in p.allocations) for p in feasible_plans(case)) == [0, 1, 2]
    case = goods_case([need("N1", "H2", 2, all_or_nothing=True)], [lot("L1", 2)])
    assert sorted(sum(a.quantity for a in p.allocations) for p in feasible_plans(case)) == [0, 2]


@oracles
def test_shortage_is_shared_in_proportion_within_a_tier(best: Callable[[Case], Objective]) -> None:
    """Three units for two general needs of 3 each: leximin gives 1 and 2 (fills 1/3, 2/3), not 0 and 3."""
    case = goods_case([need("N1", "H2", 3), need("N2", "H2", 3)], [lot("L1", 3)])
    assert best(case) == (NONE, NONE, NONE, (F(1, 3), F(2, 3)))


@oracles
def test_a_higher_tier_is_served_first(best: Callable[[Case], Objective]) -> None:
    """Three units, an elderly and a general need of 3: the elderly need takes all three."""
    case = goods_case([need("N1", "H1", 3), need("N2", "H2", 3)], [lot("L1", 3)])
    assert best(case) == (NONE, NONE, (F(1),), (F(0),))


@oracles
def test_reserved_lot_serves_the_priority_household_so_the_open_lot_reaches_others(
    best: Callable[[Case], Objective],
) -> None:
    """A lot reserved for the elderly beside an open one: both needs are filled."""
    case = goods_case([need("N1", "H1", 2), need("N2", "H2", 2)], [lot("L1", 2, reserved_for="elderly"), lot("L2", 2)])
    assert best(case) == (NONE, NONE, (F(1),), (F(1),))


@oracles
def test_grid_limits_and_expiry_decide_which_lot_may_give(best: Callable[[Case], Objective]) -> None:
    """A lot for grid B only, an expired lot and one usable on its last day: the A need gets only the last one."""
    lots = [lot("L1", 3, grids=("B",)), lot("L2", 3, expires=DAY - dt.timedelta(days=1)), lot("L3", 1, expires=DAY)]
    case = goods_case([need("N1", "H2", 3)], lots)
    assert best(case) == (NONE, NONE, NONE, (F(1, 3),))


@oracles
def test_all_or_nothing_need_is_whole_or_empty(best: Callable[[Case], Objective]) -> None:
    """Three units for an all-or-nothing need of 3 and a need of 3: one of them is filled, the other gets 0."""
    case = goods_case([need("N1", "H2", 3, all_or_nothing=True), need("N2", "H2", 3)], [lot("L1", 3)])
    assert best(case) == (NONE, NONE, NONE, (F(0), F(1)))


@oracles
def test_fairness_none_maximises_the_tier_total(best: Callable[[Case], Objective]) -> None:
    """With fairness "none" the objective is each tier's total fill: 2 units for needs of 1 and 2 give 1 + 1/2."""
    case = goods_case([need("N1", "H2", 1), need("N2", "H2", 2)], [lot("L1", 2)], fairness="none")
    assert best(case) == ((F(0),), (F(0),), (F(0),), (F(3, 2),))


@oracles
def test_fairness_none_breaks_a_tie_in_favour_of_the_lower_tier(best: Callable[[Case], Objective]) -> None:
    """Issue 9's tie: the elder's rice 1 rather than rice 4 (all or nothing) leaves rice for the general tier."""
    # both give the elderly tier a total of 1; only rice 1 leaves 3 units, one of them for the general household
    needs = [need("N1", "H1", 4, all_or_nothing=True), need("N2", "H1", 1), need("N3", "H2", 1)]
    case = goods_case(needs, [lot("L1", 4)], fairness="none")
    assert best(case) == ((F(0),), (F(0),), (F(1),), (F(1),))


def volunteer_case(
    households: list[Household],
    needs: list[Need],
    lots: list[Lot],
    volunteers: list[Volunteer],
    services: tuple[Service, ...] = (),
) -> Case:
    """A case with volunteers under the default policy."""
    return Case(
        households=tuple(households),
        needs=tuple(needs),
        lots=tuple(lots),
        volunteers=tuple(volunteers),
        services=services,
        policy=Policy(plan_date=DAY),
    )


@oracles
def test_volunteer_hours_limit_deliveries_and_services_need_the_skill(best: Callable[[Case], Objective]) -> None:
    """A quarter hour delivers one of two households; the service in grid B is done by its one skilled volunteer."""
    case = volunteer_case(
        [
            Household(household_id="H1", grid="A"),
            Household(household_id="H2", grid="A"),
            Household(household_id="H3", grid="B"),
        ],
        [need("N1", "H1", 1), need("N2", "H2", 1)],
        [lot("L1", 2)],
        [
            Volunteer(volunteer_id="V1", grids=("*",), hours=0.25),
            Volunteer(volunteer_id="V2", grids=("B",), hours=1.0, skills=("medical",)),
        ],
        (Service(service_id="S1", household_id="H3", skill="medical", hours=1.0),),
    )
    assert best(case) == (NONE, NONE, NONE, (F(0), F(1), F(1)))
    plan = optimal_plan(case)
    assert not infeasibilities(case, plan)
    assert [(v.volunteer_id, v.kind) for v in plan.visits] == [("V1", "delivery"), ("V2", "service")]


@oracles
def test_two_services_beat_one_delivery_of_part_of_a_need(best: Callable[[Case], Objective]) -> None:
    """Issue 9's counterexample: two 0.5 h services, (0, 1, 1), beat a delivery of 2 of 3 and one service."""
    # a critical need of 3 rice (2 in stock), two critical 0.5 h services, one volunteer of 1 h
    urgent = Urgency.CRITICAL
    case = volunteer_case(
        [Household(household_id="H1", grid="A")],
        [Need(need_id="N1", household_id="H1", item="rice", quantity=3, urgency=urgent)],
        [lot("L1", 2)],
        [Volunteer(volunteer_id="V1", grids=("A",), hours=1.0, skills=("medical",))],
        tuple(
            Service(service_id=f"S{i}", household_id="H1", skill="medical", hours=0.5, urgency=urgent) for i in (1, 2)
        ),
    )
    assert best(case)[0] == (F(0), F(1), F(1))


@oracles
def test_a_volunteer_of_two_grids_goes_where_only_they_can(best: Callable[[Case], Objective]) -> None:
    """V1 (grids A and B) delivers to the elder in A, V2 (only B) to the general household in B: both filled."""
    case = volunteer_case(
        [Household(household_id="H1", grid="A", oldest_age=70), Household(household_id="H2", grid="B")],
        [need("N1", "H1", 1), need("N2", "H2", 1)],
        [lot("L1", 2)],
        [
            Volunteer(volunteer_id="V1", grids=("A", "B"), hours=0.25),
            Volunteer(volunteer_id="V2", grids=("B",), hours=0.25),
        ],
    )
    assert best(case) == (NONE, NONE, (F(1),), (F(1),))


@oracles
def test_hours_left_reach_a_lower_tier(best: Callable[[Case], Objective]) -> None:
    """Issue 9's idle hours: with 1 milk for three elders, the second visit takes rice to the general household."""
    # three elders ask 1 milk (1 in stock), a general household 1 rice (1 in stock), one volunteer of 0.5 h
    homes = [Household(household_id=f"E{i}", grid="A", oldest_age=70) for i in range(3)]
    case = volunteer_case(
        [*homes, Household(household_id="G", grid="A")],
        [*(need(f"M{i}", f"E{i}", 1, item="milk") for i in range(3)), need("R", "G", 1)],
        [lot("milk", 1, item="milk"), lot("rice", 1)],
        [Volunteer(volunteer_id="V1", grids=("A",), hours=0.5)],
    )
    assert best(case) == (NONE, NONE, (F(0), F(0), F(1)), (F(1),))


@oracles
def test_a_short_service_leaves_time_for_a_delivery(best: Callable[[Case], Objective]) -> None:
    """Of two critical services (0.75 h, 0.25 h) a 0.75 h volunteer does the short one, so a delivery fits too."""
    urgent = Urgency.CRITICAL
    case = volunteer_case(
        [Household(household_id="H1", grid="A")],
        [need("N1", "H1", 1)],
        [lot("L1", 1)],
        [Volunteer(volunteer_id="V1", grids=("*",), hours=0.75, skills=("medical",))],
        (
            Service(service_id="S1", household_id="H1", skill="medical", hours=0.75, urgency=urgent),
            Service(service_id="S2", household_id="H1", skill="medical", hours=0.25, urgency=urgent),
        ),
    )
    assert best(case) == ((F(0), F(1)), NONE, NONE, (F(1),))


def plan_of(case: Case, rows: list[tuple[str, str, int]], visits: list[Visit]) -> Plan:
    """A plan of (need, lot, units) rows and visits."""
    allocations = tuple(Allocation(need_id=n, lot_id=li, quantity=q) for n, li, q in rows)
    return Plan(case=case, allocations=allocations, visits=tuple(visits), plan_date=DAY)


def delivery(household: str, volunteer: str = "V1", hours: float = 0.25) -> Visit:
    """A delivery visit."""
    return Visit(volunteer_id=volunteer, household_id=household, kind="delivery", hours=hours)


def service(sid: str, household: str, volunteer: str = "V1", hours: float = 1.0) -> Visit:
    """A service visit."""
    return Visit(volunteer_id=volunteer, household_id=household, kind="service", service_id=sid, hours=hours)


def rules_case() -> Case:
    """One elder in grid A with a rice need of 2 and a 1 h medical service; a grid-B household; V1 covers A."""
    return Case(
        households=(Household(household_id="H1", grid="A", oldest_age=70), Household(household_id="H2", grid="B")),
        needs=(need("N1", "H1", 2), need("N2", "H2", 2, all_or_nothing=True), need("N3", "H1", 1, item="oil")),
        lots=(
            lot("L1", 2),
            lot("L2", 2, reserved_for="critical"),
            lot("L3", 2, grids=("B",)),
            lot("L4", 2, expires=DAY - dt.timedelta(days=1)),
        ),
        volunteers=(Volunteer(volunteer_id="V1", grids=("A",), hours=1.5, skills=("medical",)),),
        services=(Service(service_id="S1", household_id="H1", skill="medical", hours=1.0),),
        policy=Policy(plan_date=DAY),
    )


BROKEN: dict[str, tuple[list[tuple[str, str, int]], list[Visit]]] = {
    "lot L1 may not give to need N3": ([("N3", "L1", 1)], [delivery("H1")]),  # wrong item
    "lot L2 may not give to need N1": ([("N1", "L2", 1)], [delivery("H1")]),  # reserved for a higher tier
    "lot L3 may not give to need N1": ([("N1", "L3", 1)], [delivery("H1")]),  # grid-limited
    "lot L4 may not give to need N1": ([("N1", "L4", 1)], [delivery("H1")]),  # expired
    "overdrawn": ([("N1", "L1", 2), ("N1", "L1", 1)], [delivery("H1")]),
    "over-asked": ([("N1", "L1", 2), ("N1", "L3", 1)], [delivery("H1")]),
    "partly filled": ([("N2", "L3", 1)], [delivery("H2")]),
    "0 deliveries": ([("N1", "L1", 1)], []),
    "2 deliveries": ([("N1", "L1", 1)], [delivery("H1"), delivery("H1")]),
    "H2 has 1 deliveries": ([], [delivery("H2")]),  # no goods, so no delivery
    "does not cover": ([("N2", "L3", 2)], [delivery("H2")]),
    "bad delivery": ([("N1", "L1", 1)], [delivery("H1", hours=0.5)]),
    "not done whole": ([], [service("S1", "H1", hours=0.5)]),
    "wrong household or skill": ([], [service("S1", "H2")]),
    "visited 2 times": ([], [service("S1", "H1"), service("S1", "H1", hours=1.0)]),
    "overbooked": ([("N1", "L1", 1)], [delivery("H1"), service("S1", "H1"), delivery("H1", hours=0.5)]),
    "unknown service": ([], [Visit(volunteer_id="V1", household_id="H1", kind="service", hours=1.0)]),
    "unknown id": ([("N9", "L1", 1)], []),
}


@pytest.mark.parametrize("expected", sorted(BROKEN))
def test_brute_force_names_every_feasibility_rule(expected: str) -> None:
    """Each plan below breaks one SPEC 3 feasibility rule, and `infeasibilities` says which."""
    rows, visits = BROKEN[expected]
    case = rules_case()
    reasons = infeasibilities(case, plan_of(case, rows, visits))
    assert any(expected in r for r in reasons), reasons


def test_brute_force_accepts_a_plan_that_uses_every_rule_correctly() -> None:
    """Rice from the open lot and the grid-B lot, both deliveries, and the service, within the hours: feasible."""
    case = rules_case().replace(
        volunteers=(
            Volunteer(volunteer_id="V1", grids=("A",), hours=1.25, skills=("medical",)),
            Volunteer(volunteer_id="V2", grids=("B",), hours=0.25),
        )
    )
    plan = plan_of(
        case, [("N1", "L1", 2), ("N2", "L3", 2)], [delivery("H1"), service("S1", "H1"), delivery("H2", "V2")]
    )
    assert infeasibilities(case, plan) == []


@settings(max_examples=300)
@given(tiny_cases())
def test_exact_mip_equals_brute_force_on_tiny_cases(case: Case) -> None:
    """The exact MIP's optimum equals brute force's, and its plan is feasible and reaches that optimum."""
    result = solve_exact(case)
    assert not infeasibilities(case, result.plan)
    assert objective(case, result.plan) == result.objective
    assert result.objective == best_objective(case)


@settings(max_examples=80)
@given(tiny_cases(), st.randoms(use_true_random=False))
def test_every_local_improvement_is_feasible_and_strictly_better(case: Case, rnd: object) -> None:
    """Every local improvement found is a feasible, strictly better plan; an optimal plan has none."""
    import random

    assert isinstance(rnd, random.Random)
    plans = list(itertools.islice(feasible_plans(case), 200))
    best = best_objective(case)
    for plan in rnd.sample(plans, min(5, len(plans))):
        found = improvements(case, plan)
        for better in found:
            assert not infeasibilities(case, better.better), str(better)
            assert objective(case, better.better) > objective(case, plan), str(better)
        if objective(case, plan) == best:
            assert not found, [str(i) for i in found]


def test_local_moves_name_issue_9s_examples() -> None:
    """Idle hours beside a waiting household, a lower-tier visit beside a higher-tier one, the fairness "none" tie."""
    homes = [Household(household_id="E", grid="A", oldest_age=70), Household(household_id="G", grid="A")]
    case = volunteer_case(
        homes,
        [need("M", "E", 1, item="milk"), need("R", "G", 1)],
        [lot("milk", 1, item="milk"), lot("rice", 1)],
        [Volunteer(volunteer_id="V1", grids=("A",), hours=0.5)],
    )
    idle = plan_of(case, [("M", "milk", 1)], [delivery("E")])
    assert {(i.rule, i.ids) for i in improvements(case, idle)} == {(IDLE_HOURS, ("V1", "", "R", "rice"))}
    short = case.replace(volunteers=(Volunteer(volunteer_id="V1", grids=("A",), hours=0.25),))
    inverted = plan_of(short, [("R", "rice", 1)], [delivery("G")])
    assert {i.rule for i in improvements(short, inverted)} == {VISIT_INVERSION}
    tie = goods_case(
        [need("N1", "H1", 4, all_or_nothing=True), need("N2", "H1", 1), need("N3", "H2", 1)],
        [lot("L1", 4)],
        fairness="none",
    )
    assert {i.rule for i in improvements(tie, plan_of(tie, [("N1", "L1", 4)], []))} == {NONE_TIE}
    wasteful = goods_case([need("N1", "H1", 2)], [lot("L1", 2)])
    assert {i.rule for i in improvements(wasteful, plan_of(wasteful, [("N1", "L1", 1)], []))} == {WASTE}


def test_tiers_of_the_tiny_cases() -> None:
    """The tiny cases' three tiers: critical by urgency, elderly by age (or a manual raise), general."""
    case = Case(
        households=(
            Household(household_id="H1", grid="A", oldest_age=70),
            Household(household_id="H2", grid="A", tier="elderly"),
            Household(household_id="H3", grid="A"),
        ),
        needs=(
            need("N1", "H1", 1),
            need("N2", "H2", 1),
            need("N3", "H3", 1),
            Need(need_id="N4", household_id="H3", item="rice", quantity=1, urgency=Urgency.CRITICAL),
        ),
        lots=(),
        policy=Policy(plan_date=DAY, tiers=TIERS),
    )
    assert case.need_tiers == (1, 1, 2, 0)
