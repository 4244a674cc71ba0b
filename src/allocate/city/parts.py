"""What a worker does with one part: solve it with `allocate.solve`, check it with `allocate.verify`, send back rows.

A part arrives as a `Case` (split from a city case in memory) or as a source that makes its case where it runs
(`GeneratedDistrict`, or any object with a `load() -> Case` method, such as a district's case folder read with
`allocate.read_case`): a city too large for one process is never held whole. The worker adds the part's shares of
the shared lots, solves, verifies against the part's own case, and returns a `PartOutcome`: the plan's rows as
plain tuples (cheap to send, unlike a plan that carries its case), its status and how the part fared.
"""

from __future__ import annotations

import os
import resource
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from allocate.city.master import PartDemand, probe_demand
from allocate.city.split import with_shares
from allocate.plan import Plan, Termination, TierBound, TierStats
from allocate.schema import Case, Lot
from allocate.solve import SolveParams, solve
from allocate.verify import verify

AllocationRow = tuple[str, str, int]  # need id, lot id, units
VisitRow = tuple[
    str, str, Literal["delivery", "service"], str | None, float
]  # volunteer id, household id, kind, service id, hours


@runtime_checkable
class PartSource(Protocol):
    """Makes a part's case (its own tables, no shared lot) where it is called: on the worker."""

    def load(self) -> Case: ...


@dataclass(frozen=True)
class GeneratedDistrict:
    """District `district` of `allocate.generate.generate(households, seed, districts=districts)`, made on the
    worker (`allocate.generate.generate_district`)."""

    households: int
    seed: int
    districts: int
    district: int

    def load(self) -> Case:
        from allocate.generate import generate_district

        return generate_district(self.households, self.seed, self.districts, self.district)


@dataclass(frozen=True)
class PartOutcome:
    """One part solved and verified on a worker: the plan's rows, its standing, and what it cost there."""

    district: str
    households: int
    allocations: tuple[AllocationRow, ...]  # empty when the rows were not asked for (`rows=False`)
    visits: tuple[VisitRow, ...]
    status: str
    termination: Termination | None
    bounds: tuple[TierBound, ...]
    backend: str
    stats: dict[str, int]
    verified: bool
    violations: tuple[str, ...]  # the first few, in words
    tiers: tuple[TierStats, ...]
    seconds: dict[str, float]  # load, solve, verify, write
    peak_rss: int  # bytes: the worker process's peak resident memory so far
    worker: str  # host:pid


def peak_rss() -> int:
    """This process's peak resident memory in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def load_part(part: Case | PartSource) -> Case:
    """The part's case: as given, or made by its source here."""
    return part if isinstance(part, Case) else part.load()


def aggregate_part(
    part: Case | PartSource,
    *,
    backend: str = "auto",
    time_limit: float | None = None,
    params: SolveParams | None = None,
) -> tuple[PartDemand, float]:
    """The part's aggregate for the master step, from its probe (the part solved with its own lots only), and the
    probe's seconds."""
    started = time.perf_counter()
    case = load_part(part)
    plan = solve(case, backend=backend, time_limit=time_limit, params=params)
    return probe_demand(case, plan), time.perf_counter() - started


def solve_part(
    district: str,
    part: Case | PartSource,
    shares: tuple[Lot, ...],
    *,
    backend: str = "auto",
    time_limit: float | None = None,
    params: SolveParams | None = None,
    rows: bool = True,
    out: str | None = None,
) -> PartOutcome:
    """Solve and verify one part with its `shares` of the shared lots; write its plan into `out/<district>` when
    `out` is given (a folder every worker can reach)."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    case = with_shares(load_part(part), shares)
    seconds["load"] = time.perf_counter() - started
    started = time.perf_counter()
    plan = solve(case, backend=backend, time_limit=time_limit, params=params)
    seconds["solve"] = time.perf_counter() - started
    started = time.perf_counter()
    check = verify(case, plan)
    seconds["verify"] = time.perf_counter() - started
    if out is not None:
        started = time.perf_counter()
        plan.write(Path(out) / district, overwrite=True)
        seconds["write"] = time.perf_counter() - started
    return PartOutcome(
        district=district,
        households=len(case.households),
        allocations=_allocation_rows(plan) if rows else (),
        visits=_visit_rows(plan) if rows else (),
        status=plan.status.value,
        termination=plan.termination,
        bounds=plan.bounds,
        backend=plan.backend,
        stats=dict(plan.stats),
        verified=check.ok,
        violations=tuple(str(v) for v in check.violations[:5]),
        tiers=check.tiers,
        seconds=seconds,
        peak_rss=peak_rss(),
        worker=f"{socket.gethostname()}:{os.getpid()}",
    )


def _allocation_rows(plan: Plan) -> tuple[AllocationRow, ...]:
    return tuple(zip(*map(plan.allocations.column, ("need_id", "lot_id", "quantity")), strict=True))


def _visit_rows(plan: Plan) -> tuple[VisitRow, ...]:
    fields = ("volunteer_id", "household_id", "kind", "service_id", "hours")
    return tuple(zip(*map(plan.visits.column, fields), strict=True))
