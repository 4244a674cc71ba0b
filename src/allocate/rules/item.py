"""Item match: a lot gives only to needs of its own item."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.rules.base import BoolArray, GoodsFacts, IntArray


@dataclass(frozen=True)
class ItemMatch:
    """A lot of rice gives only to needs for rice. Needs of an item no lot holds are short for `no_supply`."""

    code: str = "wrong_item"
    reason: str = "no_supply"
    columns: tuple[str, ...] = ("needs.item", "supplies.item")

    def need_key(self, facts: GoodsFacts) -> IntArray:
        """The need's item."""
        return facts.need_item

    def lot_key(self, facts: GoodsFacts) -> IntArray:
        """The lot's item."""
        return facts.lot_item

    def allows(self, facts: GoodsFacts, lot: IntArray, need: IntArray) -> BoolArray:
        """Whether each lot holds each need's item."""
        return np.asarray(facts.lot_item[lot] == facts.need_item[need], np.bool_)

    def message(self, facts: GoodsFacts, lot: int, need: int, units: str) -> str:
        """`lot L (oil) gives 2 units to need N, which asks for rice`."""
        lt, nd = facts.case.lots[lot], facts.case.needs[need]
        return f"lot {lt.lot_id} ({lt.item}) gives {units} to need {nd.need_id}, which asks for {nd.item}"

    def refusal(self, facts: GoodsFacts, lot: int) -> tuple[str, dict[str, object]]:
        """Never shown: the explainer lists only lots of the need's item."""
        return "lot_other_item", {"lot": facts.case.lots[lot].lot_id, "item": facts.case.lots[lot].item}


ITEM_MATCH = ItemMatch()
