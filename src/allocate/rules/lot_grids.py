"""Grid limits: a lot limited to some grids gives only to households of those grids."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.rules.base import BoolArray, GoodsFacts, IntArray


@dataclass(frozen=True)
class LotGrids:
    """A shop's lot for its own street gives only there."""

    code: str = "grid_limited"
    reason: str = "not_eligible"
    columns: tuple[str, ...] = ("supplies.grids", "households.grid")

    def need_key(self, facts: GoodsFacts) -> IntArray:
        """The need's household's grid."""
        return facts.need_grid

    def lot_key(self, facts: GoodsFacts) -> IntArray:
        """The lot's grids (all grids for a lot with no limit), by their row of `GoodsFacts.lot_reach`."""
        seen: dict[bytes, int] = {}
        return np.fromiter(
            (seen.setdefault(row.tobytes(), len(seen)) for row in np.packbits(facts.lot_reach, axis=1)),
            np.int64,
            len(facts.case.lots),
        )

    def allows(self, facts: GoodsFacts, lot: IntArray, need: IntArray) -> BoolArray:
        """Whether each lot may go to each need's grid."""
        return facts.lot_reach[lot, facts.need_grid[need]]

    def message(self, facts: GoodsFacts, lot: int, need: int, units: str) -> str:
        """`lot L is limited to grids A; B but gives 2 units to need N in grid C`."""
        lt, nd = facts.case.lots[lot], facts.case.needs[need]
        grid = facts.grids[int(facts.need_grid[need])]
        return (
            f"lot {lt.lot_id} is limited to grids {'; '.join(lt.grids or ())} but gives {units} to need {nd.need_id} "
            f"in grid {grid}"
        )

    def refusal(self, facts: GoodsFacts, lot: int) -> tuple[str, dict[str, object]]:
        """`lot L only for grids A, B`."""
        lt = facts.case.lots[lot]
        return "lot_grids", {"lot": lt.lot_id, "grids": lt.grids or ()}


LOT_GRIDS = LotGrids()
