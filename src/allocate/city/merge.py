"""Merge the parts' plans into one plan of the whole city, in the order a single solve writes its rows.

Every need, service and household lies in exactly one part and every volunteer works in one part, so the merged
rows are the parts' rows put back in `allocate.solve`'s documented order: allocations by need (city case order),
each need's rows keeping its part's lot order; visits by volunteer, then household (city case order), deliveries
before services, then service order. Where parts share nothing this is the single-process plan byte for byte.

Standing: the city plan is `optimal` (reason `proven`) only when the parts share nothing and every part is proven;
its bounds are then its own values. When they share nothing but a part is not proven, the weightiest reason among
the parts stands (`time_limit`, then `size_limit`, then `heuristic`) and no city bound is claimed. When the master
step divided shared lots or volunteers the reason is `heuristic` with step `city` (the division is made on
aggregates; see `allocate.city.master`), and no bound is claimed either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from allocate.city.parts import PartOutcome
from allocate.plan import Allocation, Plan, Reason, Status, Termination, TierBound, Visit
from allocate.schema import Case, Records

_WEIGHT = ("time_limit", "size_limit", "heuristic")


def merge(case: Case, plan_date: dt.date, outcomes: Sequence[PartOutcome], *, independent: bool) -> Plan:
    """The city plan of `case` from its parts' `outcomes` (see the module doc)."""
    need_pos = {n.need_id: k for k, n in enumerate(case.needs)}
    rows = [(need_pos[a[0]], k, a) for o in outcomes for k, a in enumerate(o.allocations)]
    rows.sort(key=lambda r: (r[0], r[1]))  # a need's rows all come from its own part, in that part's order
    allocations = Records.from_tuples(Allocation, (r for _, _, r in rows))

    status, termination, bounds, backend, stats = standing(case, outcomes, independent=independent)
    vol_pos = {v.volunteer_id: k for k, v in enumerate(case.volunteers or ())}
    hh_pos = case.household_index
    svc_pos = {s.service_id: k for k, s in enumerate(case.services)}
    visits = sorted(
        (v for o in outcomes for v in o.visits),
        key=lambda v: (vol_pos[v[0]], hh_pos[v[1]], v[2] != "delivery", -1 if v[3] is None else svc_pos[v[3]]),
    )
    return Plan.model_construct(
        case=case,
        allocations=allocations,
        visits=Records.from_tuples(Visit, visits),
        plan_date=plan_date,
        status=status,
        termination=termination,
        bounds=bounds,
        backend=backend,
        stats=stats,
    )


def standing(
    case: Case, outcomes: Sequence[PartOutcome], *, independent: bool
) -> tuple[Status, Termination, tuple[TierBound, ...], str, dict[str, int]]:
    """The merged plan's status, termination, bounds, backend and summed work counters."""
    backends = sorted({o.backend for o in outcomes})
    stats: dict[str, int] = {}
    for o in outcomes:
        for name, k in o.stats.items():
            stats[name] = stats.get(name, 0) + k
    unproven = [o for o in outcomes if o.termination is None or o.termination.reason is not Reason.PROVEN]
    steps = sorted({s for o in unproven if o.termination is not None for s in o.termination.steps})
    n = len(outcomes)
    bounds: tuple[TierBound, ...] = ()
    if not independent:
        termination = Termination(
            reason=Reason.HEURISTIC,
            steps=tuple(sorted({"city", *steps})),
            detail=f"lots or volunteers shared by districts were divided among {n} districts by the master step",
        )
    elif unproven:
        reasons = {o.termination.reason.value if o.termination else "heuristic" for o in unproven}
        reason = next(Reason(r) for r in _WEIGHT if r in reasons)
        first = next(o for o in unproven if (o.termination.reason.value if o.termination else "heuristic") == reason)
        detail = first.termination.detail if first.termination else ""
        termination = Termination(
            reason=reason,
            steps=tuple(steps),
            detail=f"{len(unproven)} of {n} districts are not proven; e.g. {first.district}: {detail}",
        )
    else:
        termination = Termination(reason=Reason.PROVEN)
        bounds = _summed(case, outcomes)
    status = Status.OPTIMAL if termination.reason is Reason.PROVEN else Status.FEASIBLE
    return status, termination, bounds, backends[0] if len(backends) == 1 else "+".join(backends), stats


def _summed(case: Case, outcomes: Sequence[PartOutcome]) -> tuple[TierBound, ...]:
    """A proven city plan's bounds: per tier, the parts' proven values added up (entries, reached) or least (fill)."""
    out = []
    for rank, name in enumerate(case.policy.tier_names):
        mine: Mapping[str, TierBound] = {o.district: o.bounds[rank] for o in outcomes if len(o.bounds) > rank}
        entries = sum(b.entries for b in mine.values())
        reached = sum(b.reached for b in mine.values())
        fills = [b.min_fill for b in mine.values() if b.entries and b.min_fill is not None]
        low = min(fills) if fills else None
        out.append(
            TierBound(
                tier=name, entries=entries, reached=reached, reached_bound=reached, min_fill=low, min_fill_bound=low
            )
        )
    return tuple(out)
