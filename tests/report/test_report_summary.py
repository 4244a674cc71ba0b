"""summary.json: every SPEC section 4 field, with numbers checked by hand on the case of `conftest.py`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from report_case import GRID_B, OIL

from allocate.explain import Explanation, Reason
from allocate.plan import Plan, Status, Termination, TierBound
from allocate.plan import Reason as Stop
from allocate.report import SCHEMA_VERSION, build_summary, gini, jain, render_html, summary_json
from allocate.schema import Case, Household, Policy
from allocate.verify import verify

INPUTS = {"needs.csv": "b" * 64, "households.csv": "a" * 64}
TIMINGS = {"reading": 0.1234567891, "solving": 2.0}


@pytest.fixture(scope="module")
def summary(plan: Plan, explanation: Explanation) -> dict[str, Any]:
    """The summary of the hand-made plan."""
    return build_summary(plan, explanation, inputs=INPUTS, timings=TIMINGS)


def test_hand_made_plan_is_verified(plan: Plan) -> None:
    """The plan the numbers below are checked on is itself feasible and optimal by the verifier."""
    assert verify(plan.case, plan).ok


def test_header_fields_say_what_was_solved_and_how(summary: dict[str, Any], case: Case) -> None:
    """Schema version, status, termination, plan date, policy, input digests (sorted), solver, timings come first."""
    head = ["schema_version", "status", "termination", "plan_date", "policy", "inputs", "solver", "timings"]
    assert list(summary)[:8] == head
    assert summary["schema_version"] == SCHEMA_VERSION == 2
    assert (summary["status"], summary["plan_date"]) == ("optimal", "2026-12-01")
    assert summary["termination"] == {"reason": "proven", "steps": [], "detail": ""}
    assert summary["policy"] == case.policy.model_dump(mode="json")
    assert list(summary["inputs"].items()) == [("households.csv", "a" * 64), ("needs.csv", "b" * 64)]
    assert summary["solver"]["backend"] == "highs"
    assert summary["solver"]["version"]  # highspy is a dependency, so its version is known
    assert summary["timings"] == {"reading": 0.123457, "solving": 2.0}


def test_totals_count_households_needs_and_units(summary: dict[str, Any]) -> None:
    """Only H1 is fully served; all three received something; 8 of 15 units; 3 needs short."""
    assert summary["totals"] == {
        "households": 3,
        "households_with_requests": 3,
        "households_receiving": 3,
        "households_fully_served": 1,
        "needs": 5,
        "needs_fully_served": 2,
        "services": 1,
        "services_done": 1,
        "units_requested": 15,
        "units_allocated": 8,
        "unmet": 3,
    }


NO_BOUNDS = {"reached": None, "reached_bound": None, "min_fill_bound": None, "at_bounds": None}
"""A hand-made plan has no certified bounds: its summary says null, not a number it never measured."""


def test_tiers_give_min_and_mean_fill_in_priority_order(summary: dict[str, Any]) -> None:
    """Elderly is fully served (rice and the visit); general fills 1/4, 1/4, 1 and 0: min 0, mean 0.375."""
    tiers = {t["tier"]: t for t in summary["tiers"]}
    assert [t["tier"] for t in summary["tiers"]] == ["critical", "vulnerable", "elderly", "general"]
    assert tiers["critical"] == {
        "tier": "critical",
        "rank": 0,
        "needs": 0,
        "services": 0,
        "households": 0,
        "min_fill": None,
        "mean_fill": None,
        "fully_served": 0,
        "no_supply": 0,
        "min_fill_supplied": None,
        "median_fill": None,
        **NO_BOUNDS,
    }
    assert tiers["elderly"] == {
        "tier": "elderly",
        "rank": 2,
        "needs": 1,
        "services": 1,
        "households": 1,
        "min_fill": 1.0,
        "mean_fill": 1.0,
        "fully_served": 2,
        "no_supply": 0,
        "min_fill_supplied": 1.0,
        "median_fill": 1.0,
        **NO_BOUNDS,
    }
    general = tiers["general"]
    assert (general["needs"], general["households"], general["min_fill"], general["mean_fill"]) == (4, 2, 0.0, 0.375)
    assert general["fully_served"] == 1
    # the 0 is milk, which no lot holds: leaving it out, the tier's lowest fill is what sharing decided
    assert (general["no_supply"], general["min_fill_supplied"], general["median_fill"]) == (1, 0.25, 0.25)


def test_grids_count_units_fills_and_volunteer_hours(summary: dict[str, Any]) -> None:
    """Grid A: fills 1, 1/4, 0 and the visit; 5 of 9 units; V1 and V2 (`*`) offer 2 h, 1 h used."""
    a, b = summary["grids"]
    assert a == {
        "grid": "A",
        "households": 2,
        "needs": 3,
        "services": 1,
        "min_fill": 0.0,
        "mean_fill": 0.5625,
        "fully_served": 2,
        "units_requested": 9,
        "units_received": 5,
        "volunteer_hours_offered": 2.0,
        "volunteer_hours_used": 1.0,
        "volunteer_hours_free": 0.75,  # 2 h offered, 1 h spent in A and 0.25 h by V2 (`*`) in B
        "marginal_value_of_hour": {
            "tier": None,
            "min_fill_gain": 0.0,
            "mean_fill_gain": 0.0,
            "method": "resolve",
            "measured": True,
            "shortage": 0.0,
            "skills": [],
            "designated": False,
        },
    }
    assert b["grid"] == GRID_B
    assert (b["households"], b["needs"], b["services"], b["min_fill"], b["mean_fill"]) == (1, 2, 0, 0.25, 0.625)
    assert (b["units_requested"], b["units_received"]) == (6, 3)
    assert (b["volunteer_hours_offered"], b["volunteer_hours_used"]) == (1.0, 0.25)
    assert b["marginal_value_of_hour"]["measured"] is False


def test_items_count_usable_supply_shortage_and_marginal_value(summary: dict[str, Any]) -> None:
    """Expired rice is not supply; rice is 6 short, milk 1 (never donated); 1 oil is left over."""
    items = {i["item"]: i for i in summary["items"]}
    assert [i["item"] for i in summary["items"]] == ["rice", OIL, "milk"]  # as the needs first name them
    assert items["rice"] == {
        "item": "rice",
        "supplied": 6,
        "requested": 12,
        "allocated": 6,
        "shortage": 6,
        "unused": 0,
        "marginal_value": {
            "tier": "general",
            "min_fill_gain": 0.0,
            "mean_fill_gain": 0.0625,
            "method": "resolve",
            "measured": True,
            "shortage": 6.0,
            "skills": [],
            "designated": False,
        },
    }
    milk = items["milk"]
    assert (milk["supplied"], milk["requested"], milk["allocated"], milk["shortage"]) == (0, 1, 0, 1)
    assert milk["marginal_value"]["method"] == "resolve"
    oil = items[OIL]
    assert (oil["supplied"], oil["allocated"], oil["shortage"], oil["unused"]) == (3, 2, 0, 1)


def test_volunteer_hours_and_shortfall_reasons(summary: dict[str, Any]) -> None:
    """3 deliveries of 0.25 h and a 0.5 h service use 1.25 of 2 h; two fair-share and one no-supply shortfall."""
    assert summary["volunteers"] == {
        "volunteers": 2,
        "hours_offered": 2.0,
        "hours_used": 1.25,
        "delivery_hours": 0.75,
        "service_hours": 0.5,
    }
    by_reason = summary["shortfalls"]["by_reason"]
    assert summary["shortfalls"]["total"] == 3
    assert list(by_reason) == [r.value for r in Reason]  # every reason, in Reason order
    assert {r: n for r, n in by_reason.items() if n} == {"no_supply": 1, "fair_share": 2}


def test_fairness_indices_match_hand_computation(summary: dict[str, Any]) -> None:
    """Need fills 1, 1/4, 1/4, 1, 0: Gini 11/25, Jain 6.25/10.625; general 0.5 and 0.5; elderly 0 and 1."""
    fair = summary["fairness"]
    assert fair["overall"] == {"needs": 5, "gini": 0.44, "jain": 0.588235}
    assert fair["tiers"]["general"] == {"needs": 4, "gini": 0.5, "jain": 0.5}
    assert fair["tiers"]["elderly"] == {"needs": 1, "gini": 0.0, "jain": 1.0}
    assert fair["tiers"]["critical"] == {"needs": 0, "gini": None, "jain": None}


def test_gini_and_jain_at_their_bounds() -> None:
    """Equal fills (also all zero) give Gini 0 and Jain 1; one need with everything gives (n-1)/n and 1/n."""
    assert (gini([]), jain([])) == (None, None)
    assert (gini([0.0, 0.0]), jain([0.0, 0.0])) == (0.0, 1.0)
    assert (gini([0.3, 0.3, 0.3]), jain([0.3, 0.3, 0.3])) == (0.0, 1.0)
    assert (gini([1.0, 0.0, 0.0, 0.0]), jain([1.0, 0.0, 0.0, 0.0])) == (0.75, 0.25)


def test_feasible_plan_reports_why_and_its_bounds_and_no_volunteers_gives_nulls(
    plan: Plan, case: Case, explanation: Explanation
) -> None:
    """A FEASIBLE plan carries its termination and each tier's bounds; without volunteers hours are null, not 0."""
    fresh = plan.model_dump()  # a new Plan each time: model_copy would carry cached fills over
    stop = Termination(reason=Stop.SIZE_LIMIT, steps=("volunteers",), detail="a part of 3 households is too large")
    bound = TierBound(tier="general", entries=4, reached=3, reached_bound=4, min_fill=0.0, min_fill_bound=0.123456789)
    feasible = Plan.model_validate(fresh | {"status": Status.FEASIBLE, "termination": stop, "bounds": (bound,)})
    s = build_summary(feasible, explanation, inputs={}, timings={})
    assert (s["status"], s["termination"]) == ("feasible", stop.model_dump(mode="json"))
    general = next(t for t in s["tiers"] if t["tier"] == "general")
    assert (general["reached"], general["reached_bound"], general["min_fill_bound"]) == (3, 4, 0.123457)
    assert general["at_bounds"] is False
    bare_case = Case(households=case.households, needs=case.needs, lots=case.lots, policy=case.policy)
    bare = Plan(case=bare_case, allocations=plan.allocations, plan_date=plan.plan_date)
    s = build_summary(bare, explanation, inputs={}, timings={})
    assert s["volunteers"] is None
    assert s["solver"]["version"] is None  # a hand-made plan has no engine
    assert {g["volunteer_hours_offered"] for g in s["grids"]} == {None}


def test_json_is_byte_identical_readable_and_round_trips(plan: Plan, explanation: Explanation) -> None:
    """Two builds give the same bytes; Chinese stays readable; the JSON reads back to the same dict."""
    again = Plan.model_validate(plan.model_dump())
    inputs = {"需求.csv": "c" * 64}
    first = summary_json(build_summary(plan, explanation, inputs=inputs, timings=TIMINGS))
    assert summary_json(build_summary(again, explanation, inputs=inputs, timings=TIMINGS)) == first
    assert first.endswith("}\n")
    assert "需求.csv" in first
    assert "NaN" not in first
    assert json.loads(first) == build_summary(plan, explanation, inputs=inputs, timings=TIMINGS)


def test_case_without_requests_gives_nulls_not_errors() -> None:
    """A case with no needs, lots or services: fills and indices are null, counts zero, and the page renders."""
    day = dt.date(2026, 1, 1)
    case = Case(households=(Household(household_id="H", grid="g"),), needs=(), lots=(), policy=Policy(plan_date=day))
    nothing = Explanation(shortfalls=(), marginal_values=())
    s = build_summary(Plan(case=case, allocations=(), plan_date=day), nothing, inputs={}, timings={})
    assert s["totals"]["households_with_requests"] == 0
    assert {t["min_fill"] for t in s["tiers"]} == {None}
    assert s["fairness"]["overall"] == {"needs": 0, "gini": None, "jain": None}
    assert (s["items"], s["grids"][0]["min_fill"]) == ([], None)
    assert "没有物资申请或库存。" in render_html(s, nothing, lang="zh")
