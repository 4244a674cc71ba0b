"""allocate held to independent references: brute force on tiny cases, the exact MIP on small ones, and the
verifier against every one-step change of a correct plan (issue 9, item 5).

The references (`support.brute_force`, `support.exact_mip`, `support.local_moves`) share nothing with the
engine or the verifier, and are proved on their own in `test_brute_force.py`. Examples are derandomised
(`tests/conftest.py`), so every run checks the same cases; `HYPOTHESIS_PROFILE=explore` searches afresh.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings

from allocate.backends import available_backends
from allocate.plan import Plan
from allocate.schema import Case
from allocate.solve import solve
from allocate.verify import verify
from support.brute_force import best_objective, infeasibilities, objective, optimal_plan
from support.exact_mip import exact_objective
from support.local_moves import VERIFIER_RULES, improvements
from support.tiny_cases import DAY, RandomPicker, as_code, neighbours, small_cases, tiny_case, tiny_cases

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
"""Small cases are not shrunk: each step re-runs the exact MIP, and the failure message shows the case as code."""


def explain(case: Case, plan: Plan) -> str:
    """The case as code and the plan's rows, for a failure message."""
    rows = [(a.need_id, a.lot_id, a.quantity) for a in plan.allocations]
    visits = [(v.volunteer_id, v.household_id, v.service_id or v.kind) for v in plan.visits]
    return f"\n{as_code(case)}\nallocations {rows}\nvisits {visits}"


FEATURES: dict[str, Callable[[Case], bool]] = {
    "three tiers": lambda c: set(c.need_tiers) == {0, 1, 2},
    "manual tier raise": lambda c: any(h.tier is not None for h in c.households),
    "no volunteers table": lambda c: c.volunteers is None,
    "services of two lengths and skills": lambda c: len({(s.hours, s.skill) for s in c.services}) == 2,
    "volunteer of two grids": lambda c: any(len(v.grids) == 2 for v in c.volunteers or ()),
    "volunteer of every grid": lambda c: any(v.grids == ("*",) for v in c.volunteers or ()),
    "volunteer with no hours": lambda c: any(v.hours == 0 for v in c.volunteers or ()),
    "all-or-nothing need": lambda c: any(n.all_or_nothing for n in c.needs),
    "earmarked lot": lambda c: any(lot.reserved_for is not None for lot in c.lots),
    "grid-limited lot": lambda c: any(lot.grids is not None for lot in c.lots),
    "expired lot": lambda c: any(lot.expires is not None and lot.expires < DAY for lot in c.lots),
    "lot expiring on the plan date": lambda c: any(lot.expires == DAY for lot in c.lots),
    "empty lot": lambda c: any(lot.quantity == 0 for lot in c.lots),
    "fairness none": lambda c: c.policy.fairness == "none",
    "half-hour visits": lambda c: c.policy.visit_hours == 0.5,
    "quarantined household, designated volunteer": lambda c: (
        any(h.quarantined for h in c.households) and any(v.designated for v in c.volunteers or ())
    ),
    "cap of one quarantined visit": lambda c: (
        c.policy.max_quarantined_visits == 1 and any(h.quarantined for h in c.households)
    ),
    "cap of no quarantined visit": lambda c: (
        c.policy.max_quarantined_visits == 0 and any(h.quarantined for h in c.households)
    ),
}


@pytest.fixture(scope="module")
def sample() -> list[Case]:
    """200 tiny cases from the strategy's generator, seeded (hypothesis draws through the same code)."""
    return [tiny_case(RandomPicker(random.Random(seed))) for seed in range(200)]


@pytest.mark.parametrize("feature", list(FEATURES))
def test_tiny_cases_draw_every_feature(feature: str, sample: list[Case]) -> None:
    """The one tiny-case generator draws each feature of SPEC sections 1 to 3, so the tests below meet it."""
    assert any(FEATURES[feature](case) for case in sample)


@settings(max_examples=500)
@given(tiny_cases())
def test_solve_equals_brute_force_on_tiny_cases(case: Case) -> None:
    """On every tiny case the engine's plan is feasible and its per tier fills equal brute force's optimum."""
    plan = solve(case)
    assert not infeasibilities(case, plan), explain(case, plan)
    assert objective(case, plan) == best_objective(case), explain(case, plan)


@pytest.mark.parametrize("backend", available_backends())
@settings(max_examples=60)
@given(tiny_cases(volunteers=True))
def test_every_backend_equals_brute_force_with_volunteers(backend: str, case: Case) -> None:
    """Each installed backend (they decide volunteer time and total fill) reaches brute force's optimum."""
    plan = solve(case, backend=backend)
    assert objective(case, plan) == best_objective(case), explain(case, plan)


@settings(max_examples=30, phases=NO_SHRINK)
@given(small_cases())
def test_solve_equals_the_exact_mip_on_small_cases(case: Case) -> None:
    """On cases of 5 to 30 households, contested volunteers and services, the engine reaches the exact optimum."""
    plan = solve(case)
    assert not infeasibilities(case, plan), explain(case, plan)
    assert objective(case, plan) == exact_objective(case), explain(case, plan)


@settings(max_examples=150)
@given(tiny_cases())
def test_verify_accepts_the_plans_solve_makes(case: Case) -> None:
    """The verifier accepts the engine's plan, which brute force finds feasible."""
    plan = solve(case)
    result = verify(case, plan)
    assert result.ok, str(result) + explain(case, plan)


def correct_plans(case: Case) -> list[Plan]:
    """Brute force's optimal plan, and the engine's plan when it is optimal too."""
    best = optimal_plan(case)
    engine = solve(case)
    return [best] if objective(case, engine) != objective(case, best) else [best, engine]


@settings(max_examples=80)
@given(tiny_cases())
def test_verify_judges_every_neighbour_of_a_correct_plan(case: Case) -> None:
    """Verify rejects every infeasible or locally improvable neighbour of an optimal plan, and accepts optimal ones."""
    # Locally improvable: a move of `VERIFIER_RULES` (waste, priority inversion, idle hours, visit inversion, total
    # fill and its tie) makes it strictly better. Worse neighbours no such move improves (`even_sharing` under
    # leximin, chains of moves) are not required of the verifier.
    best = best_objective(case)
    for base in correct_plans(case):
        for plan in neighbours(base):
            result = verify(case, plan)
            reasons = infeasibilities(case, plan)
            if reasons:
                assert not result.feasible, f"verify misses {reasons}" + explain(case, plan)
                continue
            assert result.feasible, str(result) + explain(case, plan)
            if objective(case, plan) == best:
                assert result.ok, str(result) + explain(case, plan)
                continue
            found = [str(i) for i in improvements(case, plan, VERIFIER_RULES)]
            assert not found or not result.ok, f"verify accepts a plan with {found}" + explain(case, plan)


def test_benchmark_runs_on_three_cases(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`benchmarks/differential.py` runs end to end on three small cases and prints its counts."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    differential = importlib.import_module("differential")
    totals = differential.main(["--cases", "3", "--seed", "1", "--min-households", "5", "--max-households", "12"])
    out = capsys.readouterr().out
    assert totals["cases"] == 3
    assert totals["solved by the oracle"] + totals["oracle timed out"] == 3
    assert "plans equal to the oracle" in out
