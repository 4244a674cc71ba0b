"""Donor earmarks: a lot `reserved_for` a tier gives only to needs of that tier or a higher-priority one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.rules.base import BoolArray, GoodsFacts, IntArray


@dataclass(frozen=True)
class Earmark:
    """A lot a donor earmarked for the elderly gives to the elderly and to tiers above them, never below."""

    code: str = "reserved_for"
    reason: str = "not_eligible"
    columns: tuple[str, ...] = ("supplies.reserved_for",)

    def need_key(self, facts: GoodsFacts) -> IntArray:
        """The need's tier."""
        return facts.need_tier

    def lot_key(self, facts: GoodsFacts) -> IntArray:
        """The lowest-priority tier the lot may give to."""
        return facts.lot_reserve

    def allows(self, facts: GoodsFacts, lot: IntArray, need: IntArray) -> BoolArray:
        """Whether each need's tier is the lot's earmark or above it."""
        return np.asarray(facts.need_tier[need] <= facts.lot_reserve[lot], np.bool_)

    def message(self, facts: GoodsFacts, lot: int, need: int, units: str) -> str:
        """`lot L is reserved for tier T or higher but gives 2 units to need N of tier U`."""
        lt, nd = facts.case.lots[lot], facts.case.needs[need]
        tier = facts.case.policy.tier_names[int(facts.need_tier[need])]
        return (
            f"lot {lt.lot_id} is reserved for tier {lt.reserved_for} or higher but gives {units} to need {nd.need_id} "
            f"of tier {tier}"
        )

    def refusal(self, facts: GoodsFacts, lot: int) -> tuple[str, dict[str, object]]:
        """`lot L is reserved for T`."""
        lt = facts.case.lots[lot]
        return "lot_reserved", {"lot": lt.lot_id, "tier": lt.reserved_for or ""}


EARMARK = Earmark()
