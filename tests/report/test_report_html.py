"""report.html without a browser: self-contained, deterministic, escaped, translated, A4-ready, capped lists."""

from __future__ import annotations

import re
from typing import Any

import pytest
from markupsafe import Markup
from report_case import GRID_B, H3, OIL

from allocate.catalog import MESSAGES, Lang
from allocate.explain import Explanation, Reason, Shortfall
from allocate.plan import Plan
from allocate.report import build_summary, render_html
from allocate.report.html import UNMET_ROWS, _environment

LANGS: tuple[Lang, ...] = ("en", "zh")


@pytest.fixture(scope="module")
def summary(plan: Plan, explanation: Explanation) -> dict[str, Any]:
    """The summary of the hand-made plan."""
    return build_summary(plan, explanation, inputs={"needs.csv": "ab" * 32}, timings={"solving": 0.5})


@pytest.fixture(scope="module")
def pages(summary: dict[str, Any], explanation: Explanation) -> dict[str, str]:
    """The page in both languages."""
    return {lang: render_html(summary, explanation, lang=lang) for lang in LANGS}


def test_page_is_byte_identical_on_repeat(
    plan: Plan, explanation: Explanation, summary: dict[str, Any], pages: dict[str, str]
) -> None:
    """Rebuilding the summary from an equal plan and rendering again gives the same text in both languages."""
    again = build_summary(
        Plan.model_validate(plan.model_dump()), explanation, inputs={"needs.csv": "ab" * 32}, timings={"solving": 0.5}
    )
    assert again == summary
    for lang in LANGS:
        assert render_html(again, explanation, lang=lang) == pages[lang]


def test_page_needs_no_network(pages: dict[str, str]) -> None:
    """No URL of any scheme, no script, no linked stylesheet, font or image: the page works offline."""
    for page in pages.values():
        assert not re.search(r"https?:|//[a-z]", page, flags=re.IGNORECASE)
        for tag in ("<script", "<link", "<img", "<iframe", "<object", "@import", "url(", "src=", "href="):
            assert tag not in page.lower(), tag


def test_page_prints_on_a4(pages: dict[str, str]) -> None:
    """The stylesheet sets A4 pages with margins, keeps rows and charts whole, and repeats table heads."""
    page = pages["en"]
    assert re.search(r"@page \{ size: A4; margin: [^;]+; \}", page)
    assert "break-inside: avoid" in page
    assert "thead { display: table-header-group; }" in page
    assert page.count("<svg") >= 1 + 3 + 2  # tier chart, item bars, grid bars (hours chart too)


def test_case_text_is_escaped(pages: dict[str, str]) -> None:
    """Grids, households and items holding <, & and quotes appear escaped, never as markup."""
    for page in pages.values():
        for raw in (GRID_B, H3, OIL, "<ghee>", "<&>"):
            assert raw not in page
        assert "B&lt;&amp;&gt;" in page
        assert "H3&amp;&lt;b&gt;" in page
        assert "oil &amp; &lt;ghee&gt; &quot;pure&quot;" in page


def test_template_escapes_everything_but_markup() -> None:
    """The template environment autoescapes, with the standard library's entities; only `Markup` (the charts)
    passes as it is."""
    env = _environment()
    assert env.autoescape is True
    page = env.from_string("{{ text }}|{{ chart }}").render(text="<b a='1'>&\"", chart=Markup("<svg/>"))
    assert page == "&lt;b a=&#x27;1&#x27;&gt;&amp;&quot;|<svg/>"


def test_numbers_of_the_summary_are_on_the_page(pages: dict[str, str]) -> None:
    """The general tier's 37.5% mean fill, rice's shortage of 6 and the 3 unmet rows show in both languages."""
    for page in pages.values():
        assert re.search(r'<tr data-tier="general">.*?<td class="n mean-fill">37\.5%</td>', page)
        assert re.search(r'<tr data-item="rice">.*?<td class="n shortage">6</td>', page)
        assert re.search(r'data-key="unmet"><div class="label">[^<]+</div><div class="value">3</div>', page)
        assert page.count('<td class="kind">') == 3


def test_what_helps_most_ranks_by_lowest_fill(pages: dict[str, str]) -> None:
    """Milk (raises general's lowest fill) ranks above rice (mean only); nobody is short of oil or of grid A's
    hours, so neither is offered nor listed as helping nobody; grid B<&>'s hour was not measured, and the page
    says so."""
    en = pages["en"]
    assert en.index('data-resource="item:milk"') < en.index('data-resource="item:rice"')
    assert 'data-resource="hour:A"' not in en
    assert "one more would raise no tier" not in en
    assert "Not measured, to save time (smaller shortages): 1;" in en
    assert "solved again" not in en  # the method is in summary.json; every value is measured the same way


def test_chinese_page_is_translated(pages: dict[str, str]) -> None:
    """The zh page declares zh-CN and uses every label's Chinese text, and no English label sentence."""
    zh, en = pages["zh"], pages["en"]
    assert '<html lang="zh-CN">' in zh
    assert '<html lang="en">' in en
    for key in ("title", "headline", "tiers_h", "items_h", "grids_h", "volunteers_h", "help_h", "unmet_h"):
        english, chinese = MESSAGES[key]
        assert chinese in zh
        assert english not in zh
        assert english in en
    assert "一般（general）" in zh  # the default tier names get a gloss
    assert "平均分配" in zh  # reasons too
    assert "fair share" not in zh


def test_unmet_list_is_capped_with_a_pointer_to_the_csv(summary: dict[str, Any]) -> None:
    """With 250 shortfalls the page lists 200 and says 50 more are in unmet.csv."""
    many = tuple(
        Shortfall(
            kind="need",
            id=f"N{k:03d}",
            household_id="H2",
            grid="A",
            tier="general",
            item_or_skill="rice",
            requested=4,
            received=1,
            shortfall=3,
            reason=Reason.FAIR_SHARE,
        )
        for k in range(250)
    )
    page = render_html(summary, Explanation(shortfalls=many, marginal_values=()), lang="en")
    assert page.count('<td class="kind">') == UNMET_ROWS == 200
    assert "50 more in unmet.csv." in page
    assert "N199" in page
    assert "N200" not in page


def test_feasible_plan_and_empty_lists_are_said_plainly(plan: Plan) -> None:
    """A feasible plan says in words why it is not proven and how far each tier may be from the best possible (never
    a percentage beside "not proven"); no shortfalls and no marginal values give a sentence, not an empty table."""
    nothing = Explanation(shortfalls=(), marginal_values=())
    summary = build_summary(plan, nothing, inputs={}, timings={})
    stop = {"reason": "size_limit", "steps": ["volunteers"], "detail": "too large"}
    tiers = [
        t | {"reached": 3, "reached_bound": 5, "min_fill_bound": 0.0, "at_bounds": False}
        if t["tier"] == "general"
        else t
        | {
            "reached": t["needs"] + t["services"],
            "reached_bound": t["needs"] + t["services"],
            "min_fill_bound": t["min_fill"],
            "at_bounds": True,
        }
        for t in summary["tiers"]
    ]
    feasible = summary | {"status": "feasible", "termination": stop, "tiers": tiers}
    page = render_html(feasible, nothing, lang="en")
    assert "checked, but not proven the best possible" in page
    assert "Not proven because the case is too large for the exact search: who gets the volunteer hours" in page
    assert "general: at most 2 more needs or services could be reached" in page
    assert "elderly: no plan reaches more, or lifts the worst fill higher" in page
    assert "%" not in page.split('data-key="termination"')[1].split("</ul>")[0]
    zh = render_html(feasible, nothing, lang="zh")
    assert "最多还能多满足 2 项需求或服务" in zh
    assert "Every need and service is fully served." in page
    assert "No extra unit or volunteer hour would raise any tier&#x27;s fill." in page


def test_fairness_is_said_in_words_and_no_supply_apart(pages: dict[str, str], summary: dict[str, Any]) -> None:
    """Each tier's worst-served need in words, with the share leaving out items nobody donated (milk); the
    indices stay in summary.json, off the page."""
    assert (
        "general: the worst-served need or service got 0.0% of what it asked (25.0% leaving out 1 need(s) of items "
        "nobody donated); half got at least 25.0%." in pages["en"]
    )
    assert "（不计 1 项无捐赠物资的需求则为 25.0%）" in pages["zh"]
    assert pages["en"].count("Gini") == 1  # only where the note says the indices are in summary.json
    assert "The Gini and Jain indices are in summary.json." in pages["en"]
    assert summary["fairness"]["tiers"]["general"]["gini"] is not None


def test_grid_hours_say_what_is_still_free(pages: dict[str, str]) -> None:
    """Grid A: 1 h used there and 0.75 h still free with its volunteers (V2 covers every grid and spent 0.25 h
    in B), not an offer that counts V2's hours in both grids."""
    row = pages["en"].split('data-grid="A"')[1].split("</tr>")[0]
    assert '<td class="n">1 · 0.75</td>' in row
    assert "Volunteer hours used here · still free" in pages["en"]
