"""The case index: the seeded rank follows its documented rule, and eligibility is computed per signature."""

from __future__ import annotations

import named

from allocate.core.index import build_index, seeded_rank


def keyed_hash(seed: int, text: str) -> int:
    """The documented hash, written out plainly: 64-bit FNV-1a of the seed's text and a NUL, continued over the
    id's UTF-8 bytes, then SplitMix64's finaliser."""
    mask = (1 << 64) - 1
    h = 0xCBF29CE484222325
    for data in (f"{seed}\x00".encode(), text.encode()):
        for b in data:
            h = ((h ^ b) * 0x100000001B3) & mask
    h ^= h >> 30
    h = (h * 0xBF58476D1CE4E5B9) & mask
    h ^= h >> 27
    h = (h * 0x94D049BB133111EB) & mask
    return h ^ (h >> 31)


def test_seeded_rank_orders_ids_by_the_keyed_hash() -> None:
    """Ranks order ids by the keyed hash of the seed and the id, whatever their order in the list (Chinese ids too)."""
    ids = [f"H{i:04d}/rice" for i in range(500)] + ["1-1-101/大米(袋)", "1-1-101/口罩"]
    expected = sorted(ids, key=lambda i: (keyed_hash(7, i), i))
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
