"""Goods: tier by tier, leximin fill over the eligibility network, in whole units.

Per component (classes and lots linked by eligibility) and per tier, in priority order, with earlier tiers'
class totals held as demands (amounts, not routes, so a reserved lot can be re-routed to the priority
household and an open lot freed for others):

1. **Divisible needs: water-filling over units.** Every unit a need could receive is an element with key
   (fill before the unit, the need's quantity, seeded rank): the lowest current fill first, then the smaller
   quantity (the larger fill after the unit), then the seeded rank. The greedy accepts units in key order while the
   network can still carry them; a unit that does not fit freezes its class (the feasible amounts form an integral
   polymatroid, so a class that cannot take one more unit never can). Under fairness over rounds the fill is the
   cumulative one, (earlier received + k) / (earlier requested + q) in hundredths (`allocate.rules.over_rounds`),
   and the quantity in the key is that denominator. It runs in bulk: the longest prefix of the
   remaining units that fits is found by galloping and bisection, each test one max-flow over classes, so the
   number of max-flows is about (classes + 1) x log(units), whatever the number of needs. This is the integral
   counterpart of progressive filling, and the property tests check it against brute-force enumeration.
2. **All-or-nothing needs** (fill 0 or 1), in order of quantity then seeded rank, each tried once: granted at
   once when the network can carry the earlier tiers, the granted ones, this one, and one unit for every divisible
   need of the tier that has any (then granting surely lowers the number of zero fills, the first thing leximin
   compares); otherwise, if it fits at all, step 1 is re-run with it held and it is kept only if the tier's
   sorted fill vector became lexicographically larger. A documented heuristic: a sequence of strict improvements,
   not a search over all subsets. The sure test also runs in bulk: the candidates it would grant one after
   another are exactly the longest prefix whose needs the network carries all at once (with the one unit per
   positive divisible need), found by galloping and bisection as in step 1; the candidate after that prefix is
   tried on its own. Under fairness over rounds a need with nothing may still have a positive fill (it counts
   earlier rounds), so there is no sure test: every candidate is tried on its own.

With `fairness = "none"` a tier instead maximises its total fill through the backend: a network LP (its vertex
solution is integral), or a MIP with one binary per all-or-nothing need when the tier has any; within a class,
needs of the same quantity are filled whole in seeded-rank order. Earlier tiers are held by their *objective*
(each one's total fill may not drop), not by their amounts, and are re-decided with the tier: when a higher tier
has equally good choices, the one that leaves the lower tier more is taken.

Only needs whose household is *active* (delivered) take part; `Goods` keeps the amounts and class totals between
tier solves, so that the planner (`core.heuristic`) can deliver more households and solve a tier again, and asks
it how many more units a class could still take (`room`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from allocate.backends.base import Backend, FloatArray, LinearProgram, SolveStatus
from allocate.core.index import BoolArray, CaseIndex, IntArray
from allocate.core.network import Network
from allocate.rules.over_rounds import SCALE
from allocate.rules.reserves import OPEN, Stage


@dataclass
class Component:
    """Classes and lots that share eligibility; solved on their own."""

    lots: IntArray  # global lot ids, in lot order
    classes: list[int]  # global class ids, ascending
    net: Network
    totals: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))  # units per local class
    stages: tuple[Stage, ...] = ()  # its item's reserve stages (`allocate.rules.reserves`); () without reserves


@dataclass
class GoodsProblem:
    """Needs grouped into classes, and classes into components."""

    class_tier: IntArray
    class_needs: list[IntArray]  # global need ids of each class, in case order
    components: list[Component]
    need_comp: IntArray  # per need: its component, -1 when no lot can reach it
    need_class: IntArray  # per need: its class's local index in the component, -1 likewise
    class_benefit: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))  # reserves' bit mask per class

    def set_totals(self, amount: IntArray) -> None:
        """Set every class total to the sum of its needs' `amount`."""
        for comp in self.components:
            comp.totals = np.asarray([int(amount[self.class_needs[c]].sum()) for c in comp.classes], np.int64)


def build_problem(index: CaseIndex) -> GoodsProblem:
    """Classes of the needs that some usable lot may give to, whether or not their household is delivered."""
    needs = np.flatnonzero(index.reachable())
    # a class is also keyed by the reserves its needs benefit from (all 0 without reserves)
    benefit = index.need_benefit[needs] if index.need_benefit.size else np.zeros(needs.size, np.int64)
    width = int(benefit.max(initial=0)) + 1
    codes, need_sig = np.unique(index.need_sig[needs] * width + benefit, return_inverse=True)
    sigs, masks = codes // width, codes % width
    sig_key = [
        (it, tier, index.sig_lots[s], m)
        for it, tier, s, m in zip(
            index.sig_item[sigs].tolist(), index.sig_tier[sigs].tolist(), sigs.tolist(), masks.tolist(), strict=True
        )
    ]
    ordered = sorted(set(sig_key))
    position = {k: c for c, k in enumerate(ordered)}
    need_cls = np.asarray([position[k] for k in sig_key], np.int64)[need_sig.reshape(-1)]
    by_class = np.argsort(need_cls, kind="stable")  # case order inside each class
    bounds = np.cumsum(np.bincount(need_cls, minlength=len(ordered)))
    class_needs = np.split(needs[by_class], bounds[:-1]) if ordered else []
    class_tier = np.asarray([k[1] for k in ordered], dtype=np.int64)
    class_benefit = np.asarray([k[3] for k in ordered], dtype=np.int64)

    parent = list(range(len(ordered)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    owner: dict[int, int] = {}
    first_of_item: dict[int, int] = {}  # items with reserves: every class of the item in one component
    first_with: dict[tuple[int, ...], int] = {}  # the first class with these lots: the others join it
    for c, (it, _, sig, _) in enumerate(ordered):
        joins = [first_with.setdefault(sig, c)]
        if it in index.item_stages:
            joins.append(first_of_item.setdefault(it, c))
        for lot in sig if joins[0] == c else ():  # a class's lots join its component once per set of lots
            joins.append(owner.setdefault(lot, c))
        for other in joins:
            ra, rb = find(other), find(c)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for c in range(len(ordered)):
        members.setdefault(find(c), []).append(c)
    lot_rank = np.empty(index.lot_qty.size, np.int64)
    lot_rank[index.lot_order] = np.arange(index.lot_order.size)
    local = np.zeros(index.lot_qty.size, np.int64)
    as_array: dict[tuple[int, ...], IntArray] = {}
    components = []
    for classes in members.values():
        for c in classes:
            if ordered[c][2] not in as_array:
                as_array[ordered[c][2]] = np.asarray(ordered[c][2], np.int64)
        eligible = [as_array[ordered[c][2]] for c in classes]
        arc_global = np.concatenate(eligible)
        lots = np.unique(arc_global)
        lots = lots[np.argsort(lot_rank[lots])]
        local[lots] = np.arange(lots.size)
        arc_lot = local[arc_global]
        arc_cls = np.repeat(np.arange(len(classes), dtype=np.int64), [e.size for e in eligible])
        net = Network(stock=index.lot_qty[lots], arc_lot=arc_lot, arc_cls=arc_cls)
        components.append(
            Component(
                lots=lots,
                classes=classes,
                net=net,
                totals=np.zeros(len(classes), np.int64),
                stages=index.item_stages.get(ordered[classes[0]][0], ()),
            )
        )
    need_comp = np.full(index.need_qty.size, -1, np.int64)
    need_class = np.full(index.need_qty.size, -1, np.int64)
    for k, comp in enumerate(components):
        for at, c in enumerate(comp.classes):
            need_comp[class_needs[c]] = k
            need_class[class_needs[c]] = at
    return GoodsProblem(
        class_tier=class_tier,
        class_needs=class_needs,
        components=components,
        need_comp=need_comp,
        need_class=need_class,
        class_benefit=class_benefit,
    )


def fills(index: CaseIndex, needs: IntArray, amount: IntArray) -> FloatArray:
    """The fills of `needs` when they receive `amount` (indexed by need): units / quantity, or under fairness over
    rounds the cumulative fill that counts earlier rounds (`allocate.rules.over_rounds`). Ratios of whole numbers
    divided once, so equal fills are equal floats."""
    if not index.earlier.active:
        return amount[needs] / index.need_qty[needs]
    earlier = index.earlier
    return (earlier.received[needs] + SCALE * amount[needs]) / (
        earlier.requested[needs] + SCALE * index.need_qty[needs]
    )


def _unit_keys(index: CaseIndex, needs: IntArray, unit_need: IntArray, k: IntArray) -> tuple[FloatArray, IntArray]:
    """For units (the `k`-th unit of `needs[unit_need]`), the water-filling keys: the need's fill before the unit,
    and the fill's denominator (a smaller one rises more with the unit). Plain fills k / q unless earlier rounds
    count."""
    q = index.need_qty[needs][unit_need]
    if not index.earlier.active:
        return k / q, q
    n = needs[unit_need]
    size = index.earlier.requested[n] + SCALE * q
    return (index.earlier.received[n] + SCALE * k) / size, size


def _longest_prefix(fits: Callable[[int], bool], size: int) -> int:
    """The largest m <= size with fits(m), for a monotone `fits` with fits(0) true: all at once, else galloping
    from 1 and bisection, so about 2 log2(m) tests instead of one per element."""
    if fits(size):
        return size
    lo, hi = 0, 1  # fits(lo) holds, fits(hi) fails once found
    while hi < size and fits(hi):
        lo, hi = hi, min(2 * hi, size)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return lo


Counter = Callable[[str, int], None]
"""Adds to a named work counter of the plan's stats."""


class Goods:
    """The goods side of a plan under construction: each need's units and each class's total, tier by tier.

    `solve_tier` (re)solves one tier over the needs of active households, holding earlier tiers (their class
    totals under leximin, their total fills under "none"); `room` says how many more units each class of a tier
    could take on top of what is given now, which is how the planner tells whether delivering one more household
    would bring it anything.
    """

    def __init__(
        self,
        index: CaseIndex,
        problem: GoodsProblem,
        fairness: str,
        backend: Backend,
        count: Counter,
        *,
        deadline: float | None = None,
        effort: int | None = None,
    ):
        self.index, self.problem, self.fairness, self.backend, self.count = index, problem, fairness, backend, count
        self.amount = np.zeros(index.need_qty.size, np.int64)
        self.best: dict[tuple[int, int], float] = {}  # fairness "none": (component, tier) -> its best total fill
        self.deadline, self.effort = deadline, effort  # for the MIPs of "none" (time.monotonic(); nodes)
        self.stopped = ""  # why a "none" MIP was not solved to proof, if one was not

    def time_left(self) -> float | None:
        """Wall seconds to the deadline (a sliver at least, so an engine still returns what it has), or None."""
        return None if self.deadline is None else max(self.deadline - time.monotonic(), 0.01)

    def solve_tier(self, tier: int, active: BoolArray, components: Sequence[int] | None = None) -> None:
        """Solve `tier` in every component that has classes of it (or only in `components`)."""
        problem = self.problem
        for k in range(len(problem.components)) if components is None else components:
            comp = problem.components[k]
            if (problem.class_tier[np.asarray(comp.classes, np.int64)] == tier).any():
                if comp.stages:
                    _Staged(self, k, tier, active).run()
                else:
                    _TierSolve(self, k, tier, active).run()

    def room(
        self, tier: int, components: Sequence[int] | None = None, wanted: set[tuple[int, int]] | None = None
    ) -> dict[tuple[int, int], int]:
        """(component, local class) -> how many more units that class of `tier` could take while every need of the
        tier that has something keeps something (under leximin; under "none", keeps all it has), the rest held.

        Under leximin that is what a need at zero may claim: taking a unit from a same-tier need that keeps a
        positive fill makes one zero fewer, the first thing leximin compares. One max flow per class with that
        class's demand unbounded: its value beyond the demands is the room (augmenting paths into one class never
        unsaturate another). `wanted` limits the answer to those classes.
        """
        out = {}
        for k in range(len(self.problem.components)) if components is None else components:
            comp = self.problem.components[k]
            demand, mine = self._kept(k, tier)
            for c in np.flatnonzero(mine).tolist():
                if wanted is not None and (k, c) not in wanted:
                    continue
                self.count("flow_solves", 1)
                out[k, c] = comp.net.room(demand, c)
        return out

    def fits(self, tier: int, extra: dict[tuple[int, int], int]) -> bool:
        """Whether the classes can take `extra` units on top of what `room` keeps, all at once."""
        for k in sorted({k for k, _ in extra}):
            demand, _ = self._kept(k, tier)
            for (kk, c), units in extra.items():
                if kk == k:
                    demand[c] += units
            self.count("flow_solves", 1)
            if not self.problem.components[k].net.feasible(demand):
                return False
        return True

    def _kept(self, k: int, tier: int) -> tuple[IntArray, BoolArray]:
        """Component `k`'s class demands that `room` keeps for `tier`, and which classes are the tier's."""
        problem, amount, qty = self.problem, self.amount, self.index.need_qty
        comp = problem.components[k]
        tiers = problem.class_tier[np.asarray(comp.classes, np.int64)]
        demand = np.where(tiers < tier, comp.totals, 0)
        mine = tiers == tier
        for c in np.flatnonzero(mine).tolist():
            if self.fairness == "none":
                demand[c] = comp.totals[c]
                continue
            needs = problem.class_needs[comp.classes[c]]
            got = needs[amount[needs] > 0]
            aon = self.index.need_aon[got]
            demand[c] = int(np.count_nonzero(~aon)) + int(qty[got[aon]].sum())
        return demand, mine


class _TierSolve:
    """One tier of one component: the needs of the tier's classes in active households, earlier tiers held."""

    def __init__(self, goods: Goods, k: int, tier: int, active: BoolArray) -> None:
        problem, index = goods.problem, goods.index
        comp = problem.components[k]
        self.goods, self.k, self.tier, self.active = goods, k, tier, active
        self.index, self.comp, self.amount, self.count = index, comp, goods.amount, goods.count
        tiers = problem.class_tier[np.asarray(comp.classes, np.int64)]
        self.tiers = tiers
        self.present = tiers <= tier  # classes in the network for this tier
        self.mine = np.flatnonzero(tiers == tier)  # local class ids of this tier
        self.div: dict[int, IntArray] = {}
        self.aon: dict[int, IntArray] = {}
        self.idle: list[IntArray] = []  # the tier's needs in households not delivered: they get nothing
        for c in self.mine.tolist():
            needs = problem.class_needs[comp.classes[c]]
            self.idle.append(needs[~active[needs]])
            needs = needs[active[needs]]
            flag = index.need_aon[needs]
            self.div[c], self.aon[c] = needs[~flag], needs[flag]
        self.held = np.where(self.present & (tiers < tier), comp.totals, 0)  # earlier tiers, per class
        self.granted: list[int] = []  # all-or-nothing needs given in full
        self.granted_units = np.zeros_like(self.held)  # their units per class
        self.class_of = {int(n): c for c, needs in self.aon.items() for n in needs.tolist()}  # of each one

    # -- shared pieces -------------------------------------------------------------------------------------------
    def _fits(self, demand: IntArray) -> bool:
        """Whether the component's lots can meet these class demands (classes of later tiers ask nothing)."""
        self.count("flow_solves", 1)
        return self.comp.net.feasible(np.where(self.present, demand, 0))

    def _fixed(self) -> IntArray:
        """Held units per class: earlier tiers plus granted all-or-nothing needs of this tier."""
        return self.held + self.granted_units

    def _grant(self, n: int, sign: int = 1) -> None:
        """Hold (or with sign -1, release) all-or-nothing need `n` in full."""
        if sign > 0:
            self.granted.append(n)
        else:
            self.granted.remove(n)
        self.granted_units[self.class_of[n]] += sign * int(self.index.need_qty[n])

    def run(self) -> None:
        """Solve the tier and write its needs' amounts and its classes' totals."""
        for idle in self.idle:
            self.amount[idle] = 0
        if self.goods.fairness == "none":
            self._total_fill()
        else:
            self._leximin()
            self._grant_aon()
            totals = self.comp.totals
            for c in self.mine.tolist():
                needs = np.concatenate([self.div[c], self.aon[c]])
                totals[c] = int(self.amount[needs].sum())

    # -- leximin -------------------------------------------------------------------------------------------------
    def _leximin(self) -> None:
        """Step 1 of the module docstring: the water-filling greedy over units, in bulk."""
        amount, qty, rank = self.amount, self.index.need_qty, self.index.need_rank
        fixed = self._fixed()
        for c in self.mine.tolist():
            amount[self.aon[c]] = 0
        granted = np.asarray(self.granted, np.int64)
        amount[granted] = qty[granted]
        needs = np.concatenate([self.div[c] for c in self.mine.tolist()])
        cls = np.concatenate([np.full(self.div[c].size, c, np.int64) for c in self.mine.tolist()])
        amount[needs] = 0
        if not needs.size:
            return
        if self._fits(fixed + np.bincount(cls, weights=qty[needs], minlength=fixed.size).astype(np.int64)):
            amount[needs] = qty[needs]  # everyone in full: no units to order
            return
        # every unit (need, k): key (k / q, q, rank); sorted once
        per = qty[needs]
        unit_need = np.repeat(np.arange(needs.size), per)
        start = np.repeat(np.cumsum(per) - per, per)
        k = np.arange(unit_need.size) - start
        fill, size = _unit_keys(self.index, needs, unit_need, k)
        order = np.lexsort((rank[needs][unit_need], size, fill))
        unit_need, unit_cls = unit_need[order], cls[unit_need[order]]
        n_c = fixed.size
        alive = np.ones(unit_need.size, np.bool_)
        taken = np.zeros(n_c, np.int64)
        got = np.zeros(needs.size, np.int64)
        pos = 0
        while True:
            idx = pos + np.flatnonzero(alive[pos:])
            if not idx.size:
                break

            base = fixed + taken

            def fits(m: int, idx: IntArray = idx, base: IntArray = base) -> bool:
                return self._fits(base + np.bincount(unit_cls[idx[:m]], minlength=n_c))

            m = _longest_prefix(fits, idx.size)
            taken += np.bincount(unit_cls[idx[:m]], minlength=n_c)
            got += np.bincount(unit_need[idx[:m]], minlength=needs.size)
            if m == idx.size:
                break
            blocked = int(unit_cls[idx[m]])
            alive[unit_cls == blocked] = False
            pos = int(idx[m]) + 1
        amount[needs] = got

    # -- all-or-nothing ----------------------------------------------------------------------------------------
    def _grant_aon(self) -> None:
        """Step 3 of the module docstring: grant all-or-nothing needs when that makes the tier leximin-better."""
        candidates = [int(n) for c in self.mine.tolist() for n in self.aon[c].tolist()]
        if not candidates:
            return
        qty, rank, amount = self.index.need_qty, self.index.need_rank, self.amount
        candidates.sort(key=lambda n: (int(qty[n]), int(rank[n])))
        class_of = self.class_of
        tier_needs = np.concatenate([np.concatenate([self.div[c], self.aon[c]]) for c in self.mine.tolist()])
        cand_cls = np.asarray([class_of[n] for n in candidates], np.int64)
        cand_qty = qty[np.asarray(candidates, np.int64)]
        pending = False  # granted by the sure test, not yet re-solved
        positive = self._positive()
        i = 0
        while i < len(candidates):
            # the sure test (one zero fill fewer, and no positive fill drops to zero) grants the next candidates in
            # turn while the network carries them all at once: find that run in bulk; the one after it fails it
            sure = self._fixed() + positive
            ahead_cls, ahead_qty = cand_cls[i:], cand_qty[i:]

            def fits(
                m: int, sure: IntArray = sure, ahead_cls: IntArray = ahead_cls, ahead_qty: IntArray = ahead_qty
            ) -> bool:
                return self._fits(
                    sure + np.bincount(ahead_cls[:m], weights=ahead_qty[:m], minlength=sure.size).astype(np.int64)
                )

            # with earlier rounds counted a need at nothing may have a positive fill: no sure test, each one tried
            run = 0 if self.index.earlier.active else _longest_prefix(fits, len(candidates) - i)
            for n in candidates[i : i + run]:
                self._grant(n)
                pending = True
            i += run
            if i == len(candidates):
                break
            n = candidates[i]
            i += 1
            cap = self._fixed()
            cap[class_of[n]] += int(qty[n])
            if not self._fits(cap):
                continue  # cannot be given in full at all
            if pending:
                self._leximin()
                positive = self._positive()
                pending = False
            before = np.sort(fills(self.index, tier_needs, amount))
            saved = amount[tier_needs].copy()
            self._grant(n)
            self._leximin()
            after = np.sort(fills(self.index, tier_needs, amount))
            differ = np.flatnonzero(after != before)
            if not differ.size or after[differ[0]] < before[differ[0]]:
                self._grant(n, -1)
                amount[tier_needs] = saved
            else:
                positive = self._positive()
        if pending:
            self._leximin()

    def _positive(self) -> IntArray:
        """Per class, how many of its divisible needs of this tier receive anything."""
        out = np.zeros_like(self.held)
        for c in self.mine.tolist():
            out[c] = int((self.amount[self.div[c]] > 0).sum())
        return out

    # -- fairness = "none" -------------------------------------------------------------------------------------
    def _total_fill(self) -> None:
        """Maximise the tier's total fill with every earlier tier's total held: an LP, or a MIP with all-or-nothing.

        Earlier tiers' needs are decided again with this one (only their totals are held), so a tie in a higher
        tier is broken in favour of this one; their amounts and class totals are rewritten from the solution.
        """
        goods, comp, qty, rank = self.goods, self.comp, self.index.need_qty, self.index.need_rank
        net, problem = comp.net, goods.problem
        segments: list[tuple[int, int, int]] = []  # (class, quantity, units asked at that quantity)
        seg_needs: list[IntArray] = []
        aon: list[tuple[int, int]] = []  # (class, need)
        involved: list[IntArray] = []
        present = np.flatnonzero(self.present)
        for c in present.tolist():
            if self.tiers[c] == self.tier:
                div, whole = self.div[c], self.aon[c]
            else:  # an earlier tier's class: its needs that received units or could (delivered households)
                needs = problem.class_needs[comp.classes[c]]
                needs = needs[self.active[needs]]
                flag = self.index.need_aon[needs]
                div, whole = needs[~flag], needs[flag]
            for qv in np.unique(qty[div]).tolist():
                members = div[qty[div] == qv]
                segments.append((c, qv, int(qv) * members.size))
                seg_needs.append(members)
            aon += [(c, int(n)) for n in whole.tolist()]
            involved.append(np.concatenate([div, whole]))
        if not segments and not aon:
            comp.totals[self.mine] = 0
            goods.best[self.k, self.tier] = 0.0
            return
        everyone = np.concatenate(involved)
        before = self.amount[everyone].copy()
        self.amount[everyone] = 0
        arcs = np.flatnonzero(self.present[net.arc_cls])
        n_a, n_s, n_b = arcs.size, len(segments), len(aon)
        # columns: arc flows, segment amounts, all-or-nothing choices; rows: lot stocks, class balances, held tiers
        seg_cls = np.asarray([sg[0] for sg in segments], np.int64)
        aon_cls = np.asarray([a[0] for a in aon], np.int64)
        aon_qty = np.asarray([qty[a[1]] for a in aon], np.float64)
        # fills are counted in 1/scale steps: whole numbers when the quantities' lcm is modest, so a held total is
        # exact; otherwise in fractions with a small tolerance
        quantities = sorted({sg[1] for sg in segments} | {int(qty[a[1]]) for a in aon})
        scale = math.lcm(*quantities)
        slack = 0.5
        if scale > EXACT_SCALE:
            scale, slack = 1, HOLD_TOLERANCE
        value = np.concatenate([scale / np.asarray([sg[1] for sg in segments], np.float64), np.full(n_b, scale * 1.0)])
        col_tier = self.tiers[np.concatenate([seg_cls, aon_cls])]
        held = sorted({int(t) for t in col_tier.tolist()} - {self.tier})
        rows = [net.arc_lot[arcs], net.n_lots + net.arc_cls[arcs], net.n_lots + seg_cls, net.n_lots + aon_cls]
        cols = [np.arange(n_a), np.arange(n_a), n_a + np.arange(n_s), n_a + n_s + np.arange(n_b)]
        vals = [np.ones(n_a), np.ones(n_a), -np.ones(n_s), -aon_qty]
        first = net.n_lots + self.tiers.size
        for i, t in enumerate(held):
            mine = np.flatnonzero(col_tier == t)
            rows.append(np.full(mine.size, first + i))
            cols.append(n_a + mine)
            vals.append(value[mine])
        # a held total is a side row, so vertices need not be integral any more: amounts are integer columns then
        mip = n_b > 0 or bool(held)
        lp = LinearProgram(
            objective=np.concatenate([np.zeros(n_a), np.where(col_tier == self.tier, value, 0.0)]),
            col_lower=np.zeros(n_a + n_s + n_b),
            col_upper=np.concatenate(
                [np.full(n_a, np.inf), np.asarray([sg[2] for sg in segments], np.float64), np.ones(n_b)]
            ),
            rows=np.concatenate(rows).astype(np.int64),
            cols=np.concatenate(cols).astype(np.int64),
            vals=np.concatenate(vals),
            row_lower=np.concatenate(
                [
                    np.full(net.n_lots, -np.inf),
                    np.zeros(self.tiers.size),
                    [goods.best[self.k, t] * scale - slack for t in held],
                ]
            ),
            row_upper=np.concatenate(
                [net.stock.astype(np.float64), np.zeros(self.tiers.size), np.full(len(held), np.inf)]
            ),
            integer=np.concatenate([np.zeros(n_a, np.bool_), np.full(n_s + n_b, mip)]),
        )
        self.count("mip_solves" if mip else "lp_solves", 1)
        sol = goods.backend.solve(lp, goods.time_left(), effort=goods.effort if mip else None)
        if sol.status is not SolveStatus.OPTIMAL:
            goods.stopped = f"a total-fill MIP of {int(mip) * (n_s + n_b)} integer variables stopped at its limit"
        if not sol.has_solution:  # keep what the tier had (feasible: deliveries only grow), this tier unimproved
            self.amount[everyone] = before
            goods.best.setdefault((self.k, self.tier), 0.0)
            return
        x = np.rint(sol.x[n_a:]).astype(np.int64)
        amount = self.amount
        for members, (_, qv, _), units in zip(seg_needs, segments, x[:n_s].tolist(), strict=True):
            for n in sorted(members.tolist(), key=lambda k: int(rank[k])):
                give = min(units, int(qv))
                amount[n] = give
                units -= give
        for (_, n), take in zip(aon, x[n_s:].tolist(), strict=True):
            amount[n] = qty[n] if take else 0
        totals = np.zeros(self.tiers.size, np.int64)
        np.add.at(totals, seg_cls, x[:n_s])
        np.add.at(totals, aon_cls, x[n_s:] * aon_qty.astype(np.int64))
        comp.totals[present] = totals[present]
        got = x.astype(np.float64) * value
        goods.best[self.k, self.tier] = float(got[col_tier == self.tier].sum()) / scale


class _Staged:
    """A component whose item has reserves: every stage of `allocate.rules.reserves` in order, and inside each
    stage its participants tier by tier (tiers up to `upto`, the one being solved), leximin on fills that count
    what earlier stages gave, at most the stage's units. Earlier stages are held as class totals (amounts, not
    routes), like earlier tiers. All stages are solved again each time, since a stage before the open one can
    change what a higher tier gets there."""

    def __init__(self, goods: Goods, k: int, upto: int, active: BoolArray) -> None:
        problem = goods.problem
        self.goods, self.index, self.count, self.amount = goods, goods.index, goods.count, goods.amount
        self.comp = comp = problem.components[k]
        classes = np.asarray(comp.classes, np.int64)
        self.tiers, self.masks, self.upto = problem.class_tier[classes], problem.class_benefit[classes], upto
        self.present = self.tiers <= upto
        self.needs: dict[int, IntArray] = {}  # local class -> its needs in delivered households
        for c in np.flatnonzero(self.present).tolist():
            needs = problem.class_needs[comp.classes[c]]
            self.amount[needs] = 0
            self.needs[c] = needs[active[needs]]
        self.total = np.zeros(classes.size, np.int64)

    def run(self) -> None:
        """Solve every stage; write the needs' amounts and the classes' totals."""
        before = 0  # units given in earlier stages
        for stage in self.comp.stages:
            given = 0
            for t in range(self.upto + 1):
                members = [
                    c
                    for c in self.needs
                    if self.tiers[c] == t and (stage.reserve == OPEN or (int(self.masks[c]) >> stage.reserve) & 1)
                ]
                if members:
                    given += self._tier(members, stage.room(given, before, self._keep(stage)))
            before += given
        self.comp.totals[:] = np.where(self.present, self.total, 0)

    def _fits(self, demand: IntArray) -> bool:
        self.count("flow_solves", 1)
        return self.comp.net.feasible(np.where(self.present, demand, 0))

    def _keep(self, stage: Stage) -> int:
        """Units the over-and-above reserves after `stage` keep: each its units, or what its beneficiaries (of the
        tiers solved, in delivered households) ask in all if that is fewer."""
        qty, keep = self.index.need_qty, 0
        for later in stage.later:
            asked = sum(int(qty[n].sum()) for c, n in self.needs.items() if (int(self.masks[c]) >> later.reserve) & 1)
            keep += min(int(later.cap or 0), asked)
        return keep

    def _recount(self, members: list[int]) -> None:
        for c in members:
            self.total[c] = int(self.amount[self.needs[c]].sum())

    def _tier(self, members: list[int], room: int | None) -> int:
        """One tier's participants in one stage, at most `room` more units: water-filling over the divisible
        needs, then all-or-nothing needs with nothing yet granted when that makes the tier's fills
        leximin-larger (as `_TierSolve`, one candidate at a time); the units given."""
        qty, rank, amount, aon = self.index.need_qty, self.index.need_rank, self.amount, self.index.need_aon
        everyone = np.concatenate([self.needs[c] for c in members])
        cls = np.concatenate([np.full(self.needs[c].size, c, np.int64) for c in members])
        div, div_cls = everyone[~aon[everyone]], cls[~aon[everyone]]
        start = amount[everyone].copy()
        before_units = int(start.sum())
        whole = [int(n) for n in everyone[aon[everyone] & (start == 0)].tolist()]
        whole.sort(key=lambda n: (int(qty[n]), int(rank[n])))
        class_of = dict(zip(everyone.tolist(), cls.tolist(), strict=True))
        granted: list[int] = []

        def fill() -> None:
            amount[everyone] = start
            for n in granted:
                amount[n] = qty[n]
            self._recount(members)
            spent = int(amount[everyone].sum()) - before_units
            self._fill(div, div_cls, None if room is None else room - spent)
            self._recount(members)

        fill()
        for n in whole:
            if room is not None and sum(int(qty[g]) for g in [*granted, n]) > room:
                continue  # the stage has not the units
            held = self.total.copy()  # the tier as it started, the granted ones and this one in full
            for c in members:
                held[c] = int(start[cls == c].sum()) + sum(int(qty[g]) for g in [*granted, n] if class_of[g] == c)
            if not self._fits(held):
                continue  # cannot be given in full at all
            fills_before = np.sort(amount[everyone] / qty[everyone])
            saved = amount[everyone].copy()
            granted.append(n)
            fill()
            fills_after = np.sort(amount[everyone] / qty[everyone])
            differ = np.flatnonzero(fills_after != fills_before)
            if not differ.size or fills_after[differ[0]] < fills_before[differ[0]]:
                granted.remove(n)
                amount[everyone] = saved
                self._recount(members)
        return int(amount[everyone].sum()) - before_units

    def _fill(self, needs: IntArray, cls: IntArray, room: int | None) -> None:
        """Water-fill units onto divisible `needs` (of local classes `cls`) on top of what they and every class
        hold, at most `room` units: the lowest fill (counting what is held) first, then the smaller quantity, then
        the seeded rank, while the lots can carry them; a unit that does not fit freezes its class."""
        if not needs.size or (room is not None and room <= 0):
            return
        amount, qty, rank = self.amount, self.index.need_qty, self.index.need_rank
        held = amount[needs]
        per = qty[needs] - held
        unit_need = np.repeat(np.arange(needs.size), per)
        start = np.repeat(np.cumsum(per) - per, per)
        k = held[unit_need] + np.arange(unit_need.size) - start
        q = qty[needs][unit_need]
        order = np.lexsort((rank[needs][unit_need], q, k / q))
        unit_need, unit_cls = unit_need[order], cls[unit_need[order]]
        n_c = self.total.size
        alive = np.ones(unit_need.size, np.bool_)
        taken = np.zeros(n_c, np.int64)
        got = np.zeros(needs.size, np.int64)
        remaining = unit_need.size if room is None else room
        pos = 0
        while remaining > 0:
            idx = (pos + np.flatnonzero(alive[pos:]))[:remaining]
            if not idx.size:
                break
            base = self.total + taken

            def fits(m: int, idx: IntArray = idx, base: IntArray = base) -> bool:
                return self._fits(base + np.bincount(unit_cls[idx[:m]], minlength=n_c))

            m = _longest_prefix(fits, idx.size)
            taken += np.bincount(unit_cls[idx[:m]], minlength=n_c)
            got += np.bincount(unit_need[idx[:m]], minlength=needs.size)
            remaining -= m
            if m == idx.size:
                break  # every unit fits, or the stage's units are all given
            alive[unit_cls == int(unit_cls[idx[m]])] = False  # that class can take no more
            pos = int(idx[m]) + 1
        amount[needs] = held + got


EXACT_SCALE = 10**6
"""Largest lcm of quantities for which a tier's total fill is counted in whole steps (so held exactly)."""
HOLD_TOLERANCE = 1e-6
"""Slack on a held total fill when it cannot be counted in whole steps: above the LP engines' feasibility
tolerance, below the gap between different totals of fractions whose quantities are at most about a thousand."""
