"""Infection control (`allocate.rules.infection`): quarantined households are visited only by designated volunteers,
at most the policy's cap of such visits each, and a household nobody designated can reach is short for
`no_designated_volunteer`. Named cases, each small enough to check by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from allocate import Case, Household, Lot, Need, Policy, Service, Volunteer, read_case, run, verify
from allocate.explain import Reason, explain_household
from allocate.plan import Allocation, Plan, Visit
from allocate.verify import Rule

DAY = dt.date(2026, 12, 1)


def case(
    households: list[Household],
    volunteers: list[Volunteer],
    *,
    cap: int | None = None,
    rice: int = 20,
    services: list[Service] | None = None,
) -> Case:
    """Each household asks 2 rice; `rice` units in one lot; the policy's cap on quarantined visits is `cap`."""
    return Case(
        households=households,
        needs=[Need(household_id=h.household_id, item="rice", quantity=2) for h in households],
        lots=[Lot(lot_id="R", item="rice", quantity=rice)],
        volunteers=volunteers,
        services=services or [],
        policy=Policy(plan_date=DAY, max_quarantined_visits=cap),
    )


def home(hid: str, *, quarantined: bool = False, age: int | None = None) -> Household:
    return Household(household_id=hid, grid="A", quarantined=quarantined, oldest_age=age)


def volunteer(vid: str, hours: float, *, designated: bool = False, skills: tuple[str, ...] = ()) -> Volunteer:
    return Volunteer(volunteer_id=vid, grids=["A"], hours=hours, designated=designated, skills=skills)


def deliverer(result_plan: Plan) -> dict[str, str]:
    return {v.household_id: v.volunteer_id for v in result_plan.visits if v.kind == "delivery"}


def test_a_quarantined_household_is_visited_by_the_designated_volunteer() -> None:
    """V1 has hours for everyone but is not designated: the quarantined Q1 gets V2, the team member."""
    result = run(
        case([home("Q1", quarantined=True), home("H2")], [volunteer("V1", 1), volunteer("V2", 0.25, designated=True)])
    )
    assert deliverer(result.plan) == {"Q1": "V2", "H2": "V1"}
    assert result.verification.ok
    assert not result.explanation.shortfalls


def test_nobody_designated_leaves_the_quarantined_household_short_and_says_why() -> None:
    """Without a designated volunteer Q1 gets nothing, for `no_designated_volunteer`, in both languages."""
    result = run(case([home("Q1", quarantined=True), home("H2")], [volunteer("V1", 1)]))
    assert deliverer(result.plan) == {"H2": "V1"}
    assert [(s.household_id, s.reason) for s in result.explanation.shortfalls] == [
        ("Q1", Reason.NO_DESIGNATED_VOLUNTEER)
    ]
    en = explain_household(result.plan, result.explanation, "Q1")
    zh = explain_household(result.plan, result.explanation, "Q1", lang="zh")
    assert "the household is quarantined and no designated volunteer covers grid A" in en
    assert "该户居家隔离，没有负责A的防疫专班志愿者" in zh


def test_the_cap_spreads_quarantined_visits_over_the_team() -> None:
    """A cap of 1: two designated volunteers with hours for four visits each make one quarantined visit each,
    so one of three quarantined households waits, for `volunteer_hours_exhausted` (the team's visits are used)."""
    homes = [home(f"Q{i}", quarantined=True) for i in range(1, 4)]
    team = [volunteer("V1", 1, designated=True), volunteer("V2", 1, designated=True)]
    result = run(case(homes, team, cap=1))
    assert sorted(deliverer(result.plan).values()) == ["V1", "V2"]
    assert result.verification.ok
    (short,) = result.explanation.shortfalls
    assert short.reason is Reason.VOLUNTEER_HOURS_EXHAUSTED
    words = explain_household(result.plan, result.explanation, short.household_id)
    assert "may each make 1 visit(s) to quarantined households, all booked" in words
    uncapped = run(case(homes, team))
    assert len(deliverer(uncapped.plan)) == 3


def test_the_cap_goes_to_the_higher_tier_first() -> None:
    """One capped visit between an elderly and a general quarantined household: the elderly one gets it."""
    result = run(
        case(
            [home("G", quarantined=True), home("E", quarantined=True, age=80)],
            [volunteer("V", 1, designated=True)],
            cap=1,
        )
    )
    assert deliverer(result.plan) == {"E": "V"}


def test_a_cap_of_zero_means_no_quarantined_visit() -> None:
    """A cap of 0: quarantined households are short for `no_designated_volunteer`, and the words say the policy."""
    result = run(case([home("Q1", quarantined=True), home("H2")], [volunteer("V1", 1, designated=True)], cap=0))
    assert deliverer(result.plan) == {"H2": "V1"}
    assert [s.reason for s in result.explanation.shortfalls] == [Reason.NO_DESIGNATED_VOLUNTEER]
    assert "the policy allows no visits to quarantined households" in explain_household(
        result.plan, result.explanation, "Q1"
    )


def test_a_service_at_a_quarantined_household_needs_a_designated_volunteer_with_the_skill() -> None:
    """The nurse is not designated and the designated volunteer is no nurse: the service is not done."""
    vols = [volunteer("V1", 2, skills=("nursing",)), volunteer("V2", 2, designated=True)]
    services = [Service(household_id="Q1", skill="nursing", hours=1)]
    result = run(case([home("Q1", quarantined=True)], vols, services=services))
    assert [(s.kind, s.reason) for s in result.explanation.shortfalls] == [("service", Reason.NO_DESIGNATED_VOLUNTEER)]
    vols.append(volunteer("V3", 2, designated=True, skills=("nursing",)))
    result = run(case([home("Q1", quarantined=True)], vols, services=services))
    assert [v.volunteer_id for v in result.plan.visits if v.kind == "service"] == ["V3"]


def hand_plan(c: Case, visits: list[tuple[str, str]]) -> Plan:
    """Every household gets its 2 rice, delivered by the volunteers named."""
    return Plan(
        case=c,
        plan_date=DAY,
        allocations=[Allocation(need_id=f"{h.household_id}/rice", lot_id="R", quantity=2) for h in c.households],
        visits=[Visit(volunteer_id=v, household_id=h, kind="delivery", hours=0.25) for v, h in visits],
    )


def test_verify_refuses_a_volunteer_not_designated_and_a_visit_over_the_cap() -> None:
    c = case(
        [home("Q1", quarantined=True), home("Q2", quarantined=True)],
        [volunteer("V1", 1), volunteer("V2", 1, designated=True)],
        cap=1,
    )
    check = verify(c, hand_plan(c, [("V1", "Q1"), ("V2", "Q2")]))
    assert [(v.rule, v.message) for v in check.violations] == [
        (Rule.NOT_DESIGNATED, "volunteer V1 delivers to quarantined household Q1 but is not a designated volunteer")
    ]
    check = verify(c, hand_plan(c, [("V2", "Q1"), ("V2", "Q2")]))
    assert [(v.rule, v.message) for v in check.violations] == [
        (
            Rule.QUARANTINED_VISITS_OVER_CAP,
            "volunteer V2 makes 2 visits to quarantined households; the policy allows 1 (over by 1)",
        )
    ]


def test_verify_counts_the_cap_when_it_judges_idle_hours() -> None:
    """A designated volunteer at the cap is not idle while a quarantined household waits; below it, they are."""
    homes = [home("Q1", quarantined=True), home("Q2", quarantined=True)]
    c = case(homes, [volunteer("V", 1, designated=True)], cap=1)
    one = Plan(
        case=c,
        plan_date=DAY,
        allocations=[Allocation(need_id="Q1/rice", lot_id="R", quantity=2)],
        visits=[Visit(volunteer_id="V", household_id="Q1", kind="delivery", hours=0.25)],
    )
    assert verify(c, one).ok
    uncapped = case(homes, [volunteer("V", 1, designated=True)])
    assert [v.rule for v in verify(uncapped, one.model_copy(update={"case": uncapped})).violations] == [Rule.IDLE_HOURS]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_columns_are_read_in_both_languages(tmp_path: Path, lang: str) -> None:
    """`quarantined` / 隔离 and `designated` / 防疫专班 (是/否 too), and the cap in policy.toml."""
    heads = {
        "en": ("household_id,grid,quarantined", "volunteer_id,grids,hours,designated", "yes", "no"),
        "zh": ("户号,网格,隔离", "志愿者,服务网格,可用时长,防疫专班", "是", "否"),
    }[lang]
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "households.csv").write_text(f"{heads[0]}\nQ1,A,{heads[2]}\nH2,A,{heads[3]}\n", encoding="utf-8-sig")
    (folder / "needs.csv").write_text("household_id,item,quantity\nQ1,rice,2\nH2,rice,2\n", encoding="utf-8")
    (folder / "supplies.csv").write_text("lot_id,item,quantity\nR,rice,9\n", encoding="utf-8")
    (folder / "volunteers.csv").write_text(f"{heads[1]}\nV1,A,1,{heads[3]}\nV2,A,1,{heads[2]}\n", encoding="utf-8-sig")
    (folder / "policy.toml").write_text("plan_date = 2026-12-01\nmax_quarantined_visits = 3\n", encoding="utf-8")
    read = read_case(folder)
    assert [h.quarantined for h in read.households] == [True, False]
    assert [v.designated for v in read.volunteers or ()] == [False, True]
    assert read.policy.max_quarantined_visits == 3
    assert deliverer(run(read).plan) == {"Q1": "V2", "H2": "V1"}
