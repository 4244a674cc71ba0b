"""Fixtures of the report tests: the hand-checked case of `report_case`, its plan and explanation, and the real
browser the report's and the sheets' browser tests drive."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from chromium import CHROMIUM, FLAGS
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium (playwright cannot download its own browser here); skipped without playwright."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install playwright")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()
