"""report.html in a real browser: Debian's headless Chromium shows the key numbers, asks no network, and saves a
full-page screenshot (and an A4 PDF) of the demo case's report in `test-artifacts/` for people to look at.

Skipped, with the reason, only when playwright or the chromium binary is missing; nothing else needs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from chromium import A4_WIDTH, ARTIFACTS, needs_chromium, open_page

from allocate.explain import Explanation, explain
from allocate.generate import demo_case
from allocate.report import Lang, build_summary, render_html
from allocate.report.html import UNMET_ROWS
from allocate.report.numbers import pct, thousands
from allocate.solve import solve

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def demo() -> tuple[dict[str, Any], Explanation]:
    """The demo case solved and explained, and its summary."""
    plan = solve(demo_case())
    explanation = explain(plan)
    summary = build_summary(plan, explanation, inputs={"households.csv": "0" * 64}, timings={"solving": 1.0})
    return summary, explanation


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_shows_key_numbers_without_network(
    demo: tuple[dict[str, Any], Explanation], browser: Any, tmp_path: Path, lang: Lang
) -> None:
    """A tier's lowest fill, rice's shortage and the unmet count are on screen, the page fits A4 width, only the
    file itself was requested, and the screenshot and PDF are saved."""
    summary, explanation = demo
    path = tmp_path / "report.html"
    path.write_text(render_html(summary, explanation, lang=lang), encoding="utf-8")
    context, page, requests = open_page(browser, path)

    general = next(t for t in summary["tiers"] if t["tier"] == "general")
    rice = next(i for i in summary["items"] if i["item"] == "大米(袋)")
    assert rice["shortage"] > 0
    checks = {
        'tr[data-tier="general"] td.min-fill': pct(general["min_fill"]),
        'tr[data-item="大米(袋)"] td.shortage': thousands(rice["shortage"]),
        '.card[data-key="unmet"] .value': thousands(summary["totals"]["unmet"]),
    }
    for selector, text in checks.items():
        cell = page.locator(selector)
        assert cell.inner_text().strip() == text, selector
        assert cell.is_visible(), selector
        box = cell.bounding_box()
        assert box is not None
        assert box["width"] > 0
        assert box["x"] + box["width"] <= A4_WIDTH, selector
    assert page.locator("table.unmet tbody tr").count() == min(len(explanation.shortfalls), UNMET_ROWS)
    if len(explanation.shortfalls) > UNMET_ROWS:
        assert page.locator('[data-key="more_unmet"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH  # nothing sticks out sideways
    assert requests == [path.as_uri()]

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{lang}.png"), full_page=True)
    page.pdf(path=str(ARTIFACTS / f"report-{lang}.pdf"), format="A4", print_background=True)
    context.close()
