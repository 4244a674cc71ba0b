"""Columns the policy reads that a case leaves out: one warning each, naming the clauses that then never hold."""

from __future__ import annotations

from pathlib import Path

from allocate.io import read_case_with_warnings
from allocate.schema import Clause, Policy, Tier

DATA = Path(__file__).parent.parent / "data"


def _warnings(path: Path, policy: Policy | None = None) -> list[str]:
    _, found = read_case_with_warnings(path, policy=policy)
    return [str(p).removeprefix(f"{DATA}/") for p in found if p.severity == "warning"]


def test_absent_columns_the_policy_reads() -> None:
    """No lives_alone, disabled or urgency column: each is one warning at its table's header, naming the clauses."""
    assert _warnings(DATA / "io_policy_column_absent") == [
        "io_policy_column_absent/households.csv:1:0: households has no lives_alone (独居) column: no household counts "
        "as living alone, so the clause { min_age = 80, lives_alone = true } of tier vulnerable never holds",
        "io_policy_column_absent/households.csv:1:0: households has no disabled (残疾) column: no household counts as "
        "disabled, so the clause { disabled = true } of tier vulnerable never holds; and every household meets the "
        "condition on it in { disabled = false, min_members = 4 } of tier families",
        "io_policy_column_absent/needs.csv:1:0: needs has no urgency (紧急程度) column: every need is normal, so the "
        'clause { urgency = ["critical"] } of tier critical never holds',
    ]


def test_columns_no_clause_reads_are_not_warned_about() -> None:
    """With a policy that reads only urgency, absent household columns are fine; services have their urgency."""
    policy = Policy(tiers=(Tier(name="urgent", when=(Clause(urgency=("critical", "high")),)), Tier(name="rest")))
    assert _warnings(DATA / "io_policy_column_absent", policy) == [
        "io_policy_column_absent/needs.csv:1:0: needs has no urgency (紧急程度) column: every need is normal, so the "
        'clause { urgency = ["critical", "high"] } of tier urgent never holds'
    ]


def test_blank_columns_are_not_absent() -> None:
    """A column that is there with blank cells is the planner's "no": no warning (io_minimal has blanks)."""
    assert _warnings(DATA / "io_minimal", Policy(plan_date="2026-01-01")) == []


def test_absent_age_names_every_tier_that_reads_it(tmp_path: Path) -> None:
    """min_age and max_age both read oldest_age: one warning, every clause of every tier that reads it."""
    (tmp_path / "households.csv").write_text("household_id,grid,lives_alone,disabled,chronic_illness\nH1,n,no,no,no\n")
    (tmp_path / "needs.csv").write_text("household_id,item,quantity,urgency\nH1,rice,1,\n")
    (tmp_path / "supplies.csv").write_text("lot_id,item,quantity\nL1,rice,1\n")
    assert [w.removeprefix(f"{tmp_path}/") for w in _warnings(tmp_path)] == [
        "households.csv:1:0: households has no oldest_age (最大年龄) column: no household's age is known, so the "
        "clauses { min_age = 60, lives_alone = true } and { min_age = 80 } of tier vulnerable, { min_age = 60 } of "
        "tier elderly never hold"
    ]
