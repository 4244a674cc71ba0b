"""The volunteer pages and pick lists in a real browser: Debian's headless Chromium lays them out at A4 width with
nothing sticking out, marks a quarantined household contact-free, asks no network, and prints them as A4 PDFs.
Screenshots and PDFs of the demo case's sheets go to `test-artifacts/` for people to look at.

The demo case is made harder to lay out: two of its households are quarantined (and the first volunteer is of
the epidemic-control team, so someone may visit them), and every household has a long address and a phone.
Skipped, with the reason, only when playwright or the chromium binary is missing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from chromium import A4_WIDTH, ARTIFACTS, needs_chromium, open_page

from allocate.catalog import Lang, message
from allocate.generate import demo_case
from allocate.run import run
from allocate.sheets import Contacts, Sheets, build_sheets, render_pick_lists, render_volunteers

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def sheets() -> Sheets:
    """The demo case with two quarantined households and a designated volunteer, solved, with long contacts."""
    case = demo_case()
    first = case.volunteers[0] if case.volunteers else None
    assert first is not None
    grid = first.grids[0]
    quarantined = [h.household_id for h in case.households if h.grid == grid][:2]
    case = case.replace(
        households=tuple(h.model_copy(update={"quarantined": h.household_id in quarantined}) for h in case.households),
        volunteers=(first.model_copy(update={"designated": True}), *(case.volunteers or ())[1:]),
    )
    plan = run(case, marginal_limit=0).plan
    contacts = Contacts(
        ("地址", "电话"),
        {
            h.household_id: (
                f"幸福里小区{h.household_id}室（东门进，北侧第二个单元，坐电梯到顶层）",
                "13800138000",
            )
            for h in case.households
        },
    )
    built = build_sheets(plan, contacts)
    assert any(s.contact_free for v in built.volunteers for s in v.stops)
    return built


def _inside_a4(page: Any, selector: str) -> None:
    """Every element matching `selector` is visible and ends within the A4 width."""
    cells = page.locator(selector)
    assert cells.count() > 0, selector
    for i in range(min(cells.count(), 40)):
        box = cells.nth(i).bounding_box()
        assert box is not None, selector
        assert box["width"] > 0, selector
        assert box["x"] + box["width"] <= A4_WIDTH, selector


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_volunteer_pages_fit_a4_and_mark_contact_free_stops(
    sheets: Sheets, browser: Any, tmp_path: Path, lang: Lang
) -> None:
    """One section per volunteer, each stop a row in visit order, the quarantined households' badge visible,
    every cell (long addresses too) inside the A4 width, no request but the file; screenshot and PDF saved."""
    path = tmp_path / "volunteers.html"
    path.write_text(render_volunteers(sheets, lang=lang), encoding="utf-8")
    context, page, requests = open_page(browser, path)

    assert page.locator("section.page").count() == len(sheets.volunteers)
    first = sheets.volunteers[0]
    rows = page.locator(f'section[data-volunteer="{first.volunteer_id}"] table.stops tbody tr')
    assert rows.count() == len(first.stops)
    assert [rows.nth(i).get_attribute("data-household") for i in range(rows.count())] == [
        s.household_id for s in first.stops
    ]
    badges = page.locator("tr.contact-free .badge")
    assert badges.count() == sum(s.contact_free for v in sheets.volunteers for s in v.stops)
    assert badges.first.is_visible()
    assert badges.first.inner_text().strip() == message("sheet_contact_free", lang)
    for selector in ("td.contact", "td.goods", "td.box span", "table.stops th", ".collect"):
        _inside_a4(page, selector)
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH
    assert requests == [path.as_uri()]

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"sheets-volunteer-{lang}.png"))
    pdf = ARTIFACTS / f"sheets-volunteers-{lang}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    assert _pages(pdf) >= len(sheets.volunteers)  # a page per volunteer at least
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pick_lists_fit_a4_expiry_first(sheets: Sheets, browser: Any, tmp_path: Path, lang: Lang) -> None:
    """A section per grid with a row per lot, dated lots first and in date order, inside the A4 width, no contact
    column anywhere; screenshot and PDF saved."""
    path = tmp_path / "pick-lists.html"
    path.write_text(render_pick_lists(sheets, lang=lang), encoding="utf-8")
    context, page, requests = open_page(browser, path)

    assert page.locator("section.page").count() == len(sheets.pick_lists)
    grid = sheets.pick_lists[0]
    dates = page.locator(f'section[data-grid="{grid.grid}"] table.picks tbody td.date').all_inner_texts()
    shown = [d.strip() for d in dates]
    assert shown == [r.expires.isoformat() if r.expires else "" for r in grid.picks]
    dated = [d for d in shown if d]
    assert dated == sorted(dated)
    assert shown[: len(dated)] == dated  # lots without a date come last
    _inside_a4(page, "table.picks td")
    assert "13800138000" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH
    assert requests == [path.as_uri()]

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"sheets-pick-list-{lang}.png"))
    pdf = ARTIFACTS / f"sheets-pick-lists-{lang}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    assert _pages(pdf) >= len(sheets.pick_lists)  # a page per grid at least
    context.close()


def _pages(pdf: Path) -> int:
    """How many pages a PDF from Chromium has (its page objects, `/Type /Page` not followed by `s`)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf.read_bytes()))
