"""Cells that name a tier (a household's 优先级, a lot's 定向) take the labels the report shows for the tiers."""

from __future__ import annotations

from pathlib import Path

import pytest

from allocate.errors import InputError
from allocate.io import read_case
from allocate.io.cells import TierCell
from allocate.schema import DEFAULT_TIERS

HOUSEHOLDS = "户号,网格,优先级\nH1,东区,{tier}\nH2,东区,\n"
NEEDS = "户号,物资,数量\nH1,大米,2\nH2,大米,1\n"
SUPPLIES = "批次,物资,数量,定向\nL1,大米,3,{reserved}\n"


def _case(folder: Path, tier: str = "", reserved: str = "", policy: str | None = None) -> Path:
    folder.mkdir()
    (folder / "住户.csv").write_text(HOUSEHOLDS.format(tier=tier), encoding="utf-8")
    (folder / "需求.csv").write_text(NEEDS, encoding="utf-8")
    (folder / "物资.csv").write_text(SUPPLIES.format(reserved=reserved), encoding="utf-8")
    if policy is not None:
        (folder / "policy.toml").write_text(policy, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("困难群体", "vulnerable"),
        ("老年人", "elderly"),
        ("危急", "critical"),
        ("困难群体（vulnerable）", "vulnerable"),  # as the report glosses a default tier
        ("困难群体 (vulnerable)", "vulnerable"),
        ("Vulnerable", "vulnerable"),
        ("vulnerable", "vulnerable"),
    ],
)
def test_labels_read_as_the_tier_name(tmp_path: Path, written: str, name: str) -> None:
    """定向 and 优先级 accept a default tier's Chinese label (or the report's glossed form) as its name."""
    case = read_case(_case(tmp_path / "c", tier=written, reserved=written))
    assert case.lots[0].reserved_for == name
    assert case.households[0].tier == name


def test_a_tier_named_like_a_label_keeps_its_own_name(tmp_path: Path) -> None:
    """A policy tier that is itself named 老年人 is the one 老年人 means; the default elderly keeps its own name."""
    policy = '[[tiers]]\nname = "老年人"\nwhen = [{ min_age = 90 }]\n\n[[tiers]]\nname = "elderly"\n'
    case = read_case(_case(tmp_path / "c", tier="老年人", reserved="elderly", policy=policy))
    assert case.households[0].tier == "老年人"
    assert case.lots[0].reserved_for == "elderly"


def test_an_ambiguous_label_is_an_error_at_its_cell(tmp_path: Path) -> None:
    """A label two tiers may mean (they differ only in case) is an error at file:line:column, naming both."""
    policy = '[[tiers]]\nname = "Elderly"\nwhen = [{ min_age = 90 }]\n\n[[tiers]]\nname = "elderly"\n'
    folder = _case(tmp_path / "c", reserved="ELDERLY", policy=policy)
    with pytest.raises(InputError) as info:
        read_case(folder)
    assert [str(p) for p in info.value.problems] == [
        f"{folder / '物资.csv'}:2:4: 定向: expected one tier's name as policy.toml spells it: this could be "
        "'Elderly' or 'elderly', found \"ELDERLY\""
    ]


def test_an_unknown_label_is_still_an_unknown_tier(tmp_path: Path) -> None:
    """A label of no tier (困难群众, a near miss) keeps the unknown-tier error at its cell, with the tiers."""
    folder = _case(tmp_path / "c", tier="困难群众")
    with pytest.raises(InputError) as info:
        read_case(folder)
    assert [str(p) for p in info.value.problems] == [
        f"{folder / '住户.csv'}:2:3: 优先级: unknown tier '困难群众'; the policy's tiers are critical, vulnerable, "
        "elderly, general"
    ]


def test_labels_follow_the_policy_in_use() -> None:
    """Only the policy's own tiers have labels: 困难群体 is not read as vulnerable when there is no such tier."""
    default = TierCell.of([t.name for t in DEFAULT_TIERS])
    assert default.parse("一般") == "general"
    assert TierCell.of(["urgent", "general"]).parse("困难群体") == "困难群体"
