"""The master step: the shared (city-wide) lots divided among the parts, before the parts are solved and after.

It sees each part only in aggregate, per item and tier: the units its needs ask (`demand`), and the units its own
lots give them (`cover`). The cover is measured: each part is first solved with its own lots only (the *probe*,
`probe_demand`), so what its lots can give each tier, under every rule inside the district (grid limits, expiry,
earmarks, volunteers), is known exactly. (`part_demand` estimates it without a solve: usable lots of the item
handed to the tiers in priority order, each tier taking from the lots reserved most narrowly first.) The part's
*fill* of an item in a tier is (cover + share) / demand, and the shared lots are divided by the rule a single solve
follows for needs:

1. **Strict priority.** Tier by tier, highest first, and what a higher tier was given is never taken back (a lot
   reserved for a tier gives only to that tier and higher ones; a lot limited to grids, only to the districts
   those grids lie in; an expired lot, to nobody).
2. **Leximin on aggregate fills, in whole units.** Within a tier the lowest fill is raised first: every part that
   still asks rises to a common level (the largest one that the lots can still carry, found by bisection and a
   max-flow feasibility test), then, lowest fill first, each part takes one more unit if the lots can still carry
   it and otherwise stops for good. A part never takes more than its demand less its cover.
3. **Ties** between parts at the same fill go to the part whose `item/district` comes first in the seeded rank
   (`allocate.core.index.seeded_rank` with the policy's seed), so no district is always first.
4. **Swaps.** A share of a lot reserved for tier t may take the place of units tier t got from a part's own open
   lots, which then go to the part's lower tiers (as one solve re-routes a reserved lot to the priority household
   so an open lot reaches the others). The probe says how many such units each tier got (`PartDemand.swap`), and
   the max-flow has a path for them: (part, t) -> (part, t, r) -> (part, t') for t < t' <= r.
5. **Divided again once the parts are solved** (`allocate.city.solve`). Aggregates over-ask where a part cannot
   use what it is given: its volunteers reach only so many households, or its plan used a share where its own lot
   could serve. So every shared unit is divided once more, the same way, by the needs of the households that can
   receive goods (delivered in the part's plan, or within reach of a volunteer with a visit's hours left), their
   cover being what the part's own lots gave them or could give them with the units its plan left unused
   (`idle_rows`); the parts whose shares changed are solved again.
6. **Return.** Then the units no part used (shares left over, and units the division gave nobody) are divided
   again among the parts whose households that can receive goods are still short, and those parts solved again
   (at most `RETURN_ROUNDS` times). Units that no such need asks for stay unused: no need that could take them is
   short.

Each lot's share per part is then read from one max-flow that carries the divided units (the same graph as the
tests). The master step is small: one item at a time, parts x tiers nodes, a node per shared lot and per swap.
Steps 5 and 6 need each part's plan rows, so `solve_sources` (parts made on the workers, no rows sent back) does
steps 1-4 only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from ortools.graph.python import max_flow

from allocate.city.split import SharedLot
from allocate.core.index import seeded_rank
from allocate.plan import Plan
from allocate.schema import Case, Lot, Policy

IntMatrix = npt.NDArray[np.int64]
IntArray3 = npt.NDArray[np.int64]  # part x tier x tier
_BIG = 1 << 50
RETURN_ROUNDS = 3
"""Most times unused shares are divided again and the receiving parts solved again (step 4)."""
_STEPS = 50  # bisection steps for the common level: far below one unit at any demand the case allows


@dataclass(frozen=True)
class PartDemand:
    """One part in aggregate: per item, units asked per tier and units its own lots could give per tier.

    `swap[item][t][r]` is how many of tier t's covered units came from lots open to tiers down to r (r > t): a share
    of a lot reserved for tier t can take their place and free them for the tiers below, down to r."""

    demand: Mapping[str, tuple[int, ...]]
    cover: Mapping[str, tuple[int, ...]]
    swap: Mapping[str, tuple[tuple[int, ...], ...]] = field(default_factory=dict)


def lot_limits(lots: Sequence[Lot], policy: Policy) -> dict[str, int]:
    """Each lot's lowest-priority tier it may give to (its `reserved_for`, else the last tier), by lot id."""
    last = len(policy.tiers) - 1
    return {lot.lot_id: last if lot.reserved_for is None else policy.rank(lot.reserved_for) for lot in lots}


def probe_demand(case: Case, plan: Plan) -> PartDemand:
    """The aggregate of a part from its probe: `plan` solves the part with its own lots only, and the cover is what
    those lots gave each tier in it (exact where `part_demand` estimates)."""
    allocs = plan.allocations
    rows = list(zip(*map(allocs.column, ("need_id", "lot_id", "quantity")), strict=True))
    return received_demand(case, rows, lot_limits(case.lots, case.policy))


def received_demand(
    case: Case,
    rows: Sequence[tuple[str, str, int]],
    limits: Mapping[str, int] | None = None,
    *,
    usable: Collection[str] | None = None,
) -> PartDemand:
    """A solved part's aggregate: its demand, and as cover what its plan's allocation `rows` gave each tier (with
    `limits`, each lot's lowest tier, also the swap). With `usable` (household ids), only the needs of those
    households count: the ones that can still receive goods."""
    n_tiers = len(case.policy.tiers)
    got: dict[str, int] = {}
    for need, _, units in rows:
        got[need] = got.get(need, 0) + units
    demand: dict[str, list[int]] = {}
    cover: dict[str, list[int]] = {}
    tier_of: dict[str, tuple[str, int]] = {}
    for n, rank in zip(case.needs, case.need_tiers, strict=True):
        if usable is not None and n.household_id not in usable:
            continue
        tier_of[n.need_id] = (n.item, rank)
        demand.setdefault(n.item, [0] * n_tiers)[rank] += n.quantity
        cover.setdefault(n.item, [0] * n_tiers)[rank] += got.get(n.need_id, 0)
    swap: dict[str, list[list[int]]] = {}
    for need, lot, units in rows if limits is not None else ():
        where = tier_of.get(need)
        r = limits.get(lot, 0) if limits is not None else 0
        if where is not None and r > where[1]:
            item, t = where
            swap.setdefault(item, [[0] * n_tiers for _ in range(n_tiers)])[t][r] += units
    return PartDemand(
        {i: tuple(d) for i, d in demand.items()},
        {i: tuple(c) for i, c in cover.items()},
        {i: tuple(tuple(r) for r in m) for i, m in swap.items()},
    )


def idle_rows(
    case: Case, rows: Sequence[tuple[str, str, int]], usable: Collection[str] | None = None
) -> list[tuple[str, str, int]]:
    """Allocation rows that would give the units the part's own lots kept unused (its plan may have used a share
    where an own lot could serve) to its short needs of households `usable` (None: all), tier by tier in priority
    order, lots reserved most narrowly first: with `rows`, the cover its own lots can give."""
    policy = case.policy
    day = policy.effective_date()
    limits = lot_limits(case.lots, policy)
    used: dict[str, int] = {}
    got: dict[str, int] = {}
    for need_id, lot_id, units in rows:
        used[lot_id] = used.get(lot_id, 0) + units
        got[need_id] = got.get(need_id, 0) + units
    grid = {h.household_id: h.grid for h in case.households}
    short: dict[str, list[tuple[int, int, int, str, str, bool]]] = {}
    for k, (n, rank) in enumerate(zip(case.needs, case.need_tiers, strict=True)):
        left = n.quantity - got.get(n.need_id, 0)
        if left > 0 and (usable is None or n.household_id in usable):
            short.setdefault(n.item, []).append((rank, k, left, n.need_id, grid[n.household_id], n.all_or_nothing))
    out: list[tuple[str, str, int]] = []
    for lot in sorted(case.lots, key=lambda one: limits[one.lot_id]):
        left = lot.quantity - used.get(lot.lot_id, 0)
        needs = short.get(lot.item)
        if left <= 0 or not needs or not lot.usable_on(day):
            continue
        needs.sort()
        for j, (rank, k, want, need_id, where, whole) in enumerate(needs):
            if left == 0 or rank > limits[lot.lot_id]:
                break
            if want == 0 or (lot.grids is not None and where not in lot.grids) or (whole and want > left):
                continue
            give = min(want, left)
            left -= give
            needs[j] = (rank, k, want - give, need_id, where, whole)
            out.append((need_id, lot.lot_id, give))
    return out


def part_demand(case: Case) -> PartDemand:
    """The aggregate of a part's case (its own lots only, before any share): demand and cover per item and tier."""
    policy = case.policy
    n_tiers = len(policy.tiers)
    day = policy.effective_date()
    demand: dict[str, list[int]] = {}
    for n, rank in zip(case.needs, case.need_tiers, strict=True):
        demand.setdefault(n.item, [0] * n_tiers)[rank] += n.quantity
    lots: dict[str, list[tuple[int, int]]] = {}
    for lot in case.lots:
        if lot.quantity > 0 and lot.usable_on(day) and lot.item in demand:
            limit = n_tiers - 1 if lot.reserved_for is None else policy.rank(lot.reserved_for)
            lots.setdefault(lot.item, []).append((limit, lot.quantity))
    cover: dict[str, tuple[int, ...]] = {}
    for item, asked in demand.items():
        left = sorted(lots.get(item, []))  # narrowest reservation first
        units = [q for _, q in left]
        got = [0] * n_tiers
        for t in range(n_tiers):
            want = asked[t]
            for k, (limit, _) in enumerate(left):
                if want == 0:
                    break
                if limit >= t and units[k]:
                    take = min(want, units[k])
                    units[k] -= take
                    want -= take
                    got[t] += take
        cover[item] = tuple(got)
    return PartDemand({i: tuple(d) for i, d in demand.items()}, cover)


@dataclass(frozen=True)
class Division:
    """The master step's answer: each shared lot's units per part, and per item the units given per part and tier."""

    shares: Mapping[str, tuple[tuple[int, int], ...]]  # lot id -> ((part, units), ...), units > 0, by part
    given: Mapping[str, tuple[tuple[int, ...], ...]]  # item -> per part, units per tier

    def units(self, part: int) -> dict[str, int]:
        """Units of each shared lot that `part` gets (lots it gets nothing of are absent)."""
        return {lot: u for lot, split in self.shares.items() for p, u in split if p == part}


class _Network:
    """Shared lots of one item -> (part, tier) -> sink: can the lots carry a given matrix of units?

    A swap (`PartDemand.swap`) is a path (part, t) -> (part, t, r) -> (part, t') for t < t' <= r: a unit of a lot
    that reaches tier t takes the place of a unit tier t got from a lot open down to r, which goes to tier t'."""

    def __init__(
        self,
        quantity: list[int],
        parts: list[tuple[int, ...]],
        limit: list[int],
        shape: tuple[int, int],
        swap: IntArray3 | None = None,
    ):
        self.quantity, self.parts, self.limit, self.shape = quantity, parts, limit, shape
        n_parts, n_tiers = shape
        first_part = 2 + len(quantity)
        reach = np.zeros(shape, np.bool_)
        for ps, r in zip(parts, limit, strict=True):
            reach[np.ix_(list(ps), range(r + 1))] = True
        tails, heads, lot_of = [], [], []
        for lot, (ps, r) in enumerate(zip(parts, limit, strict=True)):
            for p in ps:
                for t in range(min(r, n_tiers - 1) + 1):
                    tails.append(2 + lot)
                    heads.append(first_part + p * n_tiers + t)
                    lot_of.append(lot)
        self.tails, self.heads = np.asarray(tails, np.int64), np.asarray(heads, np.int64)
        self.lot_of = np.asarray(lot_of, np.int64)
        self.part_of = (self.heads - first_part) // n_tiers if heads else np.zeros(0, np.int64)
        swap_tails: list[int] = []
        swap_heads: list[int] = []
        swap_caps: list[int] = []
        node = first_part + n_parts * n_tiers
        if swap is not None:
            for p, t, r in zip(*np.nonzero(swap), strict=True):
                if r <= t:
                    continue
                swap_tails.append(first_part + int(p) * n_tiers + int(t))
                swap_heads.append(node)
                swap_caps.append(int(swap[p, t, r]))
                for below in range(int(t) + 1, int(r) + 1):
                    swap_tails.append(node)
                    swap_heads.append(first_part + int(p) * n_tiers + below)
                    swap_caps.append(_BIG)
                node += 1
            for t in range(n_tiers):  # a swap reaches the tiers below it: reach grows tier by tier
                for p, r in zip(*np.nonzero(swap[:, t, :]), strict=True):
                    if r > t and reach[p, t]:
                        reach[p, t + 1 : r + 1] = True
        self.reach = reach
        self.swap_tails = np.asarray(swap_tails, np.int64)
        self.swap_heads = np.asarray(swap_heads, np.int64)
        self.swap_caps = np.asarray(swap_caps, np.int64)

    def _solve(self, units: IntMatrix) -> tuple[bool, max_flow.SimpleMaxFlow, int]:
        n_lots = len(self.quantity)
        flow = max_flow.SimpleMaxFlow()
        flow.add_arcs_with_capacity(
            np.zeros(n_lots, np.int64), np.arange(2, 2 + n_lots, dtype=np.int64), np.asarray(self.quantity, np.int64)
        )
        first = flow.num_arcs()
        flow.add_arcs_with_capacity(self.tails, self.heads, np.full(self.tails.size, _BIG, np.int64))
        if self.swap_tails.size:
            flow.add_arcs_with_capacity(self.swap_tails, self.swap_heads, self.swap_caps)
        flat = units.reshape(-1)
        wanted = np.flatnonzero(flat > 0)
        flow.add_arcs_with_capacity(2 + n_lots + wanted, np.ones(wanted.size, np.int64), flat[wanted])
        total = int(flat.sum())
        if total == 0:
            return True, flow, first
        status = flow.solve(0, 1)
        assert status == flow.OPTIMAL, status
        return flow.optimal_flow() == total, flow, first

    def carries(self, units: IntMatrix) -> bool:
        """Whether the lots can give `units[part, tier]` at once."""
        return self._solve(units)[0]

    def per_lot(self, units: IntMatrix) -> IntMatrix:
        """Units of each lot (rows) to each part (columns) in one way of carrying `units`."""
        ok, flow, first = self._solve(units)
        assert ok
        out = np.zeros((len(self.quantity), self.shape[0]), np.int64)
        if int(units.sum()) and self.tails.size:
            arcs = np.arange(first, first + self.tails.size, dtype=np.int64)
            np.add.at(out, (self.lot_of, self.part_of), flow.flows(arcs))
        return out


def _fill(
    net: _Network, given: IntMatrix, tier: int, base: IntMatrix, demand: IntMatrix, cap: IntMatrix, tie: IntMatrix
) -> None:
    """Raise column `tier` of `given` by leximin on (base + extra) / demand, extra <= cap (see the module doc)."""
    n_parts = given.shape[0]
    active = [p for p in range(n_parts) if cap[p] > 0 and demand[p] > 0 and net.reach[p, tier]]
    extra = np.zeros(n_parts, np.int64)

    def at(level: float) -> IntMatrix:
        out = extra.copy()
        for p in active:
            out[p] = min(int(cap[p]), max(int(extra[p]), int(np.floor(level * demand[p] - base[p] + 1e-9))))
        return out

    def fits(more: IntMatrix) -> bool:
        trial = given.copy()
        trial[:, tier] += more
        return net.carries(trial)

    rounds = 0
    while active:
        rounds += 1
        top = at(1.0)
        if fits(top) or rounds > 4 * n_parts + 8:
            extra = top if fits(top) else extra
            break
        low = min((base[p] + extra[p]) / demand[p] for p in active)
        high = 1.0
        for _ in range(_STEPS):
            mid = (low + high) / 2
            if fits(at(mid)):
                low = mid
            else:
                high = mid
        extra = at(low)
        stopped = set()
        for p in sorted(active, key=lambda p: ((base[p] + extra[p]) / demand[p], tie[p])):
            if extra[p] >= cap[p]:
                continue
            extra[p] += 1
            if not fits(extra):
                extra[p] -= 1
                stopped.add(p)
        active = [p for p in active if p not in stopped and extra[p] < cap[p]]
    given[:, tier] += extra


def divide(
    shared: Sequence[SharedLot], demands: Sequence[PartDemand], names: Sequence[str], policy: Policy
) -> Division:
    """Divide the shared lots among the parts `names` with aggregates `demands` (see the module doc)."""
    n_parts, n_tiers = len(names), len(policy.tiers)
    day = policy.effective_date()
    by_item: dict[str, list[SharedLot]] = {}
    for s in shared:
        if s.lot.quantity > 0 and s.lot.usable_on(day):
            by_item.setdefault(s.lot.item, []).append(s)
    shares: dict[str, list[tuple[int, int]]] = {}
    given_out: dict[str, tuple[tuple[int, ...], ...]] = {}
    for item in sorted(by_item):
        lots = by_item[item]
        zero = (0,) * n_tiers
        demand = np.array([d.demand.get(item, zero) for d in demands], np.int64).reshape(n_parts, n_tiers)
        cover = np.array([d.cover.get(item, zero) for d in demands], np.int64).reshape(n_parts, n_tiers)
        limit = [n_tiers - 1 if s.lot.reserved_for is None else policy.rank(s.lot.reserved_for) for s in lots]
        none = ((0,) * n_tiers,) * n_tiers
        swap = np.array([d.swap.get(item, none) for d in demands], np.int64).reshape(n_parts, n_tiers, n_tiers)
        net = _Network([s.lot.quantity for s in lots], [s.parts for s in lots], limit, (n_parts, n_tiers), swap)
        tie = seeded_rank([f"{item}/{name}" for name in names], policy.seed)
        given = np.zeros((n_parts, n_tiers), np.int64)
        for t in range(n_tiers):  # 1-3: strict priority, leximin on (cover + share) / demand
            _fill(net, given, t, cover[:, t], demand[:, t], np.maximum(demand[:, t] - cover[:, t], 0), tie)
        per_lot = net.per_lot(given)
        for k, s in enumerate(lots):
            split = [(p, int(u)) for p, u in enumerate(per_lot[k].tolist()) if u > 0]
            if split:
                shares[s.lot.lot_id] = split
        given_out[item] = tuple(tuple(int(u) for u in row) for row in given.tolist())
    return Division({lot: tuple(v) for lot, v in shares.items()}, given_out)
