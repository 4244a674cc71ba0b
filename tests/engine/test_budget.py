"""One time budget for a run: an engine that stops without an answer never ends the run; the plan in hand is kept,
verified, and its termination says so. Engines are made to fail on purpose here, so no test waits on a clock."""

from __future__ import annotations

import dataclasses
import importlib

import named
import pytest

from allocate.backends import BACKENDS
from allocate.backends.base import Backend, BackendError, FloatArray, LinearProgram, Solution, no_solution
from allocate.explain import explain
from allocate.plan import Reason
from allocate.schema import Case
from allocate.solve import solve
from allocate.verify import verify


@dataclasses.dataclass
class _NoMip:
    """HiGHS for LPs; every MIP stops at its limit before finding anything (as a hard one would)."""

    name: str = "highs"
    install: str = "pip install highspy"
    mips: int = 0

    def is_available(self) -> bool:
        return True

    def version(self) -> str:
        return "test"

    def solve(
        self,
        lp: LinearProgram,
        time_limit: float | None = None,
        *,
        start: FloatArray | None = None,
        effort: int | None = None,
    ) -> Solution:
        if lp.is_mip:
            self.mips += 1
            return no_solution()
        return BACKENDS["highs"].solve(lp, time_limit)


@pytest.fixture
def stalling(monkeypatch: pytest.MonkeyPatch) -> _NoMip:
    """The "auto" backend replaced by one whose MIPs never answer."""
    engine = _NoMip()
    monkeypatch.setattr(importlib.import_module("allocate.solve"), "get_backend", lambda name="auto": engine)
    return engine


def total_fill_case() -> Case:
    """The all-or-nothing case under fairness "none": its tiers are MIPs."""
    case = named.all_or_nothing(4)
    return case.replace(policy=case.policy.model_copy(update={"fairness": "none"}))


def test_exact_search_without_an_answer_keeps_the_fast_plan(stalling: Backend) -> None:
    """Scarce volunteers go to the exact model; when its MIPs give nothing, the fast plan stands, verified, with
    reason time_limit and the step left unproven."""
    case = named.shared_scarcity()
    plan = solve(case)
    assert verify(case, plan).ok
    assert plan.termination is not None
    assert plan.termination.reason is Reason.TIME_LIMIT
    assert plan.termination.steps == ("volunteers",)


def test_total_fill_mip_without_an_answer_keeps_what_the_tier_had(stalling: _NoMip) -> None:
    """Under fairness "none" a tier with all-or-nothing needs is a MIP; when it gives nothing the tier keeps what it
    had (here nothing), the plan is still verified feasible, and the termination names the total-fill step."""
    case = total_fill_case()
    plan = solve(case)
    assert stalling.mips > 0
    assert verify(case, plan).feasible
    assert plan.termination is not None
    assert plan.termination.reason is Reason.TIME_LIMIT
    assert "total_fill" in plan.termination.steps


def test_marginal_values_share_one_time_limit() -> None:
    """With no time left, every marginal value that needs a solve is reported unmeasured, not computed anyway."""
    case = named.shared_scarcity()
    plan = solve(case)
    spent = explain(plan, limit=None, time_limit=1e-9)
    needed = [mv for mv in spent.marginal_values if mv.tier is not None]
    assert needed
    assert not any(mv.measured for mv in needed)
    full = explain(plan, limit=None)
    assert all(mv.measured for mv in full.marginal_values if mv.tier is not None)


def test_marginal_values_refuse_a_time_limit_that_is_not_a_positive_number() -> None:
    """`True`, zero and text are refused with the parameter's name."""
    plan = solve(named.shared_scarcity())
    for bad in (True, 0, "5"):
        with pytest.raises(ValueError, match="'time_limit' parameter of marginal_values"):
            explain(plan, time_limit=bad)  # type: ignore[arg-type]


@dataclasses.dataclass
class _FailingMip(_NoMip):
    """HiGHS for LPs; every MIP fails the way a solver bug does (HiGHS calling a feasible model infeasible)."""

    def solve(
        self,
        lp: LinearProgram,
        time_limit: float | None = None,
        *,
        start: FloatArray | None = None,
        effort: int | None = None,
    ) -> Solution:
        if lp.is_mip:
            self.mips += 1
            raise BackendError("HiGHS found the model infeasible, though the models allocate builds are feasible")
        return BACKENDS["highs"].solve(lp, time_limit)


def test_a_failing_backend_keeps_the_fast_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """A MIP solver that fails does not end the run: the part keeps the fast plan, verified, reason heuristic,
    and the failure is in the termination's detail."""
    engine = _FailingMip()
    monkeypatch.setattr(importlib.import_module("allocate.solve"), "get_backend", lambda name="auto": engine)
    case = named.shared_scarcity()
    plan = solve(case)
    assert engine.mips > 0
    assert verify(case, plan).ok
    assert plan.termination is not None
    assert plan.termination.reason is Reason.HEURISTIC
    assert "backend failed" in plan.termination.detail
