"""The verifier: each rule caught on a tiny hand-made plan, by name and amount; correct plans pass."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocate.plan import Allocation, Plan, Visit
from allocate.schema import Case, Household, Lot, Need, Policy, Service, Urgency, Volunteer
from allocate.verify import Rule, Verification, Violation, verify
from support.brute_force import eligible, feasible_plans, infeasibilities, optimal_plan
from support.tiny_cases import neighbours, tiny_cases

DAY = dt.date(2026, 3, 1)

ELDER = Household(household_id="H1", grid="A", oldest_age=70)  # tier "elderly" (rank 2)
YOUNG = Household(household_id="H2", grid="B")  # tier "general" (rank 3)


def make_case(
    needs: list[Need],
    lots: list[Lot],
    *,
    households: tuple[Household, ...] = (ELDER, YOUNG),
    volunteers: list[Volunteer] | None = None,
    services: tuple[Service, ...] = (),
) -> Case:
    """A case under the default policy dated DAY."""
    return Case(
        households=households,
        needs=tuple(needs),
        lots=tuple(lots),
        volunteers=None if volunteers is None else tuple(volunteers),
        services=services,
        policy=Policy(plan_date=DAY),
    )


def make_plan(case: Case, allocations: list[tuple[str, str, int]], visits: tuple[Visit, ...] = ()) -> Plan:
    """A plan of (need, lot, units) rows and visits, dated DAY."""
    rows = tuple(Allocation(need_id=n, lot_id=lot, quantity=q) for n, lot, q in allocations)
    return Plan(case=case, allocations=rows, visits=visits, plan_date=DAY)


def delivery(household: str, volunteer: str = "V1", hours: float = 0.25) -> Visit:
    """A delivery visit."""
    return Visit(volunteer_id=volunteer, household_id=household, kind="delivery", hours=hours)


def service_visit(service: str, household: str = "H1", volunteer: str = "V1", hours: float = 1.0) -> Visit:
    """A service visit."""
    return Visit(volunteer_id=volunteer, household_id=household, kind="service", service_id=service, hours=hours)


def single(result: Verification) -> Violation:
    """The one violation of `result` (fails unless there is exactly one)."""
    assert len(result.violations) == 1, str(result)
    return result.violations[0]


RICE = Need(need_id="N1", household_id="H1", item="rice", quantity=3)
RICE2 = Need(need_id="N2", household_id="H2", item="rice", quantity=3)
OIL2 = Need(need_id="N3", household_id="H2", item="oil", quantity=2)
V1 = Volunteer(volunteer_id="V1", grids=("A",), hours=2.0, skills=("medical",))
CARE = Service(service_id="S1", household_id="H1", skill="medical", hours=1.0)


def test_a_correct_plan_passes_with_tier_statistics() -> None:
    """A feasible, priority-respecting, waste-free plan passes, and each tier's min/mean fill is reported."""
    case = make_case(
        [RICE, RICE2, OIL2], [Lot(lot_id="L1", item="rice", quantity=4), Lot(lot_id="L2", item="oil", quantity=2)]
    )
    result = verify(case, make_plan(case, [("N1", "L1", 3), ("N2", "L1", 1), ("N3", "L2", 2)]))
    assert result.ok, str(result)
    assert result.feasible
    elderly, general = result.tiers[2], result.tiers[3]
    assert (elderly.tier, elderly.needs, elderly.households, elderly.min_fill, elderly.fully_served) == (
        ("elderly", 1, 1, 1.0, 1)
    )
    assert (general.needs, general.households, general.fully_served) == (2, 1, 1)
    assert general.min_fill == pytest.approx(1 / 3)
    assert general.mean_fill == pytest.approx(2 / 3)
    assert result.tiers[0].min_fill is None
    assert result.tiers[0].needs == 0


def test_plan_date_other_than_the_policys_is_caught() -> None:
    """A plan dated otherwise than the policy's fixed plan date is reported."""
    case = make_case([RICE], [])
    plan = Plan(case=case, allocations=(), plan_date=DAY + dt.timedelta(days=1))
    assert single(verify(case, plan)).rule == Rule.PLAN_DATE


def test_unknown_need_and_lot_are_caught() -> None:
    """Allocations naming a need or a lot the case does not have are reported, each by its id."""
    case = make_case([RICE], [Lot(lot_id="L1", item="rice", quantity=0)])
    result = verify(case, make_plan(case, [("N9", "L1", 1), ("N1", "L9", 1)]))
    got = [(v.rule, v.ids) for v in result.violations if v.rule == Rule.UNKNOWN_ID]
    assert got == [(Rule.UNKNOWN_ID, ("N9",)), (Rule.UNKNOWN_ID, ("L9",))]


def test_wrong_item_is_caught() -> None:
    """A rice lot given to an oil need is reported with the units given."""
    case = make_case([OIL2], [Lot(lot_id="L1", item="rice", quantity=2)])
    v = single(verify(case, make_plan(case, [("N3", "L1", 2)])))
    assert (v.rule, v.amount, v.ids) == (Rule.WRONG_ITEM, 2, ("L1", "N3"))


def test_reserved_lot_refused_to_lower_tier_allowed_to_higher() -> None:
    """A lot reserved for the elderly may not reach the general tier, but the elderly (and higher) may take it."""
    lot = Lot(lot_id="L1", item="rice", quantity=3, reserved_for="elderly")
    case = make_case([RICE2], [lot])
    v = single(verify(case, make_plan(case, [("N2", "L1", 1)])))
    assert (v.rule, v.amount, v.ids) == (Rule.RESERVED_FOR, 1, ("L1", "N2"))
    case = make_case([RICE], [lot])
    assert verify(case, make_plan(case, [("N1", "L1", 3)])).ok


def test_grid_limited_lot_is_caught() -> None:
    """A lot limited to grid A given to a household of grid B is reported."""
    case = make_case([RICE2], [Lot(lot_id="L1", item="rice", quantity=3, grids=("A",))])
    v = single(verify(case, make_plan(case, [("N2", "L1", 3)])))
    assert (v.rule, v.amount) == (Rule.GRID_LIMITED, 3)
    assert "grid B" in v.message


def test_expired_lot_is_caught_but_usable_on_its_last_day() -> None:
    """A lot that expired the day before the plan date may not give; one expiring on the plan date may."""
    expired = Lot(lot_id="L1", item="rice", quantity=3, expires=DAY - dt.timedelta(days=1))
    case = make_case([RICE], [expired])
    v = single(verify(case, make_plan(case, [("N1", "L1", 3)])))
    assert (v.rule, v.amount) == (Rule.EXPIRED, 3)
    last_day = make_case([RICE], [expired.model_copy(update={"expires": DAY})])
    assert verify(last_day, make_plan(last_day, [("N1", "L1", 3)])).ok


def test_overdrawn_lot_is_caught_with_the_excess() -> None:
    """A lot giving 5 units when it holds 4 is reported as over by 1."""
    case = make_case([RICE, RICE2], [Lot(lot_id="L1", item="rice", quantity=4)])
    v = single(verify(case, make_plan(case, [("N1", "L1", 3), ("N2", "L1", 2)])))
    assert (v.rule, v.amount) == (Rule.LOT_OVERDRAWN, 1)
    assert v.message == "lot L1 gives 5 units but holds 4 (over by 1)"


def test_need_given_more_than_asked_is_caught() -> None:
    """A need receiving 4 units (from two lots) when it asks for 3 is reported as over by 1."""
    lots = [Lot(lot_id="L1", item="rice", quantity=2), Lot(lot_id="L2", item="rice", quantity=2)]
    case = make_case([RICE], lots)
    v = single(verify(case, make_plan(case, [("N1", "L1", 2), ("N1", "L2", 2)])))
    assert (v.rule, v.amount, v.ids) == (Rule.OVER_ASKED, 1, ("N1",))


def test_partly_filled_all_or_nothing_need_is_caught() -> None:
    """An all-or-nothing need of 3 receiving 2 is reported as short by 1."""
    need = RICE.model_copy(update={"all_or_nothing": True})
    case = make_case([need], [Lot(lot_id="L1", item="rice", quantity=2)])
    v = single(verify(case, make_plan(case, [("N1", "L1", 2)])))
    assert (v.rule, v.amount) == (Rule.ALL_OR_NOTHING, 1)


def test_visits_without_a_volunteers_table_are_caught() -> None:
    """Without a volunteers table deliveries are not limited, and a plan naming volunteers is wrong."""
    case = make_case([RICE], [Lot(lot_id="L1", item="rice", quantity=3)])
    v = single(verify(case, make_plan(case, [("N1", "L1", 3)], (delivery("H1"),))))
    assert (v.rule, v.ids) == (Rule.UNKNOWN_ID, ("V1",))


def test_a_correct_plan_with_volunteers_passes() -> None:
    """Goods delivered once by a covering volunteer and a service done whole by a skilled one pass."""
    case = make_case([RICE], [Lot(lot_id="L1", item="rice", quantity=3)], volunteers=[V1], services=(CARE,))
    result = verify(case, make_plan(case, [("N1", "L1", 3)], (delivery("H1"), service_visit("S1"))))
    assert result.ok, str(result)
    assert (result.tiers[2].services, result.tiers[2].min_fill) == (1, 1.0)


def test_household_with_goods_but_no_delivery_is_caught() -> None:
    """A household that receives goods without a delivery visit is reported."""
    case = make_case([RICE], [Lot(lot_id="L1", item="rice", quantity=3)], volunteers=[V1])
    v = single(verify(case, make_plan(case, [("N1", "L1", 3)])))
    assert (v.rule, v.ids) == (Rule.NO_DELIVERY_VISIT, ("H1",))


def test_second_delivery_visit_is_caught() -> None:
    """Two delivery visits to one household are reported as one extra."""
    case = make_case([RICE], [Lot(lot_id="L1", item="rice", quantity=3)], volunteers=[V1])
    v = single(verify(case, make_plan(case, [("N1", "L1", 3)], (delivery("H1"), delivery("H1")))))
    assert (v.rule, v.amount) == (Rule.EXTRA_DELIVERY_VISIT, 1)


def test_delivery_to_a_household_without_goods_is_caught() -> None:
    """A delivery visit to a household that receives nothing wastes hours and is reported."""
    case = make_case([RICE], [], volunteers=[V1])
    v = single(verify(case, make_plan(case, [], (delivery("H1"),))))
    assert (v.rule, v.amount) == (Rule.EMPTY_DELIVERY_VISIT, 0.25)


def test_delivery_of_the_wrong_length_is_caught() -> None:
    """A delivery visit must take exactly the policy's visit_hours."""
    case = make_case([RICE], [Lot(lot_id="L1", item="rice", quantity=3)], volunteers=[V1])
    v = single(verify(case, make_plan(case, [("N1", "L1", 3)], (delivery("H1", hours=0.5),))))
    assert (v.rule, v.amount) == (Rule.WRONG_VISIT_HOURS, 0.25)


def test_delivery_naming_a_service_is_malformed() -> None:
    """A delivery visit that names a service is reported as malformed."""
    case = make_case([RICE], [Lot(lot_id="L1", item="rice", quantity=3)], volunteers=[V1], services=(CARE,))
    bad = Visit(volunteer_id="V1", household_id="H1", kind="delivery", service_id="S1", hours=0.25)
    v = single(verify(case, make_plan(case, [("N1", "L1", 3)], (bad,))))
    assert v.rule == Rule.MALFORMED_VISIT


def test_volunteer_outside_their_grids_is_caught() -> None:
    """A volunteer of grid A delivering to grid B is reported."""
    case = make_case([RICE2], [Lot(lot_id="L1", item="rice", quantity=3)], volunteers=[V1])
    v = single(verify(case, make_plan(case, [("N2", "L1", 3)], (delivery("H2"),))))
    assert (v.rule, v.ids) == (Rule.VISIT_NOT_COVERING_GRID, ("V1", "H2"))


def test_unknown_volunteer_household_and_service_are_caught() -> None:
    """Visits naming a volunteer, household or service the case does not have are reported."""
    case = make_case([RICE], [], volunteers=[V1], services=(CARE,))
    visits = (service_visit("S1", volunteer="V9"), service_visit("S9"), delivery("H9"))
    result = verify(case, make_plan(case, [], visits))
    assert [(v.rule, v.ids) for v in result.violations] == [
        (Rule.UNKNOWN_ID, ("V9",)),
        (Rule.UNKNOWN_ID, ("H9",)),
        (Rule.UNKNOWN_ID, ("S9",)),
    ]


def test_service_visit_to_another_household_is_caught() -> None:
    """A service visit must go to the service's own household."""
    case = make_case([], [], volunteers=[V1.model_copy(update={"grids": ("*",)})], services=(CARE,))
    v = single(verify(case, make_plan(case, [], (service_visit("S1", household="H2"),))))
    assert (v.rule, v.ids) == (Rule.WRONG_HOUSEHOLD, ("S1", "H2"))


def test_service_cut_short_is_caught() -> None:
    """A one-hour service given half an hour is not done whole: short by 0.5 h."""
    case = make_case([], [], volunteers=[V1], services=(CARE,))
    v = single(verify(case, make_plan(case, [], (service_visit("S1", hours=0.5),))))
    assert (v.rule, v.amount) == (Rule.SERVICE_NOT_WHOLE, 0.5)


def test_service_booked_too_long_is_caught() -> None:
    """A one-hour service booked for 1.5 h is reported as wrong visit hours, over by 0.5 h."""
    case = make_case([], [], volunteers=[V1], services=(CARE,))
    v = single(verify(case, make_plan(case, [], (service_visit("S1", hours=1.5),))))
    assert (v.rule, v.amount) == (Rule.WRONG_VISIT_HOURS, 0.5)


def test_service_done_twice_is_caught() -> None:
    """At most one visit per service: a second is reported."""
    case = make_case([], [], volunteers=[V1], services=(CARE,))
    v = single(verify(case, make_plan(case, [], (service_visit("S1"), service_visit("S1")))))
    assert (v.rule, v.amount) == (Rule.SERVICE_REPEATED, 1)


def test_service_without_the_skill_is_caught() -> None:
    """A volunteer without the service's skill may not do it."""
    case = make_case([], [], volunteers=[V1.model_copy(update={"skills": ()})], services=(CARE,))
    v = single(verify(case, make_plan(case, [], (service_visit("S1"),))))
    assert (v.rule, v.ids) == (Rule.SERVICE_SKILL, ("V1", "S1"))


def test_overbooked_volunteer_is_caught_within_tolerance() -> None:
    """Hours beyond a volunteer's offer (over 1e-9) are reported; float round-off within it is not."""
    tight = [V1.model_copy(update={"hours": 0.75})]
    three = tuple(Service(service_id=f"S{i}", household_id="H1", skill="medical", hours=0.1 * i) for i in (1, 2, 3))
    case = make_case([], [], volunteers=tight, services=three)
    ok = make_plan(case, [], tuple(service_visit(s.service_id, hours=s.hours) for s in three))
    assert sum(s.hours for s in three) > 0.6  # 0.6000000000000001 h of 0.75 offered
    assert verify(case, ok).ok
    long_one = (Service(service_id="S1", household_id="H1", skill="medical", hours=1.0),)
    case = make_case([], [], volunteers=tight, services=long_one)
    v = single(verify(case, make_plan(case, [], (service_visit("S1"),))))
    assert (v.rule, v.amount) == (Rule.VOLUNTEER_OVERBOOKED, 0.25)


def test_priority_inversion_is_caught() -> None:
    """Rice reaching the general tier while an eligible elderly need is short is an inversion, amount movable."""
    case = make_case([RICE, RICE2], [Lot(lot_id="L1", item="rice", quantity=4)])
    result = verify(case, make_plan(case, [("N1", "L1", 1), ("N2", "L1", 3)]))
    v = single(result)
    assert (v.rule, v.amount, v.ids) == (Rule.PRIORITY_INVERSION, 2, ("L1", "N1", "N2"))
    assert result.feasible
    assert not result.ok


def test_no_inversion_when_the_higher_need_cannot_take_the_lot() -> None:
    """A lower tier may take a grid-limited lot the short higher-tier need is not eligible for."""
    lots = [Lot(lot_id="L1", item="rice", quantity=3, grids=("B",))]
    case = make_case([RICE, RICE2], lots)
    assert verify(case, make_plan(case, [("N2", "L1", 3)])).ok


def test_all_or_nothing_inversion_only_when_freed_units_cover_the_need() -> None:
    """A short all-or-nothing need of 3 counts only if the lot's lower-tier units plus its leftover reach 3."""
    whole = RICE.model_copy(update={"all_or_nothing": True})
    case = make_case([whole, RICE2.model_copy(update={"quantity": 2})], [Lot(lot_id="L1", item="rice", quantity=2)])
    assert verify(case, make_plan(case, [("N2", "L1", 2)])).ok  # 2 units could never fill 3
    case = make_case([whole, RICE2], [Lot(lot_id="L1", item="rice", quantity=3)])
    v = single(verify(case, make_plan(case, [("N2", "L1", 3)])))
    assert (v.rule, v.amount) == (Rule.PRIORITY_INVERSION, 3)


def test_waste_is_caught() -> None:
    """Usable units left while an eligible need is short are waste, amount the units that could be given."""
    case = make_case([RICE], [Lot(lot_id="L1", item="rice", quantity=5)])
    v = single(verify(case, make_plan(case, [("N1", "L1", 1)])))
    assert (v.rule, v.amount, v.ids) == (Rule.WASTE, 2, ("L1", "N1"))
    assert v.message.startswith("lot L1 keeps 4 units of rice unused while need N1 of tier elderly")


def test_all_or_nothing_waste_only_when_the_leftover_covers_the_need() -> None:
    """A leftover of 2 is not waste beside a short all-or-nothing need of 3; a leftover of 3 is."""
    whole = RICE.model_copy(update={"all_or_nothing": True})
    case = make_case([whole], [Lot(lot_id="L1", item="rice", quantity=2)])
    assert verify(case, make_plan(case, [])).ok
    case = make_case([whole], [Lot(lot_id="L1", item="rice", quantity=3)])
    assert single(verify(case, make_plan(case, []))).rule == Rule.WASTE


def test_no_waste_for_expired_lots_or_undelivered_households() -> None:
    """Leftover in an expired lot, or beside a household nobody delivers to, is not waste."""
    expired = Lot(lot_id="L1", item="rice", quantity=3, expires=DAY - dt.timedelta(days=1))
    case = make_case([RICE], [expired])
    assert verify(case, make_plan(case, [])).ok
    case = make_case(
        [RICE], [Lot(lot_id="L1", item="rice", quantity=3)], volunteers=[V1.model_copy(update={"hours": 0.0})]
    )
    assert verify(case, make_plan(case, [])).ok


def test_critical_need_outranks_age() -> None:
    """A critical need of a young household is short while an elder takes the rice: an inversion."""
    urgent = RICE2.model_copy(update={"urgency": Urgency.CRITICAL})
    case = make_case([RICE, urgent], [Lot(lot_id="L1", item="rice", quantity=3)])
    v = single(verify(case, make_plan(case, [("N1", "L1", 3)])))
    assert (v.rule, v.ids) == (Rule.PRIORITY_INVERSION, ("L1", "N2", "N1"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_cases(max_needs=3, max_lots=2))
def test_every_brute_force_feasible_plan_is_feasible_to_verify(case: Case) -> None:
    """Every plan the brute force enumerates as feasible breaks no feasibility rule of verify."""
    for plan in itertools.islice(feasible_plans(case), 150):
        result = verify(case, plan)
        assert result.feasible, str(result)


@pytest.mark.parametrize("volunteers", [False, True])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_verify_feasibility_equals_brute_force_near_feasible_plans(volunteers: bool, data: st.DataObject) -> None:
    """Every plan one change away from a feasible one is infeasible to verify exactly when it is to brute force."""
    case = data.draw(tiny_cases(max_needs=3, max_lots=2, volunteers=volunteers))
    busy = [p for p in itertools.islice(feasible_plans(case), 300) if p.allocations or p.visits]
    for base in (optimal_plan(case), data.draw(st.sampled_from(busy)) if busy else None):
        for plan in neighbours(base) if base is not None else ():
            reasons = infeasibilities(case, plan)
            assert verify(case, plan).feasible == (not reasons), (plan, reasons)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_cases(max_needs=3, max_lots=2))
def test_an_optimal_plan_shows_no_inversion_or_waste(case: Case) -> None:
    """Inversion and waste are flagged only where certain: a brute-force optimal plan passes verify."""
    result = verify(case, optimal_plan(case))
    assert result.ok, str(result)


def naive_consequences(case: Case, plan: Plan) -> set[tuple[str, str, str]]:
    """Inversion and waste by their definitions, pair by pair: {(rule, lot, tier of the short need)}."""
    got: dict[str, int] = {n.need_id: 0 for n in case.needs}
    given = {lot.lot_id: 0 for lot in case.lots}
    to_rank: dict[tuple[str, int], int] = {}
    rank = dict(zip((n.need_id for n in case.needs), case.need_tiers, strict=True))
    for a in plan.allocations:
        if a.lot_id in given:
            given[a.lot_id] += a.quantity
        if a.need_id in got:
            got[a.need_id] += a.quantity
            if a.lot_id in given:
                key = (a.lot_id, rank[a.need_id])
                to_rank[key] = to_rank.get(key, 0) + a.quantity
    delivered = {v.household_id for v in plan.visits if v.kind == "delivery"}
    out: set[tuple[str, str, str]] = set()
    for lot in case.lots:
        left = max(0, lot.quantity - given[lot.lot_id])
        for n in case.needs:
            r, k = rank[n.need_id], got[n.need_id]
            reachable = case.volunteers is None or n.household_id in delivered
            if k >= n.quantity or not reachable or not eligible(case, n, lot, plan.plan_date):
                continue
            if n.all_or_nothing and k > 0:
                continue  # already a feasibility violation
            needed = n.quantity if n.all_or_nothing else 1
            lower = sum(q for (lid, t), q in to_rank.items() if lid == lot.lot_id and t > r)
            tier = case.policy.tier_names[r]
            if needed <= left:
                out.add(("waste", lot.lot_id, ""))
            if lower > 0 and needed <= lower + left:
                out.add(("priority_inversion", lot.lot_id, tier))
    return out


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_inversion_and_waste_match_their_definitions(data: st.DataObject) -> None:
    """The grouped one-pass check flags exactly the lots (and tiers) a pair-by-pair reading of the rules does."""
    case = data.draw(tiny_cases(max_needs=8, max_lots=4))
    rows = data.draw(
        st.lists(st.tuples(st.sampled_from(case.needs), st.sampled_from(case.lots), st.integers(1, 3)), max_size=8)
    )
    homes = data.draw(st.sets(st.sampled_from([h.household_id for h in case.households])))
    visits = tuple(delivery(h, "V0") for h in sorted(homes)) if case.volunteers is not None else ()
    allocations = tuple(Allocation(need_id=n.need_id, lot_id=lot.lot_id, quantity=q) for n, lot, q in rows)
    plan = Plan(case=case, allocations=allocations, visits=visits, plan_date=case.policy.effective_date())
    found = set()
    tiers = case.policy.tier_names
    rank = dict(zip((n.need_id for n in case.needs), case.need_tiers, strict=True))
    for v in verify(case, plan).violations:
        if v.rule == Rule.WASTE:
            found.add(("waste", v.ids[0], ""))
        elif v.rule == Rule.PRIORITY_INVERSION:
            found.add(("priority_inversion", v.ids[0], tiers[rank[v.ids[1]]]))
    assert found == naive_consequences(case, plan)


# -- volunteer time and fairness "none": each new rule on a case a person can check by hand ---------------------

ELDER_B = Household(household_id="H3", grid="B", oldest_age=75)  # tier "elderly", in grid B
BOTH = Volunteer(volunteer_id="V1", grids=("A", "B"), hours=0.25)


def test_a_lower_tier_visit_holding_hours_a_higher_tier_could_use_is_caught_across_grids() -> None:
    """V1 covers A and B with 0.25 h and delivers general H2 in B, while elderly H1 in A waits with rice that the
    lot still holds: moving the visit raises the elderly tier and lowers only the general one."""
    case = make_case(
        [Need(need_id="N1", household_id="H1", item="rice", quantity=1), RICE2.model_copy(update={"quantity": 1})],
        [Lot(lot_id="L1", item="rice", quantity=2)],
        volunteers=[BOTH],
    )
    v = single(verify(case, make_plan(case, [("N2", "L1", 1)], (delivery("H2"),))))
    assert (v.rule, v.ids, v.amount) == (Rule.VISIT_INVERSION, ("V1", "H1", "N1"), 0.25)
    assert "tier general" in v.message
    assert "N1 of tier elderly" in v.message


def test_a_visit_counts_as_a_higher_tier_only_if_it_would_bring_goods() -> None:
    """V1 delivers oil to general H2 while elderly H1 waits for rice that nobody has left: delivering H1 would
    bring it nothing, so the plan passes."""
    case = make_case(
        [Need(need_id="N1", household_id="H1", item="rice", quantity=1), OIL2],
        [Lot(lot_id="L1", item="rice", quantity=0), Lot(lot_id="L2", item="oil", quantity=2)],
        volunteers=[BOTH],
    )
    assert verify(case, make_plan(case, [("N3", "L2", 2)], (delivery("H2"),))).ok


def test_under_leximin_a_zero_may_claim_a_unit_from_a_same_tier_need_that_keeps_one() -> None:
    """Elderly H3 (grid B) has 2 of 2 rice while elderly H1 gets no visit; V1's only visit goes to general H2 with
    oil. Taking one rice from H3 for H1 leaves no elderly need at zero: the visit to H2 is an inversion."""
    case = make_case(
        [
            Need(need_id="N1", household_id="H1", item="rice", quantity=1),
            Need(need_id="N4", household_id="H3", item="rice", quantity=2),
            OIL2,
        ],
        [Lot(lot_id="L1", item="rice", quantity=2), Lot(lot_id="L2", item="oil", quantity=2)],
        households=(ELDER, YOUNG, ELDER_B),
        volunteers=[BOTH, Volunteer(volunteer_id="V2", grids=("B",), hours=0.25)],
    )
    plan = make_plan(case, [("N4", "L1", 2), ("N3", "L2", 2)], (delivery("H2"), delivery("H3", "V2")))
    v = single(verify(case, plan))
    assert (v.rule, v.ids) == (Rule.VISIT_INVERSION, ("V1", "H1", "N1"))


def test_a_lower_tier_service_holding_hours_a_critical_service_could_use_is_caught() -> None:
    """V1 spends its hour on a normal service of H1 while H1's critical service, which V1 could do, waits."""
    urgent = Service(service_id="S2", household_id="H1", skill="medical", hours=1.0, urgency=Urgency.CRITICAL)
    case = make_case(
        [],
        [],
        volunteers=[Volunteer(volunteer_id="V1", grids=("A",), hours=1.0, skills=("medical",))],
        services=(CARE, urgent),
    )
    v = single(verify(case, make_plan(case, [], (service_visit("S1"),))))
    assert (v.rule, v.ids) == (Rule.VISIT_INVERSION, ("V1", "S2"))
    assert verify(case, make_plan(case, [], (service_visit("S2"),))).ok


def test_hours_left_for_a_delivery_that_would_bring_goods_are_caught() -> None:
    """V1 has 0.25 h and does nothing while H2 in grid B, which V1 covers, could get the lot's rice."""
    case = make_case([RICE2], [Lot(lot_id="L1", item="rice", quantity=1)], volunteers=[BOTH])
    v = single(verify(case, make_plan(case, [])))
    assert (v.rule, v.ids, v.amount) == (Rule.IDLE_HOURS, ("V1", "H2", "N2"), 0.25)
    assert verify(case, make_plan(case, [("N2", "L1", 1)], (delivery("H2"),))).ok


def test_hours_left_for_a_service_are_caught_but_not_hours_too_few_for_it() -> None:
    """With 1 h left V1 could do the 1 h service; with 0.5 h it could not, and the plan passes."""
    case = make_case([], [], volunteers=[V1], services=(CARE,))
    v = single(verify(case, make_plan(case, [])))
    assert (v.rule, v.ids) == (Rule.IDLE_HOURS, ("V1", "S1"))
    short = make_case([], [], volunteers=[V1.model_copy(update={"hours": 0.5})], services=(CARE,))
    assert verify(short, make_plan(short, [])).ok


def total_fill_case(**extra: object) -> Case:
    """Under fairness "none": elderly H1 asks 4 rice all-or-nothing and 1 rice, general H2 asks 1; the lot holds 4."""
    return Case(
        households=(ELDER, YOUNG),
        needs=(
            Need(need_id="W", household_id="H1", item="rice", quantity=4, all_or_nothing=True),
            Need(need_id="N1", household_id="H1", item="rice", quantity=1),
            Need(need_id="N2", household_id="H2", item="rice", quantity=1),
        ),
        lots=(Lot(lot_id="L1", item="rice", quantity=4),),
        policy=Policy(plan_date=DAY, fairness="none", **extra),
    )


def test_fairness_none_tie_that_takes_a_lower_tiers_supply_is_caught() -> None:
    """The whole 4 to W gives the elderly tier a total of 1; so does 1 to N1, which leaves 3 and N2 gets one."""
    case = total_fill_case()
    v = single(verify(case, make_plan(case, [("W", "L1", 4)])))
    assert (v.rule, v.ids) == (Rule.TOTAL_FILL, ("L1", "W", "N1", "N2"))
    assert verify(case, make_plan(case, [("N1", "L1", 1), ("N2", "L1", 1)])).ok


def test_fairness_none_unit_to_a_need_that_asks_more_is_caught() -> None:
    """Two general needs ask 3 and 1 rice; the one unit goes to the 3: moving it raises the total from 1/3 to 1."""
    case = make_case(
        [RICE2, Need(need_id="N5", household_id="H2", item="rice", quantity=1)],
        [Lot(lot_id="L1", item="rice", quantity=1)],
    ).replace(policy=Policy(plan_date=DAY, fairness="none"))
    v = single(verify(case, make_plan(case, [("N2", "L1", 1)])))
    assert (v.rule, v.ids) == (Rule.TOTAL_FILL, ("L1", "N2", "N5"))
