"""The peer model: the straightforward PuLP + CBC formulation of SPEC section 3, as a speed and quality baseline.

This is what a competent modeller writes first, and what issue 5 asks `allocate` to beat by 20x with tier minimum
fills at least as high: integer x[need, lot] for every eligible pair, built row by row with `lpSum`; with
volunteers a binary `delivered[h]` per household, binary delivery visits y[v, h] and service visits z[v, s] for
the volunteers who may make them, and a binary `served[s]` per service. Tier by tier in priority order: maximise
the tier's minimum fill t, hold it, maximise the tier's total fill, then hold every amount the tier received as a
lower bound for the tiers after it. Each solve is CBC with a time limit; on a time-out with a solution, CBC's
answer is used as it is (PuLP then still says "Optimal", so the real status is read from `sol_status`).
CBC's presolve is off: the CBC 2.10.3 that PuLP bundles segfaults in it on the M case (255,049 columns). Each
solve starts from the previous one's answer (a MIP start; all zeros at first), which is feasible for the next
model: without it CBC found no solution within 60 s in M's third tier.

Run it in its own process (`python benchmarks/peer_pulp.py CASE_DIR`): importing pulp next to OR-Tools'
model_builder with HiGHS crashed once in one process.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pulp

from allocate.schema import Case

SOL_STATUS = {
    pulp.LpSolutionOptimal: "optimal",
    pulp.LpSolutionIntegerFeasible: "feasible (time limit)",
    pulp.LpSolutionNoSolutionFound: "no solution found",
    pulp.LpSolutionInfeasible: "infeasible",
    pulp.LpSolutionUnbounded: "unbounded",
}


@dataclass
class PeerResult:
    """Per tier fills of the peer's plan, and where its time went."""

    tiers: list[dict[str, Any]] = field(default_factory=list)  # tier, min_fill, mean_fill (None: empty tier)
    solves: list[dict[str, Any]] = field(default_factory=list)  # tier, step, status, seconds
    build_seconds: float = 0.0  # variables and constraints, including those added between solves
    solve_seconds: float = 0.0  # inside CBC (PuLP writes the model file and reads the answer back in this too)
    variables: int = 0
    constraints: int = 0
    complete: bool = True  # False when a solve found no solution: the tiers after it are not planned

    @property
    def total_seconds(self) -> float:
        """Build and solve: the peer's counterpart of `allocate.solve`."""
        return self.build_seconds + self.solve_seconds


def solve_peer(case: Case, time_limit: float = 60.0, log: Callable[[str], None] = lambda _: None) -> PeerResult:
    """Plan `case` with the peer model; `time_limit` bounds each CBC solve (seconds); `log` hears of progress."""
    result = PeerResult()
    start = time.perf_counter()
    policy = case.policy
    plan_date = policy.effective_date()
    last = len(policy.tiers) - 1
    hh_index = case.household_index
    hh_grid = [h.grid for h in case.households]
    need_tier, service_tier = case.need_tiers, case.service_tiers
    prob = pulp.LpProblem("peer", pulp.LpMaximize)

    lots_of_item: dict[str, list[int]] = defaultdict(list)
    for k, lot in enumerate(case.lots):
        if lot.quantity > 0 and lot.usable_on(plan_date):
            lots_of_item[lot.item].append(k)
    reserve = [last if lot.reserved_for is None else policy.rank(lot.reserved_for) for lot in case.lots]

    x: dict[tuple[int, int], pulp.LpVariable] = {}
    for n, need in enumerate(case.needs):
        grid = hh_grid[hh_index[need.household_id]]
        for k in lots_of_item.get(need.item, ()):
            lot = case.lots[k]
            if need_tier[n] <= reserve[k] and (lot.grids is None or grid in lot.grids):
                x[n, k] = pulp.LpVariable(f"x_{n}_{k}", 0, min(need.quantity, lot.quantity), pulp.LpInteger)
    by_need: dict[int, list[pulp.LpVariable]] = defaultdict(list)
    by_lot: dict[int, list[pulp.LpVariable]] = defaultdict(list)
    for (n, k), var in x.items():
        by_need[n].append(var)
        by_lot[k].append(var)
    received = [pulp.lpSum(by_need.get(n, [])) for n in range(len(case.needs))]
    for k, row in by_lot.items():
        prob += pulp.lpSum(row) <= case.lots[k].quantity, f"lot_{k}"
    for n, need in enumerate(case.needs):
        if n not in by_need:
            continue
        if need.all_or_nothing:
            whole = pulp.LpVariable(f"whole_{n}", cat=pulp.LpBinary)
            prob += received[n] == need.quantity * whole, f"aon_{n}"
        else:
            prob += received[n] <= need.quantity, f"ask_{n}"

    served = [pulp.LpAffineExpression() for _ in case.services]
    if case.volunteers is not None:
        served = _volunteers(prob, case, received, hh_grid)
    result.build_seconds += time.perf_counter() - start
    log(f"model built: {len(x)} pairs, {result.build_seconds:.1f} s")

    for rank, name in enumerate(policy.tier_names):
        needs = [n for n, t in enumerate(need_tier) if t == rank]
        services = [s for s, t in enumerate(service_tier) if t == rank]
        if not needs and not services:
            continue
        start = time.perf_counter()
        floor = pulp.LpVariable(f"min_fill_{rank}", 0, 1)
        for n in needs:
            prob += received[n] >= case.needs[n].quantity * floor, f"floor_{rank}_{n}"
        for s in services:
            prob += served[s] >= floor, f"floor_{rank}_s{s}"
        prob.setObjective(pulp.LpAffineExpression(floor))
        result.build_seconds += time.perf_counter() - start
        if not _solve(prob, result, name, "max min fill", time_limit, log):
            break
        t = floor.value() or 0.0

        start = time.perf_counter()
        prob += floor >= t - 1e-9, f"hold_min_{rank}"
        prob.setObjective(
            pulp.lpSum(received[n] * (1.0 / case.needs[n].quantity) for n in needs)
            + pulp.lpSum(served[s] for s in services)
        )
        result.build_seconds += time.perf_counter() - start
        if not _solve(prob, result, name, "max total fill", time_limit, log):
            break

        start = time.perf_counter()
        for n in needs:
            got = round(pulp.value(received[n]) or 0)
            if got > 0:
                prob += received[n] >= got, f"hold_{rank}_{n}"
        for s in services:
            if round(pulp.value(served[s]) or 0) > 0:
                prob += served[s] >= 1, f"hold_{rank}_s{s}"
        result.build_seconds += time.perf_counter() - start

    result.variables, result.constraints = len(prob.variables()), len(prob.constraints)
    need_fill = [(pulp.value(received[n]) or 0) / need.quantity for n, need in enumerate(case.needs)]
    service_fill = [float(round(pulp.value(served[s]) or 0)) for s in range(len(case.services))]
    for rank, name in enumerate(policy.tier_names):
        fills = [f for f, t in zip(need_fill, need_tier, strict=True) if t == rank]
        fills += [f for f, t in zip(service_fill, service_tier, strict=True) if t == rank]
        result.tiers.append(
            {
                "tier": name,
                "min_fill": min(fills) if fills else None,
                "mean_fill": sum(fills) / len(fills) if fills else None,
            }
        )
    return result


def _volunteers(
    prob: pulp.LpProblem, case: Case, received: list[pulp.LpAffineExpression], hh_grid: list[str]
) -> list[pulp.LpAffineExpression]:
    """Delivery and service visits with hours; returns each service's `served` binary (as an expression)."""
    volunteers = case.volunteers or ()
    hh_index = case.household_index
    hours: dict[int, list[pulp.LpAffineExpression]] = defaultdict(list)
    receivers: dict[int, list[int]] = defaultdict(list)
    for n, need in enumerate(case.needs):
        receivers[hh_index[need.household_id]].append(n)
    covering = {g: [v for v, vol in enumerate(volunteers) if vol.covers(g)] for g in set(hh_grid)}
    for h, needs in receivers.items():
        visitors = covering[hh_grid[h]]
        delivered = pulp.LpVariable(f"delivered_{h}", cat=pulp.LpBinary)
        for n in needs:
            prob += received[n] <= case.needs[n].quantity * delivered, f"deliver_{n}"
        y = [pulp.LpVariable(f"y_{v}_{h}", cat=pulp.LpBinary) for v in visitors]
        prob += pulp.lpSum(y) == delivered, f"visit_{h}"
        for v, var in zip(visitors, y, strict=True):
            hours[v].append(case.policy.visit_hours * var)
    served: list[pulp.LpAffineExpression] = []
    for s, service in enumerate(case.services):
        grid = hh_grid[hh_index[service.household_id]]
        doers = [v for v in covering[grid] if service.skill in volunteers[v].skills]
        done = pulp.LpVariable(f"served_{s}", cat=pulp.LpBinary)
        z = [pulp.LpVariable(f"z_{v}_{s}", cat=pulp.LpBinary) for v in doers]
        prob += pulp.lpSum(z) == done, f"service_{s}"
        for v, var in zip(doers, z, strict=True):
            hours[v].append(service.hours * var)
        served.append(pulp.LpAffineExpression(done))
    for v, terms in hours.items():
        prob += pulp.lpSum(terms) <= volunteers[v].hours, f"hours_{v}"
    return served


def _solve(
    prob: pulp.LpProblem, result: PeerResult, tier: str, step: str, time_limit: float, log: Callable[[str], None]
) -> bool:
    """One CBC solve, recorded with its real status; False when it found no solution to go on from."""
    start = time.perf_counter()
    prob.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, presolve=False, warmStart=True))
    seconds = time.perf_counter() - start
    result.solve_seconds += seconds
    status = SOL_STATUS.get(prob.sol_status, f"unknown ({prob.sol_status})")
    result.solves.append({"tier": tier, "step": step, "status": status, "seconds": seconds})
    log(f"{tier}, {step}: {status} in {seconds:.1f} s")
    found = prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    result.complete = result.complete and found
    return found


def main() -> None:
    """Read a case folder, plan it with the peer model, print the result as JSON (with reading time)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per CBC solve")
    args = parser.parse_args()
    from allocate.io import read_case

    start = time.perf_counter()
    case = read_case(args.case)
    read_seconds = time.perf_counter() - start
    result = solve_peer(case, args.time_limit, log=lambda message: print(message, file=sys.stderr, flush=True))
    out = asdict(result) | {"read_seconds": read_seconds, "total_seconds": result.total_seconds}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
