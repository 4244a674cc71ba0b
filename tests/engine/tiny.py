"""Random tiny cases for the property tests: small enough for `tests/support/brute_force.py`."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from allocate.schema import Case, Household, Lot, Need, Policy, Service, Urgency, Volunteer

PLAN_DATE = dt.date(2026, 3, 1)
GRIDS = ("g1", "g2")
ITEMS = ("rice", "oil")


@st.composite
def tiny_cases(draw: st.DrawFn, volunteers: bool = False, max_needs: int = 4, max_lots: int = 3) -> Case:
    """At most 3 households, `max_needs` needs, `max_lots` lots (quantities up to 3), optional volunteers."""
    n_hh = draw(st.integers(1, 3))
    households = tuple(
        Household(
            household_id=f"H{i}",
            grid=draw(st.sampled_from(GRIDS)),
            oldest_age=draw(st.sampled_from([None, 30, 65, 85])),
            lives_alone=draw(st.booleans()),
            tier=draw(st.sampled_from([None, None, None, "vulnerable"])),
        )
        for i in range(n_hh)
    )
    needs = []
    for i in range(draw(st.integers(1, max_needs))):
        needs.append(
            Need(
                need_id=f"N{i}",
                household_id=f"H{draw(st.integers(0, n_hh - 1))}",
                item=draw(st.sampled_from(ITEMS)),
                quantity=draw(st.integers(1, 3)),
                urgency=draw(st.sampled_from([Urgency.NORMAL, Urgency.NORMAL, Urgency.CRITICAL])),
                all_or_nothing=draw(st.booleans()) and draw(st.booleans()),
            )
        )
    lots = tuple(
        Lot(
            lot_id=f"L{i}",
            item=draw(st.sampled_from(ITEMS)),
            quantity=draw(st.integers(0, 3)),
            expires=draw(st.sampled_from([None, None, PLAN_DATE, PLAN_DATE - dt.timedelta(days=1)])),
            reserved_for=draw(st.sampled_from([None, None, "vulnerable", "elderly"])),
            grids=draw(st.sampled_from([None, None, ("g1",), ("g2",)])),
        )
        for i in range(draw(st.integers(1, max_lots)))
    )
    vols: tuple[Volunteer, ...] | None = None
    services: tuple[Service, ...] = ()
    if volunteers:
        vols = tuple(
            Volunteer(
                volunteer_id=f"V{i}",
                grids=draw(st.sampled_from([("g1",), ("g2",), ("*",)])),
                hours=draw(st.sampled_from([0.25, 0.5, 1.0, 1.5])),
                skills=draw(st.sampled_from([(), ("medical",)])),
            )
            for i in range(draw(st.integers(1, 2)))
        )
        services = tuple(
            Service(
                service_id=f"S{i}",
                household_id=f"H{draw(st.integers(0, n_hh - 1))}",
                skill="medical",
                hours=draw(st.sampled_from([0.5, 1.0])),
                urgency=draw(st.sampled_from([Urgency.NORMAL, Urgency.CRITICAL])),
            )
            for i in range(draw(st.integers(0, 1)))
        )
    fairness = draw(st.sampled_from(["leximin", "leximin", "none"]))
    return Case(
        households=households,
        needs=tuple(needs),
        lots=lots,
        volunteers=vols,
        services=services,
        policy=Policy(plan_date=PLAN_DATE, fairness=fairness),
    )
