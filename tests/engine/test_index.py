"""The case index: the seeded rank follows its documented rule, and eligibility is computed per signature."""

from __future__ import annotations

import hashlib

import named

from allocate.core.index import build_index, seeded_rank


def test_seeded_rank_orders_ids_by_the_keyed_hash() -> None:
    """Ranks order ids by BLAKE2b-64 of the seed and the id, read big-endian, whatever their order in the list."""
    ids = [f"H{i:04d}/rice" for i in range(500)]
    digest = {i: int.from_bytes(hashlib.blake2b(f"7\x00{i}".encode(), digest_size=8).digest(), "big") for i in ids}
    expected = sorted(ids, key=lambda i: (digest[i], i))
    rank = seeded_rank(ids, 7)
    assert [ids[k] for k in rank.argsort()] == expected
    reversed_rank = seeded_rank(ids[::-1], 7)
    assert reversed_rank.tolist() == rank.tolist()[::-1]


def test_needs_of_one_grid_item_and_tier_share_a_signature() -> None:
    """Eligible lots come per (item, tier, grid): a grid-limited lot reaches only its grid's needs."""
    case = named.grid_limited()
    index = build_index(case, case.policy.effective_date())
    lots = [tuple(case.lots[k].lot_id for k in index.sig_lots[s]) for s in index.need_sig.tolist()]
    assert lots == [("open",), ("local", "open")]  # lot order: by expiry (none), then lot id
    assert index.reachable().tolist() == [True, True]
