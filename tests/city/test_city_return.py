"""City-wide units go where they can be used: small cities, solved on a real Dask cluster, whose old master step
left units unused while a need that could take them was short."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from allocate import Case, solve
from allocate.city import solve_city
from allocate.schema import Household, Lot, Need, Policy, Volunteer

POLICY = Policy(plan_date=dt.date(2026, 12, 1))  # tiers: critical, vulnerable, elderly, general


def _received(plan: object) -> Counter[str]:
    got: Counter[str] = Counter()
    for a in plan.allocations:  # type: ignore[attr-defined]
        got[a.need_id] += a.quantity
    return got


def _findings(result: object) -> Counter[str]:
    return Counter(v.rule.value for v in result.verification.violations)  # type: ignore[attr-defined]


def _out_of_reach() -> Case:
    """Districts A (three general households, one volunteer with one visit's hours) and B (one household asking 4,
    one visit), 7 city-wide units of rice. By aggregate demand (A 6, B 4) A gets 4 or more, but only its one
    delivered household (2 units) can use them; B's household, delivered, is then short by one."""
    households = [Household(household_id=h, grid=g) for h, g in (("a1", "A/1"), ("a2", "A/1"), ("a3", "A/1"))]
    households.append(Household(household_id="b1", grid="B/1"))
    needs = [Need(household_id=h, item="rice", quantity=2) for h in ("a1", "a2", "a3")]
    needs.append(Need(household_id="b1", item="rice", quantity=4))
    volunteers = [
        Volunteer(volunteer_id="va", grids=("A/1",), hours=0.25),
        Volunteer(volunteer_id="vb", grids=("B/1",), hours=0.25),
    ]
    lots = [Lot(lot_id="CITY", item="rice", quantity=7)]
    return Case(households=households, needs=needs, lots=lots, volunteers=volunteers, policy=POLICY)


def _reserved_swap() -> Case:
    """District A: a vulnerable household (aged 85) and a general one, each asking 2 rice, and A's own open lot of 2;
    district B: a general household asking 1. A city-wide lot of 2 is reserved for `vulnerable`. One process gives
    the reserved lot to the vulnerable need and A's own lot to the general one; A's aggregate (own lot already covers
    its vulnerable need) asked the old master step for nothing the reserved lot could give."""
    households = [
        Household(household_id="a1", grid="A/1", oldest_age=85),
        Household(household_id="a2", grid="A/1"),
        Household(household_id="b1", grid="B/1"),
    ]
    needs = [
        Need(household_id="a1", item="rice", quantity=2),
        Need(household_id="a2", item="rice", quantity=2),
        Need(household_id="b1", item="rice", quantity=1),
    ]
    lots = [
        Lot(lot_id="OWN", item="rice", quantity=2, grids=("A/1",)),
        Lot(lot_id="CITY", item="rice", quantity=2, reserved_for="vulnerable"),
    ]
    return Case(households=households, needs=needs, lots=lots, policy=POLICY)


def test_units_a_district_cannot_deliver_go_to_one_that_can(scheduler: str) -> None:
    """A's undeliverable share is divided again to B, whose delivered household is short: no `waste`, and every
    need gets what the single-process plan gives it."""
    case = _out_of_reach()
    result = solve_city(case, scheduler=scheduler)
    assert result.verification.feasible
    assert _findings(result)["waste"] == 0
    assert _received(result.plan)["b1/rice"] == 4
    assert _received(result.plan) == _received(solve(case))


def test_a_reserved_share_frees_a_districts_own_lot(scheduler: str) -> None:
    """The lot reserved for `vulnerable` goes to A, whose vulnerable need takes it and frees A's own lot for its
    general need: the city plan fills every need of A as one process does."""
    case = _reserved_swap()
    result = solve_city(case, scheduler=scheduler)
    assert result.verification.feasible
    assert result.run.division.shares == {"CITY": ((0, 2),)}
    got = _received(result.plan)
    assert got == _received(solve(case))
    assert got["a2/rice"] == 2
