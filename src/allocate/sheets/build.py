"""What the papers say: each volunteer's stops in visit order, and each grid's pick list, from a plan.

A volunteer's *stop* is one household they visit: the goods they deliver there (every lot summed per item) and
the services they do, with the hours of those visits. Stops are ordered by grid (in the order the households
table first names each grid), then by the contact columns that look like an address (`is_address`: 地址, 楼栋,
address …), then by household id, each compared as people read it (`3栋2单元` before `12栋`: runs of digits as
numbers, full-width digits as digits), so the order is the same on every run and follows the street. A household
id such as `1-2-501` (building, unit, flat) orders by itself.

A grid's *pick list* is what the warehouse takes off the shelves for the households of that grid: one row per lot,
the lot that expires first on top (lots without an expiry date last), then by item and lot id. Grids come in the
order the households table first names them (`第一网格`, `第二网格`, … as the planner wrote them).

Everything here is data; `allocate.sheets.html` and `allocate.sheets.write` lay it out.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from allocate.io.contacts import Contacts, is_address
from allocate.plan import Plan

_DIGITS = re.compile(r"(\d+)")


def reading_key(text: str) -> tuple[tuple[tuple[int, int, str], ...], str]:
    """`text` as people order it: runs of digits by their value (`2栋` before `10栋`), the rest case-blind,
    full-width digits and letters as ordinary ones; the text itself breaks ties, so the order is total."""
    norm = unicodedata.normalize("NFKC", text).strip().casefold()
    parts = tuple((0, int(p), p) if i % 2 else (1, 0, p) for i, p in enumerate(_DIGITS.split(norm)) if p)
    return parts, text


@dataclass(frozen=True)
class Goods:
    """Units of one item a volunteer brings to a household."""

    item: str
    quantity: int


@dataclass(frozen=True)
class Task:
    """A service a volunteer does at a household: its id, the skill it needs and its hours."""

    service_id: str
    skill: str
    hours: float


@dataclass(frozen=True)
class Stop:
    """One household on a volunteer's round, in visit order (`number` from 1)."""

    number: int
    household_id: str
    grid: str
    contact_free: bool  # quarantined: leave everything at the door
    contacts: tuple[str, ...]  # the named contact columns' cells, in `Sheets.contact_columns` order
    goods: tuple[Goods, ...]  # empty when this volunteer makes no delivery here
    tasks: tuple[Task, ...]
    hours: float


@dataclass(frozen=True)
class VolunteerSheet:
    """A volunteer's page: who, the hours booked of those offered, the stops, and the goods to collect."""

    volunteer_id: str
    grids: tuple[str, ...]
    skills: tuple[str, ...]
    designated: bool
    hours_offered: float
    hours_booked: float
    stops: tuple[Stop, ...]
    collect: tuple[Goods, ...]  # every stop's goods summed per item, in item order


@dataclass(frozen=True)
class Pick:
    """One lot to take off the shelf for a grid: how many units, for how many households."""

    expires: dt.date | None
    item: str
    lot_id: str
    donor: str
    quantity: int
    households: int


@dataclass(frozen=True)
class PickList:
    """A grid's pick list, expiry first."""

    grid: str
    picks: tuple[Pick, ...]
    households: int
    units: int


@dataclass(frozen=True)
class Sheets:
    """Every volunteer's page (only those with visits) and every grid's pick list (only grids that receive goods),
    for one plan; `contact_columns` are the headers of the contact columns the stops carry."""

    plan_date: dt.date
    contact_columns: tuple[str, ...]
    volunteers: tuple[VolunteerSheet, ...]
    pick_lists: tuple[PickList, ...]
    idle_volunteers: tuple[str, ...]  # volunteers of the case with no visit in the plan


def build_sheets(plan: Plan, contacts: Contacts | None = None) -> Sheets:
    """The volunteer pages and pick lists of `plan`, with the columns of `contacts` on each stop.

    The plan is taken as it is: check it first (`verify`) if it was not made by `run` or `solve`.
    """
    case = plan.case
    contacts = contacts or Contacts(())
    households = case.households
    index = case.household_index
    need_ids, owners, items = (case.needs.column(f) for f in ("need_id", "household_id", "item"))
    needs = dict(zip(need_ids, zip(owners, items, strict=True), strict=True))  # need -> (household, item)
    grids = households.column("grid")
    lots = {lot.lot_id: lot for lot in case.lots}
    services = {s.service_id: s for s in case.services}

    goods: dict[str, dict[str, int]] = {}  # household -> item -> units
    allocs = plan.allocations
    for need_id, quantity in zip(allocs.column("need_id"), allocs.column("quantity"), strict=True):
        need = needs.get(need_id)
        if need is not None:
            owner, item = need
            per = goods.setdefault(owner, {})
            per[item] = per.get(item, 0) + quantity

    ordering = [i for i, c in enumerate(contacts.columns) if is_address(c)]
    grid_rank = {grid: rank for rank, grid in enumerate(dict.fromkeys(households.column("grid")))}

    def stop_key(household_id: str) -> tuple[object, ...]:
        h = households[index[household_id]] if household_id in index else None
        cells = contacts.of(household_id)
        return (
            grid_rank.get(h.grid, len(grid_rank)) if h else len(grid_rank),
            *(reading_key(cells[i]) for i in ordering),
            reading_key(household_id),
        )

    rounds: dict[str, dict[str, list[tuple[str, str | None, float]]]] = {}  # volunteer -> household -> visits
    fields = ("volunteer_id", "household_id", "kind", "service_id", "hours")
    for volunteer_id, home, kind, service_id, hours in zip(*map(plan.visits.column, fields), strict=True):
        rounds.setdefault(volunteer_id, {}).setdefault(home, []).append((kind, service_id, hours))

    pages = []
    volunteers = case.volunteers or ()
    for vol in volunteers:
        visits = rounds.get(vol.volunteer_id)
        if not visits:
            continue
        stops = []
        for number, hid in enumerate(sorted(visits, key=stop_key), start=1):
            h = households[index[hid]] if hid in index else None
            made = visits[hid]
            delivers = any(kind == "delivery" for kind, _, _ in made)
            brought = tuple(Goods(item, n) for item, n in _by_item(goods.get(hid, {}))) if delivers else ()
            tasks = tuple(
                Task(sid, services[sid].skill if sid in services else "", hours)
                for kind, sid, hours in made
                if kind == "service" and sid is not None
            )
            stops.append(
                Stop(
                    number=number,
                    household_id=hid,
                    grid=h.grid if h else "",
                    contact_free=bool(h and h.quarantined),
                    contacts=contacts.of(hid),
                    goods=brought,
                    tasks=tasks,
                    hours=sum(hours for _, _, hours in made),
                )
            )
        collect: dict[str, int] = {}
        for s in stops:
            for g in s.goods:
                collect[g.item] = collect.get(g.item, 0) + g.quantity
        pages.append(
            VolunteerSheet(
                volunteer_id=vol.volunteer_id,
                grids=vol.grids,
                skills=vol.skills,
                designated=vol.designated,
                hours_offered=vol.hours,
                hours_booked=sum(s.hours for s in stops),
                stops=tuple(stops),
                collect=tuple(Goods(item, n) for item, n in _by_item(collect)),
            )
        )

    picked: dict[str, dict[str, tuple[int, set[str]]]] = {}  # grid -> lot -> (units, households)
    allocs = plan.allocations
    for need_id, lot_id, quantity in zip(*map(allocs.column, ("need_id", "lot_id", "quantity")), strict=True):
        need = needs.get(need_id)
        if need is None or need[0] not in index or lot_id not in lots:
            continue
        owner = need[0]
        grid = grids[index[owner]]
        units, who = picked.setdefault(grid, {}).get(lot_id, (0, set()))
        who.add(owner)
        picked[grid][lot_id] = (units + quantity, who)
    pick_lists = []
    for grid in sorted(picked, key=grid_rank.__getitem__):
        rows = [
            Pick(lots[lot].expires, lots[lot].item, lot, lots[lot].donor or "", units, len(who))
            for lot, (units, who) in picked[grid].items()
        ]
        rows.sort(key=_pick_key)
        served = set().union(*(who for _, who in picked[grid].values()))
        pick_lists.append(PickList(grid, tuple(rows), len(served), sum(r.quantity for r in rows)))

    return Sheets(
        plan_date=plan.plan_date,
        contact_columns=contacts.columns,
        volunteers=tuple(pages),
        pick_lists=tuple(pick_lists),
        idle_volunteers=tuple(v.volunteer_id for v in volunteers if v.volunteer_id not in rounds),
    )


def _by_item(units: dict[str, int]) -> list[tuple[str, int]]:
    """Units per item, items in reading order."""
    return sorted(units.items(), key=lambda kv: reading_key(kv[0]))


def _pick_key(p: Pick) -> tuple[object, ...]:
    """Expiry first (none last), then item and lot in reading order."""
    return (p.expires is None, p.expires or dt.date.min, reading_key(p.item), reading_key(p.lot_id))
