"""`solve(case)`: orchestration only. The algorithm lives in `allocate.core`, the LP/MIP engines in `allocate.backends`.

Steps: index the case (`core.index`); with volunteers, decide tier by tier which households get a delivery visit
and which services are done (`core.volunteers`); tier by tier leximin over goods in whole units (`core.goods`);
choose lots (`core.lots`); drop delivery visits to households that end up receiving nothing (and, when others
were left without a delivery, plan the volunteers again without those households, at most `REPLANS` times).

Rows of the returned plan, so that the same input always gives the identical plan:
- allocations in need (case) order, then lot order (expiry date, then lot id; lots that keep come last);
- visits by volunteer (case order), then household (case order), deliveries before services, then service order.
`Plan.stats` holds deterministic counters: the size of the goods problem (components, classes, lot -> class arcs)
and the work done (max-flow and min-cost-flow solves, LP and MIP solves, summed over re-plans).

`Plan.status` is OPTIMAL unless, in some tier, a volunteer task that some volunteer could do was left undone: then
it is FEASIBLE and `Plan.gap` is the largest relative gap, over the tiers, between the needs and services reached
and their bound (0 when a MIP proved the count; see `allocate.core.volunteers`).
"""

from __future__ import annotations

import numpy as np
from pydantic import TypeAdapter

from allocate.backends import get_backend
from allocate.backends.base import Backend
from allocate.core.goods import build_problem, solve_goods
from allocate.core.index import build_index
from allocate.core.lots import assign_lots
from allocate.core.volunteers import plan_volunteers
from allocate.gc_pause import collector_paused
from allocate.plan import Allocation, Plan, Status, Visit
from allocate.schema import Case, Policy

REPLANS = 1
"""Times the volunteers are re-planned when delivered households end up with no goods (their visits are dropped)
while other households or services wait: the second plan skips those households, so the freed hours reach someone
else."""

_ALLOCATIONS = TypeAdapter(tuple[Allocation, ...])
_VISITS = TypeAdapter(tuple[Visit, ...])
"""Rows are validated in bulk, several times faster than one model at a time; the plan around them is assembled
without validating again the case it carries (it was validated when built); the CLI verifies every plan anyway."""

STATS = ("components", "classes", "arcs", "flow_solves", "lp_solves", "mip_solves")
"""The counters every plan's `stats` carries, in this order."""


def solve(case: Case, policy: Policy | None = None, *, backend: str = "auto", time_limit: float | None = None) -> Plan:
    """A feasible plan for `case` that is optimal in the sense of SPEC section 3 (see the module docstring).

    `policy` replaces the case's policy (tiers are recomputed for it); `backend` names the LP/MIP engine
    ("auto", "highs", "ortools", "pulp"); `time_limit` (seconds) bounds each volunteer-packing model.
    """
    if time_limit is not None and not time_limit > 0:
        raise ValueError(f"The 'time_limit' parameter of solve must be a positive number or None. Got {time_limit!r}.")
    engine = get_backend(backend)
    if policy is not None and policy != case.policy:
        case = case.replace(policy=policy)
    with collector_paused():
        return _solve(case, engine, time_limit)


def _solve(case: Case, engine: Backend, time_limit: float | None) -> Plan:
    """`solve` for a case under its own policy."""
    plan_date = case.policy.effective_date()
    stats = dict.fromkeys(STATS, 0)

    def count(name: str, k: int) -> None:
        stats[name] += k

    index = build_index(case, plan_date)
    skip = np.zeros(len(case.households), np.bool_)
    for _ in range(REPLANS + 1):
        vol = plan_volunteers(case, index, engine, time_limit, count, skip)
        problem = build_problem(index, vol.delivered[index.need_hh])
        amount = solve_goods(index, problem, case.policy.fairness, engine, count)
        receives = np.zeros(len(case.households), np.bool_)
        receives[index.need_hh[amount > 0]] = True
        empty = vol.delivered & ~receives
        services_undone = len(case.services) - sum(1 for _, _, s in vol.visits if s >= 0)
        if case.volunteers is None or not empty.any() or not (vol.undelivered or services_undone):
            break  # no hours were held for a delivery that carries nothing, or nobody was waiting for them
        skip |= empty
    row_need, row_lot, row_qty = assign_lots(index, problem, amount, count)
    stats["components"] = len(problem.components)
    stats["classes"] = sum(len(comp.classes) for comp in problem.components)
    stats["arcs"] = sum(int(comp.net.arc_lot.size) for comp in problem.components)

    lot_pos = np.empty(index.lot_order.size, np.int64)
    lot_pos[index.lot_order] = np.arange(index.lot_order.size)
    order = np.lexsort((lot_pos[row_lot], row_need))
    needs, lots = case.needs, case.lots
    allocations = _ALLOCATIONS.validate_python(
        [
            {"need_id": needs[n].need_id, "lot_id": lots[lot].lot_id, "quantity": q}
            for n, lot, q in zip(
                row_need[order].tolist(), row_lot[order].tolist(), row_qty[order].tolist(), strict=True
            )
        ]
    )
    visits = _VISITS.validate_python(
        [
            {
                "volunteer_id": case.volunteers[v].volunteer_id,
                "household_id": case.households[h].household_id,
                "kind": "delivery" if s < 0 else "service",
                "service_id": None if s < 0 else case.services[s].service_id,
                "hours": case.policy.visit_hours if s < 0 else case.services[s].hours,
            }
            for v, h, s in vol.visits
            if s >= 0 or receives[h]
            if case.volunteers is not None
        ]
    )
    return Plan.model_construct(
        case=case,
        allocations=allocations,
        visits=visits,
        plan_date=plan_date,
        status=Status.OPTIMAL if vol.gap is None else Status.FEASIBLE,
        gap=vol.gap,
        backend=engine.name,
        stats=stats,
    )
