"""Synthetic cases: a realistic generator for tests and benchmarks, and the bundled demo case.

`generate(households, seed)` draws a city district at the rates of a Chinese city (census 2020 household sizes,
a fifth of residents 60 or older, one in ten of them living alone, 6% of people disabled), in grids of about
300 households. Every column is drawn with vectorised numpy from streams spawned from one seed, one stream per
table, so a seed always gives the same case and a change to one table's rules leaves the others as they were.

Item names carry their unit, so a quantity is a count of that unit: `rice_5kg_bag` counts 5 kg bags,
`masks_box_50` boxes of 50 masks, `wheelchair` wheelchairs. The demo case uses Chinese names with the unit in
ASCII brackets: `大米(袋)`.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from allocate.gc_pause import collector_paused
from allocate.io import write_case
from allocate.io.columns import HOUSEHOLDS
from allocate.schema import ALL_GRIDS, Case, Household, Lot, Need, Policy, Service, Urgency, Volunteer

PLAN_DATE = dt.date(2026, 12, 1)
"""The plan date of every synthetic case, fixed so that expiry (and so the written files) never depends on today."""

GRID_SIZE = 300
"""Households per grid, on average; each grid's size varies by up to a fifth either way."""

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Household sizes 1..6 (6 stands for 6 or more), China census 2020: 25% live alone, mean size 2.6.
_SIZE_SHARE = np.array([0.254, 0.297, 0.210, 0.132, 0.062, 0.045])
# With these, 20% of residents are 60+ and 10% of those live alone (see `population`).
_P_ELDER_SINGLE = 0.20  # a one-person household is someone 60+
_P_ELDER_MULTI = 0.40  # a larger household has one or two people 60+
_P_DISABLED_ELDER = 0.15  # per person; about half of China's disabled people are 60+, 6% of all people
_P_DISABLED_YOUNGER = 0.0375
_P_CHRONIC = (0.10, 0.65)  # household flag, without and with someone 60+
_P_MANUAL_RAISE = 0.005  # a grid worker raised the household to `vulnerable`

_URGENCY = np.array([u.value for u in (Urgency.CRITICAL, Urgency.HIGH, Urgency.NORMAL, Urgency.LOW)])
_URGENCY_SHARE = {
    "food": (0.005, 0.12, 0.68, 0.195),
    "hygiene": (0.005, 0.10, 0.68, 0.215),
    "medical": (0.04, 0.36, 0.50, 0.10),
    "equipment": (0.02, 0.30, 0.55, 0.13),
}
_DONORS = {
    "food": ("District government", "Red Cross Society", "Sunshine Charity Foundation", "FreshMart", "Golden Grain"),
    "hygiene": ("District government", "Red Cross Society", "Sunshine Charity Foundation", "FreshMart"),
    "medical": ("District health commission", "Red Cross Society", "Kangning Pharmacy"),
    "equipment": ("District civil affairs bureau", "Red Cross Society", "Disabled Persons' Federation"),
}


class _Item(NamedTuple):
    """A catalogue item: who asks for it, how much, and how it is donated."""

    name: str
    kind: str  # food | hygiene | medical | equipment: urgency and donors
    target: str  # which households ask: all | elderly | frail | chronic | disabled | family
    p: float  # chance a targeted household asks
    units: int  # typical units per household, or per two members when `per_person`
    per_person: bool
    aon: float  # share of its needs that are all-or-nothing (a wheelchair, a full course of a drug)
    shelf_days: int | None  # lots expire this many days after donation at most; None: keeps


_CATALOGUE = (
    _Item("rice_5kg_bag", "food", "all", 0.42, 1, True, 0.0, None),
    _Item("flour_5kg_bag", "food", "all", 0.18, 1, False, 0.0, None),
    _Item("noodles_1kg_pack", "food", "all", 0.24, 1, True, 0.0, 300),
    _Item("cooking_oil_5l", "food", "all", 0.30, 1, False, 0.0, 365),
    _Item("eggs_30_tray", "food", "all", 0.30, 1, True, 0.0, 30),
    _Item("vegetable_box", "food", "all", 0.36, 1, True, 0.0, 7),
    _Item("fruit_box", "food", "all", 0.18, 1, False, 0.0, 14),
    _Item("milk_1l_carton", "food", "all", 0.24, 2, True, 0.0, 21),
    _Item("pork_1kg", "food", "all", 0.18, 1, True, 0.0, 10),
    _Item("instant_noodles_box", "food", "all", 0.18, 1, False, 0.0, 180),
    _Item("bottled_water_12pack", "food", "all", 0.24, 1, True, 0.0, None),
    _Item("salt_500g_bag", "food", "all", 0.09, 1, False, 0.0, None),
    _Item("infant_formula_tin", "food", "family", 0.12, 2, False, 0.0, 365),
    _Item("masks_box_50", "hygiene", "all", 0.36, 1, True, 0.0, None),
    _Item("hand_sanitiser_500ml", "hygiene", "all", 0.18, 1, False, 0.0, None),
    _Item("disinfectant_1l", "hygiene", "all", 0.15, 1, False, 0.0, None),
    _Item("toilet_paper_10roll", "hygiene", "all", 0.24, 1, True, 0.0, None),
    _Item("soap_bar", "hygiene", "all", 0.12, 2, True, 0.0, None),
    _Item("adult_diapers_pack", "hygiene", "frail", 0.40, 2, False, 0.0, None),
    _Item("baby_diapers_pack", "hygiene", "family", 0.15, 2, False, 0.0, None),
    _Item("sanitary_pads_pack", "hygiene", "all", 0.09, 1, False, 0.0, None),
    _Item("antihypertensive_box", "medical", "chronic", 0.60, 2, False, 0.3, 365),
    _Item("insulin_pen", "medical", "chronic", 0.15, 3, False, 1.0, 180),
    _Item("fever_reducer_box", "medical", "all", 0.09, 1, False, 0.0, 365),
    _Item("cold_medicine_box", "medical", "all", 0.09, 1, False, 0.0, 365),
    _Item("antigen_test_box", "medical", "all", 0.18, 1, True, 0.0, 180),
    _Item("thermometer", "medical", "all", 0.05, 1, False, 0.0, None),
    _Item("glucose_strips_box", "medical", "chronic", 0.15, 1, False, 0.0, 365),
    _Item("pulse_oximeter", "medical", "elderly", 0.05, 1, False, 1.0, None),
    _Item("oxygen_concentrator", "equipment", "frail", 0.03, 1, False, 1.0, None),
    _Item("wheelchair", "equipment", "disabled", 0.15, 1, False, 1.0, None),
    _Item("walking_frame", "equipment", "elderly", 0.04, 1, False, 1.0, None),
    _Item("hearing_aid_battery_pack", "equipment", "elderly", 0.05, 1, False, 0.0, None),
    _Item("electric_blanket", "equipment", "elderly", 0.10, 1, False, 0.0, None),
    _Item("quilt", "equipment", "all", 0.05, 1, True, 0.0, None),
    _Item("winter_coat", "equipment", "all", 0.03, 1, True, 0.0, None),
    _Item("flashlight", "equipment", "all", 0.03, 1, False, 0.0, None),
    _Item("power_bank", "equipment", "all", 0.05, 1, False, 0.0, None),
    _Item("water_bucket_18l", "food", "all", 0.06, 2, False, 0.0, None),
    _Item("vitamin_c_bottle", "medical", "all", 0.06, 1, False, 0.0, 365),
)

_SKILLS = ("escort", "medical", "counselling")  # a volunteer without skills does deliveries only
_P_VOLUNTEER_SKILL = (0.20, 0.08, 0.12)
_SERVICE_SKILL_SHARE = (0.45, 0.30, 0.25)


class Population(NamedTuple):
    """The residents behind a generated case's households, one entry per household.

    A case records households, not people; this is what its columns summarise, so that the rates the
    generator promises for people (a fifth 60 or older, ...) can be checked.
    """

    grid: IntArray  # 0-based grid index; households are ordered by grid
    members: IntArray
    elders: IntArray  # residents aged 60 or older
    oldest_age: IntArray
    disabled: IntArray  # disabled residents
    chronic_illness: BoolArray
    raised: BoolArray  # manually raised to the `vulnerable` tier


def _streams(seed: int) -> list[np.random.Generator]:
    """Independent generators for households, needs, lots, volunteers and services."""
    return np.random.default_rng(seed).spawn(5)


def _grid_sizes(rng: np.random.Generator, households: int) -> IntArray:
    """Grid sizes summing to `households`, each within about a fifth of GRID_SIZE."""
    n_grids = max(1, round(households / GRID_SIZE))
    bounds = np.cumsum(rng.uniform(0.8, 1.2, n_grids))
    edges = np.rint(np.concatenate(([0.0], bounds / bounds[-1])) * households).astype(np.int64)
    sizes: IntArray = np.diff(edges)
    return sizes


def _residents(rng: np.random.Generator, n: int) -> tuple[IntArray, IntArray, IntArray, IntArray, BoolArray]:
    """Members, residents 60+, oldest age, disabled residents and chronic illness of `n` households."""
    members = rng.choice(np.arange(1, 7), size=n, p=_SIZE_SHARE)
    single = members == 1
    has_elder = rng.random(n) < np.where(single, _P_ELDER_SINGLE, _P_ELDER_MULTI)
    # Two elders: mostly an elderly couple on their own, else grandparents in a larger household.
    two = ~single & (rng.random(n) < np.where(members == 2, 0.65, 0.5))
    elders = np.where(has_elder, 1 + two, 0).astype(np.int64)
    elder_ages = 60 + np.minimum(rng.gamma(1.5, 7.5, size=(2, n)), 45.0)
    oldest_elder = np.where(elders == 2, elder_ages.max(axis=0), elder_ages[0])
    oldest = np.where(has_elder, oldest_elder, rng.uniform(20, 60, n)).astype(np.int64)
    disabled = rng.binomial(elders, _P_DISABLED_ELDER) + rng.binomial(members - elders, _P_DISABLED_YOUNGER)
    chronic = rng.random(n) < np.where(has_elder, _P_CHRONIC[1], _P_CHRONIC[0])
    return members, elders, oldest, disabled.astype(np.int64), chronic


def population(households: int, seed: int = 0) -> Population:
    """The residents of `generate(households, seed)`'s households."""
    if households < 1:
        raise ValueError(f"The 'households' parameter of generate must be at least 1. Got {households} instead.")
    return _population(_streams(seed)[0], households)


def _population(rng: np.random.Generator, households: int) -> Population:
    """`population` drawn from the households stream `rng`."""
    sizes = _grid_sizes(rng, households)
    members, elders, oldest, disabled, chronic = _residents(rng, households)
    raised = rng.random(households) < _P_MANUAL_RAISE
    grid = np.repeat(np.arange(sizes.size, dtype=np.int64), sizes)
    return Population(grid, members, elders, oldest, disabled, chronic, raised)


def _needs(
    rng: np.random.Generator, pop: Population, items: tuple[_Item, ...], hids: list[str]
) -> tuple[tuple[Need, ...], IntArray]:
    """Needs ordered by household then item, and the units asked of each item."""
    targets = {
        "all": np.ones(pop.members.size, dtype=bool),
        "elderly": pop.oldest_age >= 60,
        "frail": (pop.oldest_age >= 80) | (pop.disabled > 0),
        "chronic": pop.chronic_illness,
        "disabled": pop.disabled > 0,
        "family": pop.members >= 3,  # with children, most likely
    }
    cols: list[tuple[IntArray, IntArray, IntArray, npt.NDArray[np.str_], BoolArray]] = []
    for k, item in enumerate(items):
        asks = np.flatnonzero(targets[item.target] & (rng.random(pop.members.size) < item.p))
        base = item.units * (-(-pop.members[asks] // 2) if item.per_person else np.ones(asks.size, dtype=np.int64))
        aon = rng.random(asks.size) < item.aon
        qty = np.where(aon, base, base + rng.binomial(base, 0.25))
        urgency = _URGENCY[rng.choice(4, size=asks.size, p=_URGENCY_SHARE[item.kind])]
        cols.append((asks, np.full(asks.size, k, dtype=np.int64), qty, urgency, aon))
    hh, it, qty, urg, aon = (np.concatenate(c) for c in zip(*cols, strict=True))
    order = np.lexsort((it, hh))
    names = [item.name for item in items]
    # Defaults are left unset: a model keeps the names of the fields it was given, and four fit a small set.
    needs = tuple(
        Need(need_id=f"{hids[h]}/{names[i]}", household_id=hids[h], item=names[i], quantity=q)
        if u == "normal" and not a
        else Need(
            need_id=f"{hids[h]}/{names[i]}",
            household_id=hids[h],
            item=names[i],
            quantity=q,
            urgency=u,
            all_or_nothing=a,
        )
        for h, i, q, u, a in zip(
            hh[order].tolist(),
            it[order].tolist(),
            qty[order].tolist(),
            urg[order].tolist(),
            aon[order].tolist(),
            strict=True,
        )
    )
    demand: IntArray = np.bincount(it, weights=qty, minlength=len(items)).astype(np.int64)
    return needs, demand


def _households(pop: Population, hids: list[str], grid_names: Sequence[str], raise_to: str) -> tuple[Household, ...]:
    """The households table from its residents; `raise_to` is the tier of a manual raise."""
    return tuple(
        Household(
            household_id=h,
            grid=grid_names[g],
            members=m,
            oldest_age=a,
            lives_alone=m == 1,
            disabled=d > 0,
            chronic_illness=c,
            tier=raise_to if r else None,
        )
        for h, g, m, a, d, c, r in zip(
            hids,
            pop.grid.tolist(),
            pop.members.tolist(),
            pop.oldest_age.tolist(),
            pop.disabled.tolist(),
            pop.chronic_illness.tolist(),
            pop.raised.tolist(),
            strict=True,
        )
    )


def _services(
    rng: np.random.Generator, pop: Population, hids: list[str], skills: Sequence[str], weights: Sequence[float]
) -> tuple[Service, ...]:
    """A few percent of households, mostly elderly or disabled, ask for 0.5-2 hours of one of `skills`."""
    if not skills:
        return ()
    p = 0.02 + 0.04 * (pop.elders > 0) + 0.06 * (pop.disabled > 0)
    asks = np.flatnonzero(rng.random(pop.members.size) < p).tolist()
    w = np.array(weights)
    skill = rng.choice(len(skills), size=len(asks), p=w / w.sum()).tolist()
    hours = (rng.integers(1, 5, len(asks)) / 2).tolist()
    urgency = _URGENCY[rng.choice(4, size=len(asks), p=_URGENCY_SHARE["medical"])].tolist()
    return tuple(
        Service(service_id=f"{hids[h]}/{skills[s]}", household_id=hids[h], skill=skills[s], hours=t, urgency=u)
        for h, s, t, u in zip(asks, skill, hours, urgency, strict=True)
    )


class _Lots(NamedTuple):
    """The supplies table as columns, ordered by item."""

    item: IntArray
    quantity: IntArray
    donor: list[str]
    expires: list[dt.date | None]
    reserved_for: list[str | None]
    grids: list[tuple[str, ...] | None]


def _lots(
    rng: np.random.Generator,
    items: tuple[_Item, ...],
    demand: IntArray,
    grid_ids: list[str],
    tiers: tuple[str, ...],
    *,
    local: bool = True,
) -> _Lots:
    """Donated lots: mixed scarcity per item, exactly one asked-for item unsupplied, some earmarked or expiring.

    `local=False` makes a city's city-wide lots: no item left unsupplied, no lot limited to grids, and only the
    items asked for; `grid_ids` are then the city's districts, read only for the number of lots (on average one
    more per two districts, where a district's own lots get one more per five grids).
    """
    n_items, n_grids = len(items), len(grid_ids)
    asked = np.flatnonzero(demand > 0)
    unsupplied = (int(rng.choice(asked)) if asked.size else -1) if local else -1
    # plentiful (120-200% of demand), about enough (90-110%), short (30-80%)
    scarcity = rng.choice(3, size=n_items, p=(0.4, 0.2, 0.4))
    ratio = np.choose(
        scarcity, (rng.uniform(1.2, 2.0, n_items), rng.uniform(0.9, 1.1, n_items), rng.uniform(0.3, 0.8, n_items))
    )
    supply = np.maximum(1 if local else 0, np.rint(ratio * demand)).astype(np.int64)
    if unsupplied >= 0:
        supply[unsupplied] = 0
    n_lots = np.minimum(supply, 1 + rng.poisson(1 + (n_grids / 5 if local else n_grids / 2), n_items))
    if not n_lots.any():
        return _Lots(np.zeros(0, np.int64), np.zeros(0, np.int64), [], [], [], [])
    item = np.repeat(np.arange(n_items, dtype=np.int64), n_lots)
    quantity = np.concatenate(
        [1 + rng.multinomial(s - k, rng.dirichlet(np.ones(k))) for s, k in zip(supply, n_lots, strict=True) if k]
    ).astype(np.int64)
    kinds = [items[i].kind for i in item.tolist()]
    donor = [str(rng.choice(_DONORS[kind])) for kind in kinds]
    n = item.size

    shelf = np.array([items[i].shelf_days or 0 for i in item.tolist()], dtype=np.int64)
    offset = np.where(shelf > 0, rng.integers(3, np.maximum(shelf, 3) + 1), 0)
    keeps = shelf == 0
    candidates = np.flatnonzero(~keeps) if (~keeps).any() else np.arange(n)
    expired = rng.choice(candidates, size=min(candidates.size, max(1, round(0.03 * candidates.size))), replace=False)
    offset[expired] = -rng.integers(1, 15, expired.size)
    keeps[expired] = False
    expires = [
        None if k else PLAN_DATE + dt.timedelta(days=int(d)) for k, d in zip(keeps, offset.tolist(), strict=True)
    ]

    reserved_for: list[str | None] = [None] * n
    weight = np.array([3.0 if kind in ("medical", "equipment") else 1.0 for kind in kinds])
    chosen = rng.choice(n, size=min(n, max(1, round(0.08 * n))), replace=False, p=weight / weight.sum())
    for i, t in zip(chosen.tolist(), rng.choice(3, size=chosen.size, p=(0.75, 0.2, 0.05)).tolist(), strict=True):
        reserved_for[i] = (tiers[1], tiers[2], tiers[0])[t]  # vulnerable, elderly, critical

    grids: list[tuple[str, ...] | None] = [None] * n
    if not local:
        return _Lots(item, quantity, donor, expires, reserved_for, grids)
    limited = rng.choice(n, size=min(n, max(1, round(0.08 * n))), replace=False)
    starts, spans = rng.integers(0, n_grids, limited.size), rng.integers(1, 4, limited.size)
    for i, s, w in zip(limited.tolist(), starts.tolist(), spans.tolist(), strict=True):
        grids[i] = tuple(grid_ids[g] for g in range(s, min(s + w, n_grids)))
    return _Lots(item, quantity, donor, expires, reserved_for, grids)


def _volunteers(
    rng: np.random.Generator, sizes: IntArray, grid_ids: list[str]
) -> tuple[list[str], list[tuple[str, ...]], list[float], list[tuple[str, ...]]]:
    """About one volunteer per 20 households, at least one per grid; most cover their own grid only."""
    n_grids = sizes.size
    home = np.repeat(np.arange(n_grids), np.maximum(1, rng.poisson(sizes / 20)))
    n = home.size
    reach = rng.random(n)
    extra = rng.integers(1, 3, n)
    hours: list[float] = (rng.integers(4, 17, n) / 2).tolist()  # 2 to 8 hours in half hours
    has = rng.random((n, len(_SKILLS))) < np.array(_P_VOLUNTEER_SKILL)
    ids: list[str] = []
    grids: list[tuple[str, ...]] = []
    skills: list[tuple[str, ...]] = []
    width = max(4, len(str(n)))
    for v, (g, r, e) in enumerate(zip(home.tolist(), reach.tolist(), extra.tolist(), strict=True)):
        ids.append(f"V{v + 1:0{width}d}")
        if r < 0.03:
            grids.append((ALL_GRIDS,))
        elif r < 0.15:  # also one or two neighbouring grids
            grids.append(tuple(dict.fromkeys(grid_ids[(g + d) % n_grids] for d in range(e + 1))))
        else:
            grids.append((grid_ids[g],))
        skills.append(tuple(s for s, h in zip(_SKILLS, has[v].tolist(), strict=True) if h))
    return ids, grids, hours, skills


def generate(households: int, seed: int = 0, districts: int | None = None) -> Case:
    """A realistic synthetic case of `households` households; the same seed always gives the same case.

    `districts=N` makes a city of N districts instead (see `generate_district`): each district has its own grids,
    households, lots and volunteers, and the city adds city-wide lots that any household may receive. Without it
    (the default) the case is one district as it always was, byte for byte.
    """
    if districts is not None:
        _check_districts(households, districts)
    with collector_paused():
        if districts is None:
            return _generate(households, seed)
        return _generate_city(households, seed, districts)


def _generate(households: int, seed: int) -> Case:
    """`generate`, with households ordered by grid and every other table ordered by household or item."""
    pop = population(households, seed)
    _, r_needs, r_lots, r_vols, r_services = _streams(seed)
    policy = Policy(plan_date=PLAN_DATE)
    n_items = int(r_needs.integers(10, 41))
    items = tuple(_CATALOGUE[i] for i in np.sort(r_needs.choice(len(_CATALOGUE), n_items, replace=False)))
    area = _area(pop, (r_needs, r_lots, r_vols, r_services), items, policy, prefix="", supply_share=1.0)
    return Case(
        households=area.households,
        needs=area.needs,
        lots=area.lots,
        volunteers=area.volunteers,
        services=area.services,
        policy=policy,
    )


class _Area(NamedTuple):
    """The tables of one district (or of a whole single-district case), and the units asked of each item."""

    households: tuple[Household, ...]
    needs: tuple[Need, ...]
    lots: tuple[Lot, ...]
    volunteers: tuple[Volunteer, ...]
    services: tuple[Service, ...]
    demand: IntArray


def _area(
    pop: Population,
    streams: tuple[np.random.Generator, np.random.Generator, np.random.Generator, np.random.Generator],
    items: tuple[_Item, ...],
    policy: Policy,
    *,
    prefix: str,
    supply_share: float,
) -> _Area:
    """The tables of one area from its residents: ids start with `prefix` (a district's `D03/`, or nothing), its
    own lots supply `supply_share` of what they would alone; with a prefix, a lot without a grid limit is limited to
    the area's grids and a volunteer for every grid covers the area's."""
    r_needs, r_lots, r_vols, r_services = streams
    n_grids = int(pop.grid[-1]) + 1
    gw = max(3, len(str(n_grids)))
    grid_ids = [f"{prefix}G{g + 1:0{gw}d}" for g in range(n_grids)]
    sizes = np.bincount(pop.grid, minlength=n_grids)
    households = sizes.sum()
    within = np.arange(households) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    hids = [f"{grid_ids[g]}-{k + 1:04d}" for g, k in zip(pop.grid.tolist(), within.tolist(), strict=True)]
    hh = _households(pop, hids, grid_ids, policy.tier_names[1])
    needs, demand = _needs(r_needs, pop, items, hids)
    supplied = demand if supply_share == 1.0 else np.rint(demand * supply_share).astype(np.int64)
    lots_ = _lots(r_lots, items, supplied, grid_ids, policy.tier_names)
    if prefix:  # a district's own lot goes to its own grids only
        lots_ = lots_._replace(grids=[tuple(grid_ids) if g is None else g for g in lots_.grids])
    lw = max(4, len(str(lots_.item.size)))
    lots = tuple(
        Lot(
            lot_id=f"{prefix}L{k + 1:0{lw}d}",
            item=items[i].name,
            quantity=q,
            donor=d,
            expires=e,
            reserved_for=t,
            grids=g,
        )
        for k, (i, q, d, e, t, g) in enumerate(
            zip(lots_.item.tolist(), lots_.quantity.tolist(), *lots_[2:], strict=True)
        )
    )

    v_ids, v_grids, v_hours, v_skills = _volunteers(r_vols, sizes, grid_ids)
    if prefix:  # a district's volunteer for every grid covers every grid of the district, not of the city
        v_grids = [tuple(grid_ids) if g == (ALL_GRIDS,) else g for g in v_grids]
    volunteers = tuple(
        Volunteer(volunteer_id=f"{prefix}{i}", grids=g, hours=h, skills=s)
        for i, g, h, s in zip(v_ids, v_grids, v_hours, v_skills, strict=True)
    )

    offered = {s for sk in v_skills for s in sk}
    skills = [(s, w) for s, w in zip(_SKILLS, _SERVICE_SKILL_SHARE, strict=True) if s in offered]
    services = _services(r_services, pop, hids, [s for s, _ in skills], [w for _, w in skills])
    return _Area(hh, needs, lots, volunteers, services, demand)


# A city (`districts=N`): districts of about equal size (within a fifth either way), one catalogue for the city,
# each district's own lots supplying LOCAL_SHARE of what a lone district's would and city-wide lots the rest.
LOCAL_SHARE = 0.7
"""In a generated city, the share of supply donated to one district; the rest comes as city-wide lots."""

DISTRICT_SEP = "/"
"""In a generated city, grid `D03/G001` lies in district `D03`: the district is the grid's name up to the first
`/` (`allocate.city` reads districts the same way)."""


class CityLayout(NamedTuple):
    """What a generated city decides before any district: district names and sizes, and the city's items."""

    names: tuple[str, ...]
    sizes: tuple[int, ...]
    items: tuple[str, ...]


def _check_districts(households: int, districts: int) -> None:
    if isinstance(districts, bool) or not isinstance(districts, int) or districts < 1:
        raise ValueError(f"The 'districts' parameter of generate must be a whole number >= 1. Got {districts!r}.")
    if households < districts:
        raise ValueError(
            f"The 'households' parameter of generate must be at least 'districts' ({districts}). Got {households}."
        )


def _city_streams(seed: int, districts: int) -> list[np.random.Generator]:
    """The city's streams: layout, city-wide lots, then one per district (each spawning five like `_streams`)."""
    return np.random.default_rng([seed, districts, 0xC17]).spawn(districts + 2)


def _layout(households: int, seed: int, districts: int) -> tuple[CityLayout, tuple[_Item, ...]]:
    rng = _city_streams(seed, districts)[0]
    bounds = np.cumsum(rng.uniform(0.8, 1.2, districts))
    edges = np.rint(np.concatenate(([0.0], bounds / bounds[-1])) * (households - districts)).astype(np.int64)
    sizes = (np.diff(edges) + 1).tolist()  # at least one household each
    n_items = int(rng.integers(10, 41))
    items = tuple(_CATALOGUE[i] for i in np.sort(rng.choice(len(_CATALOGUE), n_items, replace=False)))
    width = max(2, len(str(districts)))
    names = tuple(f"D{d + 1:0{width}d}" for d in range(districts))
    return CityLayout(names, tuple(sizes), tuple(i.name for i in items)), items


def city_layout(households: int, seed: int, districts: int) -> CityLayout:
    """The districts (names, households) and items of `generate(households, seed, districts=districts)`."""
    _check_districts(households, districts)
    return _layout(households, seed, districts)[0]


def _district_area(households: int, seed: int, districts: int, district: int, policy: Policy) -> _Area:
    layout, items = _layout(households, seed, districts)
    r_hh, *streams = _city_streams(seed, districts)[2 + district].spawn(5)
    pop = _population(r_hh, layout.sizes[district])
    prefix = f"{layout.names[district]}{DISTRICT_SEP}"
    return _area(
        pop, (streams[0], streams[1], streams[2], streams[3]), items, policy, prefix=prefix, supply_share=LOCAL_SHARE
    )


def generate_district(households: int, seed: int, districts: int, district: int) -> Case:
    """District `district` (0-based) of `generate(households, seed, districts=districts)`, alone: its households,
    needs, services, volunteers and its own lots, without the city-wide lots. Made without the other districts, so
    a worker can make its district where it solves it; the city is the districts' tables one after the other plus
    `generate_city_lots`."""
    _check_districts(households, districts)
    if not 0 <= district < districts:
        raise ValueError(f"The 'district' parameter must be in 0..{districts - 1}. Got {district!r}.")
    policy = Policy(plan_date=PLAN_DATE)
    with collector_paused():
        a = _district_area(households, seed, districts, district, policy)
        return Case(
            households=a.households,
            needs=a.needs,
            lots=a.lots,
            volunteers=a.volunteers,
            services=a.services,
            policy=policy,
        )


def generate_city_lots(
    households: int, seed: int, districts: int, demand: dict[str, int] | None = None
) -> tuple[Lot, ...]:
    """The city-wide lots of `generate(households, seed, districts=districts)`: no grid limit, `1 - LOCAL_SHARE` of
    the supply, ids `CITY/L0001`. `demand` (units asked per item over the whole city) is what the districts ask;
    without it the districts are generated to count it."""
    _check_districts(households, districts)
    layout, items = _layout(households, seed, districts)
    if demand is None:
        policy = Policy(plan_date=PLAN_DATE)
        demand = {}
        for d in range(districts):
            for n in _district_area(households, seed, districts, d, policy).needs:
                demand[n.item] = demand.get(n.item, 0) + n.quantity
    asked = np.array([demand.get(name, 0) for name in layout.items], dtype=np.int64)
    return _city_lots(_city_streams(seed, districts)[1], items, asked, layout.names)


def _city_lots(
    rng: np.random.Generator, items: tuple[_Item, ...], demand: IntArray, names: tuple[str, ...]
) -> tuple[Lot, ...]:
    tiers = Policy(plan_date=PLAN_DATE).tier_names
    lots_ = _lots(rng, items, np.rint(demand * (1 - LOCAL_SHARE)).astype(np.int64), list(names), tiers, local=False)
    lw = max(4, len(str(lots_.item.size)))
    return tuple(
        Lot(
            lot_id=f"CITY{DISTRICT_SEP}L{k + 1:0{lw}d}",
            item=items[i].name,
            quantity=q,
            donor=d,
            expires=e,
            reserved_for=t,
        )
        for k, (i, q, d, e, t) in enumerate(
            zip(
                lots_.item.tolist(),
                lots_.quantity.tolist(),
                lots_.donor,
                lots_.expires,
                lots_.reserved_for,
                strict=True,
            )
        )
    )


def _generate_city(households: int, seed: int, districts: int) -> Case:
    """`generate(..., districts=...)`: the districts' tables in district order, then the city-wide lots."""
    layout, items = _layout(households, seed, districts)
    policy = Policy(plan_date=PLAN_DATE)
    areas = [_district_area(households, seed, districts, d, policy) for d in range(districts)]
    demand = np.sum([a.demand for a in areas], axis=0).astype(np.int64)
    city = _city_lots(_city_streams(seed, districts)[1], items, demand, layout.names)
    return Case(
        households=tuple(h for a in areas for h in a.households),
        needs=tuple(n for a in areas for n in a.needs),
        lots=tuple(lot for a in areas for lot in a.lots) + city,
        volunteers=tuple(v for a in areas for v in a.volunteers),
        services=tuple(s for a in areas for s in a.services),
        policy=policy,
    )


# The demo, 幸福里社区: nine buildings of three units, six floors and two flats a floor (ids like 3-2-401),
# about 85% occupied, in three grids.
_DEMO_GRIDS = ("第一网格", "第二网格", "第三网格")  # buildings 1-3, 4-6 and 7-9
_DEMO_SEED = 2026
_DEMO_ITEMS = (
    _Item("大米(袋)", "food", "all", 0.85, 2, True, 0.0, None),
    _Item("食用油(桶)", "food", "all", 0.50, 1, False, 0.0, None),
    _Item("蔬菜包(份)", "food", "all", 0.70, 1, False, 0.0, None),
    _Item("口罩(盒)", "hygiene", "all", 0.60, 1, True, 0.0, None),
    _Item("成人纸尿裤(包)", "hygiene", "frail", 0.50, 2, False, 0.0, None),
    _Item("退烧药(盒)", "medical", "all", 0.12, 1, False, 0.0, None),
    _Item("降压药(盒)", "medical", "chronic", 0.75, 3, False, 0.3, None),
    _Item("血糖试纸(盒)", "medical", "chronic", 0.20, 1, False, 0.0, None),
    _Item("轮椅(台)", "equipment", "disabled", 0.30, 1, False, 1.0, None),
)
# (item, share of its demand, donor, expires, reserved_for, grids); no lot supplies 血糖试纸(盒).
_DEMO_LOTS: tuple[tuple[str, float, str, dt.date | None, str | None, tuple[str, ...] | None], ...] = (
    ("大米(袋)", 0.40, "街道办事处", None, None, None),
    ("大米(袋)", 0.20, "市慈善总会", None, None, None),
    ("大米(袋)", 0.10, "幸福里爱心超市", None, None, None),
    ("食用油(桶)", 1.00, "街道办事处", None, None, None),
    ("食用油(桶)", 0.40, "幸福里爱心超市", None, None, ("第一网格",)),
    ("蔬菜包(份)", 0.30, "幸福里爱心超市", dt.date(2026, 11, 28), None, None),
    ("蔬菜包(份)", 1.05, "区农业农村局", dt.date(2026, 12, 5), None, None),
    ("口罩(盒)", 1.20, "市红十字会", None, None, None),
    ("口罩(盒)", 0.30, "幸福里爱心超市", None, None, ("第一网格",)),
    ("成人纸尿裤(包)", 1.00, "市慈善总会", None, None, None),
    ("退烧药(盒)", 1.30, "仁心大药房", dt.date(2027, 9, 30), None, None),
    ("降压药(盒)", 0.30, "区卫健委", dt.date(2027, 6, 30), "vulnerable", None),
    ("降压药(盒)", 0.25, "仁心大药房", dt.date(2027, 3, 31), None, None),
    ("轮椅(台)", 0.40, "区残联", None, None, None),
)
# (name, grids, hours, skills): one volunteer per 20 households or so; 社区书记 covers every grid.
_DEMO_VOLUNTEERS: tuple[tuple[str, tuple[str, ...], float, tuple[str, ...]], ...] = (
    ("王建国", ("第一网格",), 8.0, ("送医陪护",)),
    ("李秀英", ("第一网格",), 6.0, ("心理疏导",)),
    ("张伟", ("第一网格",), 6.0, ()),
    ("刘洋", ("第一网格",), 4.0, ()),
    ("陈静", ("第二网格",), 8.0, ("上门护理",)),
    ("杨帆", ("第二网格",), 6.0, ()),
    ("赵敏", ("第二网格",), 6.0, ("送医陪护",)),
    ("黄磊", ("第二网格",), 4.0, ()),
    ("周婷", ("第三网格",), 8.0, ("心理疏导",)),
    ("吴刚", ("第三网格",), 6.0, ()),
    ("徐丽", ("第三网格",), 6.0, ("上门护理",)),
    ("孙强", ("第三网格",), 4.0, ()),
    ("胡杰", ("第一网格", "第二网格"), 4.0, ()),
    ("朱琳", ("第二网格", "第三网格"), 4.0, ("送医陪护",)),
    ("林书记", (ALL_GRIDS,), 6.0, ("心理疏导",)),
)
_DEMO_SERVICES = ("送医陪护", "上门护理", "心理疏导")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文德福春梅海燕云飞鹏慧淑珍凤"


def demo_case() -> Case:
    """The bundled demo case: about 270 households, medicine and rice short, one item nobody donated."""
    with collector_paused():
        return _demo()[0]


def write_demo(folder: str | os.PathLike[str]) -> None:
    """Write the demo case with Chinese headers into a new or empty folder, as shipped in `allocate.demo`.

    households.csv gets an extra 户主 (head of household) column after 户号, to show that readers ignore
    columns they do not know.
    """
    with collector_paused():
        case, heads = _demo()
    write_case(case, folder, lang="zh")
    path = Path(folder) / f"{HOUSEHOLDS.stem('zh')}.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    for row, head in zip(rows, ["户主", *heads], strict=True):
        row.insert(1, head)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)  # the dialect write_case uses, so the other cells stay byte for byte


def _demo() -> tuple[Case, list[str]]:
    """The demo case and each household's head (an extra column that readers ignore)."""
    rng = np.random.default_rng(_DEMO_SEED)
    rooms = [
        (f"{b}-{u}-{f}0{r}", (b - 1) // 3)
        for b in range(1, 10)
        for u in range(1, 4)
        for f in range(1, 7)
        for r in range(1, 3)
    ]
    occupied = [room for room, lived in zip(rooms, (rng.random(len(rooms)) < 0.85).tolist(), strict=True) if lived]
    hids = [h for h, _ in occupied]
    n = len(hids)
    members, elders, oldest, disabled, chronic = _residents(rng, n)
    raised = np.zeros(n, dtype=bool)
    raised[rng.choice(n, size=2, replace=False)] = True
    grid = np.array([g for _, g in occupied], dtype=np.int64)
    pop = Population(grid, members, elders, oldest, disabled, chronic, raised)
    policy = Policy(plan_date=PLAN_DATE)
    households = _households(pop, hids, _DEMO_GRIDS, policy.tier_names[1])
    needs, units = _needs(rng, pop, _DEMO_ITEMS, hids)
    demand = {item.name: int(u) for item, u in zip(_DEMO_ITEMS, units, strict=True)}
    lots = tuple(
        Lot(
            lot_id=f"L{k + 1:02d}",
            item=item,
            quantity=max(1, round(share * demand[item])),
            donor=donor,
            expires=expires,
            reserved_for=reserved,
            grids=grids,
        )
        for k, (item, share, donor, expires, reserved, grids) in enumerate(_DEMO_LOTS)
    )
    volunteers = tuple(
        Volunteer(volunteer_id=name, grids=grids, hours=hours, skills=skills)
        for name, grids, hours, skills in _DEMO_VOLUNTEERS
    )
    services = _services(rng, pop, hids, _DEMO_SERVICES, _SERVICE_SKILL_SHARE)
    heads = [
        _SURNAMES[s] + "".join(_GIVEN[c] for c in given)
        for s, given in zip(
            rng.integers(0, len(_SURNAMES), n).tolist(),
            [rng.integers(0, len(_GIVEN), k).tolist() for k in rng.integers(1, 3, n).tolist()],
            strict=True,
        )
    ]
    case = Case(households=households, needs=needs, lots=lots, volunteers=volunteers, services=services, policy=policy)
    return case, heads
