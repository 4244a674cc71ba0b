"""Reserves (docs/reserves.md): the policy's settings, the stages the engine shares a reserved item in, what the
verifier holds a plan to, and the engine against an independent brute force of the stages on tiny cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings

from allocate import Allocation, Case, Household, Lot, Need, Plan, Policy, Volunteer, run, solve, verify
from allocate.errors import InputError
from allocate.io import policy_toml, read_policy
from allocate.schema import Reserve, ReserveKind
from allocate.verify import Rule
from support.brute_force import infeasibilities, objective, staged_objectives
from support.tiny_cases import as_code, tiny_reserve_cases

DAY = dt.date(2026, 12, 1)
MG, OA = ReserveKind.MINIMUM_GUARANTEE, ReserveKind.OVER_AND_ABOVE


def rice_case(households: list[Household], asks: dict[str, int], stock: int, *reserves: Reserve) -> Case:
    """Needs of rice (household -> bags) and one lot of `stock` bags, under the default tiers and `reserves`."""
    return Case(
        households=households,
        needs=[Need(household_id=h, item="rice", quantity=q) for h, q in asks.items()],
        lots=[Lot(lot_id="R1", item="rice", quantity=stock)],
        policy=Policy(plan_date=DAY, reserves=reserves),
    )


def checked(case: Case) -> dict[str, int]:
    """The engine's plan for `case`, verified and feasible by brute force's own rules: units per need."""
    plan = solve(case)
    assert verify(case, plan).ok, str(verify(case, plan))
    assert not infeasibilities(case, plan)
    return plan.received


OLD = Household(household_id="H1", grid="east", oldest_age=85)  # vulnerable
YOUNG = Household(household_id="H2", grid="east", oldest_age=35)  # general
QUARANTINED = Household(household_id="H3", grid="east", oldest_age=35, quarantined=True)  # general


def test_a_minimum_guarantee_for_a_tier_is_shared_first() -> None:
    """Docs' first example: a third of 6 bags guaranteed to `general` gives each family one before the vulnerable
    household takes the rest; without it the vulnerable household takes all."""
    homes = [OLD, YOUNG, YOUNG.model_copy(update={"household_id": "H3"})]
    asks = {"H1": 6, "H2": 4, "H3": 4}
    assert checked(rice_case(homes, asks, 6)) == {"H1/rice": 6}
    families = Reserve(name="families", item="rice", share=1 / 3, tier="general")
    assert checked(rice_case(homes, asks, 6, families)) == {"H1/rice": 4, "H2/rice": 1, "H3/rice": 1}


def test_minimum_guarantee_counts_what_beneficiaries_get_anyway_over_and_above_adds_to_it() -> None:
    """Docs' second example: 2 of 8 bags for quarantined households change nothing as a minimum guarantee (H3
    would get 2 anyway) and give H3 2 more than the open stage does as over-and-above."""
    homes, asks = [OLD, YOUNG, QUARANTINED], {"H1": 4, "H2": 4, "H3": 4}
    assert checked(rice_case(homes, asks, 8)) == {"H1/rice": 4, "H2/rice": 2, "H3/rice": 2}
    for kind, want in (
        (MG, {"H1/rice": 4, "H2/rice": 2, "H3/rice": 2}),
        (OA, {"H1/rice": 4, "H2/rice": 1, "H3/rice": 3}),
    ):
        reserve = Reserve(name="quarantined", item="rice", units=2, quarantined=True, kind=kind)
        assert checked(rice_case(homes, asks, 8, reserve)) == want, kind


def test_a_minimum_guarantee_protects_its_beneficiaries_from_a_higher_tier() -> None:
    """With 6 bags, the 2 guaranteed to quarantined households reach H3 before the vulnerable household takes 4;
    over-and-above does the same here, since the open stage leaves nothing for H3."""
    homes, asks = [OLD, YOUNG, QUARANTINED], {"H1": 4, "H2": 4, "H3": 4}
    assert checked(rice_case(homes, asks, 6)) == {"H1/rice": 4, "H2/rice": 1, "H3/rice": 1}
    for kind in (MG, OA):
        reserve = Reserve(name="quarantined", item="rice", units=2, quarantined=True, kind=kind)
        assert checked(rice_case(homes, asks, 6, reserve)) == {"H1/rice": 4, "H3/rice": 2}, kind


def test_processing_order_changes_the_result() -> None:
    """Docs' third example: two guarantees of 2 bags whose beneficiaries overlap give (2, 2) in one order and
    (1, 3) in the other."""
    homes, asks = [YOUNG, QUARANTINED], {"H2": 2, "H3": 4}
    quarantined = Reserve(name="quarantined", item="rice", units=2, quarantined=True)
    general = Reserve(name="general", item="rice", units=2, tier="general")
    assert checked(rice_case(homes, asks, 4, quarantined, general)) == {"H2/rice": 2, "H3/rice": 2}
    assert checked(rice_case(homes, asks, 4, general, quarantined)) == {"H2/rice": 1, "H3/rice": 3}


def test_unused_reserve_returns_to_the_open_pool() -> None:
    """A reserve whose beneficiaries ask less (or nobody) leaves the rest to everyone, of either kind."""
    homes, asks = [OLD, QUARANTINED], {"H1": 6, "H3": 1}
    for kind in (MG, OA):
        reserve = Reserve(name="q", item="rice", units=4, quarantined=True, kind=kind)
        assert checked(rice_case(homes, asks, 6, reserve)) == {"H1/rice": 5, "H3/rice": 1}, kind
        nobody = Reserve(name="q", item="rice", units=4, tier="critical", kind=kind)
        assert checked(rice_case(homes, asks, 6, nobody)) == {"H1/rice": 6}, kind


def test_a_share_is_of_the_usable_units_rounded_down() -> None:
    """A share counts lots not expired on the plan date, and rounds down: 0.5 of 5 usable bags is 2."""
    case = rice_case([OLD, YOUNG], {"H1": 9, "H2": 9}, 5, Reserve(name="f", item="rice", share=0.5, tier="general"))
    case = case.replace(lots=(*case.lots, Lot(lot_id="OLD", item="rice", quantity=10, expires=dt.date(2026, 1, 1))))
    assert checked(case) == {"H1/rice": 3, "H2/rice": 2}


def test_reserves_hold_with_volunteers_and_whole_needs() -> None:
    """With volunteers (quarantined households by designated ones) and an all-or-nothing need, the plan `run`
    makes respects the reserve and passes verification."""
    case = Case(
        households=[OLD, YOUNG, QUARANTINED],
        needs=[
            Need(household_id="H1", item="rice", quantity=6),
            Need(household_id="H2", item="rice", quantity=2, all_or_nothing=True),
            Need(household_id="H3", item="rice", quantity=4),
        ],
        lots=[Lot(lot_id="R1", item="rice", quantity=6)],
        volunteers=[
            Volunteer(volunteer_id="V1", grids=["east"], hours=0.5),
            Volunteer(volunteer_id="V2", grids=["east"], hours=1, designated=True),
        ],
        policy=Policy(plan_date=DAY, reserves=[Reserve(name="f", item="rice", units=3, tier="general")]),
    )
    result = run(case)
    assert result.verification.ok, str(result.verification)
    assert result.plan.received == {"H1/rice": 3, "H2/rice": 2, "H3/rice": 1}


# --- the verifier ------------------------------------------------------------------------------------------------


def hand_plan(case: Case, rows: dict[str, int]) -> Plan:
    """A plan giving each need these units of lot R1."""
    allocations = [Allocation(need_id=n, lot_id="R1", quantity=q) for n, q in rows.items()]
    return Plan(case=case, allocations=allocations, plan_date=DAY)


def test_verify_finds_a_guarantee_not_given() -> None:
    """Strict priority alone, against a policy guaranteeing 2 bags to `general`: `reserve_short`."""
    homes = [OLD, YOUNG]
    case = rice_case(homes, {"H1": 6, "H2": 4}, 6, Reserve(name="families", item="rice", units=2, tier="general"))
    found = verify(case, hand_plan(case, {"H1/rice": 6}))
    assert [v.rule for v in found.violations] == [Rule.RESERVE_SHORT]
    assert verify(case, hand_plan(case, {"H1/rice": 4, "H2/rice": 2})).ok


def test_verify_finds_a_reserve_exceeded_and_units_to_non_beneficiaries() -> None:
    """Beneficiaries passing a short higher tier by more than the reserve: `reserve_exceeded`; a lower tier that is
    no beneficiary passing it at all: `priority_inversion`."""
    homes = [OLD, YOUNG, QUARANTINED]
    reserve = Reserve(name="q", item="rice", units=2, quarantined=True)
    case = rice_case(homes, {"H1": 6, "H2": 4, "H3": 4}, 6, reserve)
    assert verify(case, hand_plan(case, {"H1/rice": 4, "H3/rice": 2})).ok
    rules = {v.rule for v in verify(case, hand_plan(case, {"H1/rice": 3, "H3/rice": 3})).violations}
    assert rules == {Rule.RESERVE_EXCEEDED}
    rules = {v.rule for v in verify(case, hand_plan(case, {"H1/rice": 4, "H2/rice": 1, "H3/rice": 1})).violations}
    assert Rule.PRIORITY_INVERSION in rules


def test_verify_shares_evenly_only_among_the_same_reserves() -> None:
    """Over-and-above, the quarantined household has more than its tier's other: no `uneven_share`; two
    beneficiaries of the same reserve sharing unevenly still are."""
    homes = [YOUNG, QUARANTINED, QUARANTINED.model_copy(update={"household_id": "H4"})]
    reserve = Reserve(name="q", item="rice", units=2, quarantined=True, kind=OA)
    case = rice_case(homes, {"H2": 4, "H3": 4, "H4": 4}, 5, reserve)
    plan = solve(case)
    assert plan.received == {"H2/rice": 1, "H3/rice": 2, "H4/rice": 2}
    assert verify(case, plan).ok
    uneven = verify(case, hand_plan(case, {"H2/rice": 1, "H3/rice": 3, "H4/rice": 1}))
    assert [v.rule for v in uneven.violations] == [Rule.UNEVEN_SHARE]


# --- the policy --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"units": 2}, "reserve 'r' needs beneficiaries: a `tier`, or a household trait"),
        ({"tier": "general"}, "reserve 'r' needs exactly one of `units` (whole units) or `share`"),
        ({"tier": "general", "units": 1, "share": 0.5}, "needs exactly one of `units`"),
        ({"tier": "general", "units": 1, "lot": "R1"}, "a reserve of one lot (`lot`) is not supported yet"),
        ({"tier": "general", "share": 1.5}, "share"),
    ],
)
def test_a_malformed_reserve_is_refused(settings: dict[str, object], said: str) -> None:
    """Each mistake in a reserve is an input error naming the setting."""
    with pytest.raises(InputError) as caught:
        Policy(reserves=[Reserve(name="r", item="rice", **settings)])  # type: ignore[arg-type]
    assert said in str(caught.value)


def test_policy_wide_reserve_rules() -> None:
    """An unknown tier, a repeated name and fairness "none" are refused, each naming what to change."""
    r = Reserve(name="r", item="rice", units=1, tier="genral")
    with pytest.raises(InputError) as caught:
        Policy(reserves=[r])
    assert "names tier 'genral', which the policy does not have" in str(caught.value)
    ok = Reserve(name="r", item="rice", units=1, tier="general")
    with pytest.raises(InputError, match="reserve names must be unique; repeated: r"):
        Policy(reserves=[ok, ok])
    with pytest.raises(InputError, match='with reserves, `fairness` must be "leximin"'):
        Policy(reserves=[ok], fairness="none")


def test_policy_toml_reads_and_writes_reserves(tmp_path: Path) -> None:
    """A policy with reserves is written with a comment and read back equal; a misspelt reserve setting is an
    error at its line; a policy without reserves dumps and writes as before they existed."""
    policy = Policy(
        plan_date=DAY,
        reserves=[
            Reserve(name="families", item="rice", share=0.25, tier="general"),
            Reserve(name="q", item="oil", units=2, quarantined=True, kind=OA),
        ],
    )
    for lang in ("en", "zh"):
        path = tmp_path / f"policy-{lang}.toml"
        path.write_text(policy_toml(policy, lang), encoding="utf-8")
        assert read_policy(path) == policy
    assert "reserves" not in Policy().model_dump(mode="json")
    assert "reserves" not in policy_toml(Policy())
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[tiers]]\nname = "general"\n\n[[reserves]]\nname = "f"\nitem = "rice"\nunits = 1\ntierr = "general"\n'
    )
    with pytest.raises(InputError) as caught:
        read_policy(bad)
    assert f"{bad}:8:1: reserves[0].tierr: unknown reserve setting" in str(caught.value)


# --- against the brute force of the stages -------------------------------------------------------------------------


@settings(max_examples=300)
@given(tiny_reserve_cases())
def test_solve_follows_the_stages_on_tiny_cases(case: Case) -> None:
    """On tiny cases with one or two reserves of either kind, the engine's plan is feasible, passes `verify`, and
    its fills are one that brute force's stage-by-stage optimum reaches (under some tie-break inside a stage)."""
    plan = solve(case)
    code = as_code(case) + f"\nreserves {case.policy.reserves}\nreceived {plan.received}"
    assert not infeasibilities(case, plan), code
    assert verify(case, plan).ok, str(verify(case, plan)) + code
    assert objective(case, plan) in staged_objectives(case), code


def test_a_need_passed_over_for_a_reserve_is_short_for_reason_reserved() -> None:
    """The vulnerable household is short because 2 bags went to families through their reserve: `unmet.csv` says
    `reserved`, and its explanation names the reserve; the families' own shortfalls keep their usual reasons."""
    from allocate.explain import explain, explain_household, shortfalls

    homes = [OLD, YOUNG, YOUNG.model_copy(update={"household_id": "H3"})]
    families = Reserve(name="families", item="rice", share=1 / 3, tier="general")
    plan = solve(rice_case(homes, {"H1": 6, "H2": 4, "H3": 4}, 6, families))
    reasons = {s.id: s.reason.value for s in shortfalls(plan)}
    assert reasons == {"H1/rice": "reserved", "H2/rice": "fair_share", "H3/rice": "fair_share"}
    words = explain_household(plan, explain(plan, marginal=False), "H1", lang="en")
    assert "2 of the units this household may receive went to lower-priority households" in words
    assert "reserves (families)" in words
    plain = solve(rice_case(homes, {"H1": 8, "H2": 4, "H3": 4}, 6))
    assert {s.reason.value for s in shortfalls(plain) if s.household_id == "H1"} == {"supply_exhausted"}
