"""A correction re-plans a round keeping the policy's optimum first and, among optimal plans, as much of the
published plan as it can (`solve(..., previous=...)`, `allocate.core.previous`)."""

from __future__ import annotations

import datetime as dt

import pytest

from allocate import Case, Household, Lot, Need, Plan, Policy, Volunteer, solve, verify
from allocate.checks import InvalidParameterError
from allocate.generate import generate
from allocate.plan import Allocation, Previous

DAY = dt.date(2026, 12, 1)


def tier_fills(plan: Plan) -> dict[str, list[float]]:
    """Per tier, the sorted fills of its needs and services: what leximin compares."""
    case = plan.case
    out: dict[str, list[float]] = {}
    tiers = case.need_tiers + case.service_tiers
    for fill, tier in zip(plan.need_fills + plan.service_fills, tiers, strict=True):
        out.setdefault(case.policy.tier_names[tier], []).append(fill)
    return {t: sorted(f) for t, f in out.items()}


def changed_households(before: Plan, after: Plan) -> set[str]:
    """Households whose allocations (need, lot, units) or visits (volunteer, kind, service) differ."""

    def by_household(plan: Plan) -> dict[str, set[tuple[object, ...]]]:
        owner = dict(zip(plan.case.needs.column("need_id"), plan.case.needs.column("household_id"), strict=True))
        out: dict[str, set[tuple[object, ...]]] = {}
        for a in plan.allocations:
            out.setdefault(owner[a.need_id], set()).add((a.need_id, a.lot_id, a.quantity))
        for v in plan.visits:
            out.setdefault(v.household_id, set()).add((v.volunteer_id, v.kind, v.service_id))
        return out

    old, new = by_household(before), by_household(after)
    return {h for h in old.keys() | new.keys() if old.get(h, set()) != new.get(h, set())}


def _rice(asks: dict[str, int], lots: dict[str, int]) -> Case:
    return Case(
        households=[Household(household_id=h, grid="east") for h in asks],
        needs=[Need(household_id=h, item="rice", quantity=q) for h, q in asks.items()],
        lots=[Lot(lot_id=k, item="rice", quantity=q) for k, q in lots.items()],
        policy=Policy(plan_date=DAY),
    )


def test_a_smaller_ask_moves_only_its_own_lots() -> None:
    """Three households take one lot each; A then asks for less. A fresh plan hands the lots out again in case
    order (B and C each get half of two lots); the correction keeps B's and C's lots and changes A alone."""
    lots = {"R1": 2, "R2": 2, "R3": 2}
    published = solve(_rice({"A": 2, "B": 2, "C": 2}, lots))
    assert {(a.need_id, a.lot_id, a.quantity) for a in published.allocations} == {
        ("A/rice", "R1", 2),
        ("B/rice", "R2", 2),
        ("C/rice", "R3", 2),
    }
    corrected = _rice({"A": 1, "B": 2, "C": 2}, lots)
    fresh = solve(corrected)
    kept = solve(corrected, previous=Previous.of(published))
    assert changed_households(published, fresh) == {"A", "B", "C"}
    assert changed_households(published, kept) == {"A"}
    assert {(a.need_id, a.lot_id, a.quantity) for a in kept.allocations} == {
        ("A/rice", "R1", 1),
        ("B/rice", "R2", 2),
        ("C/rice", "R3", 2),
    }
    assert tier_fills(kept) == tier_fills(fresh)
    assert verify(corrected, kept).ok


def test_the_optimum_comes_first() -> None:
    """A published plan that is no longer fair is not kept: the added household gets its even share even though
    every unit it takes was published to someone else."""
    published = solve(_rice({"A": 4, "B": 4}, {"R1": 4}))
    corrected = _rice({"A": 4, "B": 4, "C": 4}, {"R1": 4})
    kept = solve(corrected, previous=Previous.of(published))
    assert tier_fills(kept) == tier_fills(solve(corrected))
    assert sorted(kept.received.values()) == [1, 1, 2]  # 4 bags for three households: no one is left with none
    assert verify(corrected, kept).ok


def test_ties_go_to_the_published_units() -> None:
    """Five bags for three households asking 2 each: one of them gets 1. Whichever the published plan gave the
    single bag keeps it, though the seeded rank would pick another."""
    case = _rice({"A": 2, "B": 2, "C": 2}, {"R1": 5})
    fresh = solve(case)
    short = next(n for n, q in fresh.received.items() if q == 1)
    other = next(n for n in ("A/rice", "B/rice", "C/rice") if n != short)
    allocations = tuple(
        Allocation(need_id=n, lot_id="R1", quantity=1 if n == other else 2) for n in ("A/rice", "B/rice", "C/rice")
    )
    kept = solve(case, previous=Previous(allocations=allocations))
    assert kept.received[other] == 1
    assert kept.received[short] == 2
    assert tier_fills(kept) == tier_fills(fresh)


def test_deliveries_stay_with_their_volunteer() -> None:
    """Two volunteers who may each deliver both households: a published plan with them the other way round than
    a fresh plan has them is kept as it was."""
    case = Case(
        households=[Household(household_id=h, grid="east") for h in ("A", "B")],
        needs=[Need(household_id=h, item="rice", quantity=1) for h in ("A", "B")],
        lots=[Lot(lot_id="R1", item="rice", quantity=2)],
        volunteers=[Volunteer(volunteer_id=v, grids=("east",), hours=2.0) for v in ("V1", "V2")],
        policy=Policy(plan_date=DAY),
    )
    fresh = solve(case)
    swap = {"V1": "V2", "V2": "V1"}
    visits = tuple(v.model_copy(update={"volunteer_id": swap[v.volunteer_id]}) for v in fresh.visits)
    other = {(v.volunteer_id, v.household_id) for v in visits}
    assert other != {(v.volunteer_id, v.household_id) for v in fresh.visits}
    kept = solve(case, previous=Previous(allocations=fresh.allocations, visits=visits))
    assert {(v.volunteer_id, v.household_id) for v in kept.visits} == other
    assert verify(case, kept).ok


def _one_need_more(case: Case, at: int) -> Case:
    """`case` with the need at row `at` asking two units more (a corrected survey)."""
    needs = list(case.needs)
    needs[at] = needs[at].model_copy(update={"quantity": needs[at].quantity + 2})
    return case.replace(needs=needs)


@pytest.mark.parametrize("seed", [1, 8])
def test_a_corrected_need_changes_fewer_households_than_a_fresh_plan(seed: int) -> None:
    """Generated communities, one need corrected: the minimal-change plan is exactly as good for households as a
    fresh one (every tier's sorted fills), verified, and changes fewer households' allocations and visits."""
    case = generate(60, seed)
    published = solve(case)
    corrected = _one_need_more(case, len(case.needs) // 3)
    fresh = solve(corrected)
    kept = solve(corrected, previous=Previous.of(published))
    assert verify(corrected, kept).ok
    assert tier_fills(kept) == tier_fills(fresh)
    assert kept.status == fresh.status
    assert len(changed_households(published, kept)) < len(changed_households(published, fresh))


def test_previous_is_typed() -> None:
    with pytest.raises(InvalidParameterError, match="previous"):
        solve(_rice({"A": 1}, {"R1": 1}), previous=[])  # type: ignore[arg-type]
