"""Fixtures of the report tests: the hand-checked case of `report_case`, its plan and explanation."""

from __future__ import annotations

import pytest
from report_case import make_case, make_explanation, make_plan

from allocate.explain import Explanation
from allocate.plan import Plan
from allocate.schema import Case


@pytest.fixture(scope="session")
def case() -> Case:
    """The hand-checked case (see `report_case`)."""
    return make_case()


@pytest.fixture(scope="session")
def plan(case: Case) -> Plan:
    """Its optimal plan, made by hand."""
    return make_plan(case)


@pytest.fixture(scope="session")
def explanation() -> Explanation:
    """Its shortfalls and hand-set marginal values."""
    return make_explanation()
