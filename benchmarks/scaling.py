"""How the whole command's wall time and peak memory grow with the case: the points of docs/performance.md's plot.

For each number of households, in fresh processes: `allocate generate --households N --seed 1` into a temporary
folder (not timed), then `allocate solve CASE -o OUT --date 2026-12-01`, timed from outside, its peak resident
memory read from the child's own rusage (`os.wait4`, so no other child counts). The points go into
`benchmarks/scaling.json` with the machine, the date and the commit; a size measured again replaces its point,
and the points quoted from earlier measurements (the peer model, XL) are kept as they are. Standard library only.

    .venv/bin/python benchmarks/scaling.py --households 300,5000,100000,300000 --runs 2

Then `python benchmarks/scaling_plot.py` draws docs/_static/scaling.svg from the JSON. On a 2-core machine
300,000 households take about 4 minutes and 3 GiB; 1,000,000 about 17 minutes and 15 GiB (`--households
1000000`, never run by CI).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "scaling.json"
PLAN_DATE = "2026-12-01"
"""The plan date of every run, so the same case is the same problem whatever day it is measured."""


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of one child process, which must succeed.

    Linux keeps a process's peak across `exec`, so the child's peak is at least this process's size when it
    started the child: measure from a small process (this script), never from inside a large one.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[2:5])} exited {proc.returncode}: {err[-500:]}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports KiB


def measure(households: int, seed: int, runs: int) -> dict[str, Any]:
    """Generate one case and time `allocate solve` on it `runs` times, each in a fresh process."""
    command = [sys.executable, "-m", "allocate"]
    with tempfile.TemporaryDirectory(prefix="allocate-scaling-") as tmp:
        case = Path(tmp) / "case"
        generate_s, generate_mib = timed(
            [*command, "generate", "--households", str(households), "--seed", str(seed), str(case)]
        )
        samples = []
        for k in range(runs):
            load = os.getloadavg()[0]
            wall, mib = timed([*command, "solve", str(case), "-o", str(Path(tmp) / f"plan{k}"), "--date", PLAN_DATE])
            samples.append({"wall_s": round(wall, 2), "peak_mib": round(mib), "load_before": round(load, 2)})
            print(f"{households:>9,} households: {wall:8.1f} s {mib:8.0f} MiB (load {load:.2f})", file=sys.stderr)
    walls = sorted(s["wall_s"] for s in samples)
    return {
        "program": "allocate",
        "households": households,
        "seed": seed,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
        "wall_s": walls[(len(walls) - 1) // 2],  # the lower median: one slow run under load does not set it
        "peak_mib": max(s["peak_mib"] for s in samples),
        "runs": samples,
        "generate": {"wall_s": round(generate_s, 1), "peak_mib": round(generate_mib)},
    }


def machine() -> dict[str, Any]:
    """What the numbers depend on: cores, CPU, memory, Python."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem_kib = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
    )
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kib / 2**20, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "shared": "other engineers' work ran beside it; load_before is the 1-minute load average before each run",
    }


def commit() -> str:
    """The short hash of HEAD, with "+dirty" when src (what is measured) differs from it."""
    git = ["git", "-C", str(HERE.parent)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
    dirty = subprocess.run([*git, "diff", "--quiet", "HEAD", "--", "src"], check=False).returncode != 0
    return head.stdout.strip() + ("+dirty" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", default="300,5000,100000,300000", help="comma-separated case sizes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=1, help="timed runs per size (the lower median is kept)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sizes = [int(n.replace("_", "")) for n in args.households.split(",")]
    old: dict[str, Any] = json.loads(args.out.read_text("utf-8")) if args.out.exists() else {}
    points = {p["households"]: p for p in old.get("measured", {}).get("points", [])}
    points.update((n, measure(n, args.seed, args.runs)) for n in sizes)
    result = {
        "about": old.get("about", "Wall time and peak memory of the whole command against the case's size."),
        "measured": {
            "machine": machine(),
            "command": f"allocate solve CASE -o OUT --date {PLAN_DATE}",
            "case": f"allocate generate --households N --seed {args.seed}",
            "points": [points[n] for n in sorted(points)],
        },
        "quoted": old.get("quoted", []),
    }
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
