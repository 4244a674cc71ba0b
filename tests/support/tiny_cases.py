"""Random cases for property and differential tests: tiny ones for brute force, small ones for the exact MIP.

`tiny_cases` is the one strategy of cases small enough for `support.brute_force`; it draws every feature SPEC
sections 1 to 3 give a plan: three tiers (critical by urgency, elderly by age, general) and a manual tier raise,
volunteers or none, services of mixed lengths and skills, single-grid, multi-grid and `*` volunteers, volunteers
with no hours, all-or-nothing needs, earmarks, grid-limited lots, expiry (the day before, on the plan date,
never), empty lots, fairness "leximin" and "none", and visit lengths of 0.25 and 0.5 hours. Every choice lists
the most useful value first: hypothesis shrinks towards it, so a failure shrinks to a case a person can read.
At the default bounds brute force takes 0.3 ms on the median draw and about 0.15 s on the worst possible one
(3 households, 4 needs of 3 units on 3 open lots of the same item, 2 volunteers, 2 services).

`small_cases` and `random_case` draw larger cases (for `support.exact_mip`) from one generator, through
hypothesis in tests and through `random.Random` in `benchmarks/differential.py`. `neighbours` gives every plan
one change away from a plan, and `as_code` writes a case as the Python that builds it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator, Sequence
from typing import Protocol, TypeVar

from hypothesis import strategies as st
from pydantic import BaseModel

from allocate.plan import Allocation, Plan, Visit
from allocate.schema import Case, Clause, Household, Lot, Need, Policy, Service, Tier, Urgency, Volunteer

DAY = dt.date(2026, 3, 1)
"""The plan date of every generated case; lots expire the day before, on it, later, or never."""

TIERS = (
    Tier(name="critical", when=(Clause(urgency=(Urgency.CRITICAL,)),)),
    Tier(name="elderly", when=(Clause(min_age=60),)),
    Tier(name="general"),
)
"""Three tiers, so that priorities interact often in few needs: by urgency, by age, and the catch-all."""

T = TypeVar("T")


class Picker(Protocol):
    """Where a generator's choices come from: hypothesis draws (shrinkable) or a seeded `random.Random`."""

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high]; shrinks towards `low`."""
        ...

    def choice(self, options: Sequence[T]) -> T:
        """One of `options`; shrinks towards the first. Repeat an option to make it likelier."""
        ...


class DrawPicker:
    """Choices drawn by hypothesis, so failures shrink."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        return self.draw(st.integers(low, high))

    def choice(self, options: Sequence[T]) -> T:
        """One of `options`."""
        return self.draw(st.sampled_from(options))


class RandomPicker:
    """Choices from a seeded `random.Random`, for runs outside hypothesis (benchmarks)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        return self.rng.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        """One of `options`."""
        return options[self.rng.randrange(len(options))]


# Tiny cases: every feature, few rows (brute force enumerates every plan).

TINY_GRIDS = ("A", "A", "B", "C")
"""Three grids (mostly A), so that a volunteer of two grids differs from one of every grid (`*`)."""

TINY_VOLUNTEER_GRIDS: tuple[tuple[str, ...], ...] = (("*",), ("A",), ("A", "B"), ("B",), ("B", "C"), ("C",))
TINY_HOURS = (0.5, 0.25, 1.0, 0.75, 0.0)
TINY_SKILLS: tuple[tuple[str, ...], ...] = (("medical",), (), ("medical", "escort"), ("escort",))
TINY_SERVICE_HOURS = (0.25, 0.5, 0.75, 1.0)
ITEMS = ("rice", "rice", "rice", "oil")
"""Items drawn for needs and lots; mostly rice, so that needs compete for the same lots."""

EXPIRIES = (None, None, DAY, DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=2))
"""Never, on the plan date (still usable), the day before (unusable), later."""


def tiny_case(
    pick: Picker,
    *,
    max_households: int = 3,
    max_needs: int = 4,
    max_lots: int = 3,
    max_volunteers: int = 2,
    max_services: int = 2,
    volunteers: bool | None = None,
) -> Case:
    """A random case of at most `max_households` households, `max_needs` needs, `max_lots` lots (quantities up to
    3) and, with volunteers (`volunteers=None` draws whether there are any), `max_volunteers` volunteers and
    `max_services` services. Restrictions (earmarks, grid limits, expiry) are drawn less often, so that most lots
    can reach some need."""
    households = [
        Household(
            household_id=f"H{i}",
            grid=pick.choice(TINY_GRIDS),
            oldest_age=pick.choice((None, 70, 30)),
            tier=pick.choice((None, None, None, None, "elderly", "critical")),
        )
        for i in range(pick.integer(1, max_households))
    ]
    hids = [h.household_id for h in households]
    needs = [
        Need(
            need_id=f"N{i}",
            household_id=pick.choice(hids),
            item=pick.choice(ITEMS),
            quantity=pick.integer(1, 3),
            urgency=pick.choice((Urgency.NORMAL, Urgency.CRITICAL)),
            all_or_nothing=pick.choice((False, False, True)),
        )
        for i in range(pick.integer(1, max_needs))
    ]
    lots = [
        Lot(
            lot_id=f"L{i}",
            item=pick.choice(ITEMS),
            quantity=pick.choice((2, 3, 1, 0)),
            expires=pick.choice(EXPIRIES),
            reserved_for=pick.choice((None, None, None, "elderly", "critical")),
            grids=pick.choice((None, None, None, ("A",), ("B",), ("A", "C"))),
        )
        for i in range(pick.integer(1, max_lots))
    ]
    with_volunteers = pick.choice((True, True, False)) if volunteers is None else volunteers
    vols: tuple[Volunteer, ...] | None = None
    services: list[Service] = []
    if with_volunteers:
        vols = tuple(
            Volunteer(
                volunteer_id=f"V{i}",
                grids=pick.choice(TINY_VOLUNTEER_GRIDS),
                hours=pick.choice(TINY_HOURS),
                skills=pick.choice(TINY_SKILLS),
            )
            for i in range(pick.integer(1, max_volunteers))
        )
        services = [
            Service(
                service_id=f"S{i}",
                household_id=pick.choice(hids),
                skill=pick.choice(("medical", "medical", "escort")),
                hours=pick.choice(TINY_SERVICE_HOURS),
                urgency=pick.choice((Urgency.NORMAL, Urgency.CRITICAL)),
            )
            for i in range(pick.integer(0, max_services))
        ]
    policy = Policy(
        plan_date=DAY,
        tiers=TIERS,
        fairness=pick.choice(("leximin", "leximin", "none")),
        visit_hours=pick.choice((0.25, 0.25, 0.5)),
    )
    if vols is not None and pick.choice((False, False, True)):  # drawn last, so the draws before stay as they were
        households, vols, policy = _infection_control(pick, households, vols, policy)
    asking = {n.household_id for n in needs} | {s.household_id for s in services}
    return Case(
        households=tuple(h for h in households if h.household_id in asking),  # others change nothing
        needs=tuple(needs),
        lots=tuple(lots),
        volunteers=vols,
        services=tuple(services),
        policy=policy,
    )


@st.composite
def tiny_cases(
    draw: st.DrawFn,
    *,
    max_households: int = 3,
    max_needs: int = 4,
    max_lots: int = 3,
    max_volunteers: int = 2,
    max_services: int = 2,
    volunteers: bool | None = None,
) -> Case:
    """`tiny_case` drawn by hypothesis: the one tiny-case strategy (see the module docstring)."""
    return tiny_case(
        DrawPicker(draw),
        max_households=max_households,
        max_needs=max_needs,
        max_lots=max_lots,
        max_volunteers=max_volunteers,
        max_services=max_services,
        volunteers=volunteers,
    )


# Small and medium cases: many households competing for few lots and contested volunteers (exact MIP only).

SMALL_GRIDS = ("g1", "g2", "g3")
SMALL_ITEMS = ("rice", "oil", "milk", "insulin")


def random_case(pick: Picker, *, households: int, grids: int = 2, volunteers: bool | None = None) -> Case:
    """A case of `households` households over `grids` grids, about 1.5 needs each, a few lots per item (short of
    what is asked, some earmarked, grid-limited or expired), volunteers with too few hours (single-grid,
    two-grid and `*`), services of mixed lengths and all-or-nothing needs; `volunteers=None` draws whether there
    is a volunteers table (mostly yes)."""
    names = SMALL_GRIDS[:grids]
    homes = [
        Household(
            household_id=f"H{i:03d}",
            grid=pick.choice(names),
            oldest_age=pick.choice((None, 30, 45, 70, 85)),
            tier=pick.choice((None,) * 12 + ("elderly",)),
        )
        for i in range(households)
    ]
    items = SMALL_ITEMS[: pick.integer(1, len(SMALL_ITEMS))]
    needs = []
    for h in homes:
        for item in items:
            if pick.integer(0, 2 * len(items) - 1) < 3:  # about 1.5 needs per household
                needs.append(
                    Need(
                        need_id=f"{h.household_id}/{item}",
                        household_id=h.household_id,
                        item=item,
                        quantity=pick.choice((1, 2, 3, 4, 5, 6)),
                        urgency=pick.choice((Urgency.NORMAL,) * 5 + (Urgency.CRITICAL, Urgency.HIGH)),
                        all_or_nothing=pick.choice((False,) * 4 + (True,)),
                    )
                )
    if not needs:
        needs.append(Need(need_id="H000/rice", household_id=homes[0].household_id, item=items[0], quantity=2))
    lots = []
    for item in items:
        asked = sum(n.quantity for n in needs if n.item == item)
        for k in range(pick.integer(1, 3)):
            lots.append(
                Lot(
                    lot_id=f"{item}-{k}",
                    item=item,
                    quantity=pick.integer(0, max(1, asked * 2 // 3)),
                    expires=pick.choice(EXPIRIES),
                    reserved_for=pick.choice((None,) * 4 + ("elderly", "critical")),
                    grids=pick.choice((None,) * 4 + ((names[0],),)),
                )
            )
    vols: tuple[Volunteer, ...] | None = None
    services: tuple[Service, ...] = ()
    if volunteers if volunteers is not None else pick.choice((True, True, True, False)):
        reach = [("*",), *((g,) for g in names), *(pair for pair in itertools.combinations(names, 2))]
        vols = tuple(
            Volunteer(
                volunteer_id=f"V{i:02d}",
                grids=pick.choice(reach),
                hours=pick.choice((0.5, 0.75, 1.0, 1.5, 0.25, 0.0, 2.0)),
                skills=pick.choice(((), ("medical",), ("escort",), ("medical", "escort"))),
            )
            for i in range(max(1, households // pick.integer(3, 6)))
        )
        services = tuple(
            Service(
                service_id=f"S{i:03d}",
                household_id=pick.choice(homes).household_id,
                skill=pick.choice(("medical", "escort")),
                hours=pick.choice((0.25, 0.5, 0.75, 1.0)),
                urgency=pick.choice((Urgency.NORMAL,) * 3 + (Urgency.CRITICAL,)),
            )
            for i in range(pick.integer(0, max(1, households // 4)))
        )
    policy = Policy(
        plan_date=DAY,
        tiers=TIERS,
        fairness=pick.choice(("leximin",) * 4 + ("none",)),
        visit_hours=pick.choice((0.25, 0.25, 0.5)),
    )
    if vols is not None and pick.choice((False, False, False, True)):  # drawn last, as in `tiny_case`
        homes, vols, policy = _infection_control(pick, homes, vols, policy)
    return Case(
        households=tuple(homes), needs=tuple(needs), lots=tuple(lots), volunteers=vols, services=services, policy=policy
    )


def _infection_control(
    pick: Picker, households: list[Household], volunteers: tuple[Volunteer, ...], policy: Policy
) -> tuple[list[Household], tuple[Volunteer, ...], Policy]:
    """Some households quarantined, some volunteers designated, and maybe a cap on quarantined visits each."""
    households = [h.model_copy(update={"quarantined": pick.choice((True, False, False))}) for h in households]
    volunteers = tuple(v.model_copy(update={"designated": pick.choice((True, False))}) for v in volunteers)
    policy = policy.model_copy(update={"max_quarantined_visits": pick.choice((None, 0, 1, 1, 2))})
    return households, volunteers, policy


@st.composite
def small_cases(draw: st.DrawFn, *, min_households: int = 5, max_households: int = 30) -> Case:
    """`random_case` drawn by hypothesis with `min_households` to `max_households` households over two grids."""
    return random_case(DrawPicker(draw), households=draw(st.integers(min_households, max_households)))


def seeded_case(seed: int, households: int, grids: int = 2) -> Case:
    """`random_case` from `random.Random(seed)`: the same case for the same arguments, on every machine."""
    return random_case(RandomPicker(random.Random(seed)), households=households, grids=grids)


# Plans one change away.


def neighbours(plan: Plan) -> Iterator[Plan]:
    """Every plan one change away from `plan`: a row dropped or repeated, one field of a row changed, or a row
    added; the values tried include unknown ids and wrong hours. Most break a rule, some do not."""
    case = plan.case
    rows, visits = plan.allocations, plan.visits
    visit_hours = case.policy.visit_hours
    values: dict[str, Sequence[object]] = {
        "need_id": [n.need_id for n in case.needs] + ["N?"],
        "lot_id": [lot.lot_id for lot in case.lots] + ["L?"],
        "quantity": [1, 2, 3, 4],
        "volunteer_id": [v.volunteer_id for v in case.volunteers or ()] + ["V?"],
        "household_id": [h.household_id for h in case.households] + ["H?"],
        "kind": ["delivery", "service"],
        "service_id": [None, *(s.service_id for s in case.services), "S?"],
        "hours": sorted({0.25, 0.5, 0.75, visit_hours, *(s.hours for s in case.services)}),
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
        added = Visit(volunteer_id=str(vol), household_id=str(home), kind="delivery", hours=visit_hours)
        yield again(rows, (*visits, added))
    for vol, s in itertools.product(values["volunteer_id"], case.services):
        visit = Visit(
            volunteer_id=str(vol), household_id=s.household_id, kind="service", service_id=s.service_id, hours=s.hours
        )
        yield again(rows, (*visits, visit))


# Cases as code, for reports and regression tests.


def as_code(case: Case) -> str:
    """The Python that builds `case` (fields left at their defaults are left out), to paste into a test."""

    def record(model: BaseModel) -> str:
        fields = type(model).model_fields
        parts = []
        for name in fields:
            value = getattr(model, name)
            if value == fields[name].default:
                continue
            if isinstance(value, Urgency):
                parts.append(f"{name}=Urgency.{value.name}")
            elif isinstance(value, dt.date):
                parts.append(f"{name}=dt.date({value.year}, {value.month}, {value.day})")
            else:
                parts.append(f"{name}={value!r}")
        return f"{type(model).__name__}({', '.join(parts)})"

    def rows(records: Sequence[BaseModel]) -> str:
        return "(" + "".join(f"\n        {record(r)}," for r in records) + "\n    )"

    policy = case.policy
    settings = [f"plan_date=dt.date({DAY.year}, {DAY.month}, {DAY.day})"] if policy.plan_date == DAY else []
    if policy.tiers == TIERS:
        settings.append("tiers=TIERS")
    elif policy.tiers != Policy().tiers:
        settings.append(f"tiers={policy.tiers!r}")
    if policy.fairness != "leximin":
        settings.append(f"fairness={policy.fairness!r}")
    if policy.visit_hours != 0.25:
        settings.append(f"visit_hours={policy.visit_hours!r}")
    parts = [
        f"households={rows(case.households)}",
        f"needs={rows(case.needs)}",
        f"lots={rows(case.lots)}",
    ]
    if case.volunteers is not None:
        parts.append(f"volunteers={rows(case.volunteers)}")
    if case.services:
        parts.append(f"services={rows(case.services)}")
    parts.append(f"policy=Policy({', '.join(settings)})")
    return "Case(\n    " + ",\n    ".join(parts) + ",\n)"


# Reserves: tiny cases without volunteers, under leximin, with one or two reserves (brute force's staged oracle).


def tiny_reserve_case(pick: Picker) -> Case:
    """A tiny case without volunteers where needs compete for rice (2 to 4 needs, one or two lots, sometimes
    earmarked, grid-limited or expired), some households disabled, and one or two reserves of rice for a tier or
    for disabled households, each a minimum guarantee or over-and-above, of whole units or a share."""
    from allocate.schema import Reserve

    households = [
        Household(
            household_id=f"H{i}",
            grid=pick.choice(("A", "B")),
            oldest_age=pick.choice((None, 70, 30)),
            disabled=pick.choice((False, True)),
        )
        for i in range(pick.integer(2, 3))
    ]
    needs = [
        Need(
            need_id=f"N{i}",
            household_id=f"H{pick.integer(0, len(households) - 1)}",
            item=pick.choice(("rice", "rice", "rice", "oil")),
            quantity=pick.integer(1, 3),
            urgency=pick.choice((Urgency.NORMAL, Urgency.CRITICAL, Urgency.NORMAL)),
            all_or_nothing=pick.choice((False, False, True)),
        )
        for i in range(pick.integer(2, 4))
    ]
    lots = [
        Lot(
            lot_id=f"L{i}",
            item=pick.choice(("rice", "rice", "oil")),
            quantity=pick.integer(1, 4),
            expires=pick.choice((None, None, None, DAY - dt.timedelta(days=1))),
            reserved_for=pick.choice((None, None, None, "elderly")),
            grids=pick.choice((None, None, ("A",))),
        )
        for i in range(pick.integer(1, 2))
    ]
    reserves = []
    for k in range(pick.integer(1, 2)):
        whom = pick.choice(({"tier": "general"}, {"disabled": True}, {"tier": "elderly"}, {"tier": "critical"}))
        amount = pick.choice(({"units": 1}, {"units": 2}, {"share": 0.5}, {"units": 3}, {"share": 0.34}))
        kind = pick.choice(("minimum_guarantee", "over_and_above"))
        reserves.append(Reserve(name=f"R{k}", item="rice", kind=kind, **whom, **amount))
    asking = {n.household_id for n in needs}
    return Case(
        households=tuple(h for h in households if h.household_id in asking),
        needs=tuple(needs),
        lots=tuple(lots),
        policy=Policy(plan_date=DAY, tiers=TIERS, reserves=tuple(reserves)),
    )


@st.composite
def tiny_reserve_cases(draw: st.DrawFn) -> Case:
    """`tiny_reserve_case` drawn by hypothesis."""
    return tiny_reserve_case(DrawPicker(draw))


# Fairness over rounds: tiny cases with an earlier-rounds table, counted with or without a window or decay.


def tiny_over_rounds_case(pick: Picker, *, volunteers: bool | None = False) -> Case:
    """`tiny_case` under leximin with `[over_rounds]` (every round, a window of 1 or 2, a decay of 0.5 or 0.7) and
    an earlier table: for some of its (household, item) pairs, one to three earlier rounds of up to 4 units asked,
    some received."""
    from allocate.schema import Earlier, OverRounds

    case = tiny_case(pick, volunteers=volunteers)
    rule = pick.choice((OverRounds(), OverRounds(window=1), OverRounds(decay=0.5), OverRounds(window=2, decay=0.7)))
    earlier = []
    for hh, item in sorted({(n.household_id, n.item) for n in case.needs}):
        for back in range(1, pick.integer(0, 3) + 1):
            asked = pick.integer(0, 4)
            earlier.append(
                Earlier(household_id=hh, item=item, rounds_ago=back, requested=asked, received=pick.integer(0, asked))
            )
    policy = case.policy.model_copy(update={"fairness": "leximin", "over_rounds": rule})
    return case.replace(policy=Policy.model_validate(policy.model_dump()), earlier=tuple(earlier))


@st.composite
def tiny_over_rounds_cases(draw: st.DrawFn, *, volunteers: bool | None = False) -> Case:
    """`tiny_over_rounds_case` drawn by hypothesis."""
    return tiny_over_rounds_case(DrawPicker(draw), volunteers=volunteers)
