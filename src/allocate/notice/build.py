"""What the donors and the public are told (`allocate notice`): a statement per donor and a notice per grid.

A donor's *statement* says where their lots went, summed per item, grid and tier, never per household, and what
expired unused. The donor is a lot's `donor` column; a lot with no donor named stands for itself, under its lot
id. *Expired unused* is the rule of `EXPIRY_WINDOW_DAYS`: the units no household received of a lot whose expiry
date is on or before the plan date plus 7 days (already expired, or expiring before the next weekly round can
give them out). The rest of a lot not given out is *kept* for the next round. So for each item,
donated = given + expired unused + kept.

A grid's *notice* (公示) is for posting: one row per need of each household of the grid, with the household's id
masked (`mask_id`), the need's tier in words, the units asked and received, and the rule that decided it, one
short phrase from the policy's `fairness`. No name, address or phone is ever read (`read_case` does not read
them), and no full household id is printed.

Order, so the same inputs give the same bytes: donors in the order the supplies table first names them (a lot
without a donor where it stands), grids in the order the households table first names them, tiers by priority,
items, lots and household ids as people read them (`allocate.sheets.build.reading_key`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allocate.catalog import Lang, default_tier, message
from allocate.plan import Plan
from allocate.schema.case import Case
from allocate.sheets.build import reading_key

EXPIRY_WINDOW_DAYS = 7
"""A lot whose expiry date is on or before the plan date plus this many days counts its units not given out as
expired unused: they cannot wait for the next (weekly) round."""

_Key = tuple[tuple[tuple[int, int, str], ...], str]  # what `reading_key` gives

MASK = "*"
"""The character that stands for each hidden character of a household id."""


def mask_id(household_id: str) -> str:
    """`household_id` as a public notice shows it: the first and last character kept, each one between as `*`
    (`1-2-501` is `1*****1`); an id of two characters keeps its first (`A*`), one of one character shows `*`.

    The length is kept, so a household can find its own row; at most two characters of the id are ever shown.
    """
    n = len(household_id)
    if n <= 1:
        return MASK * n
    if n == 2:
        return household_id[0] + MASK
    return household_id[0] + MASK * (n - 2) + household_id[-1]


@dataclass(frozen=True)
class Given:
    """Units of a donor's item that households of one grid and tier received."""

    item: str
    grid: str
    tier: str  # the policy's name
    tier_words: str  # the tier as the page shows it
    units: int


@dataclass(frozen=True)
class Expired:
    """Units of one lot no household received, which expire on or before the plan date plus the window."""

    lot_id: str
    item: str
    expires: dt.date
    units: int


@dataclass(frozen=True)
class ItemTotal:
    """A donor's item: donated = given + expired + kept."""

    item: str
    donated: int
    given: int
    expired: int
    kept: int


@dataclass(frozen=True)
class DonorStatement:
    """A donor's page. `named` is False for a lot with no donor: `donor` is then its lot id."""

    donor: str
    named: bool
    lots: tuple[str, ...]
    given: tuple[Given, ...]
    expired: tuple[Expired, ...]
    totals: tuple[ItemTotal, ...]


@dataclass(frozen=True)
class NoticeRow:
    """One need of a household on a grid's notice: masked id, tier, item, units asked and received."""

    masked_id: str
    tier: str
    tier_words: str
    item: str
    asked: int
    received: int


@dataclass(frozen=True)
class GridNotice:
    """A grid's notice for posting: its rows, the households listed and the units they received."""

    grid: str
    rows: tuple[NoticeRow, ...]
    households: int
    units: int


@dataclass(frozen=True)
class Notice:
    """Every donor's statement and every grid's notice for one plan, in `lang`; `rule` is the phrase that
    says how the policy decided (`fairness`)."""

    plan_date: dt.date
    lang: Lang
    rule: str
    expiry_limit: dt.date  # lots expiring on or before this day count their leftovers as expired unused
    donors: tuple[DonorStatement, ...]
    grids: tuple[GridNotice, ...]


def tier_words(name: str, lang: Lang) -> str:
    """A tier as the notice shows it: a default tier in `lang` (危急), a planner's own tier as written."""
    return default_tier(name, lang) or name


def build_notice(case: Case, plan: Plan, lang: Lang = "zh") -> Notice:
    """The donor statements and grid notices of `plan` for `case`, in `lang`.

    The plan is taken as it is: check it first (`verify`) if it was not made by `run` or `solve`.
    """
    households = case.households
    index = case.household_index
    tiers = case.policy.tiers
    need_ids, need_of = case.needs.column("need_id"), case.needs.column("household_id")
    need_at = dict(zip(need_ids, range(len(need_ids)), strict=True))
    grids = households.column("grid")
    lot_of = {lot.lot_id: lot for lot in case.lots}
    day = plan.plan_date
    limit = day + dt.timedelta(days=EXPIRY_WINDOW_DAYS)

    # given[lot][(grid, tier rank)] = units
    given: dict[str, dict[tuple[str, int], int]] = {}
    allocs = plan.allocations
    for need_id, lot_id, quantity in zip(*map(allocs.column, ("need_id", "lot_id", "quantity")), strict=True):
        i = need_at.get(need_id)
        if i is None or lot_id not in lot_of:
            continue
        owner = need_of[i]
        if owner not in index:
            continue
        key = (grids[index[owner]], case.need_tiers[i])
        per = given.setdefault(lot_id, {})
        per[key] = per.get(key, 0) + quantity

    grid_rank = {grid: r for r, grid in enumerate(dict.fromkeys(grids))}
    owners: dict[tuple[str, bool], list[str]] = {}
    for lot in case.lots:
        donor = (lot.donor or "").strip()
        owners.setdefault((donor, True) if donor else (lot.lot_id, False), []).append(lot.lot_id)

    statements = []
    for (donor, named), lot_ids in owners.items():
        units: dict[tuple[str, str, int], int] = {}  # (item, grid, tier rank)
        expired: list[Expired] = []
        totals: dict[str, list[int]] = {}  # item -> donated, given, expired, kept
        for lot_id in lot_ids:
            lot = lot_of[lot_id]
            out = 0
            for (grid, rank), n in given.get(lot_id, {}).items():
                units[(lot.item, grid, rank)] = units.get((lot.item, grid, rank), 0) + n
                out += n
            left = lot.quantity - out
            gone = 0
            if left > 0 and lot.expires is not None and lot.expires <= limit:
                gone = left
                expired.append(Expired(lot_id, lot.item, lot.expires, gone))
            t = totals.setdefault(lot.item, [0, 0, 0, 0])
            t[0] += lot.quantity
            t[1] += out
            t[2] += gone
            t[3] += max(left - gone, 0)
        rows = sorted(
            units.items(), key=lambda kv: (reading_key(kv[0][0]), grid_rank.get(kv[0][1], len(grid_rank)), kv[0][2])
        )
        statements.append(
            DonorStatement(
                donor=donor,
                named=named,
                lots=tuple(sorted(lot_ids, key=reading_key)),
                given=tuple(
                    Given(item, grid, tiers[r].name, tier_words(tiers[r].name, lang), n) for (item, grid, r), n in rows
                ),
                expired=tuple(sorted(expired, key=lambda e: (e.expires, reading_key(e.item), reading_key(e.lot_id)))),
                totals=tuple(ItemTotal(item, *totals[item]) for item in sorted(totals, key=reading_key)),
            )
        )

    got = plan.received
    by_grid: dict[str, list[tuple[int, _Key, _Key, NoticeRow]]] = {}
    for i, need in enumerate(case.needs):
        if need.household_id not in index:
            continue
        rank = case.need_tiers[i]
        name = tiers[rank].name
        row = NoticeRow(
            masked_id=mask_id(need.household_id),
            tier=name,
            tier_words=tier_words(name, lang),
            item=need.item,
            asked=need.quantity,
            received=got.get(need.need_id, 0),
        )
        grid = households[index[need.household_id]].grid
        by_grid.setdefault(grid, []).append((rank, reading_key(need.household_id), reading_key(need.item), row))
    notices = []
    for grid in sorted(by_grid, key=grid_rank.__getitem__):
        entries = sorted(by_grid[grid], key=lambda e: (e[0], e[1], e[2]))
        listed = {e[1] for e in entries}
        rows_ = tuple(e[3] for e in entries)
        notices.append(GridNotice(grid, rows_, len(listed), sum(r.received for r in rows_)))

    return Notice(
        plan_date=day,
        lang=lang,
        rule=message(f"notice_rule_{case.policy.fairness}", lang),
        expiry_limit=limit,
        donors=tuple(statements),
        grids=tuple(notices),
    )
