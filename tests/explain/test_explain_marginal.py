"""Marginal values on hand-checkable cases, the limit, and the exactness of measuring an item on its own."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from allocate.explain import MarginalValue, marginal_values
from allocate.generate import demo_case, generate
from allocate.schema import Case, Household, Lot, Need, Policy, Volunteer
from allocate.solve import solve

POLICY = Policy(plan_date=dt.date(2026, 3, 1))


def two_needs_three_bags(volunteers: tuple[Volunteer, ...] | None = None) -> Case:
    """Two general needs of 2 and 4 bags of rice, 3 bags (each gets half), and oil nobody is short of."""
    return Case(
        households=(Household(household_id="a", grid="g"), Household(household_id="b", grid="g")),
        needs=(
            Need(household_id="a", item="rice", quantity=2),
            Need(household_id="b", item="rice", quantity=4),
            Need(household_id="a", item="oil", quantity=1),
        ),
        lots=(Lot(lot_id="R", item="rice", quantity=3), Lot(lot_id="O", item="oil", quantity=1)),
        volunteers=volunteers,
        policy=POLICY,
    )


def test_one_more_bag_raises_the_mean_fill_by_a_computable_amount() -> None:
    """Fills (1/2, 2/4, 1) become (2/2, 2/4, 1) with a 4th bag: the tier's mean rises by (1/2)/3, its min stays."""
    rice, oil = marginal_values(solve(two_needs_three_bags()))
    assert (rice.kind, rice.resource, rice.tier, rice.method, rice.measured) == (
        "item",
        "rice",
        "general",
        "resolve",
        True,
    )
    assert (rice.min_fill_gain, rice.mean_fill_gain, rice.shortage) == (0.0, pytest.approx(1 / 6), 3.0)
    assert oil == MarginalValue(
        kind="item", resource="oil", tier=None, min_fill_gain=0.0, mean_fill_gain=0.0, method="resolve"
    )


def test_the_whole_case_is_solved_again_when_volunteers_tie_items_together() -> None:
    """With a volunteer who reaches everyone the values are the same as without volunteers."""
    free = (Volunteer(volunteer_id="v", grids=("*",), hours=10),)
    alone = marginal_values(solve(two_needs_three_bags()))
    together = marginal_values(solve(two_needs_three_bags(free)))
    assert together[: len(alone)] == alone
    assert together[len(alone) :] == (
        MarginalValue(
            kind="volunteer_hours",
            resource="g",
            tier=None,
            min_fill_gain=0.0,
            mean_fill_gain=0.0,
            method="resolve_tier",
        ),
    )


def one_visit_for_two_households() -> Case:
    """Two general households in grid g each ask one bag; rice is plenty, but the volunteer has time for one visit."""
    return Case(
        households=(Household(household_id="a", grid="g"), Household(household_id="b", grid="g")),
        needs=(Need(household_id="a", item="rice", quantity=1), Need(household_id="b", item="rice", quantity=1)),
        lots=(Lot(lot_id="R", item="rice", quantity=5),),
        volunteers=(Volunteer(volunteer_id="v", grids=("g",), hours=0.25),),
        policy=POLICY,
    )


def test_one_more_volunteer_hour_reaches_the_household_left_waiting() -> None:
    """One more hour in g delivers the second household: the tier's fills go from (0, 1) to (1, 1)."""
    rice, grid = marginal_values(solve(one_visit_for_two_households()))
    assert (rice.tier, rice.min_fill_gain, rice.mean_fill_gain) == (None, 0.0, 0.0)  # more rice would not help
    assert grid == MarginalValue(
        kind="volunteer_hours",
        resource="g",
        tier="general",
        min_fill_gain=1.0,
        mean_fill_gain=0.5,
        method="resolve_tier",
        shortage=0.25,
    )


def test_limit_leaves_resources_unmeasured_and_says_so() -> None:
    """With limit 0 the grid is reported with measured=False and no gain; None measures everything."""
    plan = solve(one_visit_for_two_households())
    grid = marginal_values(plan, limit=0)[1]
    assert (grid.tier, grid.measured, grid.min_fill_gain, grid.mean_fill_gain) == ("general", False, 0.0, 0.0)
    assert marginal_values(plan, limit=None)[1].measured


def test_negative_limit_is_refused() -> None:
    """A negative limit is an error that names the parameter."""
    with pytest.raises(ValueError, match="'limit' parameter"):
        marginal_values(solve(one_visit_for_two_households()), limit=-1)


def test_an_item_measured_alone_gives_what_the_whole_case_gives() -> None:
    """Without volunteers, measuring each item on its own needs and lots equals solving the whole case again."""
    g = generate(40, seed=7)
    alone = Case(households=g.households, needs=g.needs, lots=g.lots, policy=g.policy)
    free = (Volunteer(volunteer_id="everyone", grids=("*",), hours=1000),)
    whole = Case(households=g.households, needs=g.needs, lots=g.lots, volunteers=free, policy=g.policy)
    by_item = marginal_values(solve(alone))
    assert any(v.mean_fill_gain > 0 for v in by_item)
    assert marginal_values(solve(whole), limit=None)[: len(by_item)] == by_item


@pytest.mark.parametrize("case", [demo_case(), generate(300, seed=1)], ids=["demo", "generated"])
def test_item_alone_gives_the_plans_own_fills(case: Case) -> None:
    """Solving one item's delivered needs alone reproduces the whole plan's fills: the base marginal values use."""
    plan = solve(case)
    delivered = {v.household_id for v in plan.visits if v.kind == "delivery"}
    for item in dict.fromkeys(n.item for n in case.needs):
        rows = [i for i, n in enumerate(case.needs) if n.item == item and n.household_id in delivered]
        owners = {case.needs[i].household_id for i in rows}
        part = Case(
            households=tuple(h for h in case.households if h.household_id in owners),
            needs=tuple(case.needs[i] for i in rows),
            lots=tuple(lot for lot in case.lots if lot.item == item),
            policy=case.policy,
        )
        assert solve(part).need_fills == tuple(plan.need_fills[i] for i in rows), item


@pytest.mark.parametrize("case", [demo_case(), generate(300, seed=1)], ids=["demo", "generated"])
def test_every_item_with_one_more_unit_at_once_gives_each_item_alone(case: Case) -> None:
    """Items measured in one solve (each with its extra unit) fill as each item solved alone with its extra unit:
    given the deliveries, items compete for nothing."""
    plan = solve(case)
    delivered = {v.household_id for v in plan.visits if v.kind == "delivery"}
    items = list(dict.fromkeys(n.item for n in case.needs))
    rows = [i for i, n in enumerate(case.needs) if n.household_id in delivered]
    extra = {item: Lot(lot_id=f"+1 {item}", item=item, quantity=1) for item in items}
    together = solve(
        Case(
            households=tuple(h for h in case.households if h.household_id in delivered),
            needs=tuple(case.needs[i] for i in rows),
            lots=case.lots + tuple(extra.values()),
            policy=case.policy,
        )
    ).need_fills
    for item in items:
        mine = [k for k, i in enumerate(rows) if case.needs[i].item == item]
        owners = {case.needs[rows[k]].household_id for k in mine}
        alone = Case(
            households=tuple(h for h in case.households if h.household_id in owners),
            needs=tuple(case.needs[rows[k]] for k in mine),
            lots=(*(lot for lot in case.lots if lot.item == item), extra[item]),
            policy=case.policy,
        )
        assert solve(alone).need_fills == tuple(together[k] for k in mine), item


def test_marginal_values_index_the_case_once_more_than_run_and_never_write_a_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Deterministic counts, not time: `allocate.run` indexes the case twice (the solve, whose index the volunteer
    hours are measured on, and the items' one solve); marginal values alone index it twice (one index for every
    volunteer hour, one for all the items) and never write a whole plan for a plan the engine made."""
    import allocate.explain.marginal as marginal
    from allocate import run

    solving = sys.modules["allocate.solve"]
    real, built = solving.build_index, []

    def counting(case: Case, plan_date: dt.date) -> object:
        built.append(len(case.needs))
        return real(case, plan_date)

    monkeypatch.setattr(solving, "build_index", counting)
    result = run(generate(800, seed=2))
    assert sum(v.kind == "volunteer_hours" and v.tier is not None for v in result.explanation.marginal_values) == 3
    assert len(built) == 2

    def no_solve(*args: object, **kwargs: object) -> None:
        raise AssertionError("a whole solve for a plan the engine made")

    built.clear()
    monkeypatch.setattr(marginal, "solve", no_solve)
    assert marginal_values(result.plan, limit=None) == result.explanation.marginal_values
    assert len(built) == 2
