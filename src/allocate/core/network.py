"""The goods network of one component: source -> lots -> classes -> sink, checked with OR-Tools max-flow.

Every class -> sink arc is a demand that must be met, so a vector of class demands is feasible exactly when the
max flow saturates all of them (Gale's theorem for bipartite supply and demand).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.core.index import IntArray


@dataclass
class Network:
    """Lots (local 0..L-1) and classes (local 0..C-1) of a component, and who may give to whom."""

    stock: IntArray  # usable units of each lot
    arc_lot: IntArray  # lot -> class arcs, local indices
    arc_cls: IntArray

    @property
    def n_lots(self) -> int:
        """Number of lots."""
        return int(self.stock.size)


def feasible(net: Network, demand: IntArray) -> bool:
    """Whether the lots can give every class its `demand` at once."""
    from ortools.graph.python import max_flow

    n_l, n_c = net.n_lots, int(demand.size)
    lot0, cls0 = 2, 2 + n_l
    big = int(net.stock.sum()) + 1
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(
        np.concatenate([np.zeros(n_l, np.int64), lot0 + net.arc_lot, cls0 + np.arange(n_c)]),
        np.concatenate([lot0 + np.arange(n_l), cls0 + net.arc_cls, np.ones(n_c, np.int64)]),
        np.concatenate([net.stock, np.full(net.arc_lot.size, big, np.int64), demand.astype(np.int64)]),
    )
    if solver.solve(0, 1) != solver.OPTIMAL:
        raise RuntimeError("max flow failed")
    return int(solver.optimal_flow()) == int(demand.sum())
