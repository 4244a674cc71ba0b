"""A published plan as the first tie-break: a correction keeps as much of it as an equally good plan allows.

Where the engine chooses between plans equally good for households, the published plan goes first:

- **Whose units and whose delivery win a tie** (`prefer`): the seeded ranks are replaced by ranks that put first
  the needs with more units in the published plan, and the households it delivered, then the seeded rank. A rank
  is only ever the last key of a tie (`core.goods`, `core.heuristic`, `core.exact`), so this changes which of
  the equally good plans is found, not how good it is; `allocate.solve` checks the result against the plan the
  plain ranks give all the same, and keeps that one should they ever differ for households.
- **Which lot's units each need receives** (`keep_lots`): one min-cost flow per component over needs rather than
  classes, costing first the lot's expiry rank (as `core.lots`: the total is the same least cost) and then one for
  each unit not on a published (need, lot) pair.
- **Who makes each visit** (`keep_visits`): the households delivered and the services done are kept as they are;
  a service goes back to its published volunteer when the rules allow it and that volunteer has the time, and the
  deliveries are handed out again in one min-cost flow costing one per household not delivered by its published
  volunteer (so, given the services, as many published deliveries as possible are kept).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from allocate.core.goods import Counter, GoodsProblem
from allocate.core.index import CaseIndex, IntArray
from allocate.core.network import min_cost_flow
from allocate.core.volunteers import Crew, Roster
from allocate.plan import Allocation, Visit
from allocate.schema import Case


@dataclass(frozen=True)
class Published:
    """A published plan as arrays of the case being planned (ids it no longer has are left out)."""

    need_units: IntArray  # per need: units it had
    pairs: dict[tuple[int, int], int]  # (need, lot) -> units
    delivered_by: IntArray  # per household: the volunteer who delivered it, or -1
    service_by: IntArray  # per service: the volunteer who did it, or -1


def published(case: Case, allocations: Sequence[Allocation], visits: Sequence[Visit]) -> Published:
    """The rows of a published plan matched to `case` by id."""
    need_at = {n: i for i, n in enumerate(case.needs.column("need_id"))}
    lot_at = {lot.lot_id: i for i, lot in enumerate(case.lots)}
    vol_at = {v.volunteer_id: i for i, v in enumerate(case.volunteers or ())}
    service_at = {s.service_id: i for i, s in enumerate(case.services)}
    need_units = np.zeros(len(need_at), np.int64)
    pairs: dict[tuple[int, int], int] = {}
    for a in allocations:
        n = need_at.get(a.need_id)
        if n is None:
            continue
        need_units[n] += a.quantity
        lot = lot_at.get(a.lot_id)
        if lot is not None:
            pairs[n, lot] = pairs.get((n, lot), 0) + a.quantity
    delivered_by = np.full(len(case.households), -1, np.int64)
    service_by = np.full(len(case.services), -1, np.int64)
    for v in visits:
        who = vol_at.get(v.volunteer_id, -1)
        if v.kind == "delivery":
            h = case.household_index.get(v.household_id)
            if h is not None:
                delivered_by[h] = who
        elif v.service_id in service_at:
            service_by[service_at[v.service_id]] = who
    return Published(need_units, pairs, delivered_by, service_by)


def prefer(index: CaseIndex, old: Published) -> CaseIndex:
    """`index` with ranks that break ties towards the published plan: needs by units had (more first), households
    delivered first, then the seeded rank."""
    need_order = np.lexsort((index.need_rank, -old.need_units))
    hh_order = np.lexsort((index.hh_rank, old.delivered_by < 0))
    need_rank, hh_rank = np.empty_like(index.need_rank), np.empty_like(index.hh_rank)
    need_rank[need_order] = np.arange(need_order.size)
    hh_rank[hh_order] = np.arange(hh_order.size)
    return dataclasses.replace(index, need_rank=need_rank, hh_rank=hh_rank)


def keep_lots(
    index: CaseIndex, problem: GoodsProblem, amount: IntArray, old: Published, count: Counter
) -> tuple[IntArray, IntArray, IntArray]:
    """Rows (need, lot, units) for every need with units, as `core.lots.assign_lots` gives them, but keeping as
    many published (need, lot) units as the least expiry cost allows."""
    parts: list[tuple[IntArray, IntArray, IntArray]] = []
    for comp in problem.components:
        needs = np.concatenate([problem.class_needs[c] for c in comp.classes])
        needs = needs[amount[needs] > 0]
        if not needs.size:
            continue
        net = comp.net
        n_l, n_n = net.n_lots, int(needs.size)
        lots_of = [net.arc_lot[net.arc_cls == c] for c in range(len(comp.classes))]
        local = problem.need_class[needs]
        arc_need = np.repeat(np.arange(n_n), [lots_of[c].size for c in local.tolist()])
        arc_lot = np.concatenate([lots_of[c] for c in local.tolist()]).astype(np.int64)
        had = np.asarray(
            [old.pairs.get((int(n), int(lot)), 0) for n, lot in zip(needs[arc_need], comp.lots[arc_lot], strict=True)],
            np.int64,
        )
        kept = np.flatnonzero(had)
        demand = int(amount[needs].sum())
        weight = demand + 1  # one step of expiry rank outweighs every published unit
        cost = index.lot_cost[comp.lots][arc_lot] * weight
        lot0, need0 = 2, 2 + n_l
        tails = np.concatenate([np.zeros(n_l, np.int64), lot0 + arc_lot[kept], lot0 + arc_lot, need0 + np.arange(n_n)])
        heads = np.concatenate(
            [lot0 + np.arange(n_l), need0 + arc_need[kept], need0 + arc_need, np.ones(n_n, np.int64)]
        )
        caps = np.concatenate([net.stock, had[kept], amount[needs][arc_need], amount[needs]])
        costs = np.concatenate([np.zeros(n_l, np.int64), cost[kept], cost + 1, np.zeros(n_n, np.int64)])
        supplies = np.zeros(2 + n_l + n_n, np.int64)
        supplies[0], supplies[1] = demand, -demand
        solver = min_cost_flow((tails, heads, caps, costs), supplies, count, "lot choice")
        first = n_l
        flows = np.asarray(solver.flows(np.arange(first, first + kept.size + arc_need.size)), np.int64)
        pair = np.concatenate([kept, np.arange(arc_need.size)])
        units = np.bincount(pair, weights=flows, minlength=arc_need.size).astype(np.int64)
        used = np.flatnonzero(units)
        parts.append((needs[arc_need[used]], comp.lots[arc_lot[used]], units[used]))
    if not parts:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))  # type: ignore[return-value]


def keep_visits(crew: Crew, roster: Roster, old: Published, count: Counter) -> Roster:
    """`roster` with the same households delivered and services done, as many of them as possible by their
    published volunteer (see the module docstring)."""
    roster = roster.copy()
    _services_back(crew, roster, old)
    _deliveries(crew, roster, old, count)
    _services_back(crew, roster, old)  # deliveries moved may have freed time for a service
    return roster


def _services_back(crew: Crew, roster: Roster, old: Published) -> None:
    """Each done service whose published volunteer may do it and has the time left goes back to them."""
    for s in np.flatnonzero(roster.service >= 0).tolist():
        v, back = int(roster.service[s]), int(old.service_by[s])
        if back < 0 or back == v or back not in set(crew.doers[s].tolist()):
            continue
        ticks, counted = int(crew.service_ticks[s]), int(crew.counts(int(crew.service_hh[s])))
        if roster.left[back] < ticks or roster.capped_left[back] < counted:
            continue
        roster.service[s] = back
        roster.left[v] += ticks
        roster.left[back] -= ticks
        roster.capped_left[v] += counted
        roster.capped_left[back] -= counted


def _deliveries(crew: Crew, roster: Roster, old: Published, count: Counter) -> None:
    """The delivered households handed out again in one min-cost flow over groups (visit class, published
    volunteer), cost one per household not delivered by its published volunteer; the flow of the current roster
    is feasible, so every household stays delivered."""
    households = np.flatnonzero(roster.delivery >= 0)
    if not households.size:
        return
    n_v = crew.n_volunteers
    mine = np.bincount(roster.delivery[households], minlength=n_v)
    room = (roster.left + mine * crew.visit) // crew.visit
    capped_mine = np.bincount(
        roster.delivery[households], weights=crew.capped[crew.hh_class[households]], minlength=n_v
    )
    capped_room = roster.capped_left + capped_mine.astype(np.int64)
    back = old.delivered_by[households]
    keys, group = np.unique(np.stack([crew.hh_class[households], back]), axis=1, return_inverse=True)
    group = group.reshape(-1)
    size = np.bincount(group, minlength=keys.shape[1])
    key_class, key_back = keys[0], keys[1]
    pair_group = np.concatenate([np.full(crew.deliverers[c].size, g) for g, c in enumerate(key_class.tolist())])
    pair_v = np.concatenate([crew.deliverers[c] for c in key_class.tolist()]).astype(np.int64)
    pair_group = pair_group.astype(np.int64)
    capped = crew.capped[key_class[pair_group]] if crew.cap >= 0 else np.zeros(pair_v.size, np.bool_)
    n_g, n_p, n = int(size.size), int(pair_v.size), int(households.size)
    g0, v0 = 2, 2 + n_g
    c0 = v0 + n_v
    cap_arcs = np.arange(n_v) if capped.any() else np.zeros(0, np.int64)
    supplies = np.zeros(c0 + cap_arcs.size, np.int64)
    supplies[0], supplies[1] = n, -n
    arcs = (
        np.concatenate([np.zeros(n_g, np.int64), g0 + pair_group, v0 + np.arange(n_v), c0 + cap_arcs]),
        np.concatenate([g0 + np.arange(n_g), np.where(capped, c0, v0) + pair_v, np.ones(n_v, np.int64), v0 + cap_arcs]),
        np.concatenate([size, np.full(n_p, n), room, np.clip(capped_room[cap_arcs], 0, n)]),
        np.concatenate(
            [
                np.zeros(n_g, np.int64),
                (pair_v != key_back[pair_group]).astype(np.int64),
                np.zeros(n_v + cap_arcs.size, np.int64),
            ]
        ),
    )
    solver = min_cost_flow(arcs, supplies, count, "delivery")
    flow = np.asarray(solver.flows(np.arange(n_g, n_g + n_p)), np.int64)
    delivery = roster.delivery.copy()
    for g in range(n_g):
        members = households[group == g]  # case order
        mine_pairs = np.flatnonzero((pair_group == g) & (flow > 0))
        # the members share their published volunteer: its share first, then the others', in case order
        order = mine_pairs[np.argsort(pair_v[mine_pairs] != key_back[g], kind="stable")]
        takers = np.repeat(pair_v[order], flow[order])
        delivery[members] = takers
    roster.delivery = delivery
    roster.recount(crew)
