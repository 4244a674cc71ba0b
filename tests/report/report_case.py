"""A small solved case a person can check by hand, with its explanation, for the summary and report tests.

Three households in two grids: H1 (70, grid A) is elderly and gets all 4 rice and its medical visit; H2 (grid A)
and H3 (grid "B<&>") are general and share the 2 rice left, 1 each; H3 also gets 2 of 3 oil; nobody donated
milk. Lot L3 (rice) expired the day before the plan. Names hold `<`, `&` and quotes to test escaping.
Named `report_case`, not imported from a conftest, so that no other test folder's module can shadow it.
"""

from __future__ import annotations

import datetime as dt

from allocate.explain import Explanation, MarginalValue, Reason, Shortfall
from allocate.plan import Allocation, Plan, Status, Termination, Visit
from allocate.schema import Case, Household, Lot, Need, Policy, Service, Volunteer

DAY = dt.date(2026, 12, 1)
OIL = 'oil & <ghee> "pure"'
GRID_B = "B<&>"
H3 = "H3&<b>"


def make_case() -> Case:
    """The hand-checked case of this module's docstring."""
    return Case(
        households=(
            Household(household_id="H1", grid="A", oldest_age=70),
            Household(household_id="H2", grid="A"),
            Household(household_id=H3, grid=GRID_B),
        ),
        needs=(
            Need(need_id="N1", household_id="H1", item="rice", quantity=4),
            Need(need_id="N2", household_id="H2", item="rice", quantity=4),
            Need(need_id="N3", household_id=H3, item="rice", quantity=4),
            Need(need_id="N4", household_id=H3, item=OIL, quantity=2),
            Need(need_id="N5", household_id="H2", item="milk", quantity=1),
        ),
        lots=(
            Lot(lot_id="L1", item="rice", quantity=6),
            Lot(lot_id="L2", item=OIL, quantity=3),
            Lot(lot_id="L3", item="rice", quantity=5, expires=DAY - dt.timedelta(days=1)),
        ),
        volunteers=(
            Volunteer(volunteer_id="V1", grids=("A",), hours=1.0, skills=("medical",)),
            Volunteer(volunteer_id="V2", grids=("*",), hours=1.0),
        ),
        services=(Service(service_id="S1", household_id="H1", skill="medical", hours=0.5),),
        policy=Policy(plan_date=DAY),
    )


def make_plan(case: Case) -> Plan:
    """The optimal plan of `make_case()`, made by hand."""
    return Plan(
        case=case,
        allocations=(
            Allocation(need_id="N1", lot_id="L1", quantity=4),
            Allocation(need_id="N2", lot_id="L1", quantity=1),
            Allocation(need_id="N3", lot_id="L1", quantity=1),
            Allocation(need_id="N4", lot_id="L2", quantity=2),
        ),
        visits=(
            Visit(volunteer_id="V1", household_id="H1", kind="delivery", hours=0.25),
            Visit(volunteer_id="V1", household_id="H1", kind="service", service_id="S1", hours=0.5),
            Visit(volunteer_id="V2", household_id="H2", kind="delivery", hours=0.25),
            Visit(volunteer_id="V2", household_id=H3, kind="delivery", hours=0.25),
        ),
        plan_date=DAY,
        status=Status.OPTIMAL,
        termination=Termination(reason="proven"),
        backend="highs",
    )


def make_explanation() -> Explanation:
    """The shortfalls of `plan` (rice shared in the general tier, no milk) and hand-set marginal values; grid
    B<&>'s volunteer hour was not measured."""
    return Explanation(
        shortfalls=(
            Shortfall(
                kind="need",
                id="N2",
                household_id="H2",
                grid="A",
                tier="general",
                item_or_skill="rice",
                requested=4,
                received=1,
                shortfall=3,
                reason=Reason.FAIR_SHARE,
            ),
            Shortfall(
                kind="need",
                id="N3",
                household_id=H3,
                grid=GRID_B,
                tier="general",
                item_or_skill="rice",
                requested=4,
                received=1,
                shortfall=3,
                reason=Reason.FAIR_SHARE,
            ),
            Shortfall(
                kind="need",
                id="N5",
                household_id="H2",
                grid="A",
                tier="general",
                item_or_skill="milk",
                requested=1,
                received=0,
                shortfall=1,
                reason=Reason.NO_SUPPLY,
            ),
        ),
        marginal_values=(
            MarginalValue(
                kind="item",
                resource="rice",
                tier="general",
                min_fill_gain=0.0,
                mean_fill_gain=0.0625,
                method="resolve",
                shortage=6,
            ),
            MarginalValue(
                kind="item",
                resource="milk",
                tier="general",
                min_fill_gain=0.25,
                mean_fill_gain=0.25,
                method="resolve",
                shortage=1,
            ),
            MarginalValue(
                kind="item", resource=OIL, tier=None, min_fill_gain=0.0, mean_fill_gain=0.0, method="resolve"
            ),
            MarginalValue(
                kind="volunteer_hours", resource="A", tier=None, min_fill_gain=0.0, mean_fill_gain=0.0, method="resolve"
            ),
            MarginalValue(
                kind="volunteer_hours",
                resource=GRID_B,
                tier=None,
                min_fill_gain=0.0,
                mean_fill_gain=0.0,
                method="resolve",
                measured=False,
            ),
        ),
    )
