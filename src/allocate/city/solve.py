"""`solve_city(case)`: split a city into districts, divide the shared lots, solve the parts on Dask, merge, verify.

Orchestration only: `city.split` makes the parts, `city.master` divides the shared lots, `city.parts` is what a
worker runs, `city.merge` puts the plan together, `city.cluster` finds the workers. `solve_sources` runs the same
pipeline on parts that are made on the workers (a city too large for one process), without a merged plan.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from allocate.checks import check_seconds, fail
from allocate.city.cluster import check_scheduler, client_for
from allocate.city.districts import Districts
from allocate.city.master import (
    RETURN_ROUNDS,
    Division,
    PartDemand,
    divide,
    idle_rows,
    lot_limits,
    received_demand,
)
from allocate.city.merge import merge
from allocate.city.parts import PartOutcome, PartSource, aggregate_part, solve_part
from allocate.city.split import PartTables, SharedLot, fixed_policy, share_lot, split_city
from allocate.errors import VerificationError
from allocate.plan import Plan
from allocate.schema import ALL_GRIDS, Case, Lot, Policy
from allocate.solve import SolveParams
from allocate.verify import Verification, verify


@dataclass(frozen=True)
class CityRun:
    """How a city was solved by parts: each part's outcome, the master step's division (its shares as the parts were
    last solved with them), and where time went."""

    districts: tuple[str, ...]
    parts: tuple[PartOutcome, ...]
    division: Division
    moved: Mapping[str, str]  # volunteer id -> district, for volunteers who cover several districts
    seconds: Mapping[str, float] = field(default_factory=dict)  # split, master, parts (wall), merge, verify

    @property
    def verified(self) -> bool:
        """Whether every part's plan passed `allocate.verify` against the part's own case."""
        return all(p.verified for p in self.parts)

    def summary(self) -> str:
        """One line per district: households, status, seconds, worker peak memory; then the totals."""
        lines = [f"{len(self.parts)} districts, {sum(p.households for p in self.parts)} households"]
        for p in self.parts:
            lines.append(
                f"  {p.district}: {p.households} households, {p.status}, solve {p.seconds.get('solve', 0):.1f} s, "
                f"verify {'ok' if p.verified else 'FAILED'}, worker peak {p.peak_rss / 2**20:.0f} MiB"
            )
        lines.append(", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items()))
        return "\n".join(lines)


@dataclass(frozen=True)
class CityResult:
    """A city solved by districts: the merged plan, its verification against the whole city case, and the run."""

    plan: Plan
    verification: Verification
    run: CityRun

    def __str__(self) -> str:
        return f"{self.plan.summary()}\n\n{self.verification}\n\n{self.run.summary()}"


def solve_city(
    case: Case,
    *,
    districts: Districts | Mapping[str, str] | None = None,
    scheduler: Any = None,
    workers: int = 2,
    backend: str = "auto",
    time_limit: float | None = None,
    params: SolveParams | None = None,
) -> CityResult:
    """Solve `case` district by district on Dask and merge the parts into one verified plan of the whole city.

    `districts` maps grids to districts (default: a grid's name up to its first `/`, see `allocate.city.districts`).
    `scheduler` is None (start a `LocalCluster` of `workers` processes here), a scheduler's address, or a
    `distributed.Client`. `backend`, `time_limit` (per part) and `params` go to `allocate.solve` for each part.
    The merged plan is verified against the whole case with `allocate.verify` (`CityResult.verification`); a plan
    that breaks a feasibility rule raises `VerificationError` (a bug in allocate, as for `allocate solve`). Where
    the parts share nothing it is the single-process plan; where the master step divided shared lots the verifier
    may find fills it could still even out across districts (see `docs/city.md`), and says so.
    """
    if not isinstance(case, Case):
        raise fail("case", "solve_city", "an allocate.Case", case)
    check_scheduler(scheduler, workers, "solve_city")
    check_seconds(time_limit, "time_limit", "solve_city")
    where = districts if isinstance(districts, Districts) else Districts(districts)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    split = split_city(case, where)
    names = tuple(p.district for p in split.parts)
    seconds["split"] = time.perf_counter() - started
    with client_for(scheduler, workers) as client:
        parts = client.scatter([p.case for p in split.parts])
        if split.shared:  # the probe: each part with its own lots only, for the master step's cover
            started = time.perf_counter()
            probes = client.gather(
                [
                    client.submit(
                        aggregate_part, part, backend=backend, time_limit=time_limit, params=params, pure=False
                    )
                    for part in parts
                ]
            )
            seconds["probe"] = time.perf_counter() - started
        started = time.perf_counter()
        demands = [d for d, _ in probes] if split.shared else []
        division = divide(split.shared, demands, names, split.policy)
        shares = _share_lots(split.shared, division, names, where)
        seconds["master"] = time.perf_counter() - started
        started = time.perf_counter()
        futures = [
            client.submit(
                solve_part, name, part, shares[k], backend=backend, time_limit=time_limit, params=params, pure=False
            )
            for k, (name, part) in enumerate(zip(names, parts, strict=True))
        ]
        outcomes: list[PartOutcome] = client.gather(futures)
        seconds["parts"] = time.perf_counter() - started
        started = time.perf_counter()
        for step in range(1 + RETURN_ROUNDS if split.shared else 0):
            if step == 0:  # step 5: every shared unit divided again, by the households that can receive goods
                division, again = _redivided(split.shared, split.parts, outcomes, shares, names, where, split.policy)
            else:  # step 6: what no part used
                again = _returned(split.shared, split.parts, outcomes, shares, names, where, split.policy)
            if not again:
                if step == 0:
                    continue
                break
            futures = [
                client.submit(
                    solve_part,
                    names[k],
                    parts[k],
                    shares[k],
                    backend=backend,
                    time_limit=time_limit,
                    params=params,
                    pure=False,
                )
                for k in again
            ]
            for k, outcome in zip(again, client.gather(futures), strict=True):
                outcomes[k] = outcome
        if split.shared:
            seconds["return"] = time.perf_counter() - started
            division = Division(_final_shares(shares), division.given)
    started = time.perf_counter()
    plan = merge(case, split.policy.effective_date(), outcomes, independent=split.independent)
    seconds["merge"] = time.perf_counter() - started
    started = time.perf_counter()
    check = verify(case, plan)
    seconds["verify"] = time.perf_counter() - started
    if not check.feasible:
        raise VerificationError(check.violations)
    run = CityRun(names, tuple(outcomes), division, split.moved, seconds)
    return CityResult(plan, check, run)


def solve_sources(
    sources: Sequence[tuple[str, PartSource]],
    shared: Sequence[Lot] | None,
    policy: Policy,
    *,
    shared_lots: Any = None,
    scheduler: Any = None,
    workers: int = 2,
    backend: str = "auto",
    time_limit: float | None = None,
    params: SolveParams | None = None,
    out: str | None = None,
) -> CityRun:
    """Solve a city whose parts are made on the workers: `sources` are (district, source) pairs, each source's case
    holding only its own tables; `shared` are the city-wide lots (no grid limit, so every district may get a share),
    or `shared_lots(demand_by_item)` makes them from the districts' total demand once it is known. The workers
    aggregate their parts, the master step divides the shared lots here, and the workers make their parts again and
    solve and verify them; each part's plan goes to `out/<district>` when `out` is given. Nothing holds the whole
    city, so there is no merged plan: every part is verified against its own case with its shares. No plan rows come
    back, so the shares are not divided again after the parts are solved (steps 5 and 6 of `allocate.city.master`
    are `solve_city`'s only)."""
    check_scheduler(scheduler, workers, "solve_sources")
    names = tuple(name for name, _ in sources)
    policy = fixed_policy(policy)
    seconds: dict[str, float] = {}
    with client_for(scheduler, workers) as client:
        started = time.perf_counter()
        got: list[tuple[PartDemand, float]] = client.gather(
            [
                client.submit(aggregate_part, source, backend=backend, time_limit=time_limit, params=params, pure=False)
                for _, source in sources
            ]
        )
        seconds["aggregate"] = time.perf_counter() - started
        started = time.perf_counter()
        demands = [d for d, _ in got]
        if shared is None:
            total: dict[str, int] = {}
            for d in demands:
                for item, units in d.demand.items():
                    total[item] = total.get(item, 0) + sum(units)
            shared = tuple(shared_lots(total)) if shared_lots is not None else ()
        everyone = tuple(range(len(names)))
        pooled = [SharedLot(lot, everyone) for lot in shared]
        division = divide(pooled, demands, names, policy)
        shares = _share_lots(pooled, division, names, Districts())
        seconds["master"] = time.perf_counter() - started
        started = time.perf_counter()
        futures = [
            client.submit(
                solve_part,
                name,
                source,
                shares[k],
                backend=backend,
                time_limit=time_limit,
                params=params,
                rows=False,
                out=out,
                pure=False,
            )
            for k, (name, source) in enumerate(sources)
        ]
        outcomes: list[PartOutcome] = client.gather(futures)
        seconds["parts"] = time.perf_counter() - started
    return CityRun(names, tuple(outcomes), division, {}, seconds)


def _share_lots(
    shared: Sequence[SharedLot], division: Division, names: Sequence[str], where: Districts
) -> list[tuple[Lot, ...]]:
    """Each part's share lots, in the city's lot order."""
    out: list[list[Lot]] = [[] for _ in names]
    for s in shared:
        for p, units in division.shares.get(s.lot.lot_id, ()):
            out[p].append(share_lot(s.lot, units, names[p], where))
    return [tuple(lots) for lots in out]


def _final_shares(shares: Sequence[tuple[Lot, ...]]) -> dict[str, tuple[tuple[int, int], ...]]:
    """Each shared lot's units per part as the parts were last solved with them (lot id -> ((part, units), ...))."""
    out: dict[str, list[tuple[int, int]]] = {}
    for k, lots in enumerate(shares):
        for lot in lots:
            if lot.quantity > 0:
                out.setdefault(lot.lot_id, []).append((k, lot.quantity))
    return {lot_id: tuple(split) for lot_id, split in out.items()}


def _redivided(
    shared: Sequence[SharedLot],
    parts: Sequence[PartTables],
    outcomes: Sequence[PartOutcome],
    shares: list[tuple[Lot, ...]],
    names: Sequence[str],
    where: Districts,
    policy: Policy,
) -> tuple[Division, list[int]]:
    """Step 5 of the master step: once the parts are solved, every shared unit is divided again, by the needs of the
    households that can receive goods (`_reachable`) with what the part's own lots gave them, or could have given
    them with units its plan left unused (`idle_rows`), as cover; the new shares go into `shares`. The division, and
    the parts whose shares changed (to solve again)."""
    pooled = {s.lot.lot_id for s in shared}
    demands = []
    for p, o in zip(parts, outcomes, strict=True):
        usable = _reachable(p.case, o)
        own = [row for row in o.allocations if row[1] not in pooled]
        own += idle_rows(p.case, own, usable)
        demands.append(received_demand(p.case, own, lot_limits(p.case.lots, policy), usable=usable))
    division = divide(shared, demands, names, policy)
    new = _share_lots(shared, division, names, where)
    again = [k for k, lots in enumerate(new) if lots != shares[k]]
    shares[:] = new
    return division, again


def _returned(
    shared: Sequence[SharedLot],
    parts: Sequence[PartTables],
    outcomes: Sequence[PartOutcome],
    shares: list[tuple[Lot, ...]],
    names: Sequence[str],
    where: Districts,
    policy: Policy,
) -> list[int]:
    """Step 6 of the master step: shrink every share to what its part used, divide the units no part used (shares
    left over, and units the division gave nobody) among the parts whose households that can still receive goods are
    short, and give them their new shares (in `shares`); the parts to solve again."""
    used: list[dict[str, int]] = []
    for o in outcomes:
        mine: dict[str, int] = {}
        for _, lot_id, units in o.allocations:
            mine[lot_id] = mine.get(lot_id, 0) + units
        used.append(mine)
    unused: dict[str, int] = {}
    for s in shared:  # what no part used: shares left over, and units the division gave nobody
        left = s.lot.quantity - sum(mine.get(s.lot.lot_id, 0) for mine in used)
        if left > 0:
            unused[s.lot.lot_id] = left
    if not unused:
        return []
    pool = [
        SharedLot(s.lot.model_copy(update={"quantity": unused[s.lot.lot_id]}), s.parts)
        for s in shared
        if s.lot.lot_id in unused
    ]
    limits = lot_limits([s.lot for s in shared], policy)
    demands = [
        received_demand(
            p.case, o.allocations, {**limits, **lot_limits(p.case.lots, policy)}, usable=_reachable(p.case, o)
        )
        for p, o in zip(parts, outcomes, strict=True)
    ]
    division = divide(pool, demands, names, policy)
    if not division.shares:
        return []
    extra = _share_lots(pool, division, names, where)
    again = []
    for k, lots in enumerate(shares):
        more = {lot.lot_id: lot.quantity for lot in extra[k]}
        if not more:
            continue
        again.append(k)
        kept = {lot.lot_id: lot for lot in lots}
        shares[k] = tuple(
            share_lot(s.lot, used[k].get(s.lot.lot_id, 0) + more.get(s.lot.lot_id, 0), names[k], where)
            for s in shared
            if used[k].get(s.lot.lot_id, 0) + more.get(s.lot.lot_id, 0) > 0
            and (s.lot.lot_id in kept or s.lot.lot_id in more)
        )
    for k, lots in enumerate(shares):  # parts not solved again keep their plans; their shares shrink to what they used
        if k not in again:
            shares[k] = tuple(
                lot.model_copy(update={"quantity": used[k][lot.lot_id]}) for lot in lots if used[k].get(lot.lot_id, 0)
            )
    return again


def _reachable(case: Case, outcome: PartOutcome) -> set[str] | None:
    """The households of a solved part that can still receive goods: every one without a volunteers table; else those
    delivered in its plan, and those a volunteer with an unused visit's hours left may visit (None: all)."""
    if case.volunteers is None:
        return None
    used: dict[str, float] = {}
    delivered = set()
    for volunteer, household, kind, _, hours in outcome.visits:
        used[volunteer] = used.get(volunteer, 0.0) + hours
        if kind == "delivery":
            delivered.add(household)
    visit = case.policy.visit_hours
    spare = [v for v in case.volunteers if v.hours - used.get(v.volunteer_id, 0.0) >= visit - 1e-9]
    if any(ALL_GRIDS in v.grids and v.designated for v in spare):
        return None
    grids = {g for v in spare for g in v.grids}
    designated = {g for v in spare if v.designated for g in v.grids}
    anywhere = any(ALL_GRIDS in v.grids for v in spare)
    for h in case.households:
        if h.household_id in delivered:
            continue
        if h.quarantined:
            if h.grid in designated:
                delivered.add(h.household_id)
        elif anywhere or h.grid in grids:
            delivered.add(h.household_id)
    return delivered
