"""The typed case and policy: tier assignment, cross-table checks, warnings, the overview."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from pydantic import ValidationError

from allocate import Case, Household, InputError, Lot, Need, Policy, Service, Tier, Volunteer
from allocate.schema import Clause, Urgency, overview, tier_rank

DEFAULT = Policy()


def hh(hid: str = "H1", **kw: object) -> Household:
    return Household.model_validate({"household_id": hid, "grid": "A", **kw})


@pytest.mark.parametrize(
    ("household", "urgency", "tier"),
    [
        (hh(oldest_age=30), Urgency.CRITICAL, "critical"),
        (hh(oldest_age=65, lives_alone=True), Urgency.NORMAL, "vulnerable"),
        (hh(oldest_age=30, disabled=True), Urgency.NORMAL, "vulnerable"),
        (hh(oldest_age=85), Urgency.NORMAL, "vulnerable"),
        (hh(oldest_age=65), Urgency.NORMAL, "elderly"),
        (hh(oldest_age=20, chronic_illness=True), Urgency.LOW, "elderly"),
        (hh(oldest_age=59, lives_alone=True), Urgency.HIGH, "general"),
        (hh(), Urgency.NORMAL, "general"),
    ],
)
def test_default_policy_tiers(household: Household, urgency: Urgency, tier: str) -> None:
    """The default policy puts a need in the first tier with a clause that holds; unknown age meets no age rule."""
    assert DEFAULT.tier_names[tier_rank(DEFAULT, household, urgency)] == tier


def test_manual_tier_raises_but_never_lowers() -> None:
    """A household's manual tier raises its needs; a manual tier below the computed one changes nothing."""
    assert tier_rank(DEFAULT, hh(tier="vulnerable"), Urgency.NORMAL) == 1
    assert tier_rank(DEFAULT, hh(tier="general", oldest_age=90), Urgency.NORMAL) == 1


def test_policy_needs_a_catch_all_last_tier() -> None:
    """A policy whose last tier has conditions is an input error (some needs would have no tier)."""
    with pytest.raises(InputError, match="must have no `when`"):
        Policy(tiers=(Tier(name="old", when=(Clause(min_age=60),)),))


def test_policy_rejects_early_catch_all_and_repeated_names() -> None:
    """Only the last tier may match everything, and tier names are unique."""
    with pytest.raises(InputError, match="only the last tier"):
        Policy(tiers=(Tier(name="a"), Tier(name="b")))
    with pytest.raises(InputError, match="repeated: a"):
        Policy(tiers=(Tier(name="a", when=(Clause(min_age=1),)), Tier(name="a")))


def test_clause_rejects_unknown_condition_and_empty_clause() -> None:
    """A condition on an unknown field, or a clause with none, is an error."""
    with pytest.raises(ValidationError, match="min_agee"):
        Clause.model_validate({"min_agee": 60})
    with pytest.raises(InputError, match="at least one condition"):
        Clause()


def test_case_collects_every_cross_table_problem() -> None:
    """Repeated ids, unknown households and unknown tiers are all reported together, each with its place."""
    with pytest.raises(InputError) as e:
        Case(
            households=(hh("H1"), hh("H1"), hh("H2", tier="vip")),
            needs=(
                Need(household_id="H1", item="rice", quantity=1),
                Need(household_id="H1", item="rice", quantity=2),
                Need(household_id="H9", item="oil", quantity=1),
            ),
            lots=(Lot(lot_id="L1", item="rice", quantity=3, reserved_for="gold"),),
            services=(Service(household_id="H1", skill="medical", hours=1),),
        )
    got = [str(p) for p in e.value.problems]
    assert got[0] == "households[1].household_id: 'H1' repeats"
    assert got[1].startswith("needs[1].need_id: 'H1/rice' repeats; if one household asks twice")
    assert "needs[2].household_id: unknown household 'H9' (not in households)" in got
    assert any(g.startswith("households[2].tier: unknown tier 'vip'") for g in got)
    assert any(g.startswith("supplies[0].reserved_for: unknown tier 'gold'") for g in got)
    assert "services: services need volunteers, but the case has no volunteers table" in got
    assert len(got) == 6


def test_default_ids() -> None:
    """A need without id is `household/item`; a service without id is `household/skill`."""
    assert Need(household_id="H1", item="rice", quantity=1).need_id == "H1/rice"
    assert Service(household_id="H1", skill="escort", hours=1).service_id == "H1/escort"


def test_warnings_for_probable_mistakes() -> None:
    """An unsupplied item, an uncovered grid, an expired lot and an unmatched skill are warnings, not errors."""
    case = Case(
        households=(hh("H1"), Household(household_id="H2", grid="B")),
        needs=(Need(household_id="H1", item="rice", quantity=1), Need(household_id="H2", item="salt", quantity=1)),
        lots=(Lot(lot_id="L1", item="rice", quantity=3, expires=dt.date(2026, 1, 1)),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("A",), hours=2),),
        services=(Service(household_id="H1", skill="medical", hours=1),),
        policy=Policy(plan_date=dt.date(2026, 2, 1)),
    )
    messages = [p.message for p in case.warnings]
    assert messages == [
        "no lot supplies 'salt'; its needs cannot be met",
        "lot 'L1' expired on 2026-01-01 (plan date 2026-02-01)",
        "no volunteer covers grid 'B'; its households get no deliveries",
        "no volunteer has skill 'medical'",
    ]
    assert {p.severity for p in case.warnings} == {"warning"}


def test_unknown_grid_warning_lists_at_most_ten_grids() -> None:
    """A lot limited to a grid no household is in is a warning at the lot's grids; the known grids are cut at ten."""
    case = Case(
        households=tuple(Household(household_id=f"H{i}", grid=f"G{i:02}") for i in range(12)),
        needs=(Need(household_id="H0", item="rice", quantity=1),),
        lots=(Lot(lot_id="L1", item="rice", quantity=3, grids=("G00", "G99")),),
        policy=Policy(plan_date=dt.date(2026, 2, 1)),
    )
    known = ", ".join(f"'G{i:02}'" for i in range(10))
    assert [(p.table, p.row, p.field, p.message) for p in case.warnings] == [
        ("supplies", 0, "grids", f"lot 'L1' names grid 'G99', which no household is in (grids are: {known} and 2 more)")
    ]


def test_lot_usable_through_its_expiry_day() -> None:
    """A lot expiring on a day may still be given out that day, not after."""
    lot = Lot(lot_id="L", item="x", quantity=1, expires=dt.date(2026, 3, 1))
    assert lot.usable_on(dt.date(2026, 3, 1))
    assert not lot.usable_on(dt.date(2026, 3, 2))


def test_volunteer_star_covers_every_grid() -> None:
    """`*` in a volunteer's grids covers every grid; lists are trimmed and deduplicated."""
    v = Volunteer(volunteer_id="V", grids=["*"], hours=1)
    assert v.covers("anything")
    w = Volunteer(volunteer_id="W", grids=[" A", "A", ""], hours=1)
    assert w.grids == ("A",)
    assert not w.covers("B")


def test_overview_counts_households_in_their_highest_tier() -> None:
    """Each household counts once, in the highest tier among its needs and services."""
    case = Case(
        households=(hh("H1", oldest_age=70), hh("H2"), hh("H3")),
        needs=(
            Need(household_id="H1", item="rice", quantity=2),
            Need(household_id="H1", item="med", quantity=1, urgency="critical"),
            Need(household_id="H2", item="rice", quantity=3),
        ),
        lots=(Lot(lot_id="L1", item="rice", quantity=4),),
    )
    o = overview(case)
    assert o.households_per_tier == {"critical": 1, "vulnerable": 0, "elderly": 0, "general": 1}
    assert o.households_without_requests == 1
    assert (o.units_requested, o.units_supplied, o.items) == (6, 4, 2)
    assert o.volunteers is None
    assert "deliveries are not limited" in str(o)


def test_replace_checks_again_and_recomputes_tiers() -> None:
    """Case.replace re-runs the cross-table checks and assigns tiers under the new policy."""
    case = Case(
        households=(hh("H1", oldest_age=70),),
        needs=(Need(household_id="H1", item="rice", quantity=1),),
        lots=(Lot(lot_id="L1", item="rice", quantity=1),),
    )
    assert case.need_tiers == (2,)
    flat = case.replace(policy=Policy(tiers=(Tier(name="everyone"),)))
    assert flat.need_tiers == (0,)
    with pytest.raises(InputError, match="unknown household"):
        case.replace(needs=(Need(household_id="H9", item="rice", quantity=1),))


def test_time_is_at_least_one_second() -> None:
    """Visits, services and offered hours are counted in whole seconds: less than one (but more than none) is a
    typo such as 1e-12, refused; one second is accepted."""
    second = 1 / 3600
    assert Policy(visit_hours=second).visit_hours == second
    with pytest.raises(InputError, match=r"policy.visit_hours: expected a number >= 1/3600 \(one second\)"):
        Policy(visit_hours=1e-12)
    assert Volunteer(volunteer_id="V", grids=("A",), hours=0).hours == 0
    assert Volunteer(volunteer_id="V", grids=("A",), hours=second).hours == second
    with pytest.raises(InputError, match=r"expected 0, or at least 1/3600 \(one second\)"):
        Volunteer(volunteer_id="V", grids=("A",), hours=1e-12)
    with pytest.raises(InputError, match=r"services.hours: expected a number >= 1/3600 \(one second\)"):
        Service(household_id="H1", skill="escort", hours=1e-7)


def test_household_index_is_read_only_and_pickles() -> None:
    """The frozen case's household index looks up as a dict but refuses every change; the case still pickles."""
    case = Case(
        households=(hh("H1"), hh("H2")),
        needs=(Need(household_id="H2", item="rice", quantity=1),),
        lots=(Lot(lot_id="L1", item="rice", quantity=1),),
    )
    index = case.household_index
    assert index["H2"] == 1
    assert index.get("H9", -1) == -1
    assert isinstance(index, dict)
    changes = [
        lambda: index.__setitem__("H3", 2),
        lambda: index.__delitem__("H1"),
        lambda: index.update({"H3": 2}),
        lambda: index.pop("H1"),
        lambda: index.popitem(),
        lambda: index.setdefault("H3", 2),
        index.clear,
    ]
    for change in changes:
        with pytest.raises(TypeError, match="frozen Case"):
            change()
    assert index == {"H1": 0, "H2": 1}
    copy = index.copy()
    copy["H3"] = 2
    assert len(index) == 2
    again = pickle.loads(pickle.dumps(case))
    assert again.household_index == index
    assert type(again.household_index) is type(index)


def test_policy_bounds() -> None:
    """A policy cannot hold more than 100 tiers, 100 clauses a tier, 1,000 entries a list, 100-character names;
    each is refused with what the bound is, before what it bounds is read."""
    catch_all = {"name": "rest"}
    tiers = [{"name": f"t{i}", "when": [{"min_age": 1}]} for i in range(100)]
    assert len(Policy.model_validate({"tiers": [*tiers[:99], catch_all]}).tiers) == 100
    with pytest.raises(ValidationError, match="a policy may have at most 100 tiers; this one has 101"):
        Policy.model_validate({"tiers": [*tiers, catch_all]})
    with pytest.raises(ValidationError, match="a tier may have at most 100 clauses; this one has 101"):
        Tier.model_validate({"name": "t", "when": [{"min_age": 1}] * 101})
    with pytest.raises(ValidationError, match="a condition's list may have at most 1000 entries; this one has 1,001"):
        Clause.model_validate({"grids": [f"G{i}" for i in range(1001)]})
    with pytest.raises(InputError, match="a tier name may have at most 100 characters"):
        Tier(name="x" * 101)


def test_cross_table_problems_are_bounded() -> None:
    """300 needs of unknown households built in code: 100 problems kept, one entry counting 200, total 300."""
    with pytest.raises(InputError) as e:
        Case(
            households=(hh("H1"),),
            needs=tuple(Need(household_id="H9", item=f"i{k}", quantity=1) for k in range(300)),
            lots=(),
        )
    assert e.value.total == 300
    assert len(e.value.problems) == 101
    assert str(e.value.problems[-1]) == (
        "needs[100].household_id: and 200 more errors like these from here on, not listed (only the first 100 are); "
        "fix those listed and check again"
    )


def test_lookalike_ids_are_warnings_at_their_place() -> None:
    """A zero-width space in a household id and a full-width twin of a grid (across households and a
    volunteer's grids) are warnings placed as table[row].field, printed escaped."""
    case = Case(
        households=(hh("H1"), hh("H1\u200b"), Household(household_id="H3", grid="Ａ")),
        needs=(Need(household_id="H1", item="rice", quantity=1),),
        lots=(Lot(lot_id="L1", item="rice", quantity=1),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("A", "Ａ"), hours=1),),
    )
    assert [str(p) for p in case.warnings] == [
        "households[1].household_id: household 'H1\\u200b' holds an invisible or control character "
        "(U+200B ZERO WIDTH SPACE), so it is a different household from 'H1'; delete it",
        "households[2].grid: grid 'Ａ' and grid 'A' look the same but are different grids (they differ in "
        "full-width or other look-alike characters); write both the same way",
    ]


def test_lookalike_default_ids_are_not_warned_twice() -> None:
    """A household id with a zero-width space is warned about once, not again in each need id made from it."""
    case = Case(
        households=(hh("H1\u200b"),),
        needs=(
            Need(household_id="H1\u200b", item="rice", quantity=1),
            Need(household_id="H1\u200b", item="oil", quantity=1),
        ),
        lots=(Lot(lot_id="L1", item="rice", quantity=1), Lot(lot_id="L2", item="oil", quantity=1)),
    )
    assert [(p.table, p.row, p.field) for p in case.warnings] == [("households", 0, "household_id")]


def test_overview_prints_tier_names_safely() -> None:
    """A tier name with an ESC sequence in it (from a policy file) is printed escaped in the overview."""
    case = Case(
        households=(hh("H1"),),
        needs=(Need(household_id="H1", item="rice", quantity=1),),
        lots=(),
        policy=Policy(tiers=(Tier(name="\x1b[2Jall"),)),
    )
    assert "households: 1 (\\x1b[2Jall 1; without requests 0)" in str(overview(case))
