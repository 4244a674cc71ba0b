"""Hand-checkable cases: each test writes down the allocation a person would make, and the solver must match."""

from __future__ import annotations

import named

from allocate.plan import Plan
from allocate.schema import Case
from allocate.solve import solve
from allocate.verify import verify


def rows(plan: Plan) -> list[tuple[str, str, int]]:
    """The allocation as (need, lot, units) rows, in plan order."""
    return [(a.need_id, a.lot_id, a.quantity) for a in plan.allocations]


def solved(case: Case) -> Plan:
    """Solve and insist that the verifier accepts the plan."""
    plan = solve(case)
    check = verify(case, plan)
    assert check.ok, check.violations
    return plan


def test_elderly_first() -> None:
    """The elderly household is filled before the general one gets the rest."""
    assert rows(solved(named.elderly_first())) == [("old/rice", "L1", 2), ("young/rice", "L1", 1)]


def test_even_split_in_proportion_to_what_was_asked() -> None:
    """Six units among asks of 2, 4, 6 give everyone half."""
    assert rows(solved(named.even_split())) == [("a/oil", "L1", 1), ("b/oil", "L1", 2), ("c/oil", "L1", 3)]


def test_reserved_lot_serves_the_priority_household_so_the_open_lot_reaches_others() -> None:
    """The earmarked lot goes to the vulnerable household although the open lot expires first."""
    assert rows(solved(named.reserved_beside_open())) == [
        ("frail/milk", "earmarked", 2),
        ("other/milk", "open", 2),
    ]


def test_grid_limited_lot() -> None:
    """The g2-only lot serves g2; the open unit goes to g1, which nothing else can reach."""
    assert rows(solved(named.grid_limited())) == [("h1/eggs", "open", 1), ("h2/eggs", "local", 2)]


def test_expired_lot_is_not_used() -> None:
    """Only the lot still good on the plan date (it expires that day) gives units."""
    assert rows(solved(named.expired_lot())) == [("h/pork", "fresh", 1)]


def test_all_or_nothing_is_granted_when_it_raises_the_worst_fill() -> None:
    """With 4 units, 3 whole + 1 (fills 1 and 1/2) beats 0 + 2 (fills 0 and 1)."""
    assert rows(solved(named.all_or_nothing(4))) == [("whole/blanket", "L1", 3), ("part/blanket", "L1", 1)]


def test_all_or_nothing_that_does_not_fit_gets_nothing() -> None:
    """With 2 units the all-or-nothing need of 3 cannot be met; the other need takes both."""
    assert rows(solved(named.all_or_nothing(2))) == [("part/blanket", "L1", 2)]


def test_volunteer_hours_too_few_for_every_household() -> None:
    """Two visits fit: the elderly household gets one, one general household the other, the third nothing."""
    plan = solved(named.few_volunteer_hours())
    delivered = {v.household_id for v in plan.visits if v.kind == "delivery"}
    assert len(delivered) == 2
    assert "b" in delivered
    assert {r[0].split("/")[0] for r in rows(plan)} == delivered
    assert all(r[2] == 1 for r in rows(plan))


def test_service_needing_a_skill_only_one_volunteer_has() -> None:
    """V2 alone can do the 1-hour medical service, so V1 (who covers every grid) makes the delivery."""
    plan = solved(named.rare_skill())
    assert [(v.volunteer_id, v.kind, v.service_id) for v in plan.visits] == [
        ("V1", "delivery", None),
        ("V2", "service", "h/medical"),
    ]
    assert rows(plan) == [("h/rice", "L1", 1)]


def test_critical_need_beats_age() -> None:
    """The critical need outranks the 85-year-old's normal need."""
    assert rows(solved(named.critical_beats_age())) == [("sick/insulin", "L1", 1)]


def test_manual_tier_raise() -> None:
    """A household raised by hand to `vulnerable` goes before an `elderly` one."""
    assert rows(solved(named.manual_raise())) == [("raised/coat", "L1", 1)]


def test_total_fill_without_fairness_fills_the_small_asks_first() -> None:
    """With fairness "none", six units reach the asks of 2 and 4 in full (total fill 2) and none the ask of 6."""
    case = named.even_split()
    flat = case.policy.model_copy(update={"fairness": "none"})
    plan = solve(case, flat)
    assert verify(plan.case, plan).ok
    assert rows(plan) == [("a/oil", "L1", 2), ("b/oil", "L1", 4)]


def test_earlier_expiring_lot_first_and_few_splits() -> None:
    """Lot B (expires first) is used up before lot A; the first need takes B whole plus one of A."""
    assert rows(solved(named.two_expiries())) == [("x/bread", "B", 2), ("x/bread", "A", 1), ("y/bread", "A", 1)]
