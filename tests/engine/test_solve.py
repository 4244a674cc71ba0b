"""`solve` as a whole: determinism, row order, a replaced policy, and generated cases that verify."""

from __future__ import annotations

import named
import pytest

from allocate.generate import generate
from allocate.schema import Policy, Tier
from allocate.solve import STATS, solve
from allocate.verify import verify


def test_repeated_runs_give_byte_identical_plans() -> None:
    """The same input gives the same plan, down to the JSON bytes."""
    case = generate(300, seed=3)
    assert solve(case).model_dump_json() == solve(case).model_dump_json()


def test_rows_come_in_the_documented_order() -> None:
    """Allocations follow need order then lot order; visits follow volunteer then household order."""
    case = generate(300, seed=1)
    plan = solve(case)
    need_pos = {n.need_id: i for i, n in enumerate(case.needs)}
    keys = [need_pos[a.need_id] for a in plan.allocations]
    assert keys == sorted(keys)
    vol_pos = {v.volunteer_id: i for i, v in enumerate(case.volunteers or ())}
    hh_pos = case.household_index
    vkeys = [(vol_pos[v.volunteer_id], hh_pos[v.household_id]) for v in plan.visits]
    assert vkeys == sorted(vkeys)


def test_stats_are_the_documented_counters() -> None:
    """`Plan.stats` carries every documented counter, and a scarce case needs flows."""
    plan = solve(named.even_split())
    assert tuple(plan.stats) == STATS
    assert plan.stats["flow_solves"] >= 1
    assert plan.stats["components"] == 1


def test_a_given_policy_recomputes_tiers() -> None:
    """Passing a policy that drops the age tiers makes the 70-year-old an equal of the young household."""
    case = named.elderly_first()
    flat = Policy(plan_date=case.policy.plan_date, tiers=(Tier(name="everyone"),))
    plan = solve(case, flat)
    assert plan.case.policy == flat
    assert plan.need_fills == (0.5, 1.0) or plan.need_fills == (1.0, 0.5)
    assert verify(plan.case, plan).ok


def test_plan_date_defaults_to_the_policy_date() -> None:
    """The plan is dated by the policy's plan date."""
    case = named.elderly_first()
    assert solve(case).plan_date == case.policy.plan_date


@pytest.mark.parametrize("seed", [0, 1])
def test_generated_case_verifies(seed: int) -> None:
    """A generated 300-household case with volunteers and services gives a verified plan."""
    case = generate(300, seed=seed)
    plan = solve(case)
    check = verify(case, plan)
    assert check.ok, check.violations[:5]
