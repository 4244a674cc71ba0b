"""Index a case once into numpy arrays and eligibility signatures.

A lot's eligibility for a need depends only on the need's (item, tier rank, grid), so the eligible lots are
computed once per such triple (its *signature*), and `core.goods` groups needs into *classes* keyed by (item,
tier, signature): every need of a class can use exactly the same lots.
Open lots reach everyone, so the number of distinct signatures stays small even for city-wide cases, and the
goods flows are built over classes, not needs.

Orders used everywhere (and so in the plan): needs in case order; lots by (expiry date, lot id) with lots that
keep at the end, which is also the expiry rank used as the cost of a lot; items and grids by name; classes by
(item, tier, signature).
The *seeded rank* of a need, service or household orders ids by a hash (BLAKE2b of the seed and the
id), then by id: it depends only on the id and the seed, never on row order or on which other rows exist, so
removing lower tiers' needs or shuffling rows cannot change a tie-break between the rows that remain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from allocate.schema import Case

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def seeded_rank(ids: list[str], seed: int) -> IntArray:
    """Rank of each id by (keyed hash, id): the documented last-resort tie-break."""
    salt = f"{seed}\x00".encode()
    digests = np.fromiter(
        (int.from_bytes(hashlib.blake2b(salt + i.encode(), digest_size=8).digest(), "big") for i in ids),
        dtype=np.uint64,
        count=len(ids),
    )
    if np.unique(digests).size == digests.size:
        order = np.argsort(digests)
    else:  # a 64-bit collision: break it by id
        order = np.asarray(sorted(range(len(ids)), key=lambda k: (int(digests[k]), ids[k])), dtype=np.int64)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    return rank


@dataclass(frozen=True)
class CaseIndex:
    """Arrays of a case aligned with `case.needs`, `case.lots`, `case.households`, and eligibility signatures."""

    n_tiers: int
    need_hh: IntArray
    need_item: IntArray
    need_qty: IntArray
    need_tier: IntArray
    need_aon: BoolArray
    need_rank: IntArray  # seeded rank
    hh_grid: IntArray
    hh_rank: IntArray  # seeded rank
    lot_qty: IntArray  # 0 for a lot that is expired
    lot_cost: IntArray  # expiry rank: earlier-expiring lots are cheaper to use
    lot_order: IntArray  # lots sorted by (expiry, lot id)
    grids: tuple[str, ...]
    signatures: dict[tuple[int, int, int], tuple[int, ...]] = field(repr=False)  # (item, tier, grid) -> lots

    def eligible_lots(self, need: int) -> tuple[int, ...]:
        """Usable lots (in lot order) that may give to `need`, ignoring deliveries."""
        return self.signatures[
            (int(self.need_item[need]), int(self.need_tier[need]), int(self.hh_grid[self.need_hh[need]]))
        ]


def build_index(case: Case, plan_date: dt.date) -> CaseIndex:
    """Arrays and eligibility signatures of `case` for `plan_date`."""
    policy = case.policy
    items = tuple(sorted({n.item for n in case.needs}))
    item_of = {it: i for i, it in enumerate(items)}
    grids = tuple(sorted({h.grid for h in case.households}))
    grid_of = {g: i for i, g in enumerate(grids)}
    hh_idx = case.household_index

    need_hh = np.fromiter((hh_idx[n.household_id] for n in case.needs), dtype=np.int64, count=len(case.needs))
    need_item = np.fromiter((item_of[n.item] for n in case.needs), dtype=np.int64, count=len(case.needs))
    need_qty = np.fromiter((n.quantity for n in case.needs), dtype=np.int64, count=len(case.needs))
    need_tier = np.asarray(case.need_tiers, dtype=np.int64).reshape(-1)
    need_aon = np.fromiter((n.all_or_nothing for n in case.needs), dtype=np.bool_, count=len(case.needs))
    hh_grid = np.fromiter((grid_of[h.grid] for h in case.households), dtype=np.int64, count=len(case.households))

    lots = case.lots
    lot_item = np.fromiter((item_of.get(lot.item, -1) for lot in lots), dtype=np.int64, count=len(lots))
    lot_qty = np.fromiter(
        (lot.quantity if lot.usable_on(plan_date) else 0 for lot in lots), dtype=np.int64, count=len(lots)
    )
    far = dt.date.max
    order = sorted(range(len(lots)), key=lambda k: (lots[k].expires or far, lots[k].lot_id))
    dates = sorted({lot.expires or far for lot in lots})
    date_rank = {d: r for r, d in enumerate(dates)}
    lot_cost = np.fromiter((date_rank[lot.expires or far] for lot in lots), dtype=np.int64, count=len(lots))
    last = len(policy.tiers) - 1
    reserved = [last if lot.reserved_for is None else policy.rank(lot.reserved_for) for lot in lots]

    by_item: dict[int, list[int]] = {}
    for k in order:
        if lot_item[k] >= 0 and lot_qty[k] > 0:
            by_item.setdefault(int(lot_item[k]), []).append(k)
    signatures: dict[tuple[int, int, int], tuple[int, ...]] = {}
    keys = set(zip(need_item.tolist(), need_tier.tolist(), hh_grid[need_hh].tolist(), strict=True))
    reach = [frozenset(grids) if lot.grids is None else frozenset(lot.grids) for lot in lots]
    for it, tier, g in sorted(keys):
        grid = grids[g]
        signatures[(it, tier, g)] = tuple(k for k in by_item.get(it, ()) if tier <= reserved[k] and grid in reach[k])
    return CaseIndex(
        n_tiers=len(policy.tiers),
        need_hh=need_hh,
        need_item=need_item,
        need_qty=need_qty,
        need_tier=need_tier,
        need_aon=need_aon,
        need_rank=seeded_rank([n.need_id for n in case.needs], policy.seed),
        hh_grid=hh_grid,
        hh_rank=seeded_rank([h.household_id for h in case.households], policy.seed),
        lot_qty=lot_qty,
        lot_cost=lot_cost,
        lot_order=np.asarray(order, dtype=np.int64),
        grids=grids,
        signatures=signatures,
    )
