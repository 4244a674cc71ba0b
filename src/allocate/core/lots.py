"""Which lot's units each need receives, once every need's amount is fixed.

Per component, a min-cost flow sends each class's total from the lots at cost = the lot's expiry rank, so the
lots that expire first are used first. Inside a class the lots' units are handed to the needs north-west-corner
style (needs in case order, lots in lot order), so each need takes a run of consecutive lots and few are split.
"""

from __future__ import annotations

import numpy as np

from allocate.core.goods import Component, Counter, GoodsProblem
from allocate.core.index import CaseIndex, IntArray


def assign_lots(
    index: CaseIndex, problem: GoodsProblem, amount: IntArray, count: Counter
) -> list[tuple[int, int, int]]:
    """Rows (need, lot, units) for every need with units, in no particular order."""
    rows: list[tuple[int, int, int]] = []
    for comp in problem.components:
        if comp.totals.sum() == 0:
            continue
        per_class = _class_lots(index, comp, count)
        for local, global_cls in enumerate(comp.classes):
            supply = per_class[local]
            if not supply:
                continue
            k = 0
            for n in problem.class_needs[global_cls].tolist():
                want = int(amount[n])
                while want:
                    lot, units = supply[k]
                    give = min(units, want)
                    rows.append((n, int(comp.lots[lot]), give))
                    want -= give
                    if give == units:
                        k += 1
                    else:
                        supply[k] = (lot, units - give)
    return rows


def _class_lots(index: CaseIndex, comp: Component, count: Counter) -> list[list[tuple[int, int]]]:
    """Per local class, (local lot, units) in lot order, from a min-cost flow on expiry rank."""
    from ortools.graph.python import min_cost_flow

    net = comp.net
    n_l, n_c = net.n_lots, len(comp.classes)
    demand = int(comp.totals.sum())
    lot0, cls0 = 2, 2 + n_l
    tails = np.concatenate([np.zeros(n_l, np.int64), lot0 + net.arc_lot, cls0 + np.arange(n_c)])
    heads = np.concatenate([lot0 + np.arange(n_l), cls0 + net.arc_cls, np.ones(n_c, np.int64)])
    caps = np.concatenate([net.stock, np.full(net.arc_lot.size, demand, np.int64), comp.totals])
    costs = np.concatenate([np.zeros(n_l, np.int64), index.lot_cost[comp.lots][net.arc_lot], np.zeros(n_c, np.int64)])
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(2 + n_l + n_c, np.int64)
    supplies[0], supplies[1] = demand, -demand
    solver.set_nodes_supplies(np.arange(supplies.size), supplies)
    count("flow_solves", 1)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = np.asarray(solver.flows(np.arange(n_l, n_l + net.arc_lot.size)), np.int64)
    out: list[list[tuple[int, int]]] = [[] for _ in range(n_c)]
    for lot, cls, f in zip(net.arc_lot.tolist(), net.arc_cls.tolist(), flows.tolist(), strict=True):
        if f:
            out[cls].append((lot, f))
    for supply in out:
        supply.sort()
    return out
