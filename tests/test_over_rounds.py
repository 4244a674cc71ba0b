"""Fairness over rounds (docs/fairness.md): the policy's `[over_rounds]`, cumulative fills in the engine, what the
verifier holds a plan to, the engine against brute force's cumulative leximin, and the ledger supplying the history.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings

from allocate import Case, Household, Lot, Need, Policy, solve, verify
from allocate.cli import cli
from allocate.errors import InputError
from allocate.io import policy_toml, read_case, read_policy, write_case
from allocate.ledger.operation import Operation
from allocate.rules.over_rounds import offsets
from allocate.schema import Earlier, OverRounds, Reserve
from allocate.verify import Rule
from support.brute_force import best_objective, infeasibilities, objective
from support.tiny_cases import as_code, tiny_over_rounds_cases

DAY = dt.date(2026, 12, 1)
EACH_ROUND = Policy(plan_date=DAY)
CUMULATIVE = Policy(plan_date=DAY, over_rounds=OverRounds())


def rice(asks: dict[str, int], stock: int, earlier: list[Earlier], policy: Policy, old: set[str] | None = None) -> Case:
    """Households asking for bags of rice (the ones in `old` aged 85: vulnerable), one lot, and their history."""
    if old is None:
        old = set()
    return Case(
        households=[Household(household_id=h, grid="east", oldest_age=85 if h in old else 35) for h in asks],
        needs=[Need(household_id=h, item="rice", quantity=q) for h, q in asks.items()],
        lots=[Lot(lot_id="R1", item="rice", quantity=stock)],
        policy=policy,
        earlier=earlier,
    )


def past(household: str, requested: int, received: int, rounds_ago: int = 1, item: str = "rice") -> Earlier:
    return Earlier(household_id=household, item=item, rounds_ago=rounds_ago, requested=requested, received=received)


def checked(case: Case) -> dict[str, int]:
    """The engine's plan, verified, feasible by brute force's rules: units per need."""
    plan = solve(case)
    assert verify(case, plan).ok, str(verify(case, plan))
    assert not infeasibilities(case, plan)
    return plan.received


def test_a_household_shorted_last_round_comes_first_inside_its_tier() -> None:
    """A and B of one tier each ask 2 bags, and there are 2. Last round A got none of 4 and B all 4: each round
    alone shares evenly, counting the rounds gives both bags to A (2 of 6 against B's 4 of 6)."""
    history = [past("A", 4, 0), past("B", 4, 4)]
    assert checked(rice({"A": 2, "B": 2}, 2, history, EACH_ROUND)) == {"A/rice": 1, "B/rice": 1}
    assert checked(rice({"A": 2, "B": 2}, 2, history, CUMULATIVE)) == {"A/rice": 2}


def test_strict_priority_between_tiers_stays() -> None:
    """The vulnerable household V got everything last round and the general G nothing: V is still served first."""
    history = [past("V", 3, 3), past("G", 3, 0)]
    case = rice({"V": 3, "G": 3}, 4, history, CUMULATIVE, old={"V"})
    assert checked(case) == {"V/rice": 3, "G/rice": 1}


def test_the_shortfall_is_evened_out_over_the_rounds() -> None:
    """With 3 bags for A, B and C asking 2 each, where A was shorted by 2 last round: A is raised to B's and C's
    cumulative fill first (2 of 4 each), the third bag goes by the tie-break."""
    history = [past("A", 2, 0), past("B", 2, 2), past("C", 2, 2)]
    got = checked(rice({"A": 2, "B": 2, "C": 2}, 3, history, CUMULATIVE))
    assert got["A/rice"] == 2
    assert sum(got.values()) == 3


def test_a_window_counts_only_the_last_rounds() -> None:
    """A was shorted two rounds ago (0 of 4, then 4 of 4), B last round (4 of 4, then 2 of 4). Every round counted,
    A is behind (4 of 8 against 6 of 8) and gets both bags; with a window of 1 only last round counts, and B does."""
    history = [past("A", 4, 0, rounds_ago=2), past("A", 4, 4), past("B", 4, 4, rounds_ago=2), past("B", 4, 2)]
    window = Policy(plan_date=DAY, over_rounds=OverRounds(window=1))
    assert checked(rice({"A": 2, "B": 2}, 2, history, window)) == {"B/rice": 2}
    assert checked(rice({"A": 2, "B": 2}, 2, history, CUMULATIVE)) == {"A/rice": 2}


def test_decay_weighs_older_rounds_less() -> None:
    """Offsets in hundredths: a decay of 0.5 counts last round in full, the one before at half, three back a
    quarter; a window leaves out what is older."""
    history = [past("A", 4, 1, rounds_ago=1), past("A", 4, 2, rounds_ago=2), past("A", 3, 3, rounds_ago=3)]
    case = rice({"A": 2}, 2, history, Policy(plan_date=DAY, over_rounds=OverRounds(decay=0.5)))
    got = offsets(case)
    assert (int(got.received[0]), int(got.requested[0])) == (100 + 100 + 75, 400 + 200 + 75)
    both = case.replace(policy=Policy(plan_date=DAY, over_rounds=OverRounds(decay=0.5, window=2)))
    got = offsets(both)
    assert (int(got.received[0]), int(got.requested[0])) == (200, 600)
    assert not offsets(case.replace(policy=EACH_ROUND)).active


def test_decay_changes_who_comes_first() -> None:
    """A got none of 4 three rounds ago, B 1 of 2 last round. Counted alike A is far behind (0 of 6 against 1 of
    4 with this round's asks) and gets both bags; with a decay of 0.25 A's old round weighs a sixteenth (0 of
    0.25), its first bag lifts it above B, and B gets the second."""
    history = [past("A", 4, 0, rounds_ago=3), past("B", 2, 1)]
    assert checked(rice({"A": 2, "B": 2}, 2, history, CUMULATIVE)) == {"A/rice": 2}
    decay = Policy(plan_date=DAY, over_rounds=OverRounds(decay=0.25))
    assert checked(rice({"A": 2, "B": 2}, 2, history, decay)) == {"A/rice": 1, "B/rice": 1}


def test_verify_catches_a_plan_that_ignores_the_history() -> None:
    """The plan made round by round shares evenly; held to the cumulative rule it is uneven, and the message
    counts the earlier rounds."""
    history = [past("A", 4, 0), past("B", 4, 4)]
    case = rice({"A": 2, "B": 2}, 2, history, CUMULATIVE)
    alone = solve(case.replace(policy=EACH_ROUND))
    found = verify(case, alone.model_copy(update={"case": case}))
    assert [v.rule for v in found.violations] == [Rule.UNEVEN_SHARE]
    assert "counting earlier rounds, 5 of 6 against 1 of 6" in found.violations[0].message
    assert "连同往期" in found.violations[0].text("zh")


def test_the_exact_search_is_not_claimed_with_history_it_does_not_model() -> None:
    """All-or-nothing needs are the exact search's to decide; with earlier rounds counted the fast rule stands and
    the plan says so (feasible, heuristic), and is still verified."""
    case = Case(
        households=[Household(household_id=h, grid="east") for h in "AB"],
        needs=[Need(household_id=h, item="rice", quantity=q, all_or_nothing=True) for h, q in (("A", 1), ("B", 3))],
        lots=[Lot(lot_id="R1", item="rice", quantity=3)],
        policy=CUMULATIVE,
        earlier=[past("A", 1, 0)],
    )
    plan = solve(case)
    assert plan.status.value == "feasible"
    assert plan.termination is not None
    assert plan.termination.reason.value == "heuristic"
    assert verify(case, plan).ok


@settings(max_examples=300, deadline=None)
@given(tiny_over_rounds_cases())
def test_solve_reaches_brute_force_cumulative_leximin_on_tiny_cases(case: Case) -> None:
    """On tiny cases with history (every round, a window, a decay), the plan is feasible, verified, and its
    cumulative fills are brute force's optimum; the plan is proven optimal unless all-or-nothing needs are in it."""
    plan = solve(case)
    code = as_code(case) + f"\nearlier {case.earlier}\n{case.policy.over_rounds}\nreceived {plan.received}"
    assert not infeasibilities(case, plan), code
    assert verify(case, plan).ok, str(verify(case, plan)) + code
    if not any(n.all_or_nothing for n in case.needs):
        assert plan.status.value == "optimal", code
    if plan.status.value == "optimal":
        assert objective(case, plan) == best_objective(case), code
    else:
        assert objective(case, plan) <= best_objective(case), code


@settings(max_examples=150, deadline=None)
@given(tiny_over_rounds_cases(volunteers=True))
def test_with_volunteers_the_plan_is_verified_and_never_beats_brute_force(case: Case) -> None:
    """With volunteer time to share the fast plan decides (unproven), is verified, and is never above the optimum."""
    plan = solve(case)
    code = as_code(case) + f"\nearlier {case.earlier}\n{case.policy.over_rounds}\nreceived {plan.received}"
    assert not infeasibilities(case, plan), code
    assert verify(case, plan).ok, str(verify(case, plan)) + code
    assert objective(case, plan) <= best_objective(case), code


def test_the_policy_section_reads_and_writes_back(tmp_path: Path) -> None:
    """`[over_rounds]` in policy.toml, written back with a comment, reads back equal; an empty section counts
    every round alike."""
    path = tmp_path / "policy.toml"
    path.write_text("[over_rounds]\nwindow = 3\ndecay = 0.8\n", encoding="utf-8")
    policy = read_policy(path)
    assert policy.over_rounds == OverRounds(window=3, decay=0.8)
    for lang in ("en", "zh"):
        path.write_text(policy_toml(policy, lang), encoding="utf-8")
        assert read_policy(path) == policy
    path.write_text("[over_rounds]\n", encoding="utf-8")
    assert read_policy(path).over_rounds == OverRounds()
    assert "over_rounds" not in policy_toml(Policy())


def test_combinations_not_supported_are_refused_with_the_line(tmp_path: Path) -> None:
    """Fairness over rounds is a leximin rule, and is not combined with reserves yet; a window below 1 is wrong."""
    path = tmp_path / "policy.toml"
    path.write_text('fairness = "none"\n\n[over_rounds]\nwindow = 2\n', encoding="utf-8")
    with pytest.raises(InputError, match='must be "leximin"'):
        read_policy(path)
    with pytest.raises(InputError, match="not supported together with reserves"):
        Policy(over_rounds=OverRounds(), reserves=(Reserve(name="r", item="rice", units=1, tier="general"),))
    path.write_text("[over_rounds]\nwindow = 0\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"policy.toml:2:\d+"):
        read_policy(path)


def test_the_earlier_table_is_checked() -> None:
    """Received above requested, an unknown household, and a repeated (household, item, round) are errors."""
    with pytest.raises(InputError, match="more than requested"):
        past("A", 1, 2)
    with pytest.raises(InputError, match="unknown household 'Z'"):
        rice({"A": 1}, 1, [past("Z", 1, 0)], CUMULATIVE)
    with pytest.raises(InputError, match="repeats"):
        rice({"A": 1}, 1, [past("A", 1, 0), past("A", 2, 0)], CUMULATIVE)


def test_the_ledger_supplies_the_earlier_rounds(tmp_path: Path) -> None:
    """Round 1 shorts A (one bag for two households asking 2 each, the tie-break picks); under `[over_rounds]`
    round 2's case gets what the ledger recorded, and the household shorted in round 1 comes first."""
    first = rice({"A": 2, "B": 2}, 1, [], CUMULATIVE)
    with Operation.open(tmp_path / "op") as op:
        one = op.plan_round(first)
        lucky = one.allocations[0].household_id
        shorted = "B" if lucky == "A" else "A"
        history = op.earlier(2)
        assert {(e.household_id, e.requested, e.received, e.rounds_ago) for e in history} == {
            (lucky, 2, 1, 1),
            (shorted, 2, 0, 1),
        }
        two = op.plan_round(rice({"A": 2, "B": 2}, 1, [], CUMULATIVE))
        assert [a.household_id for a in two.allocations] == [shorted]
        assert any(f.name == "earlier-rounds" for f in two.inputs)
        three = op.plan_round(rice({"A": 2, "B": 2}, 1, [], EACH_ROUND))  # each round alone: the tie-break again
        assert [a.household_id for a in three.allocations] == [lucky]


def test_a_city_split_refuses_fairness_over_rounds() -> None:
    """The city's master step divides city-wide lots without the earlier rounds: refused, as reserves are."""
    from allocate.checks import InvalidParameterError
    from allocate.city import split_city

    with pytest.raises(InvalidParameterError, match="over_rounds"):
        split_city(rice({"A": 1}, 1, [], CUMULATIVE))


def test_a_plan_folder_keeps_the_earlier_rounds_it_was_planned_with(tmp_path: Path) -> None:
    """The plan written beside its history (`earlier.csv`) verifies from files against a case folder without it:
    `allocate verify` takes the plan's history, where it would otherwise hold the plan to each round alone and
    find B's bag uneven."""
    case = rice({"A": 2, "B": 2}, 2, [past("A", 4, 0), past("B", 4, 4)], CUMULATIVE)
    solve(case).write(tmp_path / "plan")
    assert (tmp_path / "plan" / "earlier.csv").read_text("utf-8").splitlines()[1:] == ["A,rice,1,4,0", "B,rice,1,4,4"]
    write_case(case.replace(earlier=()), tmp_path / "case")
    args = ["verify", str(tmp_path / "case"), str(tmp_path / "plan")]
    assert CliRunner().invoke(cli, args).exit_code == 0
    (tmp_path / "plan" / "earlier.csv").unlink()
    held_alone = CliRunner().invoke(cli, args)
    assert held_alone.exit_code == 4
    assert "uneven" in held_alone.output


def test_a_case_folder_may_hold_its_earlier_rounds(tmp_path: Path) -> None:
    """A case folder's 往期 table (Chinese headers) reads as the `earlier` table; received above requested is
    placed at its cell."""
    case = rice({"A": 2, "B": 2}, 2, [past("A", 4, 0), past("B", 4, 4)], CUMULATIVE)
    write_case(case, tmp_path / "zh", lang="zh")
    assert read_case(tmp_path / "zh").earlier == case.earlier
    bad = tmp_path / "zh" / "往期.csv"
    bad.write_text(bad.read_text("utf-8-sig").replace("B,rice,1,4,4", "B,rice,1,4,5"), "utf-8")
    with pytest.raises(InputError) as info:
        read_case(tmp_path / "zh")
    assert [(Path(p.file or "").name, p.line, p.key) for p in info.value.problems] == [("往期.csv", 3, "earlier_over")]
