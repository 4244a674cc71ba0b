"""Backends: the same named cases give the same fills on every installed engine; errors say what to install."""

from __future__ import annotations

import named
import pytest

from allocate.backends import BACKENDS, BackendUnavailable, available_backends, get_backend
from allocate.plan import Plan, Reason, Termination
from allocate.schema import Case, Policy
from allocate.solve import solve
from allocate.verify import verify
from support.brute_force import objective


def with_policy(case: Case, **changes: object) -> Case:
    """The case under a policy with some settings changed."""
    return solve_ready(case, case.policy.model_copy(update=changes))


def solve_ready(case: Case, policy: Policy) -> Case:
    """The case rebuilt for `policy` (tiers recomputed)."""
    return Case(
        households=case.households,
        needs=case.needs,
        lots=case.lots,
        volunteers=case.volunteers,
        services=case.services,
        policy=policy,
    )


CASES = {
    "elderly_first": named.elderly_first(),
    "even_split": named.even_split(),
    "reserved_beside_open": named.reserved_beside_open(),
    "all_or_nothing": named.all_or_nothing(4),
    "few_volunteer_hours": named.few_volunteer_hours(),
    "rare_skill": named.rare_skill(),
    "shared_scarcity": named.shared_scarcity(),
    "shared_scarcity_total_fill": with_policy(named.shared_scarcity(), fairness="none"),
    "all_or_nothing_total_fill": with_policy(named.all_or_nothing(4), fairness="none"),
    "even_split_total_fill": with_policy(named.even_split(), fairness="none"),
}


def fills(plan: Plan) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Need fills and service fills, in case order."""
    return plan.need_fills, plan.service_fills


@pytest.mark.parametrize("backend", available_backends())
@pytest.mark.parametrize("name", sorted(CASES))
def test_backends_agree_on_named_cases(name: str, backend: str) -> None:
    """Every installed backend gives a verified plan with the default backend's fills (total fill: its objective)."""
    case = CASES[name]
    plan, reference = solve(case, backend=backend), solve(case)
    assert plan.backend == backend
    assert verify(case, plan).ok
    if case.policy.fairness == "none":
        assert objective(case, plan) == objective(case, reference)
    else:
        assert fills(plan) == fills(reference)


def test_volunteer_cases_use_the_backend() -> None:
    """The scarce-volunteer case is re-decided by a MIP, so switching backends is real."""
    assert solve(CASES["shared_scarcity"]).stats["mip_solves"] >= 1
    assert solve(CASES["even_split_total_fill"]).stats["lp_solves"] >= 1


def test_auto_picks_highs() -> None:
    """ "auto" is HiGHS when highspy is installed."""
    assert get_backend("auto").name == "highs"
    assert solve(CASES["elderly_first"]).backend == "highs"


def test_unknown_backend_names_the_choices() -> None:
    """A misspelt backend is refused with the list of valid names."""
    with pytest.raises(BackendUnavailable, match="must be one of auto, highs, ortools, pulp"):
        solve(CASES["elderly_first"], backend="gurobi")


def test_missing_backend_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """A backend whose library is missing says how to install it."""
    monkeypatch.setattr(type(BACKENDS["pulp"]), "is_available", lambda self: False)
    with pytest.raises(BackendUnavailable, match=r'pip install "allocate\[pulp\]"'):
        solve(CASES["elderly_first"], backend="pulp")


def test_solving_keeps_stdout_clean(capfd: pytest.CaptureFixture[str]) -> None:
    """No banner or log reaches stdout, whichever backend runs (the CLI's stdout carries only messages)."""
    for backend in available_backends():
        solve(CASES["shared_scarcity"], backend=backend)
    assert capfd.readouterr().out == ""


def test_time_limit_must_be_positive() -> None:
    """A zero or negative time limit is refused with the parameter's name."""
    with pytest.raises(ValueError, match="'time_limit' parameter"):
        solve(CASES["elderly_first"], time_limit=0)


@pytest.mark.parametrize("backend", available_backends())
def test_scarce_volunteers_are_decided_exactly(backend: str) -> None:
    """Hours run short for doable visits here; the exact model decides who gets them and proves it, on every backend."""
    case = CASES["shared_scarcity"]
    plan = solve(case, backend=backend, time_limit=60)
    assert verify(case, plan).ok
    assert plan.status == "optimal"
    assert plan.termination == Termination(reason=Reason.PROVEN)
    assert all(b.reached == b.reached_bound for b in plan.bounds)


@pytest.mark.parametrize("backend", available_backends())
def test_an_exhausted_search_keeps_the_fast_plan_and_says_so(backend: str) -> None:
    """With no time left for the exact search the run still returns the fast plan, verified, with reason time_limit
    and certified bounds that the plan's own counts never exceed."""
    case = CASES["shared_scarcity"]
    plan = solve(case, backend=backend, time_limit=1e-9)
    assert verify(case, plan).ok
    assert plan.status == "feasible"
    assert plan.termination is not None
    assert plan.termination.reason == "time_limit"
    assert plan.termination.steps == ("volunteers",)
    assert all(b.reached <= b.reached_bound for b in plan.bounds)


@pytest.mark.parametrize(("version", "ok"), [("3.3.0", False), ("3.3.1", True), ("3.3.2", True), ("4.0.0", False)])
def test_pulp_outside_its_supported_versions_is_unavailable(
    version: str, ok: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PuLP before 3.3.1 lacks `add_variable` and PuLP 4 drops `PULP_CBC_CMD`: the backend is then unavailable, and
    asking for it names the install command instead of failing inside a solve."""
    pulp = BACKENDS["pulp"]
    monkeypatch.setattr(type(pulp), "version", lambda self: version)
    if not pulp.is_available() and ok:
        pytest.skip("PuLP is not installed")
    assert pulp.is_available() is ok
    if not ok:
        with pytest.raises(
            BackendUnavailable, match=r"not installed in a version allocate supports; .*allocate\[pulp\]"
        ):
            get_backend("pulp")
