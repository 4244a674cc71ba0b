"""Small named cases a person can check by hand; each test states the expected allocation."""

from __future__ import annotations

import datetime as dt

from allocate.schema import Case, Household, Lot, Need, Policy, Service, Urgency, Volunteer

PLAN_DATE = dt.date(2026, 3, 1)
POLICY = Policy(plan_date=PLAN_DATE)


def elderly_first() -> Case:
    """An 70-year-old and a 30-year-old each ask 2 bags of rice; 3 bags exist."""
    return Case(
        households=(Household(household_id="old", grid="g", oldest_age=70), Household(household_id="young", grid="g")),
        needs=(Need(household_id="old", item="rice", quantity=2), Need(household_id="young", item="rice", quantity=2)),
        lots=(Lot(lot_id="L1", item="rice", quantity=3),),
        policy=POLICY,
    )


def even_split() -> Case:
    """Three general households ask 2, 4 and 6; 6 units exist: half each."""
    return Case(
        households=tuple(Household(household_id=h, grid="g") for h in ("a", "b", "c")),
        needs=tuple(Need(household_id=h, item="oil", quantity=q) for h, q in (("a", 2), ("b", 4), ("c", 6))),
        lots=(Lot(lot_id="L1", item="oil", quantity=6),),
        policy=POLICY,
    )


def reserved_beside_open() -> Case:
    """A lot reserved for `vulnerable` beside an open lot that expires first; one vulnerable, one general household."""
    return Case(
        households=(
            Household(household_id="frail", grid="g", oldest_age=85),
            Household(household_id="other", grid="g"),
        ),
        needs=(
            Need(household_id="frail", item="milk", quantity=2),
            Need(household_id="other", item="milk", quantity=2),
        ),
        lots=(
            Lot(lot_id="open", item="milk", quantity=2, expires=PLAN_DATE + dt.timedelta(days=3)),
            Lot(lot_id="earmarked", item="milk", quantity=2, reserved_for="vulnerable"),
        ),
        policy=POLICY,
    )


def grid_limited() -> Case:
    """A lot only for grid g2, and an open lot of 1; households in g1 and g2 each ask 2."""
    return Case(
        households=(Household(household_id="h1", grid="g1"), Household(household_id="h2", grid="g2")),
        needs=(Need(household_id="h1", item="eggs", quantity=2), Need(household_id="h2", item="eggs", quantity=2)),
        lots=(Lot(lot_id="local", item="eggs", quantity=2, grids=("g2",)), Lot(lot_id="open", item="eggs", quantity=1)),
        policy=POLICY,
    )


def expired_lot() -> Case:
    """An expired lot of 5 and a fresh lot of 1; one household asks 3."""
    return Case(
        households=(Household(household_id="h", grid="g"),),
        needs=(Need(household_id="h", item="pork", quantity=3),),
        lots=(
            Lot(lot_id="old", item="pork", quantity=5, expires=PLAN_DATE - dt.timedelta(days=1)),
            Lot(lot_id="fresh", item="pork", quantity=1, expires=PLAN_DATE),
        ),
        policy=POLICY,
    )


def all_or_nothing(stock: int) -> Case:
    """One household needs 3 blankets all-or-nothing, another 2 blankets; `stock` blankets exist."""
    return Case(
        households=(Household(household_id="whole", grid="g"), Household(household_id="part", grid="g")),
        needs=(
            Need(household_id="whole", item="blanket", quantity=3, all_or_nothing=True),
            Need(household_id="part", item="blanket", quantity=2),
        ),
        lots=(Lot(lot_id="L1", item="blanket", quantity=stock),),
        policy=POLICY,
    )


def few_volunteer_hours() -> Case:
    """Three households of one grid, one volunteer with 0.5 hours (two 0.25-hour visits); one household is elderly."""
    return Case(
        households=(
            Household(household_id="a", grid="g"),
            Household(household_id="b", grid="g", oldest_age=70),
            Household(household_id="c", grid="g"),
        ),
        needs=tuple(Need(household_id=h, item="rice", quantity=1) for h in ("a", "b", "c")),
        lots=(Lot(lot_id="L1", item="rice", quantity=10),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("g",), hours=0.5),),
        policy=POLICY,
    )


def rare_skill() -> Case:
    """A 1-hour medical service; only V2 has the skill, and V2 has exactly 1 hour, so V1 must deliver."""
    return Case(
        households=(Household(household_id="h", grid="g"),),
        needs=(Need(household_id="h", item="rice", quantity=1),),
        lots=(Lot(lot_id="L1", item="rice", quantity=1),),
        volunteers=(
            Volunteer(volunteer_id="V1", grids=("*",), hours=8),
            Volunteer(volunteer_id="V2", grids=("g",), hours=1, skills=("medical",)),
        ),
        services=(Service(household_id="h", skill="medical", hours=1),),
        policy=POLICY,
    )


def critical_beats_age() -> Case:
    """A young household with a critical need and an 85-year-old with a normal one; one unit of medicine."""
    return Case(
        households=(Household(household_id="old", grid="g", oldest_age=85), Household(household_id="sick", grid="g")),
        needs=(
            Need(household_id="old", item="insulin", quantity=1),
            Need(household_id="sick", item="insulin", quantity=1, urgency=Urgency.CRITICAL),
        ),
        lots=(Lot(lot_id="L1", item="insulin", quantity=1),),
        policy=POLICY,
    )


def manual_raise() -> Case:
    """A young household raised by hand to `vulnerable` and a 70-year-old (`elderly`); one unit."""
    return Case(
        households=(
            Household(household_id="old", grid="g", oldest_age=70),
            Household(household_id="raised", grid="g", tier="vulnerable"),
        ),
        needs=(Need(household_id="old", item="coat", quantity=1), Need(household_id="raised", item="coat", quantity=1)),
        lots=(Lot(lot_id="L1", item="coat", quantity=1),),
        policy=POLICY,
    )


def shared_scarcity() -> Case:
    """Two tiers, a grid-limited lot, an all-or-nothing need and scarce volunteer time: the conformance case."""
    return Case(
        households=(
            Household(household_id="a", grid="g1", oldest_age=82),
            Household(household_id="b", grid="g1"),
            Household(household_id="c", grid="g2"),
            Household(household_id="d", grid="g2", oldest_age=65),
        ),
        needs=(
            Need(household_id="a", item="rice", quantity=3),
            Need(household_id="b", item="rice", quantity=2),
            Need(household_id="c", item="rice", quantity=4),
            Need(household_id="d", item="rice", quantity=1, all_or_nothing=True),
            Need(household_id="d", item="oil", quantity=2),
            Need(household_id="c", item="oil", quantity=2),
        ),
        lots=(
            Lot(lot_id="R1", item="rice", quantity=4),
            Lot(lot_id="R2", item="rice", quantity=2, grids=("g2",)),
            Lot(lot_id="O1", item="oil", quantity=3),
        ),
        volunteers=(
            Volunteer(volunteer_id="V1", grids=("g1",), hours=0.5),
            Volunteer(volunteer_id="V2", grids=("g2",), hours=1.25, skills=("escort",)),
        ),
        services=(
            Service(household_id="a", skill="escort", hours=1),
            Service(household_id="d", skill="escort", hours=1, urgency=Urgency.HIGH),
        ),
        policy=POLICY,
    )


def two_expiries() -> Case:
    """Lot A keeps longer than lot B; one household asks 3 and another 1; 4 + 2 units exist."""
    return Case(
        households=(Household(household_id="x", grid="g"), Household(household_id="y", grid="g")),
        needs=(Need(household_id="x", item="bread", quantity=3), Need(household_id="y", item="bread", quantity=1)),
        lots=(
            Lot(lot_id="A", item="bread", quantity=4, expires=PLAN_DATE + dt.timedelta(days=9)),
            Lot(lot_id="B", item="bread", quantity=2, expires=PLAN_DATE + dt.timedelta(days=2)),
        ),
        policy=POLICY,
    )
