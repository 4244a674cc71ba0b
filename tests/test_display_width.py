"""`plan.summary()` lines its columns up by display width: a Chinese character takes two terminal columns."""

from __future__ import annotations

import datetime as dt

from allocate.plan import Allocation, Plan
from allocate.schema import Case, Household, Lot, Need, Policy, Tier
from allocate.text import display_width, pad

DAY = dt.date(2026, 3, 1)


def test_display_width_counts_terminal_columns() -> None:
    """Wide and full-width characters are two columns, combining marks none, everything else one."""
    assert display_width("rice") == 4
    assert display_width("大米(袋)") == 8
    assert display_width("Ｈ2") == 3
    assert display_width("e\u0301") == 1
    assert pad("大米", 6) == "大米  "
    assert pad("大米", 6, ">") == "  大米"
    assert pad("大米大米", 2) == "大米大米"


def _summary_lines() -> list[str]:
    """The summary of a small plan whose tiers and items mix Chinese and English names."""
    policy = Policy(plan_date=DAY, tiers=(Tier(name="困难群体", when=({"min_age": 80},)), Tier(name="general")))
    case = Case(
        households=(Household(household_id="H1", grid="东区", oldest_age=85), Household(household_id="H2", grid="B")),
        needs=(
            Need(need_id="N1", household_id="H1", item="大米(袋)", quantity=2),
            Need(need_id="N2", household_id="H2", item="oil", quantity=1),
        ),
        lots=(Lot(lot_id="L1", item="大米(袋)", quantity=2), Lot(lot_id="L2", item="oil", quantity=1)),
        policy=policy,
    )
    allocations = (Allocation(need_id="N1", lot_id="L1", quantity=2), Allocation(need_id="N2", lot_id="L2", quantity=1))
    return Plan(case=case, allocations=allocations, visits=(), plan_date=DAY).summary().splitlines()


def test_summary_columns_line_up_with_chinese_names() -> None:
    """Every row of the tier table and of the item table ends at the same terminal column as its header."""
    lines = _summary_lines()
    tier_header = next(i for i, line in enumerate(lines) if line.startswith("tier"))
    tiers = lines[tier_header : tier_header + 3]
    assert {display_width(line) for line in tiers} == {display_width(tiers[0])}
    assert tiers[1].startswith("困难群体  ")
    assert tiers[2].startswith("general   ")
    item_header = next(i for i, line in enumerate(lines) if line.startswith("item"))
    items = lines[item_header : item_header + 3]
    assert {display_width(line) for line in items} == {display_width(items[0])}
    assert [line.split()[0] for line in items] == ["item", "oil", "大米(袋)"]
