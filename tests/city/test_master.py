"""The master step on small named cases whose division is checked by hand."""

from __future__ import annotations

import datetime as dt

from allocate.city import PartDemand, SharedLot, divide
from allocate.city.master import idle_rows, received_demand
from allocate.schema import Case, Household, Lot, Need, Policy

POLICY = Policy(plan_date=dt.date(2026, 12, 1))  # tiers: critical, vulnerable, elderly, general
NAMES = ("A", "B")


def _part(demand: tuple[int, ...], cover: tuple[int, ...] = (0, 0, 0, 0)) -> PartDemand:
    return PartDemand({"rice": demand}, {"rice": cover})


def _lot(lot_id: str, quantity: int, **kw: object) -> Lot:
    return Lot(lot_id=lot_id, item="rice", quantity=quantity, **kw)


def test_priority_then_even_split() -> None:
    """10 units, each district asks 4 critical and 6 general: critical is filled (4 + 4), the 2 left split 1 + 1."""
    parts = [_part((4, 0, 0, 6)), _part((4, 0, 0, 6))]
    got = divide([SharedLot(_lot("C1", 10), (0, 1))], parts, NAMES, POLICY)
    assert got.shares == {"C1": ((0, 5), (1, 5))}
    assert got.given["rice"] == ((4, 0, 0, 1), (4, 0, 0, 1))


def test_own_lots_count_first() -> None:
    """A's own lots fill 8 of its 10 critical units, B has none: 6 shared units all go to B (fills 0.8 and 0.6)."""
    parts = [_part((10, 0, 0, 0), (8, 0, 0, 0)), _part((10, 0, 0, 0))]
    got = divide([SharedLot(_lot("C1", 6), (0, 1))], parts, NAMES, POLICY)
    assert got.shares == {"C1": ((1, 6),)}


def test_fills_even_out_in_proportion_to_demand() -> None:
    """A asks 30, B asks 10 (one tier), 20 units: both reach fill 1/2, so A gets 15 and B 5."""
    parts = [_part((0, 0, 30, 0)), _part((0, 0, 10, 0))]
    got = divide([SharedLot(_lot("C1", 20), (0, 1))], parts, NAMES, POLICY)
    assert got.shares == {"C1": ((0, 15), (1, 5))}


def test_reserved_lot_skips_lower_tiers() -> None:
    """A lot reserved for `vulnerable` gives B's vulnerable need, never A's general one; the open lot serves A."""
    parts = [_part((0, 0, 0, 5)), _part((0, 3, 0, 0))]
    lots = [SharedLot(_lot("R", 5, reserved_for="vulnerable"), (0, 1)), SharedLot(_lot("O", 2), (0, 1))]
    got = divide(lots, parts, NAMES, POLICY)
    assert got.shares == {"R": ((1, 3),), "O": ((0, 2),)}


def test_grid_limit_keeps_a_lot_to_its_districts() -> None:
    """A lot limited to A's and C's grids gives nothing to B, however short B is."""
    parts = [_part((0, 0, 0, 2)), _part((0, 0, 0, 50)), _part((0, 0, 0, 2))]
    got = divide([SharedLot(_lot("C1", 10), (0, 2))], parts, ("A", "B", "C"), POLICY)
    assert got.shares == {"C1": ((0, 2), (2, 2))}


def test_expired_lot_goes_to_nobody() -> None:
    """A shared lot that expired before the plan date is divided among no one."""
    parts = [_part((1, 0, 0, 0)), _part((1, 0, 0, 0))]
    lot = _lot("C1", 10, expires=dt.date(2026, 11, 30))
    assert divide([SharedLot(lot, (0, 1))], parts, NAMES, POLICY).shares == {}


def test_tie_follows_the_seeded_rank() -> None:
    """One unit, two equal districts: it goes to the district whose `rice/<name>` ranks first under the seed (B for
    seed 0), and the other way round for a seed that ranks A first."""
    parts = [_part((1, 0, 0, 0)), _part((1, 0, 0, 0))]
    lots = [SharedLot(_lot("C1", 1), (0, 1))]
    assert divide(lots, parts, NAMES, POLICY).shares == {"C1": ((1, 1),)}
    seeded = [POLICY.model_copy(update={"seed": s}) for s in range(1, 50)]
    assert any(divide(lots, parts, NAMES, p).shares == {"C1": ((0, 1),)} for p in seeded)


def test_several_lots_are_carried_together() -> None:
    """Two lots of 3 and 4 for 7 units asked 5 + 2: each district's share is carried by the lots, 7 in all."""
    parts = [_part((5, 0, 0, 0)), _part((2, 0, 0, 0))]
    lots = [SharedLot(_lot("C1", 3), (0, 1)), SharedLot(_lot("C2", 4), (0, 1))]
    got = divide(lots, parts, NAMES, POLICY)
    per_part = [sum(u for split in got.shares.values() for p, u in split if p == k) for k in (0, 1)]
    assert per_part == [5, 2]
    assert all(sum(u for _, u in got.shares[lot]) <= q for lot, q in (("C1", 3), ("C2", 4)))


def test_a_reserved_lot_takes_the_place_of_open_units() -> None:
    """A's own open lots cover its 3 vulnerable units and none of its 4 general ones; B asks nothing. A lot of 3
    reserved for `vulnerable` goes to A (swapped for the open units, which go to A's general need); without the
    swap no part could take it."""
    swap = ((0, 0, 0, 0), (0, 0, 0, 3), (0, 0, 0, 0), (0, 0, 0, 0))
    a = PartDemand({"rice": (0, 3, 0, 4)}, {"rice": (0, 3, 0, 0)}, {"rice": swap})
    b = _part((0, 0, 0, 0))
    lots = [SharedLot(_lot("R", 3, reserved_for="vulnerable"), (0, 1))]
    got = divide(lots, [a, b], NAMES, POLICY)
    assert got.shares == {"R": ((0, 3),)}
    assert got.given["rice"] == ((0, 0, 0, 3), (0, 0, 0, 0))
    unswapped = PartDemand(a.demand, a.cover)
    assert divide(lots, [unswapped, b], NAMES, POLICY).shares == {}


def test_a_swap_is_no_larger_than_the_open_units() -> None:
    """Only 1 of A's vulnerable units came from an open lot: the reserved lot of 3 can free 1 unit for A's general
    need, and the rest of it stays undivided."""
    swap = ((0, 0, 0, 0), (0, 0, 0, 1), (0, 0, 0, 0), (0, 0, 0, 0))
    a = PartDemand({"rice": (0, 3, 0, 4)}, {"rice": (0, 3, 0, 0)}, {"rice": swap})
    lots = [SharedLot(_lot("R", 3, reserved_for="vulnerable"), (0, 1))]
    got = divide(lots, [a, _part((0, 0, 0, 0))], NAMES, POLICY)
    assert got.shares == {"R": ((0, 1),)}


def _district() -> Case:
    """One district: h1 (aged 85: vulnerable) asks 3 rice, h2 (general) 2, h3 (general) 4 all or nothing; its own
    open lot OWN holds 5, its lot RES (reserved for `vulnerable`) 2."""
    households = [Household(household_id="h1", grid="A/1", oldest_age=85)]
    households += [Household(household_id=h, grid="A/1") for h in ("h2", "h3")]
    needs = [
        Need(household_id="h1", item="rice", quantity=3),
        Need(household_id="h2", item="rice", quantity=2),
        Need(household_id="h3", item="rice", quantity=4, all_or_nothing=True),
    ]
    lots = [_lot("OWN", 5), _lot("RES", 2, reserved_for="vulnerable")]
    return Case(households=households, needs=needs, lots=lots, policy=POLICY)


def test_idle_own_units_go_to_short_needs_by_priority() -> None:
    """OWN gave h2 1 unit in the plan (shares did the rest): its 4 idle units and RES's 2 would give h1 (vulnerable)
    RES's 2 and 1 of OWN, then h2 its missing unit; h3's all-or-nothing 4 no longer fit in OWN's 2 left."""
    case = _district()
    extra = idle_rows(case, [("h2/rice", "OWN", 1)])
    assert extra == [("h1/rice", "RES", 2), ("h1/rice", "OWN", 1), ("h2/rice", "OWN", 1)]


def test_idle_units_only_for_households_that_can_receive() -> None:
    """With only h3 able to receive goods, OWN's 5 idle units give its all-or-nothing need all 4; the cover and the
    demand count h3 alone."""
    case = _district()
    extra = idle_rows(case, [], usable={"h3"})
    assert extra == [("h3/rice", "OWN", 4)]
    got = received_demand(case, extra, usable={"h3"})
    assert got.demand == {"rice": (0, 0, 0, 4)}
    assert got.cover == {"rice": (0, 0, 0, 4)}
