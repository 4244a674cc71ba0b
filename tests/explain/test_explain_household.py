"""`explain_household` in English and Chinese: tier and why, asked, received, lots and donors, reasons with numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from allocate.errors import AllocateError
from allocate.explain import Explanation, UnknownHouseholdError, explain, explain_household
from allocate.generate import demo_case
from allocate.plan import Plan
from allocate.schema import Case, Household, Lot, Need, Policy, Service, Volunteer
from allocate.solve import solve

RICE = "大米(袋)"


def village() -> Case:
    """An 82-year-old living alone (vulnerable) takes 2 bags first; two general households share the other 3
    (asks of 2 and 4: half each); a third general household, raised by hand to elderly, asks for a wheelchair
    (all-or-nothing, 2) of which one was donated, and for nursing that nobody in its grid can give."""
    return Case(
        households=(
            Household(household_id="gran", grid="东区", oldest_age=82, lives_alone=True),
            Household(household_id="a", grid="东区", members=3, oldest_age=40),
            Household(household_id="b", grid="东区"),
            Household(household_id="c", grid="西区", tier="elderly"),
        ),
        needs=(
            Need(household_id="gran", item=RICE, quantity=2),
            Need(household_id="a", item=RICE, quantity=2),
            Need(household_id="b", item=RICE, quantity=4),
            Need(household_id="c", item="轮椅", quantity=2, all_or_nothing=True),
        ),
        lots=(
            Lot(lot_id="L1", item=RICE, quantity=4, donor="街道办事处"),
            Lot(lot_id="L2", item=RICE, quantity=1, donor="爱心超市"),
            Lot(lot_id="W", item="轮椅", quantity=1),
        ),
        volunteers=(
            Volunteer(volunteer_id="v1", grids=("*",), hours=4),
            Volunteer(volunteer_id="v2", grids=("东区",), hours=4, skills=("护理",)),
        ),
        services=(Service(household_id="c", skill="护理", hours=1),),
        policy=Policy(plan_date=dt.date(2026, 3, 1)),
    )


@pytest.fixture(scope="module")
def solved() -> tuple[Plan, Explanation]:
    """The village solved and explained once for every test here."""
    plan = solve(village())
    return plan, explain(plan)


def test_fair_share_in_english(solved: tuple[Plan, Explanation]) -> None:
    """The shared rice: asked, received, the lot and donor, and the tier's average share with numbers."""
    text = explain_household(*solved, "a")
    assert "tier: general, because no higher tier's condition holds" in text
    assert "asked 2, received 1: 1 from lot L1 (donor 街道办事处)" in text
    assert (
        f"short by 1: {RICE} was short: the 2 general households asking for it received about 50% of what they "
        "asked on average; this household received 1 of 2"
    ) in text


def test_fair_share_in_chinese(solved: tuple[Plan, Explanation]) -> None:
    """The same in Chinese, with the unit from the item name after every number."""
    text = explain_household(*solved, "a", lang="zh")
    assert "住户 a（东区，3口人，最大年龄40岁）" in text
    assert "申请2袋，获得1袋：批次L1（街道办事处）1袋" in text
    assert "缺1袋：大米短缺：一般层级中申请大米的2户平均获得约50%，本户获得2袋中的1袋" in text


def test_why_the_tier_names_the_clause_that_matched(solved: tuple[Plan, Explanation]) -> None:
    """The vulnerable tier comes from age and living alone, in the household's own values."""
    assert "tier: vulnerable, because aged 82, lives alone" in explain_household(*solved, "gran")
    assert "优先级：困难群体，因为82岁、独居" in explain_household(*solved, "gran", lang="zh")


def test_a_manual_raise_says_so_and_what_the_policy_would_give(solved: tuple[Plan, Explanation]) -> None:
    """A household raised by hand is told apart from one the policy placed."""
    en = explain_household(*solved, "c")
    assert "tier: elderly, because raised by hand in the households table (by the policy it would be general" in en
    assert "住户表中手动提升至老年人（按政策应为一般" in explain_household(*solved, "c", lang="zh")


def test_all_or_nothing_and_service_reasons_have_numbers(solved: tuple[Plan, Explanation]) -> None:
    """The wheelchair left over and the nursing nobody in the grid can give are said with their numbers."""
    en = explain_household(*solved, "c")
    assert "轮椅 is all-or-nothing for this household (all 2 at once): only 1 unit(s) it could receive were left" in en
    assert "not done: no volunteer with skill 护理 covers grid 西区" in en
    zh = explain_household(*solved, "c", lang="zh")
    assert "缺2份：轮椅须整份发放（一次2份）：可发给本户的仅剩1份" in zh
    assert "未完成：没有负责西区且具备“护理”技能的志愿者" in zh


def test_supply_exhausted_and_no_supply_say_who_took_what() -> None:
    """The elderly household took all 3 bags: the general one is told so, and that nobody donated salt."""
    c = Case(
        households=(Household(household_id="old", grid="g", oldest_age=70), Household(household_id="young", grid="g")),
        needs=(
            Need(household_id="old", item=RICE, quantity=3),
            Need(household_id="young", item=RICE, quantity=2),
            Need(household_id="young", item="盐", quantity=1),
        ),
        lots=(Lot(lot_id="L1", item=RICE, quantity=3),),
        policy=Policy(plan_date=dt.date(2026, 3, 1)),
    )
    plan = solve(c)
    explanation = explain(plan)
    en = explain_household(plan, explanation, "young")
    assert (
        f"{RICE} ran out: the lots this household may receive held 3 units; higher-priority tiers took 3 (elderly 3), "
        "and this household received 0 of 2"
    ) in en
    assert "no lot of 盐 was donated" in en
    zh = explain_household(plan, explanation, "young", lang="zh")
    assert "大米已发完：本户可领取的批次共3袋，更高优先级领走3袋（老年人3袋），本户获得2袋中的0袋" in zh
    assert "没有任何批次捐赠盐" in zh


def test_unknown_household_is_our_own_lookup_error(solved: tuple[Plan, Explanation]) -> None:
    """An id the case does not have raises UnknownHouseholdError, an AllocateError and a LookupError."""
    with pytest.raises(UnknownHouseholdError, match="'nobody' is not in the case") as caught:
        explain_household(*solved, "nobody")
    assert isinstance(caught.value, AllocateError)
    assert isinstance(caught.value, LookupError)


def test_unknown_language_is_refused(solved: tuple[Plan, Explanation]) -> None:
    """A language other than en or zh is an error naming the parameter."""
    with pytest.raises(ValueError, match="'lang' parameter"):
        explain_household(*solved, "a", lang="fr")  # type: ignore[arg-type]


def test_same_plan_same_explanation() -> None:
    """Explaining the same case twice gives equal explanations and identical text."""
    first, second = solve(village()), solve(village())
    assert explain(first) == explain(second)
    assert explain_household(first, explain(first), "b", lang="zh") == explain_household(
        second, explain(second), "b", lang="zh"
    )


def test_demo_household_left_short() -> None:
    """A demo household short of rice is explained with its tier's share, in both languages."""
    plan = solve(demo_case())
    explanation = explain(plan, marginal=False)
    short = next(s for s in explanation.shortfalls if s.item_or_skill == RICE)
    en = explain_household(plan, explanation, short.household_id)
    zh = explain_household(plan, explanation, short.household_id, lang="zh")
    assert f"received {int(short.received)} of {int(short.requested)}" in en
    assert f"本户获得{int(short.requested)}袋中的{int(short.received)}袋" in zh
