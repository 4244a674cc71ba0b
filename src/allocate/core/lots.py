"""Which lot's units each need receives, once every need's amount is fixed.

Per component, a min-cost flow sends each class's total from the lots at cost = the lot's expiry rank, so the
lots that expire first are used first. Inside a class the lots' units are handed to the needs north-west-corner
style (needs in case order, lots in lot order), so each need takes a run of consecutive lots and few are split.
The corner is cut for all classes at once: laid end to end, the needs' units and the lots' units of every class
cover the same stretch of a line, and each row is one piece between consecutive boundaries of either.
"""

from __future__ import annotations

import numpy as np

from allocate.core.goods import Component, Counter, GoodsProblem
from allocate.core.index import CaseIndex, IntArray
from allocate.core.network import min_cost_flow


def assign_lots(
    index: CaseIndex, problem: GoodsProblem, amount: IntArray, count: Counter
) -> tuple[IntArray, IntArray, IntArray]:
    """Rows (need, lot, units) for every need with units, as three aligned arrays in no particular order.

    Class totals are summed from `amount` here, so amounts decided elsewhere (the exact model) are routed alike.
    """
    problem.set_totals(amount)
    need_parts, lot_parts, unit_parts = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for comp in problem.components:
        if comp.totals.sum() == 0:
            continue
        cls, lot, units = _class_lots(index, comp, count)
        order = np.lexsort((lot, cls))  # per local class, lots in lot order
        lot_parts.append(comp.lots[lot[order]])
        unit_parts.append(units[order])
        need_parts.append(np.concatenate([problem.class_needs[c] for c in comp.classes]))
    needs = np.concatenate(need_parts)
    needs = needs[amount[needs] > 0]
    lots, units = np.concatenate(lot_parts), np.concatenate(unit_parts)
    want_end, supply_end = np.cumsum(amount[needs]), np.cumsum(units)
    ends = np.sort(np.concatenate([want_end, supply_end]), kind="stable")  # both ascending: a cheap merge
    ends = ends[np.diff(ends, prepend=0) > 0]
    units = np.diff(ends, prepend=0).astype(np.int64)
    starts = ends - units
    return (
        needs[np.searchsorted(want_end, starts, side="right")],
        lots[np.searchsorted(supply_end, starts, side="right")],
        units,
    )


def _class_lots(index: CaseIndex, comp: Component, count: Counter) -> tuple[IntArray, IntArray, IntArray]:
    """(local class, local lot, units) of every lot -> class arc with flow, from a min-cost flow on expiry rank."""
    net = comp.net
    n_l, n_c = net.n_lots, len(comp.classes)
    demand = int(comp.totals.sum())
    lot0, cls0 = 2, 2 + n_l
    tails = np.concatenate([np.zeros(n_l, np.int64), lot0 + net.arc_lot, cls0 + np.arange(n_c)])
    heads = np.concatenate([lot0 + np.arange(n_l), cls0 + net.arc_cls, np.ones(n_c, np.int64)])
    caps = np.concatenate([net.stock, np.full(net.arc_lot.size, demand, np.int64), comp.totals])
    costs = np.concatenate([np.zeros(n_l, np.int64), index.lot_cost[comp.lots][net.arc_lot], np.zeros(n_c, np.int64)])
    supplies = np.zeros(2 + n_l + n_c, np.int64)
    supplies[0], supplies[1] = demand, -demand
    solver = min_cost_flow((tails, heads, caps, costs), supplies, count, "lot choice")
    flows = np.asarray(solver.flows(np.arange(n_l, n_l + net.arc_lot.size)), np.int64)
    used = np.flatnonzero(flows)
    return net.arc_cls[used], net.arc_lot[used], flows[used]
