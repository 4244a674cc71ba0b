"""The community a simulation plans for: one generated case's households and needs, and a wave of lots per round.

Households ask for the same things every round (a lockdown: the same families, the same shortages). Supplies come
in waves: round r brings, of each item, `WAVES[r]` times what is asked of it (cycled past the last, each item
jittered by up to a tenth from the seed), spread over the generated case's lots in proportion to their size. To
measure sharing, not reach, every lot is open to every household (no earmarks or grid limits), needs of items no
lot has and all-or-nothing needs are left out, and so are volunteers (deliveries are not limited). A round's lots
do not keep: what is not given out that round is wasted (fresh food, lots that expire before the next round).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.generate import generate
from allocate.schema import Case, Lot

WAVES = (0.45, 1.15, 0.35, 0.8, 0.3, 1.3, 0.5, 0.9, 0.4, 1.1)
"""Supply of each round as a share of what is asked: short and plentiful rounds in turn, then short again."""
JITTER = 0.1
"""How far an item's supply may stray from its wave, either way, as a share of it."""


@dataclass(frozen=True)
class Community:
    """The households and needs every round asks for (no volunteers: deliveries are not limited), and the rounds'
    lots, one tuple per round."""

    base: Case
    lots: tuple[tuple[Lot, ...], ...]

    def round(self, r: int) -> Case:
        """Round `r`'s case (0-based): the same households and needs, that round's lots."""
        return self.base.replace(lots=self.lots[r])


def community(households: int, rounds: int, seed: int) -> Community:
    """A generated community of `households` households and its `rounds` waves of lots (same seed, same rounds)."""
    generated = generate(households, seed)
    drawn = tuple(lot.model_copy(update={"grids": None, "reserved_for": None}) for lot in generated.lots)
    stocked = {lot.item for lot in drawn if lot.quantity}
    needs = tuple(n for n in generated.needs if n.item in stocked and not n.all_or_nothing)
    asking = {n.household_id for n in needs}
    case = generated.replace(
        households=tuple(h for h in generated.households if h.household_id in asking),
        needs=needs,
        volunteers=None,
        services=(),
        lots=(),
    )
    asked: dict[str, int] = {}
    for n in case.needs:
        asked[n.item] = asked.get(n.item, 0) + n.quantity
    stock: dict[str, int] = {}
    for lot in drawn:
        stock[lot.item] = stock.get(lot.item, 0) + lot.quantity
    rng = np.random.default_rng([seed, rounds, 13])
    items = sorted(asked)
    waves = []
    for r in range(rounds):
        jitter = dict(zip(items, (1 + JITTER * rng.uniform(-1, 1, len(items))).tolist(), strict=True))
        lots = []
        for lot in drawn:
            if lot.item not in asked or not stock[lot.item]:
                continue
            share = lot.quantity / stock[lot.item]
            units = int(WAVES[r % len(WAVES)] * jitter[lot.item] * asked[lot.item] * share)
            lot_id = f"{lot.lot_id}-r{r + 1:02d}"
            lots.append(lot.model_copy(update={"lot_id": lot_id, "quantity": units, "expires": None}))
        waves.append(tuple(lots))
    return Community(case, tuple(waves))
