"""Reasons on named cases where each reason is the only right one, and properties of every shortfall list."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocate.explain import VOLUNTEER_REASONS, Reason, Shortfall, shortfalls
from allocate.generate import demo_case, generate
from allocate.plan import Plan
from allocate.schema import Case, Household, Lot, Need, Policy, Service, Volunteer
from allocate.solve import solve
from allocate.verify import verify

DAY = dt.date(2026, 3, 1)
POLICY = Policy(plan_date=DAY)
OLD = Household(household_id="old", grid="g", oldest_age=70)  # elderly
YOUNG = Household(household_id="young", grid="g")  # general
YOUNG_2 = Household(household_id="young2", grid="g")  # general


def case(
    households: tuple[Household, ...],
    needs: tuple[Need, ...],
    lots: tuple[Lot, ...],
    volunteers: tuple[Volunteer, ...] | None = None,
    services: tuple[Service, ...] = (),
) -> Case:
    """A case under the default tiers and a fixed plan date."""
    return Case(households=households, needs=needs, lots=lots, volunteers=volunteers, services=services, policy=POLICY)


def solved(c: Case) -> Plan:
    """Solve and insist the verifier accepts the plan, so reasons are read from a correct plan."""
    plan = solve(c)
    check = verify(c, plan)
    assert check.ok, check.violations
    return plan


def reasons(c: Case) -> dict[str, Reason]:
    """The reason of each shortfall of the solved case, by id."""
    return {s.id: s.reason for s in shortfalls(solved(c))}


def rice(household: str, quantity: int, *, whole: bool = False) -> Need:
    return Need(household_id=household, item="rice", quantity=quantity, all_or_nothing=whole)


def test_no_supply_when_no_lot_holds_the_item() -> None:
    """Rice asked, only oil donated: no_supply."""
    c = case((YOUNG,), (rice("young", 2),), (Lot(lot_id="L1", item="oil", quantity=5),))
    assert reasons(c) == {"young/rice": Reason.NO_SUPPLY}


def test_a_lot_of_zero_units_is_no_supply() -> None:
    """A rice lot holding 0 units is no supply at all."""
    c = case((YOUNG,), (rice("young", 2),), (Lot(lot_id="L1", item="rice", quantity=0),))
    assert reasons(c) == {"young/rice": Reason.NO_SUPPLY}


@pytest.mark.parametrize(
    "lot",
    [
        Lot(lot_id="old", item="rice", quantity=5, expires=DAY - dt.timedelta(days=1)),
        Lot(lot_id="earmarked", item="rice", quantity=5, reserved_for="elderly"),
        Lot(lot_id="local", item="rice", quantity=5, grids=("elsewhere",)),
    ],
    ids=["expired", "reserved", "other_grid"],
)
def test_not_eligible_when_expiry_earmark_or_grid_excludes_the_household(lot: Lot) -> None:
    """Rice exists, but expired, reserved for a higher tier, or limited to another grid: not_eligible."""
    c = case((YOUNG,), (rice("young", 2),), (lot,))
    assert reasons(c) == {"young/rice": Reason.NOT_ELIGIBLE}


@pytest.mark.parametrize(
    "volunteer",
    [
        Volunteer(volunteer_id="v", grids=("elsewhere",), hours=8),
        Volunteer(volunteer_id="v", grids=("g",), hours=0),
        Volunteer(volunteer_id="v", grids=("g",), hours=0.1),
    ],
    ids=["other_grid", "no_hours", "less_than_a_visit"],
)
def test_no_volunteer_for_a_grid_nobody_can_reach(volunteer: Volunteer) -> None:
    """Plenty of rice, but no volunteer covering the grid offers one delivery's hours: no_volunteer."""
    c = case((YOUNG,), (rice("young", 2),), (Lot(lot_id="L1", item="rice", quantity=9),), volunteers=(volunteer,))
    assert reasons(c) == {"young/rice": Reason.NO_VOLUNTEER}


def test_no_volunteer_for_a_service_nobody_has_the_skill_for() -> None:
    """The only volunteer in the grid lacks the skill: the service is no_volunteer."""
    c = case(
        (YOUNG,),
        (),
        (),
        volunteers=(Volunteer(volunteer_id="v", grids=("g",), hours=8, skills=("escort",)),),
        services=(Service(household_id="young", skill="nursing", hours=1),),
    )
    assert reasons(c) == {"young/nursing": Reason.NO_VOLUNTEER}


def test_volunteer_hours_exhausted_when_a_higher_tier_took_the_only_visit() -> None:
    """One volunteer, time for one delivery: the elderly household gets it, the general one waits."""
    c = case(
        (OLD, YOUNG),
        (rice("old", 1), rice("young", 1)),
        (Lot(lot_id="L1", item="rice", quantity=9),),
        volunteers=(Volunteer(volunteer_id="v", grids=("g",), hours=0.25),),
    )
    assert reasons(c) == {"young/rice": Reason.VOLUNTEER_HOURS_EXHAUSTED}


def test_volunteer_hours_exhausted_for_a_service() -> None:
    """One hour of nursing for two one-hour services: the general tier's service is not done."""
    c = case(
        (OLD, YOUNG),
        (),
        (),
        volunteers=(Volunteer(volunteer_id="v", grids=("g",), hours=1, skills=("nursing",)),),
        services=tuple(Service(household_id=h, skill="nursing", hours=1) for h in ("old", "young")),
    )
    assert reasons(c) == {"young/nursing": Reason.VOLUNTEER_HOURS_EXHAUSTED}


def test_all_or_nothing_when_the_stock_left_is_less_than_the_whole() -> None:
    """One wheelchair left for an all-or-nothing need of two: all_or_nothing."""
    c = case((YOUNG,), (rice("young", 2, whole=True),), (Lot(lot_id="L1", item="rice", quantity=1),))
    assert reasons(c) == {"young/rice": Reason.ALL_OR_NOTHING}


def test_all_or_nothing_when_the_stock_went_to_a_lower_tier() -> None:
    """Two bags cannot fill the elderly all-or-nothing need of 3, so they go to the general need: all_or_nothing."""
    c = case((OLD, YOUNG), (rice("old", 3, whole=True), rice("young", 2)), (Lot(lot_id="L1", item="rice", quantity=2),))
    plan = solved(c)
    assert plan.received == {"young/rice": 2}
    assert {s.id: s.reason for s in shortfalls(plan)} == {"old/rice": Reason.ALL_OR_NOTHING}


def test_fair_share_when_the_tier_shares_a_scarce_item() -> None:
    """Three bags for two general needs of 2 and 4: each gets half, both fair_share."""
    c = case((YOUNG, YOUNG_2), (rice("young", 2), rice("young2", 4)), (Lot(lot_id="L1", item="rice", quantity=3),))
    plan = solved(c)
    assert plan.received == {"young/rice": 1, "young2/rice": 2}
    assert {s.id: s.reason for s in shortfalls(plan)} == {
        "young/rice": Reason.FAIR_SHARE,
        "young2/rice": Reason.FAIR_SHARE,
    }


@pytest.mark.parametrize(("stock", "left_for_general"), [(3, 0), (4, 1)])
def test_supply_exhausted_when_a_higher_tier_took_the_stock(stock: int, left_for_general: int) -> None:
    """The elderly need of 3 is served first; the general one gets what remains (0 or 1 of 2): supply_exhausted."""
    c = case((OLD, YOUNG), (rice("old", 3), rice("young", 2)), (Lot(lot_id="L1", item="rice", quantity=stock),))
    plan = solved(c)
    assert plan.received.get("young/rice", 0) == left_for_general
    assert {s.id: s.reason for s in shortfalls(plan)} == {"young/rice": Reason.SUPPLY_EXHAUSTED}


def test_undelivered_household_with_hours_to_spare_is_a_supply_reason() -> None:
    """The volunteer has hours left, the general household got no delivery because no rice was left for it."""
    c = case(
        (OLD, YOUNG),
        (rice("old", 3), rice("young", 2)),
        (Lot(lot_id="L1", item="rice", quantity=3),),
        volunteers=(Volunteer(volunteer_id="v", grids=("g",), hours=2),),
    )
    assert reasons(c) == {"young/rice": Reason.SUPPLY_EXHAUSTED}


def test_reasons_are_tested_in_order() -> None:
    """A household nobody can reach that asks for an undonated item: no_supply comes first."""
    c = case(
        (YOUNG,),
        (Need(household_id="young", item="salt", quantity=1),),
        (),
        volunteers=(Volunteer(volunteer_id="v", grids=("elsewhere",), hours=8),),
    )
    assert reasons(c) == {"young/salt": Reason.NO_SUPPLY}


def test_shortfall_rows_carry_the_numbers_of_unmet_csv() -> None:
    """A row says kind, ids, grid, tier, item, requested, received and shortfall."""
    c = case((OLD, YOUNG), (rice("old", 3), rice("young", 2)), (Lot(lot_id="L1", item="rice", quantity=4),))
    assert shortfalls(solved(c)) == (
        Shortfall(
            kind="need",
            id="young/rice",
            household_id="young",
            grid="g",
            tier="general",
            item_or_skill="rice",
            requested=2,
            received=1,
            shortfall=1,
            reason=Reason.SUPPLY_EXHAUSTED,
        ),
    )


def test_demo_reasons() -> None:
    """The demo: rice and blood-pressure drugs shared inside tiers, glucose strips never donated."""
    rows = shortfalls(solve(demo_case()))
    by_item = {(s.item_or_skill, s.reason) for s in rows}
    assert ("大米(袋)", Reason.FAIR_SHARE) in by_item
    assert ("血糖试纸(盒)", Reason.NO_SUPPLY) in by_item
    assert all(s.reason is Reason.NO_SUPPLY for s in rows if s.item_or_skill == "血糖试纸(盒)")


def check_rows(plan: Plan) -> None:
    """Every short need and undone service appears once, in case order, with a reason that fits the facts."""
    c = plan.case
    rows = shortfalls(plan)
    short_needs = [n.need_id for n in c.needs if plan.received.get(n.need_id, 0) < n.quantity]
    undone = [s.service_id for s in c.services if s.service_id not in plan.served_services]
    assert [s.id for s in rows] == short_needs + undone
    supplied = {lot.item for lot in c.lots if lot.quantity > 0}
    delivered = {v.household_id for v in plan.visits if v.kind == "delivery"}
    for s in rows:
        assert s.shortfall == s.requested - s.received > 0
        if s.kind == "service":
            assert s.reason in VOLUNTEER_REASONS
            continue
        assert (s.reason is Reason.NO_SUPPLY) == (s.item_or_skill not in supplied)
        if s.reason in VOLUNTEER_REASONS:
            assert s.received == 0
            assert s.household_id not in delivered


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households=st.integers(5, 60), seed=st.integers(0, 10_000))
def test_generated_cases_have_one_fitting_reason_per_shortfall(households: int, seed: int) -> None:
    """On generated cases every shortfall is listed once, in case order, with a reason that fits the facts."""
    check_rows(solve(generate(households, seed)))
