"""policy.toml: read with every problem on its line, and written with comments that read back equal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from allocate.errors import InputError
from allocate.io import policy_toml, read_policy
from allocate.schema import Clause, Policy, Tier, Urgency

Problems = Callable[..., list[str]]

CUSTOM = Policy(
    plan_date=dt.date(2026, 3, 1),
    visit_hours=0.5,
    fairness="none",
    seed=7,
    max_quarantined_visits=2,
    tiers=(
        Tier(name="紧急", when=(Clause(urgency=(Urgency.CRITICAL, Urgency.HIGH)),)),
        Tier(name='north "big" families', when=(Clause(grids=("north", "一网格"), min_members=5, max_age=59),)),
        Tier(name="rest"),
    ),
)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("policy", [Policy(), CUSTOM], ids=["default", "custom"])
def test_round_trip(tmp_path: Path, policy: Policy, lang: str) -> None:
    """The written policy, comments and all, reads back to an equal Policy."""
    path = tmp_path / "policy.toml"
    path.write_text(policy_toml(policy, lang), encoding="utf-8")  # type: ignore[arg-type]
    assert read_policy(path) == policy


def test_comments_follow_the_language() -> None:
    """English text gets English comments, Chinese text Chinese ones; the default plan date is commented out."""
    en, zh = policy_toml(Policy()), policy_toml(Policy(), "zh")
    assert "# Priority tiers, highest first." in en
    assert "# 优先级，从高到低。" in zh
    assert "# plan_date = " in en
    assert 'name = "general"\n' in en


def test_syntax_error(problems: Problems) -> None:
    """A TOML syntax error is placed where tomllib found it."""
    assert problems("io_policy_syntax") == ["io_policy_syntax/policy.toml:2:12: not valid TOML: Invalid value"]


def test_semantic_errors(problems: Problems) -> None:
    """Unknown keys and bad values point at the key's line inside the right [[tiers]] block."""
    assert problems("io_policy_semantic") == [
        "io_policy_semantic/policy.toml:2:1: visit_hours: expected a number >= 1/3600 (one second), found 0",
        "io_policy_semantic/policy.toml:10:1: tiers[1].colour: unknown tier setting; allowed: name, when",
        "io_policy_semantic/policy.toml:11:35: tiers[1].when[1].min_agee: unknown condition; allowed: urgency, "
        "min_age, max_age, lives_alone, disabled, chronic_illness, grids, min_members",
    ]


def test_last_tier_not_catch_all(problems: Problems) -> None:
    """A policy without a catch-all last tier is placed at that tier's name."""
    assert problems("io_policy_no_catch_all") == [
        "io_policy_no_catch_all/policy.toml:6:0: the last tier ('alone') must have no `when`, "
        "so that every need has a tier"
    ]


def test_repeated_tier_name(problems: Problems) -> None:
    """A repeated tier name is placed at its repeat."""
    assert problems("io_policy_repeated_tier") == [
        "io_policy_repeated_tier/policy.toml:6:0: tier names must be unique; repeated: old"
    ]


def test_unknown_top_level_setting(tmp_path: Path) -> None:
    """A misspelt setting lists the settings there are."""
    path = tmp_path / "policy.toml"
    path.write_text('seed = 1\nfairnes = "none"\n')
    with pytest.raises(InputError) as info:
        read_policy(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:2:1: fairnes: unknown setting; allowed: plan_date, visit_hours, fairness, seed, tiers, "
        "max_quarantined_visits, reserves, credit, over_rounds, even_load"
    ]


def test_unreadable_policy(tmp_path: Path) -> None:
    """A policy that is not UTF-8, or not there, is a problem rather than a traceback."""
    bad = tmp_path / "policy.toml"
    bad.write_bytes(b"seed = 1\n# caf\xe9\n")
    for path in (bad, tmp_path / "missing.toml"):
        with pytest.raises(InputError):
            read_policy(path)
