"""A long random differential run: allocate against the exact tier-by-tier leximin MIP on medium cases.

    python benchmarks/differential.py --cases 2000 --seed 1

Each case is `support.tiny_cases.random_case` (from `tests/support`) with 20 to 200 households over three grids:
few lots per item, some earmarked, grid-limited or expired; volunteers of one grid, two grids or all, with fewer
hours than the visits asked; services of mixed lengths; all-or-nothing needs; fairness "leximin" or "none". Case
`i` of seed `s` is the same on every machine (`--case i` reruns one and prints it as code).

For every case it solves with the default backend and checks the plan four independent ways: `verify`; brute
force's feasibility rules (`support.brute_force.infeasibilities`); the exact optimum (`support.exact_mip`, with
`--time-limit` seconds per case: cases it cannot prove in time are skipped and counted; its own plan is checked
by brute force's rules too); and the local-move checker (`support.local_moves`: waste, priority inversion, idle
hours, visit inversion, total fill and its tie, each with a strictly better plan as witness). The other installed
backends solve it too, with `solve`'s `time_limit=--backend-time-limit`, and any difference in fills is counted
(a backend stopped by its limit may differ legitimately; `--backends pulp` skips a slow one). This is not part of
pytest (thousands of cases take hours: about 2 s per case for the oracle, more for slow backends);
`tests/test_differential.py` runs it on three small cases.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the test references: `support`

from allocate import solve, verify
from allocate.backends import available_backends
from allocate.schema import Case
from support.brute_force import Objective, infeasibilities, objective
from support.exact_mip import OracleTimeoutError, solve_exact
from support.local_moves import INVERSION, VERIFIER_RULES, WASTE, improvements
from support.tiny_cases import RandomPicker, as_code, random_case

COUNTS = (
    "cases",
    "engine errors",
    "plans verified",
    "plans infeasible (brute-force rules)",
    "solved by the oracle",
    "oracle timed out",
    "plans equal to the oracle",
    "leximin-suboptimal",
    "suboptimal but labelled optimal",
    "better than the oracle (an oracle bug)",
    "oracle plan infeasible (an oracle bug)",
    "plans with a local improvement",
    "local improvements verify accepts",
    "backend disagreements",
)
"""The totals printed, in this order (then local improvements by rule and suboptimality by tier)."""


def make_case(seed: int, i: int, low: int, high: int) -> Case:
    """Case `i` of the run with `seed`: its size and contents from one `random.Random` seeded by both."""
    rng = random.Random(seed * 1_000_003 + i)
    return random_case(RandomPicker(rng), households=rng.randint(low, high), grids=3)


def first_difference(engine: Objective, best: Objective) -> tuple[int, int, Fraction, Fraction] | None:
    """Where the engine's fills first fall short: tier, position in the sorted fills, engine's and best fill."""
    for tier, (got, want) in enumerate(zip(engine, best, strict=True)):
        for k, (x, y) in enumerate(zip(got, want, strict=True)):
            if x != y:
                return tier, k, x, y
    return None


def check(case: Case, time_limit: float, backends: Sequence[str], backend_time_limit: float | None) -> dict[str, Any]:
    """Every check of one case, as a record (see the module docstring)."""
    out: dict[str, Any] = {"households": len(case.households)}
    started = time.perf_counter()
    try:
        plan = solve(case)
    except Exception as e:  # counted and reported: the run goes on
        out["error"] = repr(e)
        return out
    out["solve_seconds"] = time.perf_counter() - started
    out["status"] = str(plan.status)
    out["verified"] = verify(case, plan).ok
    out["infeasible"] = infeasibilities(case, plan)
    engine = objective(case, plan)
    started = time.perf_counter()
    try:
        exact = solve_exact(case, time_limit=time_limit)
    except OracleTimeoutError:
        out["oracle"] = "timeout"
    else:
        out["oracle_seconds"] = time.perf_counter() - started
        out["oracle_infeasible"] = bool(infeasibilities(case, exact.plan))
        out["oracle"] = "equal" if engine == exact.objective else "worse" if engine < exact.objective else "better"
        gap = first_difference(engine, exact.objective)
        if gap is not None:
            out["first_difference"] = [gap[0], gap[1], str(gap[2]), str(gap[3])]
    if not out["infeasible"]:
        found = improvements(case, plan, VERIFIER_RULES)
        out["improvements"] = sorted({i.rule for i in found})
        out["example_improvement"] = str(found[0]) if found else None
    others, seconds = {}, {}
    for name in backends:
        started = time.perf_counter()
        try:
            other = objective(case, solve(case, backend=name, time_limit=backend_time_limit))
        except Exception as e:
            others[name] = repr(e)
            continue
        finally:
            seconds[name] = time.perf_counter() - started
        if other != engine:
            others[name] = "different fills"
    out["backends"] = others
    out["backend_seconds"] = seconds
    return out


def tally(records: list[dict[str, Any]], tier_names: Sequence[str]) -> Counter[str]:
    """The totals over the records."""
    c: Counter[str] = Counter(dict.fromkeys(COUNTS, 0))
    for r in records:
        c["cases"] += 1
        if "error" in r:
            c["engine errors"] += 1
            continue
        c["plans verified"] += r["verified"]
        c["plans infeasible (brute-force rules)"] += bool(r["infeasible"])
        if r["oracle"] == "timeout":
            c["oracle timed out"] += 1
        else:
            c["solved by the oracle"] += 1
            c["plans equal to the oracle"] += r["oracle"] == "equal"
            c["leximin-suboptimal"] += r["oracle"] == "worse"
            c["suboptimal but labelled optimal"] += r["oracle"] == "worse" and r["status"] == "optimal"
            c["better than the oracle (an oracle bug)"] += r["oracle"] == "better"
            c["oracle plan infeasible (an oracle bug)"] += r["oracle_infeasible"]
            if "first_difference" in r:
                c[f"first short in tier {tier_names[r['first_difference'][0]]}"] += 1
        rules = r.get("improvements", [])
        c["plans with a local improvement"] += bool(rules)
        c["local improvements verify accepts"] += bool(rules) and r["verified"]
        for rule in rules:
            c[f"plans with {rule}"] += 1
        if rules and (WASTE in rules or INVERSION in rules):
            c["plans with waste or inversion"] += 1
        c["backend disagreements"] += bool(r["backends"])
        for name, took in r["backend_seconds"].items():
            c[f"backend {name} over 10 s"] += took > 10
    return c


def main(argv: Sequence[str] | None = None) -> dict[str, int]:
    """Run the cases, print the totals and a few examples of each shortfall; return the totals."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-households", type=int, default=20)
    parser.add_argument("--max-households", type=int, default=200)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds the oracle may take per case")
    parser.add_argument("--backends", default="", help="other backends to compare (default: every installed one)")
    parser.add_argument(
        "--backend-time-limit", type=float, default=10.0, help="`solve`'s time_limit for the other backends"
    )
    parser.add_argument("--case", type=int, default=None, help="check only case CASE, and print it as code")
    parser.add_argument("--jsonl", type=Path, default=None, help="write one record per case here")
    parser.add_argument("--examples", type=int, default=3, help="examples shown per kind of shortfall")
    args = parser.parse_args(argv)
    chosen = args.backends.split(",") if args.backends else available_backends()
    others = [b for b in chosen if b and b != "highs"]
    indices = [args.case] if args.case is not None else list(range(args.cases))
    records: list[dict[str, Any]] = []
    tier_names: Sequence[str] = ()
    started = time.perf_counter()
    sink = args.jsonl.open("w") if args.jsonl else None
    for i in indices:
        case = make_case(args.seed, i, args.min_households, args.max_households)
        tier_names = case.policy.tier_names
        if args.case is not None:
            print(as_code(case))
        record = {"case": i, **check(case, args.time_limit, others, args.backend_time_limit)}
        records.append(record)
        if sink:
            sink.write(json.dumps(record) + "\n")
            sink.flush()
        if len(indices) >= 20 and (len(records) % max(1, len(indices) // 20) == 0):
            print(f"... {len(records)} cases, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    if sink:
        sink.close()
    totals = tally(records, tier_names)
    width = max(len(k) for k in totals)
    print(
        f"differential run: seed {args.seed}, {args.min_households}-{args.max_households} households, "
        f"oracle limit {args.time_limit:g} s, other backends {', '.join(others) or 'none'}"
    )
    for key in (*COUNTS, *sorted(k for k in totals if k not in COUNTS)):
        print(f"  {key:<{width}}  {totals[key]}")
    shown: Counter[str] = Counter()
    for r in records:
        kinds = []
        if "error" in r:
            kinds.append(("engine error", r["error"]))
        else:
            if r["oracle"] == "worse":
                tier, k, got, want = r["first_difference"]
                kinds.append(("suboptimal", f"tier {tier_names[tier]}, fill #{k + 1}: {got} where {want} is possible"))
            if r.get("example_improvement"):
                kinds.append(("local improvement", r["example_improvement"]))
            if r["backends"]:
                kinds.append(("backends", str(r["backends"])))
        for kind, text in kinds:
            if shown[kind] < args.examples:
                shown[kind] += 1
                print(f"  e.g. {kind}: case {r['case']} ({r.get('households')} households): {text}")
    solve_s = sum(r.get("solve_seconds", 0.0) for r in records)
    oracle_s = sum(r.get("oracle_seconds", 0.0) for r in records)
    others_s = ", ".join(
        f"{name} {sum(r.get('backend_seconds', {}).get(name, 0.0) for r in records):.1f} s" for name in others
    )
    print(f"  time: solve {solve_s:.1f} s, oracle {oracle_s:.1f} s, other backends {others_s or '-'}", end="")
    print(f", total {time.perf_counter() - started:.1f} s")
    return dict(totals)


if __name__ == "__main__":
    main()
