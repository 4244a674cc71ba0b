"""The goods network of one component: source -> lots -> classes -> sink, checked with OR-Tools max-flow.

Every class -> sink arc is a demand that must be met, so a vector of class demands is feasible exactly when the
max flow saturates all of them (Gale's theorem for bipartite supply and demand).
The max-flow network is built once per component; each check only sets the class -> sink capacities and solves
again, so a check costs the solve and not the rebuilding of a network thousands of arcs long. Lots that may give to
exactly the same classes (an item's open lots, whatever their expiry) are one *pool* in it, their stock summed: the
same max flow (a flow through the pool splits among its lots by their stock), with arcs per pool and class rather
than per lot and class (a generated million households has 6,097 classes, 25,218 lots and 3.6 million lot -> class
arcs). `route`, which names lots, keeps a network of the lots themselves. `min_cost_flow` is the one way the core
runs a min-cost flow (deliveries, lot choice, the bounds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from allocate.core.index import IntArray

if TYPE_CHECKING:
    from ortools.graph.python.max_flow import SimpleMaxFlow
    from ortools.graph.python.min_cost_flow import SimpleMinCostFlow


@dataclass
class Network:
    """Lots (local 0..L-1) and classes (local 0..C-1) of a component, and who may give to whom."""

    stock: IntArray  # usable units of each lot
    arc_lot: IntArray  # lot -> class arcs, local indices
    arc_cls: IntArray
    _check: tuple[SimpleMaxFlow, npt.NDArray[np.int32]] | None = field(default=None, init=False, repr=False)
    _routing: tuple[SimpleMaxFlow, npt.NDArray[np.int32]] | None = field(default=None, init=False, repr=False)

    @property
    def n_lots(self) -> int:
        """Number of lots."""
        return int(self.stock.size)

    def feasible(self, demand: IntArray) -> bool:
        """Whether the lots can give every class its `demand` (one entry per class) at once."""
        return int(self._solve(demand).optimal_flow()) == int(demand.sum())

    def max_flow(self, demand: IntArray) -> int:
        """The most units the lots can give towards the class `demand` at once."""
        return int(self._solve(demand).optimal_flow())

    def room(self, demand: IntArray, c: int) -> int:
        """How many units class `c` could take beyond its `demand` while every class still gets its own (which
        must be feasible): the max flow with class `c`'s demand unbounded, less the demands."""
        open_ended = demand.astype(np.int64)
        open_ended[c] = int(self.stock.sum())
        return int(self._solve(open_ended).optimal_flow()) - int(demand.sum())

    def route(self, demand: IntArray) -> IntArray:
        """Units on each lot -> class arc of a flow that meets `demand` (which must be feasible)."""
        if self._routing is None:
            self._routing = _build(self.stock, self.arc_lot, self.arc_cls, int(demand.size))
        solver = _solve(self._routing, demand)
        if int(solver.optimal_flow()) != int(demand.sum()):
            raise RuntimeError("the demand to route is not feasible")
        first = self.n_lots
        return np.asarray(solver.flows(np.arange(first, first + self.arc_lot.size)), np.int64)

    def _solve(self, demand: IntArray) -> SimpleMaxFlow:
        """The max flow of the network of pools with these class -> sink capacities (built once, then reused)."""
        if self._check is None:
            self._check = _build(*self.pools, int(demand.size))
        return _solve(self._check, demand)

    @cached_property
    def pools(self) -> tuple[IntArray, IntArray, IntArray]:
        """Lots that may give to exactly the same classes, merged: each pool's stock and the pool -> class arcs (by
        pool, then class). Pools are numbered by their first lot; a lot that may give to no class adds no stock."""
        by_lot = np.lexsort((self.arc_cls, self.arc_lot))
        lot, cls = self.arc_lot[by_lot], self.arc_cls[by_lot]
        ends = np.cumsum(np.bincount(lot, minlength=self.n_lots))
        pool_of: dict[bytes, int] = {}
        starts = np.r_[0, ends[:-1]]
        pool = np.asarray(
            [pool_of.setdefault(cls[a:b].tobytes(), len(pool_of)) for a, b in zip(starts, ends, strict=True)],
            np.int64,
        ).reshape(-1)
        has = ends > starts
        stock = np.zeros(len(pool_of), np.int64)
        np.add.at(stock, pool[has], self.stock[has])
        first = np.unique(pool[lot], return_index=True)[1]  # a representative lot's arcs for each pool
        keep = np.isin(lot, lot[first])
        return stock, pool[lot[keep]], cls[keep]


def _build(
    stock: IntArray, arc_lot: IntArray, arc_cls: IntArray, n_c: int
) -> tuple[SimpleMaxFlow, npt.NDArray[np.int32]]:
    """The max-flow network of lots (or pools) with `stock` and lot -> class arcs, every demand 0, and its class ->
    sink arcs (which come last)."""
    from ortools.graph.python import max_flow

    n_l = int(stock.size)
    lot0, cls0 = 2, 2 + n_l
    big = int(stock.sum()) + 1
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(
        np.concatenate([np.zeros(n_l, np.int64), lot0 + arc_lot, cls0 + np.arange(n_c)]),
        np.concatenate([lot0 + np.arange(n_l), cls0 + arc_cls, np.ones(n_c, np.int64)]),
        np.concatenate([stock, np.full(arc_lot.size, big, np.int64), np.zeros(n_c, np.int64)]),
    )
    first = n_l + arc_lot.size
    return solver, np.arange(first, first + n_c, dtype=np.int32)


def _solve(network: tuple[SimpleMaxFlow, npt.NDArray[np.int32]], demand: IntArray) -> SimpleMaxFlow:
    """A network's max flow with these class -> sink capacities."""
    solver, demand_arcs = network
    solver.set_arcs_capacity(demand_arcs, demand.astype(np.int64))
    if solver.solve(0, 1) != solver.OPTIMAL:
        raise RuntimeError("max flow failed")
    return solver


def min_cost_flow(
    arcs: tuple[IntArray, IntArray, IntArray, IntArray],
    supplies: IntArray,
    count: Callable[[str, int], None],
    what: str,
) -> SimpleMinCostFlow:
    """A min-cost flow solved: `arcs` as (tails, heads, capacities, unit costs), `supplies` per node (node 0 is the
    source and node 1 the sink everywhere in the core); RuntimeError naming `what` if OR-Tools does not solve it."""
    from ortools.graph.python import min_cost_flow as mcf

    solver = mcf.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(*(np.asarray(a).astype(np.int64) for a in arcs))
    solver.set_nodes_supplies(np.arange(supplies.size), supplies.astype(np.int64))
    count("flow_solves", 1)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"the {what} flow failed ({status})")
    return solver
