"""Reserves: shares of an item set aside for some needs, processed in stages (docs/reserves.md).

Pathak, Sönmez, Ünver and Yenmez's reserve systems for rationing, on fills: each item with reserves is shared in
*stages*, and each stage is a strict-priority, leximin share among its participants of at most its units, on top of
what earlier stages gave (fills count everything received so far):

1. each minimum-guarantee reserve of the item, in the policy's order: its beneficiaries only, at most its units;
2. the open stage: every need, at most the item's usable units less the over-and-above reserves' (a minimum
   guarantee's unused units are in it);
3. each over-and-above reserve, in the policy's order: its beneficiaries only, at most its units;
4. when there is an over-and-above reserve, a last open stage: every need, whatever is left.

This module says who the beneficiaries are and how many units each reserve holds; the engine (`core.goods`) and
the verifier (`allocate.verify`) both read it, and the brute-force oracle of the tests restates it on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.rules.base import BoolArray, GoodsFacts, IntArray
from allocate.schema import Reserve, ReserveKind

OPEN = -1
"""The reserve of an open stage (every need takes part, no reserve's units)."""


@dataclass(frozen=True)
class Stage:
    """One stage of an item's share: the reserve it gives (OPEN for an open stage) and how many units it may give:
    at most `cap` (None: no cap beyond the lots), and, for the open stage before over-and-above reserves (`later`),
    no more than leaves what they keep of the item's `usable` units, counting what earlier stages gave. A later
    reserve keeps its units, or as many as its beneficiaries ask in all if that is fewer (needs no usable lot
    may give to ask nothing), so that a reserve nobody could use holds nothing back."""

    reserve: int  # position in `Policy.reserves`, or OPEN
    cap: int | None  # most units the stage gives
    later: tuple[Stage, ...] = ()
    usable: int = 0

    def room(self, given_here: int, given_before: int, keep: int = 0) -> int | None:
        """Units the stage may still give after `given_here` of its own and `given_before` in earlier stages, when
        the later reserves keep `keep` units."""
        rooms = []
        if self.cap is not None:
            rooms.append(self.cap - given_here)
        if self.later:
            rooms.append(self.usable - keep - given_before - given_here)
        return max(min(rooms), 0) if rooms else None


def beneficiaries(facts: GoodsFacts) -> IntArray:
    """Per need, a bit mask of the reserves (bit k: `Policy.reserves[k]`) whose beneficiaries it is among; all 0
    without reserves. A need is a beneficiary when it has the reserve's item, the reserve's tier (if set), and its
    household matches every trait the reserve sets."""
    case = facts.case
    reserves = case.policy.reserves
    mask = np.zeros(len(case.needs), np.int64)
    if not reserves:
        return mask
    items = {k: i for i, k in enumerate(facts.items)}
    hh = case.households
    for k, r in enumerate(reserves):
        ok = facts.need_item == items.get(r.item, -1)
        if r.tier is not None:
            ok &= facts.need_tier == case.policy.rank(r.tier)
        for trait in ("quarantined", "lives_alone", "disabled", "chronic_illness"):
            want = getattr(r, trait)
            if want is not None:
                column = np.fromiter((bool(getattr(h, trait)) for h in hh), np.bool_, len(hh))
                ok &= column[facts.need_hh] == want
        mask |= ok.astype(np.int64) << k
    return mask


def usable_units(facts: GoodsFacts) -> dict[str, int]:
    """Per item, the units of its lots that may be given out on the plan date (what a `share` is of)."""
    out: dict[str, int] = {}
    for lot, ok in zip(facts.case.lots, facts.lot_usable.tolist(), strict=True):
        if ok:
            out[lot.item] = out.get(lot.item, 0) + lot.quantity
    return out


def reserved_units(facts: GoodsFacts) -> tuple[int, ...]:
    """Per reserve of the policy, the units it holds."""
    usable = usable_units(facts)
    return tuple(r.units_of(usable.get(r.item, 0)) for r in facts.case.policy.reserves)


def stages(reserves: tuple[Reserve, ...], units: tuple[int, ...], item: str, usable: int) -> tuple[Stage, ...]:
    """The stages of `item` in processing order (one open stage when it has no reserve)."""
    mine = [k for k, r in enumerate(reserves) if r.item == item]
    first = [k for k in mine if reserves[k].kind is ReserveKind.MINIMUM_GUARANTEE]
    after = [k for k in mine if reserves[k].kind is ReserveKind.OVER_AND_ABOVE]
    out = [Stage(k, units[k]) for k in first]
    later = tuple(Stage(k, units[k]) for k in after)
    out.append(Stage(OPEN, None, later=later, usable=usable))
    out += later
    if after:
        out.append(Stage(OPEN, None))
    return tuple(out)


def reserved_items(facts: GoodsFacts) -> BoolArray:
    """Per item of `facts.items`, whether a reserve names it."""
    named = {r.item for r in facts.case.policy.reserves}
    return np.fromiter((i in named for i in facts.items), np.bool_, len(facts.items))
