"""The goods network of one component: source -> lots -> classes -> sink, checked with OR-Tools max-flow.

Every class -> sink arc is a demand that must be met, so a vector of class demands is feasible exactly when the
max flow saturates all of them (Gale's theorem for bipartite supply and demand).
The max-flow network is built once per component; each check only sets the class -> sink capacities and solves
again, so a check costs the solve and not the rebuilding of a network thousands of arcs long. `min_cost_flow` is
the one way the core runs a min-cost flow (deliveries, lot choice, the bounds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
        solver = self._solve(demand)
        if int(solver.optimal_flow()) != int(demand.sum()):
            raise RuntimeError("the demand to route is not feasible")
        first = self.n_lots
        return np.asarray(solver.flows(np.arange(first, first + self.arc_lot.size)), np.int64)

    def _solve(self, demand: IntArray) -> SimpleMaxFlow:
        """The network's max flow with these class -> sink capacities (the network is built once, then reused)."""
        if self._check is None:
            self._check = self._build(int(demand.size))
        solver, demand_arcs = self._check
        solver.set_arcs_capacity(demand_arcs, demand.astype(np.int64))
        if solver.solve(0, 1) != solver.OPTIMAL:
            raise RuntimeError("max flow failed")
        return solver

    def _build(self, n_c: int) -> tuple[SimpleMaxFlow, npt.NDArray[np.int32]]:
        """The max-flow network with every demand 0, and its class -> sink arcs (which come last)."""
        from ortools.graph.python import max_flow

        n_l = self.n_lots
        lot0, cls0 = 2, 2 + n_l
        big = int(self.stock.sum()) + 1
        solver = max_flow.SimpleMaxFlow()
        solver.add_arcs_with_capacity(
            np.concatenate([np.zeros(n_l, np.int64), lot0 + self.arc_lot, cls0 + np.arange(n_c)]),
            np.concatenate([lot0 + np.arange(n_l), cls0 + self.arc_cls, np.ones(n_c, np.int64)]),
            np.concatenate([self.stock, np.full(self.arc_lot.size, big, np.int64), np.zeros(n_c, np.int64)]),
        )
        first = n_l + self.arc_lot.size
        return solver, np.arange(first, first + n_c, dtype=np.int32)


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
