"""`allocate.run`: the whole product in one call, and `Result.write` writing what `allocate solve` writes."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from allocate import (
    Case,
    Household,
    InvalidParameterError,
    Lot,
    Need,
    OutputExistsError,
    Policy,
    Result,
    Service,
    VerificationError,
    Volunteer,
    read_case,
    run,
)
from allocate.cli import cli
from allocate.plan import Allocation
from allocate.run import STEPS

SOLVE_MODULE = importlib.import_module("allocate.solve")  # the package's `solve` attribute is the function
EXPLAIN_MODULE = importlib.import_module("allocate.explain")
RUN_MODULE = importlib.import_module("allocate.run")

CASE_FILES = {
    "households.csv": "household_id,grid,oldest_age,lives_alone\nH1,A,82,yes\nH2,A,40,no\nH3,B,30,no\n",
    "needs.csv": "household_id,item,quantity\nH1,rice,2\nH2,rice,4\nH3,rice,2\n",
    "supplies.csv": "lot_id,item,quantity\nL1,rice,5\n",
    "volunteers.csv": "volunteer_id,grids,hours,skills\nV1,A,1,nursing\n",
    "services.csv": "household_id,skill,hours\nH2,nursing,0.5\nH3,nursing,0.5\n",
    "policy.toml": "plan_date = 2026-12-01\n",
}


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    """A small case on disk: two grids, one volunteer covering one of them, a shortage of rice."""
    folder = tmp_path / "case"
    folder.mkdir()
    for name, text in CASE_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def small() -> Case:
    """The same kind of case built in code."""
    return Case(
        households=[Household(household_id="H1", grid="A", oldest_age=82), Household(household_id="H2", grid="A")],
        needs=[Need(household_id="H1", item="rice", quantity=2), Need(household_id="H2", item="rice", quantity=4)],
        lots=[Lot(lot_id="L1", item="rice", quantity=3)],
        volunteers=[Volunteer(volunteer_id="V1", grids=["A"], hours=1, skills=["nursing"])],
        services=[Service(household_id="H2", skill="nursing", hours=1)],
        policy=Policy(plan_date=dt.date(2026, 12, 1)),
    )


def test_run_gives_plan_verification_reasons_and_summary(small: Case) -> None:
    """A run holds the verified plan, every shortfall with its reason, the marginal values and the summary."""
    result = run(small)
    assert result.verification.ok
    assert result.case is result.plan.case
    assert [(s.id, s.reason.value) for s in result.explanation.shortfalls] == [
        ("H2/rice", "supply_exhausted"),
        ("H2/nursing", "volunteer_hours_exhausted"),
    ]
    assert {(m.kind, m.resource) for m in result.explanation.marginal_values} == {
        ("item", "rice"),
        ("volunteer_hours", "A"),
    }
    assert result.summary["totals"]["unmet"] == 2
    assert list(result.summary["timings"]) == list(STEPS)
    assert result.summary["inputs"] == {}


def test_results_of_the_same_case_are_equal_and_print(small: Case) -> None:
    """Two runs of one case are equal (timings aside), and a result prints the plan, the verdict and shortfalls."""
    a, b = run(small), run(small)
    assert a == b
    text = str(a)
    assert text.startswith("optimal plan for 2026-12-01")
    assert "plan verified: no violations" in text
    assert text.endswith("shortfalls: 2 (supply_exhausted 1, volunteer_hours_exhausted 1)")
    assert repr(a) == "<Result: optimal plan for 2026-12-01, 2 allocations, 2 visits, 2 shortfalls, verified>"


def test_write_gives_the_same_files_as_the_command(case_dir: Path, tmp_path: Path) -> None:
    """`Result.write` with the case's files writes what `allocate solve` writes, byte for byte (timings aside)."""
    cli_out, lib_out = tmp_path / "cli", tmp_path / "lib"
    r = CliRunner().invoke(cli, ["solve", str(case_dir), "-o", str(cli_out), "--lang", "zh"])
    assert r.exit_code == 0, r.output
    result = run(read_case(case_dir))
    written = result.write(lib_out, lang="zh", inputs=sorted(case_dir.iterdir()))
    assert written == lib_out
    names = sorted(p.name for p in cli_out.iterdir())
    assert names == sorted(p.name for p in lib_out.iterdir())
    assert names == ["allocation.csv", "report.html", "summary.json", "unmet.csv", "visits.csv"]
    for name in ("allocation.csv", "visits.csv", "unmet.csv", "report.html"):
        assert (cli_out / name).read_bytes() == (lib_out / name).read_bytes(), name
    ours, theirs = (json.loads((d / "summary.json").read_text(encoding="utf-8")) for d in (lib_out, cli_out))
    assert list(theirs.pop("timings")) == ["reading", *STEPS]
    assert list(ours.pop("timings")) == list(STEPS)
    assert ours == theirs
    assert set(ours["inputs"]) == set(CASE_FILES)


def test_write_refuses_a_folder_in_use_and_replaces_a_plan_when_asked(small: Case, tmp_path: Path) -> None:
    """An existing non-empty folder is refused unless `overwrite`; then only a folder of plan files is replaced."""
    result = run(small)
    out = result.write(tmp_path / "plan")
    (out / "report.html").write_text("an older report", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        result.write(out)
    result.write(out, overwrite=True)
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        result.write(mine, overwrite=True)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_write_never_replaces_a_case(small: Case, case_dir: Path) -> None:
    """Even with `overwrite`, a folder holding anything but plan files (a case) is refused and left as it was."""
    before = sorted(p.name for p in case_dir.iterdir())
    with pytest.raises(OutputExistsError):
        run(small).write(case_dir, overwrite=True)
    assert sorted(p.name for p in case_dir.iterdir()) == before


def test_write_leaves_nothing_half_written(small: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while writing leaves no output folder at all."""

    def refused(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(importlib.import_module("allocate.outputs"), "write_columns", refused)
    with pytest.raises(PermissionError):
        run(small).write(tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_a_plan_failing_verification_raises_and_is_not_returned(small: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan that fails its own verification is a bug: VerificationError names what it breaks."""
    real = SOLVE_MODULE.solve

    def overdrawn(*args: Any, **kw: Any) -> Any:
        plan = real(*args, **kw)
        bad = Allocation(need_id="H2/rice", lot_id="L1", quantity=4)
        return plan.model_copy(update={"allocations": (*plan.allocations, bad)})

    monkeypatch.setattr(SOLVE_MODULE, "solve", overdrawn)
    with pytest.raises(VerificationError) as e:
        run(small)
    assert "lot_overdrawn" in {v.rule.value for v in e.value.violations}
    assert str(e.value).startswith("the plan failed its own verification")


class _Clock:
    """A stand-in for the `time` module that run reads: seconds pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    def perf_counter(self) -> float:
        return self.now


def test_time_limit_is_one_budget_for_every_solver_call(small: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """The solve gets the whole budget; the marginal values get what the solve left of it."""
    clock = _Clock()
    seen: dict[str, float | None] = {}
    real_solve, real_explain = SOLVE_MODULE.solve, EXPLAIN_MODULE.explain

    def solve(*args: Any, time_limit: float | None = None, **kw: Any) -> Any:
        seen["solve"] = time_limit
        clock.now += 4.0
        return real_solve(*args, time_limit=time_limit, **kw)

    def explain(*args: Any, time_limit: float | None = None, **kw: Any) -> Any:
        seen["explain"] = time_limit
        return real_explain(*args, time_limit=time_limit, **kw)

    monkeypatch.setattr(RUN_MODULE, "time", clock)
    monkeypatch.setattr(SOLVE_MODULE, "solve", solve)
    monkeypatch.setattr(EXPLAIN_MODULE, "explain", explain)
    result = run(small, time_limit=10)
    assert seen == {"solve": 10.0, "explain": 6.0}
    assert result.summary["timings"]["solving"] == 4.0


def test_progress_wraps_each_step_in_order(small: Case) -> None:
    """`progress` is entered and left around each step, named as the summary's timings name them."""
    events: list[str] = []

    @contextmanager
    def progress(step: str) -> Iterator[None]:
        events.append(f"start {step}")
        yield
        events.append(f"end {step}")

    run(small, progress=progress)
    assert events == [f"{edge} {step}" for step in STEPS for edge in ("start", "end")]


def test_policy_and_marginal_limit_are_passed_on(small: Case) -> None:
    """`policy` replaces the case's (the plan answers the case under it); marginal_limit=0 measures no grid."""
    none = small.policy.model_copy(update={"fairness": "none"})
    result = run(small, none, marginal_limit=0)
    assert result.case.policy.fairness == "none"
    assert result.summary["policy"]["fairness"] == "none"
    short = [m for m in result.explanation.marginal_values if m.kind == "volunteer_hours" and m.tier is not None]
    assert short
    assert not any(m.measured for m in short)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"case": None}, "The 'case' parameter of run must be a Case. Got None instead."),
        ({"policy": "policy.toml"}, "The 'policy' parameter of run must be a Policy or None."),
        ({"time_limit": -1}, "The 'time_limit' parameter of run must be a positive, finite number"),
        ({"marginal_limit": -1}, "The 'marginal_limit' parameter of run must be a whole number >= 0 or None."),
        ({"marginal_limit": True}, "The 'marginal_limit' parameter of run must be a whole number >= 0 or None."),
        ({"progress": 5}, "The 'progress' parameter of run must be a callable or None."),
        ({"params": {}}, "The 'params' parameter of run must be a SolveParams or None."),
    ],
)
def test_run_checks_its_arguments(small: Case, kwargs: dict[str, Any], message: str) -> None:
    """A wrong argument fails at the call, saying which and what it must be."""
    call = {"case": small, **kwargs}
    with pytest.raises(InvalidParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(**call)


def test_write_checks_its_arguments(small: Case, tmp_path: Path) -> None:
    """`Result.write` refuses a bad language, flag or input list before writing anything."""
    result = run(small)
    for kwargs in ({"lang": "fr"}, {"overwrite": "yes"}, {"inputs": "households.csv"}, {"inputs": [None]}):
        with pytest.raises(InvalidParameterError):
            result.write(tmp_path / "out", **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_result_is_frozen(small: Case) -> None:
    """A result's parts cannot be swapped after the run."""
    result = run(small)
    with pytest.raises(AttributeError):
        result.plan = result.plan  # type: ignore[misc]
    assert isinstance(result, Result)
