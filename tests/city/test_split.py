"""Splitting a city into districts: which lots are local or shared, and where volunteers go."""

from __future__ import annotations

import datetime as dt

import pytest

from allocate.city import split_city
from allocate.errors import AllocateError
from allocate.schema import Case, Household, Lot, Need, Policy, Volunteer

POLICY = Policy(plan_date=dt.date(2026, 12, 1))


def _city() -> Case:
    """Districts A (grids A/1, A/2: three households) and B (grid B/1: one household)."""
    households = [
        Household(household_id=h, grid=g) for h, g in (("a1", "A/1"), ("a2", "A/1"), ("a3", "A/2"), ("b1", "B/1"))
    ]
    needs = [Need(household_id=h.household_id, item="rice", quantity=2) for h in households]
    lots = [
        Lot(lot_id="LA", item="rice", quantity=3, grids=("A/1", "A/2")),  # local to A
        Lot(lot_id="LB", item="rice", quantity=1, grids=("B/1",)),  # local to B
        Lot(lot_id="CW", item="rice", quantity=4),  # city-wide
        Lot(lot_id="AB", item="rice", quantity=2, grids=("A/2", "B/1")),  # shared by A and B
        Lot(lot_id="NO", item="rice", quantity=2, grids=("Z/9",)),  # reaches no household
    ]
    volunteers = [
        Volunteer(volunteer_id="va", grids=("A/1",), hours=1),
        Volunteer(volunteer_id="vab", grids=("A/2", "B/1"), hours=1),  # one household each side: a tie
        Volunteer(volunteer_id="vall", grids=("*",), hours=1),  # A has more households
    ]
    return Case(households=households, needs=needs, lots=lots, volunteers=volunteers, policy=POLICY)


def test_parts_are_districts_by_grid_name() -> None:
    """Grid `A/1` lies in district `A`; parts come in district name order with their own households and needs."""
    split = split_city(_city())
    assert [p.district for p in split.parts] == ["A", "B"]
    assert [h.household_id for h in split.parts[0].case.households] == ["a1", "a2", "a3"]
    assert [n.household_id for n in split.parts[1].case.needs] == ["b1"]


def test_local_and_shared_lots() -> None:
    """A lot within one district is local to it; one open lot or one over two districts is shared; one that
    reaches nobody goes nowhere."""
    split = split_city(_city())
    real = [[lot.lot_id for lot in p.case.lots if lot.quantity] for p in split.parts]
    assert real == [["LA"], ["LB"]]
    assert [(s.lot.lot_id, s.parts) for s in split.shared] == [("CW", (0, 1)), ("AB", (0, 1))]
    assert not split.independent


def test_volunteers_over_several_districts_go_to_one() -> None:
    """`vab` covers one household in each district: the tie goes to B (no hours yet, against A's 1 h for 3
    households); `vall` covers every grid and goes to A, the district with more households. In its part a
    volunteer covers that district's grids only."""
    split = split_city(_city())
    assert split.moved == {"vab": "B", "vall": "A"}
    a, b = (p.case.volunteers or () for p in split.parts)
    assert [(v.volunteer_id, v.grids) for v in a] == [("va", ("A/1",)), ("vall", ("*",))]
    assert [(v.volunteer_id, v.grids) for v in b] == [("vab", ("B/1",))]


def test_a_mapping_names_districts() -> None:
    """With a mapping, grids are grouped as it says; a household grid it leaves out is an error that names it."""
    split = split_city(_city(), {"A/1": "north", "A/2": "south", "B/1": "south"})
    assert [(p.district, p.households) for p in split.parts] == [("north", 2), ("south", 2)]
    with pytest.raises(AllocateError, match="B/1"):
        split_city(_city(), {"A/1": "north", "A/2": "north"})


def test_parts_see_the_city_dates() -> None:
    """Each part carries an empty lot for every expiry date of the city its own lots lack, so the engine prices lots
    the same way in the part as in the city."""
    case = _city()
    case = case.replace(
        lots=(*case.lots, Lot(lot_id="late", item="rice", quantity=1, grids=("B/1",), expires=dt.date(2027, 1, 1)))
    )
    a = split_city(case).parts[0].case
    anchors = [lot for lot in a.lots if lot.quantity == 0]
    assert [lot.expires for lot in anchors] == [dt.date(2027, 1, 1)]
