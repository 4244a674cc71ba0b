"""What would help names whom to ask for: the volunteer measured has the grid's short services' skills, and is
designated when a quarantined household there is short."""

from __future__ import annotations

import datetime as dt

from allocate import Case, Household, Lot, Need, Policy, Service, Volunteer, run
from allocate.report import render_html


def test_the_hour_that_helps_is_a_designated_nurse() -> None:
    """Grid A: a quarantined household waits for rice and a nursing visit, the only volunteer is neither
    designated nor a nurse. One hour of a designated nurse serves both; the report says exactly that."""
    case = Case(
        households=[Household(household_id="Q", grid="A", quarantined=True, oldest_age=80)],
        needs=[Need(household_id="Q", item="rice", quantity=1)],
        lots=[Lot(lot_id="R", item="rice", quantity=5)],
        volunteers=[Volunteer(volunteer_id="V", grids=["A"], hours=3)],
        services=[Service(household_id="Q", skill="nursing", hours=0.5)],
        policy=Policy(plan_date=dt.date(2026, 12, 1)),
    )
    result = run(case)
    (hour,) = [m for m in result.explanation.marginal_values if m.kind == "volunteer_hours"]
    assert (hour.resource, hour.skills, hour.designated) == ("A", ("nursing",), True)
    assert hour.min_fill_gain > 0
    en = render_html(result.summary, result.explanation, lang="en")
    zh = render_html(result.summary, result.explanation, lang="zh")
    assert "1 hour of a designated (防疫专班) nursing-skilled volunteer in grid A" in en
    assert "A：1 小时防疫专班具备nursing技能的志愿者时间" in zh


def test_what_is_short_but_would_help_nobody_is_named() -> None:
    """A wheelchair is all-or-nothing and two are asked with none in stock: one more would fill nobody's need,
    and the report names it apart from what would help."""
    case = Case(
        households=[Household(household_id="H", grid="A", oldest_age=80)],
        needs=[
            Need(household_id="H", item="wheelchair", quantity=2, all_or_nothing=True),
            Need(household_id="H", item="rice", quantity=2),
        ],
        lots=[Lot(lot_id="R", item="rice", quantity=1)],
        policy=Policy(plan_date=dt.date(2026, 12, 1)),
    )
    result = run(case)
    en = render_html(result.summary, result.explanation, lang="en")
    assert "Short, but one more would raise no tier&#x27;s fill (1): 1 unit of wheelchair." in en
    assert 'data-resource="item:rice"' in en
