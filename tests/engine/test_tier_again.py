"""The warm start the marginal values of volunteer hours stand on (`core.heuristic.tier_starts`, `plan_tier`).

An hour is measured by planning one tier again from the state it started in; that is only a fair measure if the
states are the fast plan's own and planning a tier again from its start, with nobody added, gives the same tier.
"""

from __future__ import annotations

import numpy as np
import pytest

from allocate.backends import get_backend
from allocate.core.heuristic import Planning, plan_fast, plan_tier, tier_starts
from allocate.core.parts import settle
from allocate.core.volunteers import build_crew
from allocate.generate import generate
from allocate.solve import prepare


def _uncounted(name: str, k: int) -> None:
    """No counters kept."""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_tier_starts_are_the_fast_plans_and_a_tier_planned_again_is_the_same(seed: int) -> None:
    """Through the last tier, the states end where `plan_fast` ends (units per need, who delivers whom), and each
    tier planned again from its start with the same crew ends in the next start, unit for unit."""
    case = generate(600, seed=seed)
    ready, engine = prepare(case), get_backend("auto")
    index, problem, fairness = ready.index, ready.problem, case.policy.fairness
    crew = build_crew(case)
    assert crew is not None
    settled = settle(index, problem, crew, _uncounted).roster
    assert settled is not None
    last = index.n_tiers - 1
    planning = Planning(index, problem, fairness, engine, _uncounted)
    starts = tier_starts(planning, crew, settled, last)
    assert len(starts) == index.n_tiers + 1
    fast = plan_fast(index, problem, crew, fairness, engine, _uncounted, settled=settled)
    assert fast.roster is not None
    np.testing.assert_array_equal(starts[-1].amount, fast.amount)
    delivered = fast.roster.delivery >= 0  # plan_fast drops deliveries that bring nothing (there are none)
    np.testing.assert_array_equal(starts[-1].roster.delivery >= 0, delivered)
    for t in range(index.n_tiers):
        amount, roster = plan_tier(planning, starts[t], crew)
        np.testing.assert_array_equal(amount, starts[t + 1].amount)
        np.testing.assert_array_equal(roster.delivery, starts[t + 1].roster.delivery)
        np.testing.assert_array_equal(roster.service, starts[t + 1].roster.service)


def test_a_volunteer_added_to_a_tier_planned_again_starts_unbusy() -> None:
    """With one more volunteer appended, the roster keeps everyone's work and gives the newcomer their hours."""
    case = generate(300, seed=4)
    assert case.volunteers is not None
    extra = case.volunteers[0].model_copy(update={"volunteer_id": "+1 h", "hours": 1.0})
    bigger = case.replace(volunteers=(*case.volunteers, extra))
    ready, engine = prepare(case), get_backend("auto")
    crew, more = build_crew(case), build_crew(bigger)
    assert crew is not None
    assert more is not None
    settled = settle(ready.index, ready.problem, crew, _uncounted).roster
    assert settled is not None
    planning = Planning(ready.index, ready.problem, case.policy.fairness, engine, _uncounted)
    starts = tier_starts(planning, crew, settled, 0)
    _, roster = plan_tier(planning, starts[0], more)
    assert roster.left.size == crew.n_volunteers + 1
    busy = (roster.delivery == crew.n_volunteers).sum() * more.visit
    busy += more.service_ticks[roster.service == crew.n_volunteers].sum()
    assert roster.left[-1] == more.hours[-1] - busy


def test_a_kept_solve_records_the_tier_starts_marginal_values_would_make() -> None:
    """Inside `keeping_prepared` (as `allocate.run` solves), the solve keeps its fast plan's tier starts with the
    index; they are the states `tier_starts` makes afresh, so marginal values need not plan the tiers again."""
    from allocate import solve
    from allocate.solve import keeping_prepared, prepared

    case = generate(600, seed=5)
    with keeping_prepared():
        plan = solve(case)
        kept = prepared(plan.case, plan.plan_date)
    ready, engine = prepare(case), get_backend("auto")
    crew = build_crew(case)
    assert crew is not None
    settled = settle(ready.index, ready.problem, crew, _uncounted).roster
    assert settled is not None
    last = ready.index.n_tiers - 1
    planning = Planning(ready.index, ready.problem, case.policy.fairness, engine, _uncounted)
    fresh = tier_starts(planning, crew, settled, last)
    assert len(kept.starts) == len(fresh) == ready.index.n_tiers + 1
    for a, b in zip(kept.starts, fresh, strict=True):
        np.testing.assert_array_equal(a.amount, b.amount)
        np.testing.assert_array_equal(a.roster.delivery, b.roster.delivery)
        np.testing.assert_array_equal(a.roster.service, b.roster.service)
