"""Hypothesis strategies for tiny cases and plans, small enough for the brute-force reference."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence

from hypothesis import strategies as st

from allocate.plan import Allocation, Plan, Visit
from allocate.schema import Case, Clause, Household, Lot, Need, Policy, Service, Tier, Urgency, Volunteer

DAY = dt.date(2026, 3, 1)
"""The plan date of every tiny case; lots expire the day before, on it, or never."""

TIERS = (
    Tier(name="critical", when=(Clause(urgency=(Urgency.CRITICAL,)),)),
    Tier(name="elderly", when=(Clause(min_age=60),)),
    Tier(name="general"),
)
"""Three tiers, so that priorities interact often in few needs."""

ITEMS = ("rice", "rice", "rice", "oil")
"""Items drawn for needs and lots; mostly rice, so that needs compete for the same lots."""


@st.composite
def tiny_cases(draw: st.DrawFn, *, max_needs: int = 4, max_lots: int = 3, volunteers: bool | None = None) -> Case:
    """A random case of at most 3 households, `max_needs` needs, 1 to `max_lots` lots, quantities up to 3.

    `volunteers=None` draws whether the case has a volunteers table (then also up to 2 services). Choices are
    listed most useful first, since hypothesis shrinks towards the first, and restrictions (earmarks, grid limits,
    expiry) are repeated less, so that most lots can reach some need.
    """
    grids = ("A", "B")
    households = [
        Household(
            household_id=f"H{i}",
            grid=draw(st.sampled_from(grids)),
            oldest_age=draw(st.sampled_from((None, 30, 70))),
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    hids = [h.household_id for h in households]
    needs = [
        Need(
            need_id=f"N{i}",
            household_id=draw(st.sampled_from(hids)),
            item=draw(st.sampled_from(ITEMS)),
            quantity=draw(st.integers(1, 3)),
            urgency=draw(st.sampled_from((Urgency.CRITICAL, Urgency.NORMAL))),
            all_or_nothing=draw(st.booleans()),
        )
        for i in range(draw(st.integers(1, max_needs)))
    ]
    lots = [
        Lot(
            lot_id=f"L{i}",
            item=draw(st.sampled_from(ITEMS)),
            quantity=draw(st.sampled_from((3, 2, 1, 0))),
            expires=draw(st.sampled_from((None, DAY, DAY - dt.timedelta(days=1)))),
            reserved_for=draw(st.sampled_from((None, None, None, "elderly", "critical"))),
            grids=draw(st.sampled_from((None, None, None, ("A",), ("B",)))),
        )
        for i in range(draw(st.integers(1, max_lots)))
    ]
    with_volunteers = draw(st.booleans()) if volunteers is None else volunteers
    vols: list[Volunteer] | None = None
    services: list[Service] = []
    if with_volunteers:
        vols = [
            Volunteer(
                volunteer_id=f"V{i}",
                grids=draw(st.sampled_from((("*",), ("*",), ("A",), ("B",)))),
                hours=draw(st.sampled_from((1.0, 0.5, 0.25, 0.0))),
                skills=draw(st.sampled_from((("medical",), ()))),
            )
            for i in range(draw(st.integers(1, 2)))
        ]
        services = [
            Service(
                service_id=f"S{i}",
                household_id=draw(st.sampled_from(hids)),
                skill="medical",
                hours=draw(st.sampled_from((0.25, 0.5))),
                urgency=draw(st.sampled_from((Urgency.CRITICAL, Urgency.NORMAL))),
            )
            for i in range(draw(st.integers(0, 2)))
        ]
    policy = Policy(plan_date=DAY, tiers=TIERS, fairness=draw(st.sampled_from(("leximin", "none"))))
    return Case(
        households=tuple(households),
        needs=tuple(needs),
        lots=tuple(lots),
        volunteers=None if vols is None else tuple(vols),
        services=tuple(services),
        policy=policy,
    )


def neighbours(plan: Plan) -> Iterator[Plan]:
    """Every plan one change away from `plan`: a row dropped or repeated, one field of a row changed, or a row
    added; the values tried include unknown ids and wrong hours. Most break a rule, some do not."""
    case = plan.case
    rows, visits = plan.allocations, plan.visits
    values: dict[str, Sequence[object]] = {
        "need_id": [n.need_id for n in case.needs] + ["N?"],
        "lot_id": [lot.lot_id for lot in case.lots] + ["L?"],
        "quantity": [1, 2, 3, 4],
        "volunteer_id": [v.volunteer_id for v in case.volunteers or ()] + ["V?"],
        "household_id": [h.household_id for h in case.households] + ["H?"],
        "kind": ["delivery", "service"],
        "service_id": [None, *(s.service_id for s in case.services), "S?"],
        "hours": sorted({0.25, 0.5, 0.75, *(s.hours for s in case.services)}),
    }

    def again(allocations: Sequence[Allocation], visits: Sequence[Visit]) -> Plan:
        return Plan(case=case, allocations=tuple(allocations), visits=tuple(visits), plan_date=plan.plan_date)

    for i, a in enumerate(rows):
        yield again(rows[:i] + rows[i + 1 :], visits)
        yield again((*rows, a), visits)
        for field in ("need_id", "lot_id", "quantity"):
            for value in values[field]:
                if value != getattr(a, field):
                    yield again((*rows[:i], a.model_copy(update={field: value}), *rows[i + 1 :]), visits)
    for i, v in enumerate(visits):
        yield again(rows, visits[:i] + visits[i + 1 :])
        yield again(rows, (*visits, v))
        for field in ("volunteer_id", "household_id", "kind", "service_id", "hours"):
            for value in values[field]:
                if value != getattr(v, field):
                    yield again(rows, (*visits[:i], v.model_copy(update={field: value}), *visits[i + 1 :]))
    for need, lot in itertools.product(values["need_id"], values["lot_id"]):
        yield again((*rows, Allocation(need_id=str(need), lot_id=str(lot), quantity=1)), visits)
    for vol, home in itertools.product(values["volunteer_id"], values["household_id"]):
        yield again(rows, (*visits, Visit(volunteer_id=str(vol), household_id=str(home), kind="delivery", hours=0.25)))
    for vol, s in itertools.product(values["volunteer_id"], case.services):
        visit = Visit(
            volunteer_id=str(vol), household_id=s.household_id, kind="service", service_id=s.service_id, hours=s.hours
        )
        yield again(rows, (*visits, visit))
