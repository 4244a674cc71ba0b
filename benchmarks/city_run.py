"""A city too large for one process, solved on Dask: the run docs/city.md reports (issue 14).

    .venv/bin/python benchmarks/city_run.py --households 2000000 --districts 20 --workers 2

Each district of `allocate.generate(households, seed, districts=districts)` is made on the worker that solves it
(`allocate.city.GeneratedDistrict`), so no process ever holds the city: the workers probe their districts, the
master step divides the city-wide lots (`allocate.generate.generate_city_lots`, made from the districts' total
demand once the probes are in) by priority and leximin over the districts' demand, and the workers make their
districts again and solve and verify them with their shares (`allocate.city.solve_sources`). Prints one line per
district and the totals; `--json FILE` keeps them.

    .venv/bin/python benchmarks/city_run.py --compare --households 1500 --districts 3 --seed 3

measures instead what the master step costs on a city one process can hold (docs/city.md, the loss table): the
same generated city solved by `allocate.solve` in this process and by `allocate.city.solve_city` on a LocalCluster,
each plan verified against the whole city; per tier the worst and mean fill of both, the verifier's findings on
each, the city-wide units each leaves unused and the units each gives in all.
"""

from __future__ import annotations

import argparse
import json
import time
from functools import partial
from pathlib import Path
from typing import Any

from allocate.city import GeneratedDistrict, solve_city, solve_sources
from allocate.generate import PLAN_DATE, city_layout, generate, generate_city_lots
from allocate.schema import Policy


def run_city(
    households: int, districts: int, *, workers: int = 2, seed: int = 1, scheduler: Any = None
) -> dict[str, Any]:
    """Solve the generated city by its districts; what it took and how each tier fared, as a dict."""
    names = city_layout(households, seed, districts).names
    sources = [(name, GeneratedDistrict(households, seed, districts, k)) for k, name in enumerate(names)]
    started = time.perf_counter()
    run = solve_sources(
        sources,
        None,
        Policy(plan_date=PLAN_DATE),
        shared_lots=partial(generate_city_lots, households, seed, districts),
        scheduler=scheduler,
        workers=workers,
    )
    wall = time.perf_counter() - started
    tiers: dict[str, dict[str, Any]] = {}
    for part in run.parts:
        for t in part.tiers:
            n = t.needs + t.services
            if not n or t.min_fill is None or t.mean_fill is None:
                continue
            got = tiers.setdefault(t.tier, {"entries": 0, "filled": 0.0, "min_fill": 1.0})
            got["entries"] += n
            got["filled"] += t.mean_fill * n
            got["min_fill"] = min(got["min_fill"], t.min_fill)
    return {
        "households": households,
        "districts": districts,
        "workers": workers,
        "seconds": {"wall": round(wall, 1), **{k: round(v, 1) for k, v in run.seconds.items()}},
        "verified": run.verified,
        "shared_units": sum(units for split in run.division.shares.values() for _, units in split),
        "tiers": {
            name: {"min_fill": round(t["min_fill"], 6), "mean_fill": round(t["filled"] / t["entries"], 6)}
            for name, t in tiers.items()
        },
        "parts": [
            {
                "district": p.district,
                "households": p.households,
                "status": p.status,
                "seconds": {k: round(v, 1) for k, v in p.seconds.items()},
                "verified": p.verified,
                "worker_peak_mib": round(p.peak_rss / 2**20),
                "worker": p.worker,
            }
            for p in run.parts
        ],
    }


def compare_city(
    households: int, districts: int, *, seed: int = 1, workers: int = 2, scheduler: Any = None
) -> dict[str, Any]:
    """One generated city solved in one process and by districts: per tier worst and mean fill of each plan (and the
    city's mean against the single one, in percent), the verifier's findings by rule, the city-wide units left
    unused and the units given from all lots."""
    from collections import Counter

    from allocate import solve, verify

    case = generate(households, seed, districts=districts)
    started = time.perf_counter()
    single = solve(case)
    single_check = verify(case, single)
    single_seconds = time.perf_counter() - started
    started = time.perf_counter()
    city = solve_city(case, scheduler=scheduler, workers=workers)
    city_seconds = time.perf_counter() - started
    shared = {lot.lot_id: lot.quantity for lot in case.lots if lot.lot_id.startswith("CITY/")}

    def unused(plan: Any) -> int:
        return sum(shared.values()) - sum(a.quantity for a in plan.allocations if a.lot_id in shared)

    tiers = {}
    for one, by in zip(single_check.tiers, city.verification.tiers, strict=True):
        if one.mean_fill is None or by.mean_fill is None:
            continue
        tiers[one.tier] = {
            "single": {"min_fill": round(one.min_fill or 0.0, 6), "mean_fill": round(one.mean_fill, 6)},
            "city": {"min_fill": round(by.min_fill or 0.0, 6), "mean_fill": round(by.mean_fill, 6)},
            "mean_change_percent": round((by.mean_fill - one.mean_fill) / one.mean_fill * 100, 3)
            if one.mean_fill
            else 0.0,
        }
    return {
        "households": households,
        "districts": districts,
        "seed": seed,
        "tiers": tiers,
        "findings": {
            "single": dict(Counter(v.rule.value for v in single_check.violations)),
            "city": dict(Counter(v.rule.value for v in city.verification.violations)),
        },
        "feasible": city.verification.feasible,
        "shared_units": sum(shared.values()),
        "unused_shared_units": {"single": unused(single), "city": unused(city.plan)},
        "units_given": {
            "single": sum(a.quantity for a in single.allocations),
            "city": sum(a.quantity for a in city.plan.allocations),
        },
        "seconds": {"single": round(single_seconds, 1), "city": round(city_seconds, 1)},
    }


def main() -> None:
    """Run the city of the arguments and print (and, with --json, keep) what it took."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2_000_000)
    parser.add_argument("--districts", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument("--compare", action="store_true", help="one process against districts (a small city)")
    args = parser.parse_args()
    if args.compare:
        got = compare_city(args.households, args.districts, seed=args.seed, workers=args.workers)
        print(json.dumps(got, indent=2))
        if args.json:
            args.json.write_text(json.dumps(got, indent=2) + "\n", encoding="utf-8")
        return
    result = run_city(args.households, args.districts, workers=args.workers, seed=args.seed)
    for p in result["parts"]:
        print(
            f"{p['district']}: {p['households']:,} households, {p['status']}, {p['seconds']}, "
            f"{'verified' if p['verified'] else 'NOT verified'}, worker peak {p['worker_peak_mib']:,} MiB"
        )
    print(json.dumps({k: v for k, v in result.items() if k != "parts"}, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
