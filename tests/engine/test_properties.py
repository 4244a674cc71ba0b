"""Properties on random tiny cases (hypothesis): verified, brute-force optimal, and stable under harmless edits."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocate.plan import Plan
from allocate.schema import Case
from allocate.solve import solve
from allocate.verify import verify
from support.brute_force import best_objective, objective
from support.tiny_cases import tiny_cases

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fills_by_id(plan: Plan) -> dict[str, float]:
    """Fill of every need and service, by id."""
    out = dict(zip((n.need_id for n in plan.case.needs), plan.need_fills, strict=True))
    out.update(zip((s.service_id for s in plan.case.services), plan.service_fills, strict=True))
    return out


def tier_min_fills(plan: Plan) -> list[Fraction | None]:
    """Smallest need fill of each tier (None for a tier without needs)."""
    got = plan.received
    out: list[Fraction | None] = [None] * len(plan.case.policy.tiers)
    for n, t in zip(plan.case.needs, plan.case.need_tiers, strict=True):
        f = Fraction(got.get(n.need_id, 0), n.quantity)
        cur = out[t]
        out[t] = f if cur is None else min(cur, f)
    return out


@SETTINGS
@given(st.one_of(tiny_cases(), tiny_cases(volunteers=True)))
def test_every_plan_verifies(case: Case) -> None:
    """The verifier, which trusts nothing the solver did, accepts every plan."""
    check = verify(case, solve(case))
    assert check.ok, check.violations


@SETTINGS
@given(tiny_cases())
def test_goods_fills_equal_brute_force(case: Case) -> None:
    """Per tier, the sorted fill vector (or total fill) equals exhaustive enumeration's best."""
    assert objective(case, solve(case)) == best_objective(case)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_cases(volunteers=True, max_needs=3, max_lots=2))
def test_fills_with_volunteers_equal_brute_force(case: Case) -> None:
    """With volunteers and services too, the per tier fills equal exhaustive enumeration's best."""
    assert objective(case, solve(case)) == best_objective(case)


@SETTINGS
@given(st.one_of(tiny_cases(), tiny_cases(volunteers=True)), st.randoms(use_true_random=False))
def test_shuffling_rows_changes_nothing(case: Case, rnd: object) -> None:
    """Reordering every table gives every need and service the same fill."""
    import random

    assert isinstance(rnd, random.Random)

    def shuffled(rows: tuple[object, ...]) -> tuple[object, ...]:
        out = list(rows)
        rnd.shuffle(out)
        return tuple(out)

    other = case.replace(
        households=shuffled(case.households),
        needs=shuffled(case.needs),
        lots=shuffled(case.lots),
        volunteers=None if case.volunteers is None else shuffled(case.volunteers),
        services=shuffled(case.services),
    )
    assert fills_by_id(solve(other)) == fills_by_id(solve(case))


@SETTINGS
@given(tiny_cases(), st.data())
def test_more_supply_never_lowers_the_first_tier_minimum_that_changes(case: Case, data: st.DataObject) -> None:
    """Adding units to any lot raises, if anything, the first tier's smallest fill that changes.

    A lower tier may lose units to a higher one that now fits (an all-or-nothing need, say): strict priority.
    """
    k = data.draw(st.integers(0, len(case.lots) - 1))
    extra = data.draw(st.integers(1, 3))
    lots = list(case.lots)
    lots[k] = lots[k].model_copy(update={"quantity": lots[k].quantity + extra})
    richer = case.replace(lots=tuple(lots))
    for before, after in zip(tier_min_fills(solve(case)), tier_min_fills(solve(richer)), strict=True):
        assert (before is None) == (after is None)
        if before != after:
            assert after is not None
            assert before is not None
            assert after > before
            break


@SETTINGS
@given(st.one_of(tiny_cases(), tiny_cases(volunteers=True)), st.integers(0, 3))
def test_removing_lower_tiers_needs_keeps_higher_fills(case: Case, keep: int) -> None:
    """Dropping every need below tier `keep` leaves each remaining higher-tier fill unchanged."""
    kept = tuple(n for n, t in zip(case.needs, case.need_tiers, strict=True) if t <= keep)
    if not kept:
        return
    smaller = case.replace(needs=kept)
    full, part = fills_by_id(solve(case)), fills_by_id(solve(smaller))
    for n, t in zip(case.needs, case.need_tiers, strict=True):
        if t <= keep:
            assert part[n.need_id] == full[n.need_id], n.need_id
