"""Index a case once into numpy arrays and eligibility signatures.

A lot's eligibility for a need is what `allocate.rules.GOODS_RULES` allow, and depends only on what the rules read
of the need (its item, tier rank and grid), so the eligible lots are computed once per such *signature*, not per
need, and `core.goods` groups needs into *classes* keyed by
(item, tier, eligible lots): every need of a class can use exactly the same lots.
Open lots reach everyone, so the number of distinct signatures stays small even for city-wide cases, and the
goods flows are built over classes, not needs.

Orders used everywhere (and so in the plan): needs in case order; lots by (expiry date, lot id) with lots that
keep at the end, which is also the expiry rank used as the cost of a lot; items and grids by name; signatures by
(item, tier, grid); classes by (item, tier, eligible lots).
The *seeded rank* of a need, service or household orders ids by a hash of the seed and the id (64-bit FNV-1a,
mixed), then by id: it depends only on the id and the seed, never on row order or on which other rows exist, so
removing lower tiers' needs or shuffling rows cannot change a tie-break between the rows that remain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from allocate.rules import GoodsFacts, goods_allowed, goods_lot_groups, goods_signatures
from allocate.rules.over_rounds import Offsets, offsets
from allocate.rules.reserves import Stage, beneficiaries, reserved_units, stages, usable_units
from allocate.schema import Case

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def seeded_rank(ids: Sequence[str], seed: int) -> IntArray:
    """Rank of each id by (keyed hash, id): the documented last-resort tie-break.

    The hash is 64-bit FNV-1a over the id's UTF-8 bytes, started from the seed's own FNV-1a hash and finished with
    SplitMix64's mixer (so ids that differ in one character land far apart). It is computed for all ids at once,
    one vectorised step per byte position, instead of one hash object per id.
    """
    n = len(ids)
    if not n:
        return np.zeros(0, np.int64)
    try:
        raw = np.array(ids, dtype=np.bytes_)  # NUL-padded to the longest; ASCII ids are encoded in C
    except UnicodeEncodeError:
        raw = np.array([i.encode() for i in ids], dtype=np.bytes_)
    width = raw.dtype.itemsize
    grid = raw.view(np.uint8).reshape(n, width)
    size = np.char.str_len(raw).astype(np.int64)
    h = np.full(n, _fnv(f"{seed}\x00".encode()), np.uint64)
    with np.errstate(over="ignore"):
        shortest = int(size.min())
        for j in range(width):  # every id has a byte at positions below the shortest's length
            step = (h ^ grid[:, j].astype(np.uint64)) * _FNV_PRIME
            h = step if j < shortest else np.where(size > j, step, h)
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    order = np.argsort(h, kind="stable")
    ordered = h[order]
    if (ordered[1:] == ordered[:-1]).any():  # a 64-bit collision: break it by id
        order = np.asarray(sorted(range(n), key=lambda k: (int(h[k]), ids[k])), dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank


_FNV_PRIME = np.uint64(0x100000001B3)


def _fnv(data: bytes) -> int:
    """64-bit FNV-1a of `data`."""
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) % (1 << 64)
    return h


@dataclass(frozen=True)
class CaseIndex:
    """Arrays of a case aligned with `case.needs`, `case.lots`, `case.households`, and eligibility signatures."""

    n_tiers: int
    need_hh: IntArray
    need_qty: IntArray
    need_tier: IntArray
    need_aon: BoolArray
    need_rank: IntArray  # seeded rank
    need_sig: IntArray  # row of the need's (item, tier, grid) signature
    hh_grid: IntArray
    hh_rank: IntArray  # seeded rank
    lot_qty: IntArray  # units the lot holds (whether the rules let it give them is in `sig_lots`)
    lot_cost: IntArray  # expiry rank: earlier-expiring lots are cheaper to use
    lot_order: IntArray  # lots sorted by (expiry, lot id)
    grids: tuple[str, ...]
    sig_item: IntArray  # per signature, sorted by (item, tier, grid)
    sig_tier: IntArray
    sig_lots: tuple[tuple[int, ...], ...] = field(repr=False)  # usable lots (in lot order) of each signature
    need_benefit: IntArray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)  # reserves' bit mask
    item_stages: dict[int, tuple[Stage, ...]] = field(default_factory=dict, repr=False)  # items with reserves only
    earlier: Offsets = field(
        default_factory=lambda: Offsets(np.zeros(0, np.int64), np.zeros(0, np.int64)), repr=False
    )  # fairness over rounds: earlier units per need (`allocate.rules.over_rounds`)

    def reachable(self) -> BoolArray:
        """Per need, whether some usable lot may give to it (ignoring deliveries)."""
        has = np.fromiter(map(bool, self.sig_lots), dtype=np.bool_, count=len(self.sig_lots))
        return has[self.need_sig]


def build_index(case: Case, plan_date: dt.date) -> CaseIndex:
    """Arrays and eligibility signatures of `case` for `plan_date`."""
    policy = case.policy
    n_needs = len(case.needs)
    facts = GoodsFacts(case, plan_date)  # the arrays the goods rules read, shared with them
    need_hh, need_item, need_tier, hh_grid = facts.need_hh, facts.need_item, facts.need_tier, facts.hh_grid
    need_qty = np.fromiter(case.needs.column("quantity"), dtype=np.int64, count=n_needs)
    need_aon = np.fromiter(case.needs.column("all_or_nothing"), dtype=np.bool_, count=n_needs)

    lots = case.lots
    lot_item = facts.lot_item
    lot_qty = np.fromiter((lot.quantity for lot in lots), dtype=np.int64, count=len(lots))
    far = dt.date.max
    order = np.asarray(sorted(range(len(lots)), key=lambda k: (lots[k].expires or far, lots[k].lot_id)), np.int64)
    dates = sorted({lot.expires or far for lot in lots})
    date_rank = {d: r for r, d in enumerate(dates)}
    lot_cost = np.fromiter((date_rank[lot.expires or far] for lot in lots), dtype=np.int64, count=len(lots))

    # one signature per (item, tier, what the goods rules read of a need); its lots are the lots of its item
    # (the item rule as a join, so that no pair across items is formed) that every rule allows
    need_sig, first = goods_signatures(facts, (need_item, need_tier))
    sig_item, sig_tier = need_item[first], need_tier[first]
    holding = order[lot_qty[order] > 0]
    # the rules are asked of one lot of each group (`goods_lot_groups`) for one need of each signature
    lot_group, _ = goods_lot_groups(facts)
    sig_lots: list[tuple[int, ...]] = []
    runs = np.flatnonzero(np.diff(sig_item, prepend=-1, append=-1))  # signatures of one item
    for a, b in zip(runs[:-1].tolist(), runs[1:].tolist(), strict=True):
        cand = holding[lot_item[holding] == sig_item[a]]
        distinct: dict[bytes, tuple[int, ...]] = {}  # one tuple per distinct set of the item's lots
        reps = first[a:b]
        _, lot_rep, of = np.unique(lot_group[cand], return_index=True, return_inverse=True)
        lots, of = cand[lot_rep], of.reshape(-1)
        ok = goods_allowed(facts, np.repeat(lots, reps.size), np.tile(reps, lots.size)).reshape(lots.size, reps.size)
        for column in ok.T:
            mask = column.tobytes()
            if mask not in distinct:
                distinct[mask] = tuple(cand[column[of]].tolist())
            sig_lots.append(distinct[mask])
    need_benefit = beneficiaries(facts)
    item_stages: dict[int, tuple[Stage, ...]] = {}
    if policy.reserves:
        units, usable = reserved_units(facts), usable_units(facts)
        for code, item in enumerate(facts.items):
            if any(r.item == item for r in policy.reserves):
                item_stages[code] = stages(policy.reserves, units, item, usable.get(item, 0))
    return CaseIndex(
        n_tiers=len(policy.tiers),
        need_hh=need_hh,
        need_qty=need_qty,
        need_tier=need_tier,
        need_aon=need_aon,
        need_rank=seeded_rank(case.needs.column("need_id"), policy.seed),
        need_sig=need_sig,
        hh_grid=hh_grid,
        hh_rank=seeded_rank(case.households.column("household_id"), policy.seed),
        lot_qty=lot_qty,
        lot_cost=lot_cost,
        lot_order=order,
        grids=facts.grids,
        sig_item=sig_item,
        sig_tier=sig_tier,
        sig_lots=tuple(sig_lots),
        need_benefit=need_benefit,
        item_stages=item_stages,
        earlier=offsets(case),
    )
