"""Goods: tier by tier, leximin fill over the eligibility network, in whole units.

Per component (classes and lots linked by eligibility) and per tier, in priority order, with earlier tiers'
class totals held as demands (amounts, not routes, so a reserved lot can be re-routed to the priority
household and an open lot freed for others):

1. **Divisible needs: water-filling over units.** Every unit a need could receive is an element with key
   (fill before the unit, the need's quantity, seeded rank): the lowest current fill first, then the smaller
   quantity (the larger fill after the unit), then the seeded rank. The greedy accepts units in key order while the
   network can still carry them; a unit that does not fit freezes its class (the feasible amounts form an integral
   polymatroid, so a class that cannot take one more unit never can). It runs in bulk: the longest prefix of the
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
   tried on its own.

With `fairness = "none"` a tier instead maximises its total fill through the backend: a network LP (its vertex
solution is integral), or a MIP with one binary per all-or-nothing need when the tier has any; within a class,
needs of the same quantity are filled whole in seeded-rank order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from allocate.backends.base import Backend, LinearProgram
from allocate.core.index import BoolArray, CaseIndex, IntArray
from allocate.core.network import Network


@dataclass
class Component:
    """Classes and lots that share eligibility; solved on their own."""

    lots: IntArray  # global lot ids, in lot order
    classes: list[int]  # global class ids, ascending
    net: Network
    totals: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))  # units per local class


@dataclass
class GoodsProblem:
    """Needs grouped into classes, and classes into components."""

    class_tier: IntArray
    class_needs: list[IntArray]  # global need ids of each class, in case order
    components: list[Component]


def build_problem(index: CaseIndex, served: BoolArray) -> GoodsProblem:
    """Classes of the needs that can receive anything (`served`: the household is delivered and lots exist)."""
    needs = np.flatnonzero(served & index.reachable())
    sigs, need_sig = np.unique(index.need_sig[needs], return_inverse=True)
    sig_key = [
        (it, tier, index.sig_lots[s])
        for it, tier, s in zip(index.sig_item[sigs].tolist(), index.sig_tier[sigs].tolist(), sigs.tolist(), strict=True)
    ]
    ordered = sorted(set(sig_key))
    position = {k: c for c, k in enumerate(ordered)}
    need_cls = np.asarray([position[k] for k in sig_key], np.int64)[need_sig.reshape(-1)]
    by_class = np.argsort(need_cls, kind="stable")  # case order inside each class
    bounds = np.cumsum(np.bincount(need_cls, minlength=len(ordered)))
    class_needs = np.split(needs[by_class], bounds[:-1]) if ordered else []
    class_tier = np.asarray([k[1] for k in ordered], dtype=np.int64)

    parent = list(range(len(ordered)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    owner: dict[int, int] = {}
    for c, (_, _, sig) in enumerate(ordered):
        for lot in sig:
            if lot in owner:
                ra, rb = find(owner[lot]), find(c)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
            else:
                owner[lot] = c
    members: dict[int, list[int]] = {}
    for c in range(len(ordered)):
        members.setdefault(find(c), []).append(c)
    lot_position = {int(k): p for p, k in enumerate(index.lot_order.tolist())}
    components = []
    for classes in members.values():
        lots = sorted({lot for c in classes for lot in ordered[c][2]}, key=lot_position.__getitem__)
        local = {lot: i for i, lot in enumerate(lots)}
        eligible = [[local[lot] for lot in ordered[c][2]] for c in classes]
        arc_lot = np.asarray([lot for el in eligible for lot in el], dtype=np.int64)
        arc_cls = np.asarray([k for k, el in enumerate(eligible) for _ in el], dtype=np.int64)
        net = Network(stock=index.lot_qty[np.asarray(lots, np.int64)], arc_lot=arc_lot, arc_cls=arc_cls)
        components.append(
            Component(
                lots=np.asarray(lots, np.int64), classes=classes, net=net, totals=np.zeros(len(classes), np.int64)
            )
        )
    return GoodsProblem(class_tier=class_tier, class_needs=class_needs, components=components)


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


def solve_goods(index: CaseIndex, problem: GoodsProblem, fairness: str, backend: Backend, count: Counter) -> IntArray:
    """Units each need receives (aligned with the case's needs); fills `Component.totals`."""
    amount = np.zeros(index.need_qty.size, np.int64)
    for comp in problem.components:
        tiers = sorted({int(problem.class_tier[c]) for c in comp.classes})
        for t in tiers:
            _TierSolve(index, problem, comp, t, amount, count).run(fairness, backend)
    return amount


class _TierSolve:
    """One tier of one component: the needs of the tier's classes, with earlier tiers' class totals held."""

    def __init__(
        self, index: CaseIndex, problem: GoodsProblem, comp: Component, tier: int, amount: IntArray, count: Counter
    ) -> None:
        self.index, self.comp, self.amount, self.count = index, comp, amount, count
        tiers = problem.class_tier[np.asarray(comp.classes, np.int64)]
        self.present = tiers <= tier  # classes in the network for this tier
        self.mine = np.flatnonzero(tiers == tier)  # local class ids of this tier
        self.div: dict[int, IntArray] = {}
        self.aon: dict[int, IntArray] = {}
        for c in self.mine.tolist():
            needs = problem.class_needs[comp.classes[c]]
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

    def run(self, fairness: str, backend: Backend) -> None:
        """Solve the tier and write its needs' amounts and its classes' totals."""
        if fairness == "none":
            self._total_fill(backend)
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
        order = np.lexsort((rank[needs][unit_need], per[unit_need], k / per[unit_need]))
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

            run = _longest_prefix(fits, len(candidates) - i)
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
            before = np.sort(amount[tier_needs] / qty[tier_needs])
            saved = amount[tier_needs].copy()
            self._grant(n)
            self._leximin()
            after = np.sort(amount[tier_needs] / qty[tier_needs])
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
    def _total_fill(self, backend: Backend) -> None:
        """Maximise the tier's total fill: a network LP, or a MIP when the tier has all-or-nothing needs."""
        net, qty, rank = self.comp.net, self.index.need_qty, self.index.need_rank
        segments: list[tuple[int, int, int]] = []  # (class, quantity, units asked at that quantity)
        for c in self.mine.tolist():
            needs = self.div[c]
            for qv in np.unique(qty[needs]).tolist():
                segments.append((c, qv, int(qty[needs][qty[needs] == qv].sum())))
        aon = [(c, int(n)) for c in self.mine.tolist() for n in self.aon[c].tolist()]
        amount = self.amount
        for c in self.mine.tolist():
            amount[self.div[c]] = 0
            amount[self.aon[c]] = 0
        if not segments and not aon:
            return
        arcs = np.flatnonzero(self.present[net.arc_cls])
        n_a, n_s, n_b = arcs.size, len(segments), len(aon)
        # columns: arc flows, segment amounts, all-or-nothing choices; rows: lot stocks, then class balances
        seg_cls = np.asarray([s[0] for s in segments], np.int64)
        aon_cls = np.asarray([a[0] for a in aon], np.int64)
        aon_qty = np.asarray([qty[a[1]] for a in aon], np.float64)
        rows = [net.arc_lot[arcs], net.n_lots + net.arc_cls[arcs], net.n_lots + seg_cls, net.n_lots + aon_cls]
        cols = [np.arange(n_a), np.arange(n_a), n_a + np.arange(n_s), n_a + n_s + np.arange(n_b)]
        vals = [np.ones(n_a), np.ones(n_a), -np.ones(n_s), -aon_qty]
        balance = np.where(self.present, self.held, 0).astype(np.float64)
        mip = n_b > 0
        lp = LinearProgram(
            objective=np.concatenate(
                [np.zeros(n_a), 1.0 / np.asarray([s[1] for s in segments], np.float64), np.ones(n_b)]
            ),
            col_lower=np.zeros(n_a + n_s + n_b),
            col_upper=np.concatenate(
                [np.full(n_a, np.inf), np.asarray([s[2] for s in segments], np.float64), np.ones(n_b)]
            ),
            rows=np.concatenate(rows).astype(np.int64),
            cols=np.concatenate(cols).astype(np.int64),
            vals=np.concatenate(vals),
            row_lower=np.concatenate([np.full(net.n_lots, -np.inf), balance]),
            row_upper=np.concatenate([net.stock.astype(np.float64), balance]),
            integer=np.full(n_a + n_s + n_b, mip, np.bool_),
        )
        self.count("mip_solves" if mip else "lp_solves", 1)
        x = np.rint(backend.solve(lp).x[n_a:]).astype(np.int64)
        for (c, qv, _), units in zip(segments, x[:n_s].tolist(), strict=True):
            needs = self.div[c][qty[self.div[c]] == qv]
            for n in sorted(needs.tolist(), key=lambda k: int(rank[k])):
                give = min(units, int(qv))
                amount[n] = give
                units -= give
        for (_, n), take in zip(aon, x[n_s:].tolist(), strict=True):
            amount[n] = qty[n] if take else 0
