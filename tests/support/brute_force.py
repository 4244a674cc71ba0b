"""Brute-force reference for tiny cases: every feasible integer plan, and the best fill vectors.

Written to be obviously correct rather than fast: plain loops straight from SPEC section 3, exact fractions,
and nothing shared with `allocate.verify` or the solver, so it can judge both. It is meant for cases of at most
about 4 needs, 3 lots, quantities up to 3, 2 volunteers and 2 services; larger cases take exponential time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction

from allocate.plan import Allocation, Plan, Visit
from allocate.schema import Case, Lot, Need

Objective = tuple[tuple[Fraction, ...], ...]
"""Per tier, highest priority first: the fills sorted ascending (leximin), or `(total fill,)` (fairness "none").

Python compares these tuples lexicographically, which is exactly "tier by tier, then leximin within a tier"."""

HOURS_TOLERANCE = 1e-9


def eligible(case: Case, need: Need, lot: Lot, day: dt.date) -> bool:
    """SPEC 3.1 for one (need, lot) pair: same item, `reserved_for`, `grids` and `expires` respected."""
    ranks = dict(zip((n.need_id for n in case.needs), case.need_tiers, strict=True))
    grid = next(h.grid for h in case.households if h.household_id == need.household_id)
    if need.item != lot.item:
        return False
    if lot.reserved_for is not None and ranks[need.need_id] > case.policy.rank(lot.reserved_for):
        return False  # a need of rank r may take a lot reserved for rank R iff r <= R
    if lot.grids is not None and grid not in lot.grids:
        return False
    return lot.expires is None or day <= lot.expires


def infeasibilities(case: Case, plan: Plan) -> list[str]:
    """Every way `plan` breaks SPEC section 3 feasibility, in words; empty when it is feasible."""
    out: list[str] = []
    needs = {n.need_id: n for n in case.needs}
    lots = {lot.lot_id: lot for lot in case.lots}
    households = {h.household_id: h for h in case.households}
    if case.policy.plan_date is not None and plan.plan_date != case.policy.plan_date:
        out.append("plan date differs from the policy's")

    # 1. lots: at most their quantity, only to eligible needs
    given: Counter[str] = Counter()
    got: Counter[str] = Counter()
    for a in plan.allocations:
        if a.need_id not in needs or a.lot_id not in lots:
            out.append(f"unknown id in {a}")
            continue
        if not eligible(case, needs[a.need_id], lots[a.lot_id], plan.plan_date):
            out.append(f"lot {a.lot_id} may not give to need {a.need_id}")
        given[a.lot_id] += a.quantity
        got[a.need_id] += a.quantity
    for lot in case.lots:
        if given[lot.lot_id] > lot.quantity:
            out.append(f"lot {lot.lot_id} overdrawn")

    # 2. needs: at most their quantity (whole units by type), all-or-nothing all or nothing
    for n in case.needs:
        if got[n.need_id] > n.quantity:
            out.append(f"need {n.need_id} over-asked")
        if n.all_or_nothing and got[n.need_id] not in (0, n.quantity):
            out.append(f"need {n.need_id} partly filled")

    # 3. volunteers: one delivery per household with goods, none to others; services whole, skilled, covered
    if case.volunteers is None:
        if plan.visits:
            out.append("visits without a volunteers table")
        return out
    volunteers = {v.volunteer_id: v for v in case.volunteers}
    services = {s.service_id: s for s in case.services}
    used = dict.fromkeys(volunteers, 0.0)
    deliveries: Counter[str] = Counter()
    service_visits: Counter[str] = Counter()
    quarantined: Counter[str] = Counter()
    for v in plan.visits:
        vol = volunteers.get(v.volunteer_id)
        home = households.get(v.household_id)
        if vol is None or home is None:
            out.append(f"unknown id in {v}")
            continue
        used[vol.volunteer_id] += v.hours
        if not vol.covers(home.grid):
            out.append(f"{vol.volunteer_id} does not cover {home.grid}")
        if home.quarantined:  # infection control: designated volunteers only, at most the cap each
            quarantined[vol.volunteer_id] += 1
            if not vol.designated:
                out.append(f"{vol.volunteer_id} is not designated but visits quarantined {home.household_id}")
        if v.kind == "delivery":
            if v.service_id is not None or abs(v.hours - case.policy.visit_hours) > HOURS_TOLERANCE:
                out.append(f"bad delivery {v}")
            deliveries[home.household_id] += 1
            continue
        s = services.get(v.service_id or "")
        if s is None:
            out.append(f"unknown service in {v}")
            continue
        if s.household_id != home.household_id or s.skill not in vol.skills:
            out.append(f"wrong household or skill in {v}")
        if abs(v.hours - s.hours) > HOURS_TOLERANCE:
            out.append(f"service {s.service_id} not done whole")
        service_visits[s.service_id] += 1
    with_goods = {needs[nid].household_id for nid, q in got.items() if q > 0}
    for h in case.households:
        if deliveries[h.household_id] != (1 if h.household_id in with_goods else 0):
            out.append(f"household {h.household_id} has {deliveries[h.household_id]} deliveries")
    for sid, count in service_visits.items():
        if count > 1:
            out.append(f"service {sid} visited {count} times")
    cap = case.policy.max_quarantined_visits
    for vol in case.volunteers:
        if used[vol.volunteer_id] > vol.hours + HOURS_TOLERANCE:
            out.append(f"volunteer {vol.volunteer_id} overbooked")
        if cap is not None and quarantined[vol.volunteer_id] > cap:
            out.append(f"volunteer {vol.volunteer_id} over the cap on quarantined visits")
    return out


def earlier_units(case: Case) -> dict[tuple[str, str], tuple[int, int]]:
    """Fairness over rounds, restated: per (household, item), the earlier (received, requested) its fills count, in
    hundredths of a unit: each earlier round's units weighed by decay ** (rounds back - 1), none past the window,
    rounded half up. Empty when the policy counts each round alone."""
    rule = case.policy.over_rounds
    out: dict[tuple[str, str], tuple[int, int]] = {}
    if rule is None:
        return out
    for e in case.earlier:
        if rule.window is not None and e.rounds_ago > rule.window:
            continue
        w = 1.0 if rule.decay is None else rule.decay ** (e.rounds_ago - 1)
        got, asked = out.get((e.household_id, e.item), (0, 0))
        out[e.household_id, e.item] = (
            got + math.floor(e.received * w * 100 + 0.5),
            asked + math.floor(e.requested * w * 100 + 0.5),
        )
    return out


def need_fill(need: Need, units: int, earlier: dict[tuple[str, str], tuple[int, int]]) -> Fraction:
    """A need's fill with `units`: units / quantity, or with earlier rounds counted, the cumulative fill."""
    if not earlier:
        return Fraction(units, need.quantity)
    got, asked = earlier.get((need.household_id, need.item), (0, 0))
    return Fraction(got + 100 * units, asked + 100 * need.quantity)


def objective(case: Case, plan: Plan) -> Objective:
    """The plan's per tier fills (needs and services), as the optimum compares them."""
    got: Counter[str] = Counter()
    for a in plan.allocations:
        got[a.need_id] += a.quantity
    done = {v.service_id for v in plan.visits if v.kind == "service"}
    fills: list[list[Fraction]] = [[] for _ in case.policy.tiers]
    earlier = earlier_units(case)
    for n, rank in zip(case.needs, case.need_tiers, strict=True):
        fills[rank].append(need_fill(n, got[n.need_id], earlier))
    for s, rank in zip(case.services, case.service_tiers, strict=True):
        fills[rank].append(Fraction(1 if s.service_id in done else 0))
    if case.policy.fairness == "none":
        return tuple((sum(f, Fraction(0)),) for f in fills)
    return tuple(tuple(sorted(f)) for f in fills)


def _goods(case: Case, day: dt.date) -> Iterator[tuple[tuple[int, ...], tuple[Allocation, ...]]]:
    """Every allocation of lots to eligible needs within lot and need quantities and all-or-nothing, with the
    units each need receives (aligned with `case.needs`)."""
    per_lot: list[list[tuple[tuple[int, ...], tuple[Allocation, ...]]]] = []
    for lot in case.lots:
        takers = [i for i, n in enumerate(case.needs) if eligible(case, n, lot, day)]
        options = []
        for amounts in itertools.product(*(range(min(case.needs[i].quantity, lot.quantity) + 1) for i in takers)):
            if sum(amounts) <= lot.quantity:
                units = [0] * len(case.needs)
                for i, k in zip(takers, amounts, strict=True):
                    units[i] = k
                rows = tuple(
                    Allocation(need_id=case.needs[i].need_id, lot_id=lot.lot_id, quantity=k)
                    for i, k in zip(takers, amounts, strict=True)
                    if k > 0
                )
                options.append((tuple(units), rows))
        per_lot.append(options)
    for choice in itertools.product(*per_lot):
        got = tuple(map(sum, zip(*(units for units, _ in choice), strict=True))) if choice else (0,) * len(case.needs)
        if all(
            k <= n.quantity and (k in (0, n.quantity) or not n.all_or_nothing)
            for k, n in zip(got, case.needs, strict=True)
        ):
            yield got, tuple(a for _, rows in choice for a in rows)


def _visit_options(case: Case, delivered: Sequence[str]) -> Iterator[tuple[Visit, ...]]:
    """Every way to visit: each household in `delivered` by some volunteer, each service by nobody or somebody."""
    volunteers = case.volunteers or ()
    visit_hours = case.policy.visit_hours
    for deliverers in itertools.product(volunteers, repeat=len(delivered)):
        deliveries = tuple(
            Visit(volunteer_id=v.volunteer_id, household_id=h, kind="delivery", hours=visit_hours)
            for h, v in zip(delivered, deliverers, strict=True)
        )
        for doers in itertools.product((None, *volunteers), repeat=len(case.services)):
            yield deliveries + tuple(
                Visit(
                    volunteer_id=v.volunteer_id,
                    household_id=s.household_id,
                    kind="service",
                    service_id=s.service_id,
                    hours=s.hours,
                )
                for s, v in zip(case.services, doers, strict=True)
                if v is not None
            )


def _delivered(case: Case, allocations: Sequence[Allocation]) -> tuple[str, ...]:
    """Households that receive goods, in case order."""
    with_goods = {n.household_id for n in case.needs for a in allocations if a.need_id == n.need_id}
    return tuple(h.household_id for h in case.households if h.household_id in with_goods)


def feasible_plans(case: Case, day: dt.date | None = None) -> Iterator[Plan]:
    """Every feasible plan (one allocation row per (need, lot) pair used), checked by `infeasibilities`."""
    day = day or case.policy.effective_date()
    for _, allocations in _goods(case, day):
        options = _visit_options(case, _delivered(case, allocations)) if case.volunteers is not None else iter([()])
        for visits in options:
            plan = Plan(case=case, allocations=allocations, visits=visits, plan_date=day)
            if not infeasibilities(case, plan):
                yield plan


def optimal_plan(case: Case, day: dt.date | None = None) -> Plan:
    """A feasible plan with the best objective (the first found among equals).

    Faster than scanning `feasible_plans`, and as sure: which visits are feasible depends on the allocation only
    through the set of households with goods, so visits are enumerated once per such set; the objective depends
    only on the units each need receives and the services done, so goods are tried once per distinct vector of
    units, and visits once per distinct set of services done.
    """
    day = day or case.policy.effective_date()
    visits_for: dict[tuple[str, ...], list[tuple[Visit, ...]]] = {}
    seen: set[tuple[int, ...]] = set()
    best: tuple[Objective, Plan] | None = None
    for vector, allocations in _goods(case, day):
        if vector in seen:
            continue
        seen.add(vector)
        delivered = _delivered(case, allocations)
        if delivered not in visits_for:
            options = list(_visit_options(case, delivered)) if case.volunteers is not None else [()]
            by_services: dict[frozenset[str | None], tuple[Visit, ...]] = {}
            for v in options:
                if not infeasibilities(case, Plan(case=case, allocations=allocations, visits=v, plan_date=day)):
                    by_services.setdefault(frozenset(x.service_id for x in v if x.kind == "service"), v)
            visits_for[delivered] = list(by_services.values())
        for visits in visits_for[delivered]:
            plan = Plan(case=case, allocations=allocations, visits=visits, plan_date=day)
            value = objective(case, plan)
            if best is None or value > best[0]:
                best = (value, plan)
    assert best is not None, "the empty plan is always feasible"
    return best[1]


def best_objective(case: Case, day: dt.date | None = None) -> Objective:
    """The optimal per tier fills of SPEC section 3: what a correct solver's plan must reach exactly."""
    return objective(case, optimal_plan(case, day))


# Reserves (docs/reserves.md), restated here in the oracle's own words: nothing is read from `allocate.rules`.


def _reserve_stages(case: Case, item: str, day: dt.date) -> list[tuple[frozenset[int], int | None, int]]:
    """The stages that share `item`: (needs taking part, most units the stage gives or None, units that must be
    left of the item after the stage), in processing order. Minimum guarantees first, then everyone, then the
    over-and-above reserves, then everyone again if there was one."""
    usable = sum(lot.quantity for lot in case.lots if lot.item == item and (lot.expires is None or day <= lot.expires))
    tiers = dict(zip((n.need_id for n in case.needs), case.need_tiers, strict=True))
    homes = {h.household_id: h for h in case.households}

    def units(r: object) -> int:
        if r.units is not None:  # type: ignore[attr-defined]
            return min(r.units, usable)  # type: ignore[attr-defined]
        return min(int(Fraction(r.share).limit_denominator(10**6) * usable), usable)  # type: ignore[attr-defined]

    def benefits(r: object, i: int) -> bool:
        n = case.needs[i]
        if n.item != r.item:  # type: ignore[attr-defined]
            return False
        if r.tier is not None and case.policy.tier_names[tiers[n.need_id]] != r.tier:  # type: ignore[attr-defined]
            return False
        home = homes[n.household_id]
        return all(
            getattr(r, trait) is None or getattr(home, trait) == getattr(r, trait)
            for trait in ("quarantined", "lives_alone", "disabled", "chronic_illness")
        )

    mine = [r for r in case.policy.reserves if r.item == item]
    everyone = frozenset(i for i, n in enumerate(case.needs) if n.item == item)
    first = [r for r in mine if r.kind == "minimum_guarantee"]
    after = [r for r in mine if r.kind == "over_and_above"]
    out: list[tuple[frozenset[int], int | None, int]] = []
    for r in first:
        out.append((frozenset(i for i in everyone if benefits(r, i)), units(r), 0))
    reachable = {
        i for i in everyone if any(eligible(case, case.needs[i], lot, day) and lot.quantity > 0 for lot in case.lots)
    }
    # the open stage leaves each over-and-above reserve its units, or all its reachable beneficiaries ask if fewer
    keep = sum(min(units(r), sum(case.needs[i].quantity for i in reachable if benefits(r, i))) for r in after)
    out.append((everyone, None, keep))
    for r in after:
        out.append((frozenset(i for i in everyone if benefits(r, i)), units(r), 0))
    if after:
        out.append((everyone, None, 0))
    return out


def staged_objectives(case: Case, day: dt.date | None = None) -> set[Objective]:
    """Every per tier fill vector the policy's reserves may lead to, without volunteers: each item with reserves is
    shared stage by stage, each stage taking a best vector of its participants' fills (tier by tier, leximin, fills
    counting everything received so far) among all feasible unit vectors that change only its participants,
    give at most its units and leave what later reserves keep. A stage may have several best vectors (a tie that
    only a tie-break decides), and later stages may fare differently after each: all are followed, so the answer
    is a set, and a correct engine's plan has one of them. Items without reserves take their one optimum."""
    day = day or case.policy.effective_date()
    assert case.volunteers is None, "reserves are brute-forced without volunteers"
    vectors = {units for units, _ in _goods(case, day)}
    tiers = case.need_tiers
    n_tiers = len(case.policy.tiers)
    per_item: list[tuple[list[int], set[tuple[int, ...]]]] = []
    for item in sorted({n.item for n in case.needs}):
        idx = [i for i, n in enumerate(case.needs) if n.item == item]
        options = sorted({tuple(v[i] for i in idx) for v in vectors})
        if not any(r.item == item for r in case.policy.reserves):
            stages = [(frozenset(idx), None, 0)]
        else:
            stages = _reserve_stages(case, item, day)
        usable = sum(
            lot.quantity for lot in case.lots if lot.item == item and (lot.expires is None or day <= lot.expires)
        )
        memo: dict[tuple[int, tuple[int, ...]], set[tuple[int, ...]]] = {}

        def value(v: tuple[int, ...], who: frozenset[int], idx: list[int] = idx) -> tuple[tuple[Fraction, ...], ...]:
            fills: list[list[Fraction]] = [[] for _ in range(n_tiers)]
            for k, i in enumerate(idx):
                if i in who:
                    fills[tiers[i]].append(Fraction(v[k], case.needs[i].quantity))
            return tuple(tuple(sorted(f)) for f in fills)

        def ends(
            s: int,
            before: tuple[int, ...],
            idx: list[int] = idx,
            options: list[tuple[int, ...]] = options,
            stages: list[tuple[frozenset[int], int | None, int]] = stages,
            usable: int = usable,
            memo: dict[tuple[int, tuple[int, ...]], set[tuple[int, ...]]] = memo,
            value: Callable[[tuple[int, ...], frozenset[int]], object] = value,
        ) -> set[tuple[int, ...]]:
            if s == len(stages):
                return {before}
            if (s, before) in memo:
                return memo[s, before]
            who, cap, keep = stages[s]
            valid = []
            for v in options:
                if any(a < b for a, b in zip(v, before, strict=True)):
                    continue  # a stage only adds
                if any(a != b and i not in who for i, a, b in zip(idx, v, before, strict=True)):
                    continue  # only its participants
                if cap is not None and sum(v) - sum(before) > cap:
                    continue  # at most its units
                if keep and sum(v) - sum(before) > max(usable - keep - sum(before), 0):
                    continue  # the over-and-above reserves' units stay for their stages
                valid.append(v)
            top = max(value(v, who) for v in valid)  # type: ignore[type-var]
            out: set[tuple[int, ...]] = set()
            for v in valid:
                if value(v, who) == top:
                    out |= ends(s + 1, v)
            memo[s, before] = out
            return out

        per_item.append((idx, ends(0, (0,) * len(idx))))
    out: set[Objective] = set()
    for combo in itertools.product(*(finals for _, finals in per_item)):
        final = [0] * len(case.needs)
        for (idx, _), vector in zip(per_item, combo, strict=True):
            for i, k in zip(idx, vector, strict=True):
                final[i] = k
        fills: list[list[Fraction]] = [[] for _ in range(n_tiers)]
        for i, n in enumerate(case.needs):
            fills[tiers[i]].append(Fraction(final[i], n.quantity))
        out.add(tuple(tuple(sorted(f)) for f in fills))
    return out
