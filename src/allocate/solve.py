"""`solve(case)`: orchestration only. The algorithm lives in `allocate.core`, the LP/MIP engines in `allocate.backends`.

Steps: index the case (`core.index`) and group its needs into goods classes (`core.goods`); the fast plan decides
visits, services and goods tier by tier (`core.heuristic`); the case splits into independent parts, and the parts
the fast plan has not proven are solved exactly where small enough (`core.parts`, `core.exact`); lots are chosen
(`core.lots`); a plan that is not proven gets certified bounds per tier (`core.bounds`).

Rows of the returned plan, so that the same input always gives the identical plan:
- allocations in need (case) order, then lot order (expiry date, then lot id; lots that keep come last);
- visits by volunteer (case order), then household (case order), deliveries before services, then service order.
Given each volunteer's `earlier_load` (hours in earlier rounds) and a policy with `even_load`, whole workloads are
then handed round among volunteers the rules treat alike, the larger to those who gave less
(`core.volunteers.even_load`): households' goods, visits and services stay exactly as they were.
`Plan.stats` holds deterministic counters: the size of the goods problem (components, classes, lot -> class arcs)
and the work done (max-flow and min-cost-flow solves, LP and MIP solves).

`Plan.status` is OPTIMAL exactly when every part is proven (`Plan.termination.reason` is `proven`); otherwise it is
FEASIBLE, the termination says why (`size_limit`, `time_limit`, or `heuristic` when the exact search is switched
off) and which heuristic steps' choices stand, and `Plan.bounds` how far each tier may be from the best possible.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from allocate.backends import get_backend
from allocate.backends.base import Backend
from allocate.checks import check_solve
from allocate.core.bounds import tier_bounds
from allocate.core.exact import ExactLimits, ExactPart, PartResult, model_size, part_value
from allocate.core.goods import Counter, GoodsProblem, build_problem, fills
from allocate.core.heuristic import TierStart, plan_fast
from allocate.core.index import CaseIndex, IntArray, build_index
from allocate.core.lots import assign_lots
from allocate.core.parts import Part, find_parts, settle
from allocate.core.previous import keep_lots, keep_visits, prefer, published
from allocate.core.volunteers import TICKS, Crew, Roster, build_crew, even_load
from allocate.gc_pause import collector_paused
from allocate.plan import Allocation, Plan, Previous, Reason, Status, Termination, TierBound, Visit
from allocate.schema import Case, Policy, Records

STATS = ("components", "classes", "arcs", "flow_solves", "lp_solves", "mip_solves")
"""The counters every plan's `stats` carries, in this order."""


@dataclass(frozen=True)
class SolveParams:
    """The knobs of the exact search, with defaults that keep the command fast on a district-sized case.

    `exact_size` is the most integer variables one part's exact model may have (above it the part keeps the fast
    plan, reason `size_limit`); `exact_effort` the branch-and-bound nodes each of its MIPs may take (a
    deterministic limit: the same case always stops at the same point; reason `time_limit`); `bounds` whether a
    plan that is not proven gets its certified bounds (`Plan.bounds`; a few LPs: a caller that only compares
    fills, such as `explain`'s marginal values, can skip them).
    """

    exact_size: int = 4000
    exact_effort: int | None = 5000
    bounds: bool = True

    def __post_init__(self) -> None:
        if not (isinstance(self.exact_size, int) and self.exact_size >= 0):
            raise ValueError(f"The 'exact_size' parameter must be a whole number >= 0. Got {self.exact_size!r}.")
        if self.exact_effort is not None and not (isinstance(self.exact_effort, int) and self.exact_effort > 0):
            raise ValueError(
                f"The 'exact_effort' parameter must be a whole number > 0 or None. Got {self.exact_effort!r}."
            )


def solve(
    case: Case,
    policy: Policy | None = None,
    *,
    backend: str = "auto",
    time_limit: float | None = None,
    params: SolveParams | None = None,
    earlier_load: Mapping[str, float] | None = None,
    previous: Previous | None = None,
) -> Plan:
    """A feasible plan for `case` that is optimal in the sense of SPEC section 3 where it can be proven.

    `policy` replaces the case's policy (tiers are recomputed for it); `backend` names the LP/MIP engine
    ("auto", "highs", "ortools", "pulp"); `time_limit` (wall seconds) bounds the exact search of the whole run,
    after which the best plan in hand is returned with reason `time_limit`; `params` tunes the exact search.
    `earlier_load` (volunteer id -> hours given in earlier rounds; a volunteer left out gave none) breaks ties
    between volunteers when the policy's `even_load` is on: the larger workloads go to those who gave less.
    `previous` (a published plan of the same round, for a correction) is the first tie-break after every household
    criterion: among plans exactly as good for households as the one found without it, one that keeps as many of
    its allocations and visits as it can (`core.previous`).
    """
    started = time.monotonic()
    check_solve(case, policy, backend, time_limit, params, earlier_load, previous)
    engine = get_backend(backend)
    if policy is not None and policy != case.policy:
        case = case.replace(policy=policy)
    deadline = None if time_limit is None else started + time_limit
    load = dict(earlier_load) if earlier_load is not None and case.policy.even_load else None
    with collector_paused():
        return _solve(case, engine, deadline, params or SolveParams(), load, previous)


@dataclass(frozen=True)
class Prepared:
    """What the volunteers table cannot change: the goods index and problem of a case for a plan date.

    `explain`'s marginal values solve a case again with one more volunteer: they prepare it once and `decide` again.
    """

    plan_date: dt.date
    index: CaseIndex
    problem: GoodsProblem
    starts: list[TierStart] = field(default_factory=list, compare=False, repr=False)
    """Kept by `keeping_prepared` only: the fast plan's state as each tier started and as the last ended, recorded
    by the first `decide` with volunteers, so that marginal values plan a tier again without making it again."""


def prepare(case: Case) -> Prepared:
    """Index the case and group its needs into goods classes (steps that read no volunteer)."""
    plan_date = case.policy.effective_date()
    index = build_index(case, plan_date)
    ready = Prepared(plan_date, index, build_problem(index))
    kept = _KEPT.get()
    if kept is not None:
        kept.append((case, ready))
    return ready


_KEPT: ContextVar[list[tuple[Case, Prepared]] | None] = ContextVar("allocate_prepared", default=None)
"""Where `keeping_prepared` collects what `prepare` makes; None (the default) keeps nothing."""


@contextmanager
def keeping_prepared() -> Iterator[None]:
    """Inside the block, what `prepare` makes is kept, for `prepared` to give again (`allocate.run` solves, then
    explains with marginal values that need the same index); after it, nothing is kept."""
    token = _KEPT.set([])
    try:
        yield
    finally:
        _KEPT.reset(token)


def prepared(case: Case, plan_date: dt.date) -> Prepared:
    """What `prepare` made for this very case object and date inside `keeping_prepared`, or a new one for `case`
    with its policy's date set to `plan_date`."""
    for known, ready in _KEPT.get() or ():
        if known is case and ready.plan_date == plan_date:
            return ready
    policy = case.policy.model_copy(update={"plan_date": plan_date})
    return prepare(case if policy == case.policy else case.replace(policy=policy))


@dataclass(frozen=True)
class Decision:
    """Units per need and who does what, and how far each part is proven: the plan before its rows are written."""

    amount: IntArray
    roster: Roster | None
    crew: Crew | None
    parts: list[Part]
    results: list[PartResult]
    stopped: str


def decide(
    case: Case,
    ready: Prepared,
    engine: Backend,
    deadline: float | None,
    params: SolveParams,
    count: Counter,
) -> Decision:
    """The fast plan, then every part it has not proven solved exactly where small enough, merged."""
    index, problem = ready.index, ready.problem
    crew = build_crew(case)
    settled = settle(index, problem, crew, count)
    kept = any(ready is r for _, r in _KEPT.get() or ())
    fast = plan_fast(
        index,
        problem,
        crew,
        case.policy.fairness,
        engine,
        count,
        settled=settled.roster,
        deadline=deadline,
        effort=params.exact_effort,
        starts=ready.starts if kept and crew is not None and not ready.starts else None,
    )
    delivered = np.ones(index.hh_grid.size, np.bool_) if fast.roster is None else fast.roster.delivery >= 0
    parts = find_parts(index, problem, crew, settled, fast.amount, delivered, count)
    limits = ExactLimits(
        size=params.exact_size,
        effort=params.exact_effort,
        deadline=deadline,
    )
    results = []
    for part in parts:
        size = model_size(index, problem, crew, part)
        if not limits.size:
            results.append(PartResult(proven=False, reason="heuristic", detail="the exact search is switched off"))
            continue
        if size > limits.size:
            results.append(
                PartResult(
                    proven=False,
                    reason="size_limit",
                    detail=f"a part of {part.households.size} households would need {size} integer "
                    f"variables (the limit is {limits.size})",
                    size=size,
                )
            )
            continue
        model = ExactPart(index, problem, crew, part, fast.amount, case.policy.fairness)
        assert model.size == size, (model.size, size)
        result = model.solve(engine, limits, model.start(fast.amount, fast.roster), count)
        if result.proven:
            # the fast plan is canonical (water-filling order, seeded ranks): keep it when it is as good, so that
            # every backend gives the same plan unless the exact model found a better one; an exact plan that is
            # worse than the fast one means an engine answered wrongly: keep the fast plan, and claim nothing
            fast_done = (
                {
                    s: (fast.roster.service[s] >= 0)
                    if settled.contested[crew.service_hh[s]]
                    else bool(crew.doers[s].size)
                    for s in part.services.tolist()
                }
                if crew is not None and fast.roster is not None
                else {}
            )
            fairness = case.policy.fairness
            exact = part_value(index, crew, part, result.amount, result.done(crew, part), fairness)
            quick = part_value(index, crew, part, fast.amount, fast_done, fairness)
            if exact == quick:
                result = PartResult(proven=True, reason="", detail="", size=size)
            elif exact < quick:
                result = PartResult(
                    proven=False,
                    reason="heuristic",
                    detail=f"the {engine.name} backend's exact answer was worse than the fast plan, which is kept",
                    size=size,
                )
        results.append(result)
    amount, roster = _merge(index, crew, fast.amount, fast.roster, results)
    return Decision(amount, roster, crew, parts, results, fast.stopped)


def _solve(
    case: Case,
    engine: Backend,
    deadline: float | None,
    params: SolveParams,
    load: dict[str, float] | None,
    previous: Previous | None,
) -> Plan:
    """`solve` for a case under its own policy; `load`, if given, each volunteer's hours in earlier rounds;
    `previous`, a published plan to keep as much of as an equally good plan allows."""
    stats = dict.fromkeys(STATS, 0)

    def count(name: str, k: int) -> None:
        stats[name] += k

    ready = prepare(case)
    plan_date, index, problem = ready.plan_date, ready.index, ready.problem
    decision = decide(case, ready, engine, deadline, params, count)
    old = None if previous is None else published(case, previous.allocations, previous.visits)
    if old is not None:
        # the published plan breaks ties; kept only if households fare exactly as without it (they always should)
        leaning = prefer(index, old)
        kept = decide(case, Prepared(plan_date, leaning, build_problem(leaning)), engine, deadline, params, count)
        if _outcome(index, kept) == _outcome(index, decision):
            decision = kept
    amount, roster, crew = decision.amount, decision.roster, decision.crew
    if load is not None and roster is not None and crew is not None and case.volunteers is not None:
        earlier = np.asarray([round(load.get(v.volunteer_id, 0.0) * TICKS) for v in case.volunteers], np.int64)
        roster = even_load(crew, roster, earlier)
    if old is None:
        row_need, row_lot, row_qty = assign_lots(index, problem, amount, count)
    else:
        if roster is not None and crew is not None:
            roster = keep_visits(crew, roster, old, count)
        row_need, row_lot, row_qty = keep_lots(index, problem, amount, old, count)
    stats["components"] = len(problem.components)
    stats["classes"] = sum(len(comp.classes) for comp in problem.components)
    stats["arcs"] = sum(int(comp.net.arc_lot.size) for comp in problem.components)

    lot_pos = np.empty(index.lot_order.size, np.int64)
    lot_pos[index.lot_order] = np.arange(index.lot_order.size)
    order = np.lexsort((lot_pos[row_lot], row_need))
    need_ids, lot_ids = case.needs.column("need_id"), case.lots.column("lot_id")
    # valid by construction (the case's own ids, positive whole units): held as columns, no row validated again
    allocations = Records(
        Allocation,
        {
            "need_id": list(map(need_ids.__getitem__, row_need[order].tolist())),
            "lot_id": list(map(lot_ids.__getitem__, row_lot[order].tolist())),
            "quantity": row_qty[order].tolist(),
        },
    )
    visits = _visits(case, roster)
    termination = _termination(decision.parts, decision.results, decision.stopped)
    done = np.zeros(0, np.bool_) if roster is None else roster.service >= 0
    if termination.reason is Reason.PROVEN:
        bounds = _proven_bounds(index, crew, amount, done)
    elif params.bounds:
        bounds = tier_bounds(index, problem, crew, amount, done, engine, count, deadline)
    else:
        bounds = []
    # not validated again: the case was when built, the rows are valid by construction; the CLI verifies every plan
    return Plan.model_construct(
        case=case,
        allocations=allocations,
        visits=visits,
        plan_date=plan_date,
        status=Status.OPTIMAL if termination.reason is Reason.PROVEN else Status.FEASIBLE,
        termination=termination,
        bounds=tuple(
            TierBound(tier=name, entries=e, reached=r, reached_bound=rb, min_fill=lo, min_fill_bound=hi)
            for name, (e, r, rb, lo, hi) in zip(case.policy.tier_names, bounds, strict=False)
        ),
        backend=engine.name,
        stats=stats,
    )


def _outcome(index: CaseIndex, decision: Decision) -> list[tuple[float, ...]]:
    """What a decision gives households, as leximin compares it: per tier, the sorted fills of its needs and
    services (a service 1 when done)."""
    fill = fills(index, np.arange(index.need_qty.size), decision.amount)
    crew, roster = decision.crew, decision.roster
    done = np.zeros(0) if crew is None or roster is None else (roster.service >= 0).astype(np.float64)
    tiers = np.zeros(0, np.int64) if crew is None else crew.service_tier
    return [
        tuple(np.sort(np.concatenate([fill[index.need_tier == t], done[tiers == t]])).tolist())
        for t in range(index.n_tiers)
    ]


def _merge(
    index: CaseIndex, crew: Crew | None, amount: IntArray, roster: Roster | None, results: list[PartResult]
) -> tuple[IntArray, Roster | None]:
    """The plan: the fast one, with every proven part as the exact model decided it; deliveries that carry nothing
    are dropped."""
    amount = amount.copy()
    for result in results:
        if result.proven:
            for n, units in result.amount.items():
                amount[n] = units
    if crew is None or roster is None:
        return amount, roster
    delivery, service = roster.delivery.copy(), roster.service.copy()
    for result in results:
        if result.proven:
            for h, v in result.delivery.items():
                delivery[h] = v
            for s, v in result.service.items():
                service[s] = v
    got = np.bincount(index.need_hh, weights=amount, minlength=index.hh_grid.size)
    delivery[got == 0] = -1
    merged = Roster(delivery=delivery, service=service, left=crew.hours.copy(), capped_left=roster.capped_left.copy())
    merged.recount(crew)
    return amount, merged


def _proven_bounds(
    index: CaseIndex, crew: Crew | None, amount: IntArray, done: npt.NDArray[np.bool_]
) -> list[tuple[int, int, int, float | None, float | None]]:
    """Per tier (entries, reached, reached, min fill, min fill) of a proven plan: its bounds are its values."""
    s_tier = np.zeros(0, np.int64) if crew is None else crew.service_tier
    out = []
    for t in range(index.n_tiers):
        fills = np.concatenate([(amount / index.need_qty)[index.need_tier == t], done[s_tier == t].astype(np.float64)])
        reached = int((fills > 0).sum())
        low = float(fills.min()) if fills.size else None
        out.append((int(fills.size), reached, reached, low, low))
    return out


def _termination(parts: list[Part], results: list[PartResult], stopped: str) -> Termination:
    """Proven when every part is and the fast plan's total-fill MIPs were; otherwise the weightiest reason among
    what is not, and why."""
    unproven = [(p, r) for p, r in zip(parts, results, strict=True) if not r.proven]
    if stopped:
        steps = tuple(sorted({"total_fill", *(s for p, _ in unproven for s in p.steps)}))
        return Termination(reason=Reason.TIME_LIMIT, steps=steps, detail=stopped)
    if not unproven:
        return Termination(reason=Reason.PROVEN)
    reasons = {r.reason for _, r in unproven}
    reason = next(Reason(r) for r in ("time_limit", "size_limit", "heuristic") if r in reasons)
    steps = tuple(sorted({s for p, _ in unproven for s in p.steps}))
    first = next(r for _, r in unproven if r.reason == reason.value)
    many = f"{len(unproven)} of {len(parts)} parts are not proven; e.g. " if len(unproven) > 1 else ""
    return Termination(reason=reason, steps=steps, detail=many + first.detail)


def _visits(case: Case, roster: Roster | None) -> Records[Visit]:
    """Visits in plan order: by volunteer, then household, deliveries before services, then service order. Held as
    columns of the case's own ids and hours, valid by construction."""
    if roster is None or case.volunteers is None:
        return Records.of(Visit, ())
    hh = np.flatnonzero(roster.delivery >= 0)
    s = np.flatnonzero(roster.service >= 0)
    vol = np.concatenate([roster.delivery[hh], roster.service[s]])
    at, owner = case.household_index, case.services.column("household_id")
    home = np.concatenate([hh, [at[owner[k]] for k in s.tolist()]])
    service = np.concatenate([np.full(hh.size, -1), s]).astype(np.int64)
    order = np.lexsort((service, home, vol))
    vol_ids, hh_ids = case.volunteers.column("volunteer_id"), case.households.column("household_id")
    service_ids, service_hours, visit = (
        case.services.column("service_id"),
        case.services.column("hours"),
        case.policy.visit_hours,
    )
    services = service[order].tolist()
    return Records(
        Visit,
        {
            "volunteer_id": list(map(vol_ids.__getitem__, vol[order].tolist())),
            "household_id": list(map(hh_ids.__getitem__, home[order].astype(np.int64).tolist())),
            "kind": ["delivery" if k < 0 else "service" for k in services],
            "service_id": [None if k < 0 else service_ids[k] for k in services],
            "hours": [visit if k < 0 else service_hours[k] for k in services],
        },
    )
