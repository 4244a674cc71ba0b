"""The public functions check their arguments at the call and say what they expected, in one message shape:
"The 'case' parameter of solve must be a Case. Got None instead." (as scikit-learn's parameter validation)."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

from allocate import AllocateError, Case, Household, Lot, Need, Plan, read_case, solve, verify
from allocate.checks import InvalidParameterError, check_read_case
from allocate.plan import Allocation, Counters

CASE = Case(
    households=(Household(household_id="H1", grid="A"),),
    needs=(Need(household_id="H1", item="rice", quantity=2),),
    lots=(Lot(lot_id="L1", item="rice", quantity=1),),
)
PLAN = Plan(case=CASE, allocations=(Allocation(need_id="H1/rice", lot_id="L1", quantity=1),), plan_date=dt.date.today())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: solve(None), "The 'case' parameter of solve must be a Case. Got None instead."),  # type: ignore[arg-type]
        (lambda: solve(CASE, "policy.toml"), "The 'policy' parameter of solve must be a Policy or None."),  # type: ignore[arg-type]
        (lambda: solve(CASE, backend=None), "The 'backend' parameter of solve must be a str"),  # type: ignore[arg-type]
        (lambda: solve(CASE, params={}), "The 'params' parameter of solve must be a SolveParams or None."),  # type: ignore[arg-type]
        (lambda: verify(CASE, None), "The 'plan' parameter of verify must be a Plan. Got None instead."),  # type: ignore[arg-type]
        (lambda: verify(PLAN, PLAN), "The 'case' parameter of verify must be a Case. Got Plan("),  # type: ignore[arg-type]
        (lambda: PLAN.write(None), "The 'folder' parameter of Plan.write must be a path"),  # type: ignore[arg-type]
        (lambda: PLAN.write("", overwrite=False), "The 'folder' parameter of Plan.write must be a path"),
    ],
)
def test_wrong_arguments_fail_at_the_call_with_what_was_expected(call: object, message: str) -> None:
    """None or a wrong type for a public argument is an InvalidParameterError naming the parameter and the
    function, never an AttributeError from inside."""
    with pytest.raises(InvalidParameterError) as caught:
        call()  # type: ignore[operator]
    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, AllocateError)
    assert isinstance(caught.value, TypeError)  # what callers catching the built-in kinds expect
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("limit", ["5", True, False, 0, -1, float("nan"), float("inf"), [5]])
def test_time_limit_must_be_a_positive_finite_number(limit: object) -> None:
    """time_limit="5", True, 0, negative, NaN and infinity are refused with one message; 5 and 0.5 are fine."""
    with pytest.raises(InvalidParameterError, match=r"^The 'time_limit' parameter of solve must be a positive, finite"):
        solve(CASE, time_limit=limit)  # type: ignore[arg-type]


def test_good_time_limits_are_accepted() -> None:
    """Whole and fractional seconds and None all solve."""
    for limit in (5, 0.5, None):
        assert solve(CASE, time_limit=limit).allocations


def test_overwrite_must_be_a_real_flag(tmp_path: Path) -> None:
    """Plan.write(..., overwrite="no") is refused: a truthy string must never switch on replacing a folder."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "allocation.csv").write_text("mine")
    with pytest.raises(InvalidParameterError, match=r"The 'overwrite' parameter of Plan\.write must be True or False"):
        PLAN.write(tmp_path / "out", overwrite="no")  # type: ignore[arg-type]
    assert (tmp_path / "out" / "allocation.csv").read_text() == "mine"


def test_read_case_arguments_are_checked() -> None:
    """read_case's check refuses a missing path and a policy that is neither a Policy nor a path, and read_case
    itself runs it."""
    with pytest.raises(InvalidParameterError, match="The 'path' parameter of read_case must be a path"):
        check_read_case(None, None)
    with pytest.raises(InvalidParameterError, match="The 'path' parameter of read_case must be a path"):
        read_case(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="The 'policy' parameter of read_case must be a Policy, the path"):
        check_read_case("case", 3)
    check_read_case(Path("case"), "policy.toml")


def test_a_long_wrong_value_is_shortened_in_the_message() -> None:
    """A huge wrong value is shown shortened, so the message stays one readable line."""
    with pytest.raises(InvalidParameterError) as caught:
        solve("x" * 10_000)  # type: ignore[arg-type]
    assert len(str(caught.value)) < 200


def test_plan_stats_are_read_only_and_still_serialise() -> None:
    """plan.stats cannot be changed on a frozen plan, yet equals a dict, pickles and dumps to JSON as an object."""
    plan = solve(CASE)
    assert isinstance(plan.stats, Counters)
    with pytest.raises(TypeError):
        plan.stats["flow_solves"] = 0  # type: ignore[index]
    assert plan.stats == dict(plan.stats)
    assert json.loads(plan.model_dump_json())["stats"] == dict(plan.stats)
    assert pickle.loads(pickle.dumps(plan)) == plan
    assert Plan.model_validate(plan.model_dump()).stats == plan.stats
    assert isinstance(PLAN.stats, Counters)
