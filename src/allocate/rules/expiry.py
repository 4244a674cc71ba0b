"""Expiry: a lot gives nothing after its `expires` date (it may still be given out on that day)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.rules.base import BoolArray, GoodsFacts, IntArray


@dataclass(frozen=True)
class Expiry:
    """A lot that expired before the plan date gives to nobody."""

    code: str = "expired"
    reason: str = "not_eligible"
    columns: tuple[str, ...] = ("supplies.expires", "policy.plan_date")

    def need_key(self, facts: GoodsFacts) -> IntArray:
        """Nothing of the need: expiry is the lot's."""
        return np.zeros(len(facts.case.needs), np.int64)

    def lot_key(self, facts: GoodsFacts) -> IntArray:
        """Whether the lot may still be given out on the plan date."""
        return facts.lot_usable.astype(np.int64)

    def allows(self, facts: GoodsFacts, lot: IntArray, need: IntArray) -> BoolArray:
        """Whether each lot is still usable on the plan date."""
        return facts.lot_usable[lot]

    def message(self, facts: GoodsFacts, lot: int, need: int, units: str) -> str:
        """`lot L expired on D (plan date P) but gives 2 units to need N`."""
        lt, nd = facts.case.lots[lot], facts.case.needs[need]
        return (
            f"lot {lt.lot_id} expired on {lt.expires} (plan date {facts.plan_date}) but gives {units} to need "
            f"{nd.need_id}"
        )

    def refusal(self, facts: GoodsFacts, lot: int) -> tuple[str, dict[str, object]]:
        """`lot L expired on D`."""
        lt = facts.case.lots[lot]
        return "lot_expired", {"lot": lt.lot_id, "date": lt.expires}


EXPIRY = Expiry()
