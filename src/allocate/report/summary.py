"""`summary.json`: everything SPEC section 4 lists about a plan, as plain, deterministic JSON data.

The summary is the one source of the report's numbers: `render_html` reads it (plus the shortfall list), so the
page and the file can never disagree. Keys come in a fixed, documented order (the order `build_summary` builds
them, readers see status first) rather than sorted, and every float is rounded to `DIGITS` decimals, so the same
plan, inputs and timings always give the same bytes.

Layout (schema_version 2); fills are fractions in [0, 1], `null` where there is nothing to measure:

- `schema_version`, `status` (optimal | feasible), `termination` (`reason`: proven | heuristic | time_limit |
  size_limit, `steps`: the heuristic steps whose choice stands unproven, `detail`: why, in words; null for a
  plan not made by `solve`), `plan_date` (ISO date), `policy` (the policy as `Policy.model_dump(mode="json")`);
- `inputs`: input file name -> SHA-256 hex, sorted by name; `solver`: `backend`, its package `version` (null for
  a hand-made plan), the `allocate` version, and the plan's deterministic work counters `stats`;
  `timings`: step -> seconds, in the caller's order;
- `totals`: households, households with requests, households that received something, households fully served
  (every need and service of theirs), needs, needs fully served, services, services done, units requested and
  allocated, and `unmet` (needs and services not fully served);
- `tiers`: per tier, highest priority first: needs, services, households (with a need or service in the tier:
  a household asking in two tiers counts in both), min / mean fill, fully served (needs and services), `no_supply`
  (its needs of an item no lot holds), `min_fill_supplied` (the lowest fill leaving those out), `median_fill`,
  and the certified bounds (`Plan.bounds`): `reached` (needs and services with a positive fill), `reached_bound`,
  `min_fill_bound` and `at_bounds` (null for a plan not made by `solve`);
- `grids`: per grid, in the order the households table first names them: households, needs, services, min /
  mean fill over its needs and services, fully served, units requested / received, volunteer hours offered /
  used / free (left after the plan with the volunteers covering it) and the marginal value of one more volunteer
  hour there;
- `items`: per item, in the order the needs, then the supplies, first name them: supplied (units in lots usable
  on the plan date), requested, allocated, shortage (requested - allocated), unused (supplied - allocated) and
  the marginal value of one more unit;
- a marginal value is null or `tier` (the highest-priority tier it would help, null: nobody), `min_fill_gain`,
  `mean_fill_gain`, `method` (resolve: the item's goods solved again; resolve_tier: the tier the hour helps
  planned again), `measured` (false: left out to save time, gains 0), `shortage` (what the tiers are short of
  it, units or hours), and for an hour the `skills` and `designated` of the volunteer measured (what to ask for);
- `volunteers`: null without a volunteers table, else volunteers, hours offered and used (deliveries, services);
- `shortfalls`: total and count per reason (every reason, in `Reason` order);
- `fairness`: Gini and Jain indices over need fill rates, overall and per tier (see `gini`, `jain`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from allocate.backends import BACKENDS
from allocate.explain import Explanation, MarginalValue, Reason
from allocate.plan import Plan, TierBound
from allocate.schema import ALL_GRIDS

SCHEMA_VERSION = 2
"""Raised whenever a key is renamed or removed, or its meaning changes; new keys do not raise it."""

DIGITS = 6
"""Decimals every float is rounded to: fills to a millionth, hours to under a second, bytes stable across runs."""

FloatArray = npt.NDArray[np.float64]


def build_summary(
    plan: Plan, explanation: Explanation, *, inputs: Mapping[str, str], timings: Mapping[str, float]
) -> dict[str, Any]:
    """The summary of `plan` (layout in the module docstring); `inputs` maps file names to SHA-256 hex digests,
    `timings` step names to seconds, both measured by the caller, who alone knows the files and the clock."""
    case = plan.case
    needs, services = case.needs, case.services
    need_fills = np.array(plan.need_fills, dtype=np.float64)
    fills = np.concatenate([need_fills, np.array(plan.service_fills, dtype=np.float64)])
    owners = [*needs.column("household_id"), *services.column("household_id")]
    owner_rows = np.array([case.household_index[h] for h in owners], dtype=np.int64)
    n_households = len(case.households)
    asked = np.bincount(owner_rows, minlength=n_households) > 0
    short = np.bincount(owner_rows, weights=(fills < 1.0).astype(np.float64), minlength=n_households) > 0
    got = np.bincount(owner_rows, weights=(fills > 0.0).astype(np.float64), minlength=n_households) > 0
    received = plan.received
    units_requested = sum(needs.column("quantity"))
    units_allocated = sum(map(received.get, needs.column("need_id"), repeat(0)))
    values: dict[tuple[str, str], MarginalValue] = {(mv.kind, mv.resource): mv for mv in explanation.marginal_values}
    tiers = np.array(list(case.need_tiers) + list(case.service_tiers), dtype=np.int64)
    rows = explanation.shortfalls
    reasons = rows.column("reason")
    no_supply = {
        i
        for k, i, r in zip(rows.column("kind"), rows.column("id"), reasons, strict=True)
        if k == "need" and r is Reason.NO_SUPPLY
    }
    by_reason = Counter(reasons)
    unsupplied = np.array([i in no_supply for i in needs.column("need_id")] + [False] * len(services), np.bool_)
    bounds = {b.tier: b for b in plan.bounds}
    return {
        "schema_version": SCHEMA_VERSION,
        "status": plan.status.value,
        "termination": None if plan.termination is None else plan.termination.model_dump(mode="json"),
        "plan_date": plan.plan_date.isoformat(),
        "policy": case.policy.model_dump(mode="json"),
        "inputs": dict(sorted(inputs.items())),
        "solver": _solver(plan),
        "timings": {step: _round(seconds) for step, seconds in timings.items()},
        "totals": {
            "households": n_households,
            "households_with_requests": int(np.count_nonzero(asked)),
            "households_receiving": int(np.count_nonzero(got)),
            "households_fully_served": int(np.count_nonzero(asked & ~short)),
            "needs": len(needs),
            "needs_fully_served": int(np.count_nonzero(need_fills >= 1.0)),
            "services": len(services),
            "services_done": len(plan.served_services & {s.service_id for s in services}),
            "units_requested": units_requested,
            "units_allocated": units_allocated,
            "unmet": len(explanation.shortfalls),
        },
        "tiers": [
            {
                "tier": t.tier,
                "rank": t.rank,
                "needs": t.needs,
                "services": t.services,
                "households": t.households,
                "min_fill": _round_or_none(t.min_fill),
                "mean_fill": _round_or_none(t.mean_fill),
                "fully_served": t.fully_served,
                **_supplied(t.rank, fills, tiers, unsupplied),
                **_bound(bounds.get(t.tier)),
            }
            for t in plan.tiers
        ],
        "grids": _grids(plan, fills, owner_rows, values),
        "items": _items(plan, values),
        "volunteers": _volunteers(plan),
        "shortfalls": {
            "total": len(explanation.shortfalls),
            "by_reason": {r.value: by_reason[r] for r in Reason},
        },
        "fairness": _fairness(plan, need_fills),
    }


def summary_json(summary: Mapping[str, Any]) -> str:
    """`summary` as the text of summary.json: keys in build order, 2-space indent, Chinese kept readable
    (not \\u-escaped), no NaN, one trailing newline."""
    return json.dumps(summary, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def gini(fills: Sequence[float] | FloatArray) -> float | None:
    """Gini index of `fills`: the mean absolute difference over all ordered pairs, divided by twice the mean,
    G = sum_i sum_j |x_i - x_j| / (2 n^2 mean). 0 when every fill is equal (also when all are 0), up to
    (n - 1) / n when one need has everything; None for no fills. Computed on the sorted values in O(n log n)."""
    x = np.sort(np.asarray(fills, dtype=np.float64))
    n, total = len(x), float(x.sum())
    if n == 0:
        return None
    if total == 0.0:
        return 0.0
    ranks = np.arange(1, n + 1, dtype=np.float64)
    return _round(max(0.0, 2.0 * float(ranks @ x) / (n * total) - (n + 1) / n))


def jain(fills: Sequence[float] | FloatArray) -> float | None:
    """Jain's fairness index of `fills`: J = (sum x)^2 / (n sum x^2). 1 when every fill is equal (also when all
    are 0), down to 1 / n when one need has everything; None for no fills."""
    x = np.asarray(fills, dtype=np.float64)
    n, squares = len(x), float(x @ x)
    if n == 0:
        return None
    if squares == 0.0:
        return 1.0
    return _round(float(x.sum()) ** 2 / (n * squares))


def _round(x: float) -> float:
    """`x` to `DIGITS` decimals; -0.0 becomes 0.0 so that the JSON never shows "-0.0"."""
    return round(float(x), DIGITS) + 0.0


def _round_or_none(x: float | None) -> float | None:
    return None if x is None else _round(x)


def _bound(b: TierBound | None) -> dict[str, Any]:
    """A tier's certified bounds as summary keys (nulls for a plan not made by `solve`)."""
    if b is None:
        return {"reached": None, "reached_bound": None, "min_fill_bound": None, "at_bounds": None}
    return {
        "reached": b.reached,
        "reached_bound": b.reached_bound,
        "min_fill_bound": _round_or_none(b.min_fill_bound),
        "at_bounds": b.at_bounds,
    }


def _supplied(
    rank: int, fills: FloatArray, tiers: npt.NDArray[np.int64], unsupplied: npt.NDArray[np.bool_]
) -> dict[str, Any]:
    """A tier's fills in plain terms: how many of its needs ask for an item nobody donated (`no_supply`), the
    lowest fill among the rest (`min_fill_supplied`: what sharing decided, apart from what no plan could give) and
    the median fill (half its needs and services got at least this much); null where there is nothing."""
    mine = tiers == rank
    rest = fills[mine & ~unsupplied]
    return {
        "no_supply": int(np.count_nonzero(mine & unsupplied)),
        "min_fill_supplied": _round(float(rest.min())) if rest.size else None,
        "median_fill": _round(float(np.median(fills[mine]))) if mine.any() else None,
    }


def _solver(plan: Plan) -> dict[str, Any]:
    """Backend name and package version (null for a hand-made plan), allocate's version, the work counters."""
    backend = BACKENDS.get(plan.backend)
    try:
        own = dist_version("allocate")
    except PackageNotFoundError:
        own = None
    return {
        "backend": plan.backend,
        "version": None if backend is None else backend.version(),
        "allocate": own,
        "stats": dict(plan.stats),
    }


def _marginal(mv: MarginalValue | None) -> dict[str, Any] | None:
    """A marginal value as JSON: the tier it would help (null: nobody), its gains, the method that measured it,
    whether it was measured at all (`measured: false`: left out to save time, gains 0) and the shortage of it."""
    if mv is None:
        return None
    return {
        "tier": mv.tier,
        "min_fill_gain": _round(mv.min_fill_gain),
        "mean_fill_gain": _round(mv.mean_fill_gain),
        "method": mv.method,
        "measured": mv.measured,
        "shortage": _round(mv.shortage),
        "skills": list(mv.skills),
        "designated": mv.designated,
    }


def _grids(
    plan: Plan,
    fills: FloatArray,
    owner_rows: npt.NDArray[np.int64],
    values: Mapping[tuple[str, str], MarginalValue],
) -> list[dict[str, Any]]:
    """Per grid statistics over the needs and services of its households (fills aligned with `owner_rows`).

    A volunteer covering several grids offers their hours to each, so `volunteer_hours_offered` counts the same
    hour in every grid its volunteer covers (grid totals may exceed the overall offer); `volunteer_hours_used`
    counts visits to the grid's households, so it adds up; `volunteer_hours_free` is what the volunteers covering
    the grid have left after the whole plan (an hour offered here may have gone to another grid they cover).
    """
    case = plan.case
    names = list(dict.fromkeys(case.households.column("grid")))
    grid_of = {g: i for i, g in enumerate(names)}
    household_grid = np.fromiter(map(grid_of.__getitem__, case.households.column("grid")), np.int64)
    rows = household_grid[owner_rows]
    n_needs = len(case.needs)
    requested = np.zeros(len(names), dtype=np.int64)
    received = np.zeros(len(names), dtype=np.int64)
    got = plan.received
    need_grid = rows[:n_needs]
    np.add.at(requested, need_grid, np.fromiter(case.needs.column("quantity"), np.int64, n_needs))
    np.add.at(
        received, need_grid, np.fromiter(map(got.get, case.needs.column("need_id"), repeat(0)), np.int64, n_needs)
    )
    used = np.zeros(len(names), dtype=np.float64)
    spent: dict[str, float] = {}
    visits = plan.visits
    for volunteer_id, home, hours in zip(*map(visits.column, ("volunteer_id", "household_id", "hours")), strict=True):
        row = case.household_index.get(home)
        if row is not None:
            used[household_grid[row]] += hours
        spent[volunteer_id] = spent.get(volunteer_id, 0.0) + hours
    offered, free = [0.0] * len(names), [0.0] * len(names)  # summed in case order, as `sum` would
    for vol in case.volunteers or ():
        left = max(vol.hours - spent.get(vol.volunteer_id, 0.0), 0.0)
        covered = (
            range(len(names)) if ALL_GRIDS in vol.grids else sorted({grid_of[g] for g in vol.grids if g in grid_of})
        )
        for g in covered:
            offered[g] += vol.hours
            free[g] += left
    order = np.argsort(rows, kind="stable")  # each grid's rows in case order: one sort, not a scan per grid
    at = np.searchsorted(rows[order], np.arange(len(names) + 1))
    homes = np.bincount(household_grid, minlength=len(names))
    out = []
    for g, name in enumerate(names):
        mine = order[at[g] : at[g + 1]]
        f = fills[mine]
        needs = int(np.count_nonzero(mine < n_needs))
        entry: dict[str, Any] = {
            "grid": name,
            "households": int(homes[g]),
            "needs": needs,
            "services": int(mine.size) - needs,
            "min_fill": _round(f.min()) if len(f) else None,
            "mean_fill": _round(f.mean()) if len(f) else None,
            "fully_served": int(np.count_nonzero(f >= 1.0)),
            "units_requested": int(requested[g]),
            "units_received": int(received[g]),
            "volunteer_hours_offered": None,
            "volunteer_hours_used": None,
            "volunteer_hours_free": None,
            "marginal_value_of_hour": _marginal(values.get(("volunteer_hours", name))),
        }
        if case.volunteers is not None:
            entry["volunteer_hours_offered"] = _round(offered[g])
            entry["volunteer_hours_used"] = _round(used[g])
            entry["volunteer_hours_free"] = _round(free[g])
        out.append(entry)
    return out


def _items(plan: Plan, values: Mapping[tuple[str, str], MarginalValue]) -> list[dict[str, Any]]:
    """Per item units: usable supply on the plan date, requested, allocated (to needs of the item), shortage."""
    case = plan.case
    supplied: dict[str, int] = {}
    for lot in case.lots:
        supplied[lot.item] = supplied.get(lot.item, 0) + (lot.quantity if lot.usable_on(plan.plan_date) else 0)
    needs, got = case.needs, plan.received
    code: dict[str, int] = {}  # items in the order the needs first name them
    of = np.fromiter((code.setdefault(i, len(code)) for i in needs.column("item")), np.int64, len(needs))
    asked = np.zeros(len(code), np.int64)
    given = np.zeros(len(code), np.int64)
    np.add.at(asked, of, np.fromiter(needs.column("quantity"), np.int64, len(needs)))
    np.add.at(given, of, np.fromiter(map(got.get, needs.column("need_id"), repeat(0)), np.int64, len(needs)))
    requested = dict(zip(code, asked.tolist(), strict=True))
    allocated = dict(zip(code, given.tolist(), strict=True))
    out = []
    for item in dict.fromkeys([*requested, *supplied]):
        s, r, a = supplied.get(item, 0), requested.get(item, 0), allocated.get(item, 0)
        out.append(
            {
                "item": item,
                "supplied": s,
                "requested": r,
                "allocated": a,
                "shortage": r - a,
                "unused": s - a,
                "marginal_value": _marginal(values.get(("item", item))),
            }
        )
    return out


def _volunteers(plan: Plan) -> dict[str, Any] | None:
    """Hours offered and used overall, split into deliveries and services; None without a volunteers table."""
    volunteers = plan.case.volunteers
    if volunteers is None:
        return None
    kinds, hours = plan.visits.column("kind"), plan.visits.column("hours")
    delivery = sum(h for k, h in zip(kinds, hours, strict=True) if k == "delivery")
    service = sum(h for k, h in zip(kinds, hours, strict=True) if k == "service")
    return {
        "volunteers": len(volunteers),
        "hours_offered": _round(sum(v.hours for v in volunteers)),
        "hours_used": _round(delivery + service),
        "delivery_hours": _round(delivery),
        "service_hours": _round(service),
    }


def _fairness(plan: Plan, need_fills: FloatArray) -> dict[str, Any]:
    """Gini and Jain over need fill rates (services are left out: done or not, 0 or 1, they would swamp the
    spread of shared units), overall and per tier, highest priority first."""
    tiers = np.array(plan.case.need_tiers, dtype=np.int64)
    per_tier = {}
    for rank, name in enumerate(plan.case.policy.tier_names):
        f = need_fills[tiers == rank]
        per_tier[name] = {"needs": len(f), "gini": gini(f), "jain": jain(f)}
    return {
        "basis": "need_fill_rates",
        "overall": {"needs": len(need_fills), "gini": gini(need_fills), "jain": jain(need_fills)},
        "tiers": per_tier,
    }
