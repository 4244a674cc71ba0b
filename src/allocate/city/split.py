"""Split a city case into parts, one per district, and put a part back together with its share of the city's lots.

A part holds its district's households (in case order), their needs and services, the lots that only its
district's households may receive (*local* lots: every grid the lot is limited to lies in the district), and the
volunteers given to it. A lot that households of several districts may receive (no grid limit, or grids in several
districts) is *shared*: the master step (`allocate.city.master`) divides it among the parts first, and each part
gets its share as a lot with the same id, the share as its quantity, and its grid limit cut to the district.

A volunteer who covers grids of one district belongs to that district's part. One who covers grids of several
(or every grid, `*`) is given whole to one part: the district with the most households among the grids they cover
(`*` covers every household); on a tie, the district with the fewest volunteer hours per household so far (local
volunteers counted first, then the shared ones in case order), then the first district by name. In that part they
cover only its grids. So a volunteer's hours are never split, every visit in the merged plan is within the
volunteer's grids, and nobody is given more hours than offered. A lot or volunteer that reaches no household's grid
goes to no part.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from allocate.checks import fail
from allocate.city.districts import Districts
from allocate.schema import ALL_GRIDS, Case, Household, Lot, Need, Policy, Service, Volunteer


@dataclass(frozen=True)
class PartTables:
    """One district's part before the master step: its own tables, without any shared lot."""

    district: str
    households: int
    case: Case  # the part's households, needs, services, local lots and volunteers, under the city's policy


@dataclass(frozen=True)
class SharedLot:
    """A lot that households of several districts may receive, and the parts (by position) that may get a share."""

    lot: Lot
    parts: tuple[int, ...]


@dataclass(frozen=True)
class CitySplit:
    """A city case in parts: the parts (by district name), the shared lots, and where each shared volunteer went."""

    policy: Policy  # the city's policy with its plan date fixed, so every part plans for the same day
    parts: tuple[PartTables, ...]
    shared: tuple[SharedLot, ...]
    moved: Mapping[str, str]  # volunteer id -> district, for volunteers who cover grids of several districts

    @property
    def independent(self) -> bool:
        """Whether the parts share nothing: no shared lot and no volunteer covering several districts."""
        return not self.shared and not self.moved


def fixed_policy(policy: Policy) -> Policy:
    """The policy with its plan date set (to today when it is open), so that parts solved elsewhere, perhaps after
    midnight, plan for the same day."""
    if policy.plan_date is not None:
        return policy
    return policy.model_copy(update={"plan_date": policy.effective_date()})


def split_city(case: Case, districts: Districts | Mapping[str, str] | None = None) -> CitySplit:
    """The parts of `case`, one per district that has households, in district name order (see the module doc)."""
    if not isinstance(case, Case):
        raise fail("case", "split_city", "an allocate.Case", case)
    where = districts if isinstance(districts, Districts) else Districts(districts)
    if getattr(case.policy, "reserves", ()):
        raise fail(
            "case", "split_city", "a case whose policy has no reserves (a city split does not divide them)", case
        )
    if case.policy.over_rounds is not None:
        raise fail(
            "case",
            "split_city",
            "a case whose policy has no [over_rounds] (a city split does not divide the earlier rounds)",
            case,
        )
    grids = list(dict.fromkeys(h.grid for h in case.households))
    missing = where.missing(grids)
    if missing:
        shown = ", ".join(repr(g) for g in missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise fail("districts", "split_city", "a mapping that names the district of every household's grid", shown)
    district_of = {g: str(where.of(g)) for g in grids}
    names = sorted(set(district_of.values()))
    part_of = {d: k for k, d in enumerate(names)}
    hh_part = {h.household_id: part_of[district_of[h.grid]] for h in case.households}
    sizes = Counter(hh_part.values())
    grid_households = Counter(h.grid for h in case.households)

    def reached(lot_grids: Sequence[str]) -> list[int]:
        return sorted({part_of[district_of[g]] for g in lot_grids if g in district_of})

    local_lots: list[list[Lot]] = [[] for _ in names]
    shared: list[SharedLot] = []
    for lot in case.lots:
        reach = list(range(len(names))) if lot.grids is None else reached(lot.grids)
        if len(reach) == 1:
            local_lots[reach[0]].append(lot)
        elif reach:
            shared.append(SharedLot(lot, tuple(reach)))

    vols: list[list[Volunteer]] = [[] for _ in names]
    moved: dict[str, str] = {}
    if case.volunteers is not None:
        hours = [0.0] * len(names)
        spread: list[tuple[Volunteer, Counter[int]]] = []
        for v in case.volunteers:
            covered: Counter[int] = Counter()
            if ALL_GRIDS in v.grids:
                covered.update({k: sizes[k] for k in range(len(names))})
            else:
                for g in v.grids:
                    if g in district_of:
                        covered[part_of[district_of[g]]] += grid_households[g]
            if len(covered) == 1:
                (k,) = covered
                hours[k] += v.hours
            if covered:
                spread.append((v, covered))
        kept: dict[str, int] = {}
        for v, covered in spread:
            if len(covered) == 1:
                (kept[v.volunteer_id],) = covered
                continue
            most = max(covered.values())
            tied = [k for k, n in covered.items() if n == most]
            k = min(tied, key=lambda p: (hours[p] / sizes[p], p))
            hours[k] += v.hours
            kept[v.volunteer_id] = k
            moved[v.volunteer_id] = names[k]
        for v in case.volunteers:
            k = kept.get(v.volunteer_id, -1)
            if k < 0:
                continue
            if v.volunteer_id in moved and ALL_GRIDS not in v.grids:
                v = v.model_copy(update={"grids": tuple(g for g in v.grids if district_of.get(g) == names[k])})
            vols[k].append(v)

    households: list[list[Household]] = [[] for _ in names]
    for h in case.households:
        households[hh_part[h.household_id]].append(h)
    needs: list[list[Need]] = [[] for _ in names]
    for n in case.needs:
        needs[hh_part[n.household_id]].append(n)
    services: list[list[Service]] = [[] for _ in names]
    for s in case.services:
        services[hh_part[s.household_id]].append(s)
    policy = fixed_policy(case.policy)
    dates = dict.fromkeys(sorted({lot.expires for lot in case.lots}, key=lambda d: (d is None, d)))
    taken = {lot.lot_id for lot in case.lots}
    parts = []
    for k, name in enumerate(names):
        part = Case(
            households=tuple(households[k]),
            needs=tuple(needs[k]),
            lots=tuple(local_lots[k]) + _anchors(dates, {lot.expires for lot in local_lots[k]}, taken),
            volunteers=None if case.volunteers is None else tuple(vols[k]),
            services=tuple(services[k]),
            policy=policy,
        )
        parts.append(PartTables(name, len(households[k]), part))
    return CitySplit(policy, tuple(parts), tuple(shared), moved)


def share_lot(lot: Lot, units: int, district: str, districts: Districts) -> Lot:
    """A part's share of a shared lot: the same id, `units` as its quantity, its grid limit cut to `district`."""
    grids = None if lot.grids is None else tuple(g for g in lot.grids if districts.of(g) == district)
    return lot.model_copy(update={"quantity": units, "grids": grids})


def with_shares(part: Case, shares: Sequence[Lot]) -> Case:
    """The part's case with its shares of the shared lots after its own lots."""
    if not shares:
        return part
    return part.replace(lots=part.lots + tuple(shares))


ANCHOR = "~date"
"""Id prefix of a part's date anchors (see `_anchors`)."""


def _anchors(dates: Mapping[dt.date | None, None], have: set[dt.date | None], taken: set[str]) -> tuple[Lot, ...]:
    """Empty lots that carry the city's expiry dates a part's own lots lack.

    The engine prices a lot by the rank of its expiry date among the case's dates, so a part must see the same dates
    as the city for its lot choice to be the city's; a lot of 0 units gives nothing to anyone and is never in a plan.
    """
    prefix = ANCHOR
    while any(t.startswith(prefix) for t in taken):
        prefix = "~" + prefix
    return tuple(
        Lot(lot_id=f"{prefix}/{d.isoformat() if d else 'none'}", item=prefix, quantity=0, expires=d)
        for d in dates
        if d not in have
    )
