"""One end-to-end run in this fresh process, as `allocate solve` does it: read CSV, solve, verify, write.

Usage: `python benchmarks/e2e.py CASE_DIR` (or `run_in_fresh_process` from Python) prints one JSON object:
wall seconds per phase and end to end, CPU seconds end to end and of the solve, peak resident memory of this
process, and the plan's status and per tier fills. Exit 1 if the plan fails verification.

The regression gate runs this same file against the baseline's and the candidate's `src` (via PYTHONPATH), so it
imports only `allocate`'s public functions and the standard library; nothing from `benchmarks/`.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def run(case_dir: Path) -> dict[str, Any]:
    """Time each phase of one end-to-end solve of the case in `case_dir`; peak RSS is the whole process's."""
    import allocate
    from allocate.io import read_case
    from allocate.solve import solve
    from allocate.verify import verify

    with tempfile.TemporaryDirectory(prefix="allocate-e2e-") as tmp:
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        case = read_case(case_dir)
        t1, cpu1 = time.perf_counter(), time.process_time()
        plan = solve(case)
        t2, cpu2 = time.perf_counter(), time.process_time()
        verdict = verify(case, plan)
        t3 = time.perf_counter()
        plan.write(Path(tmp) / "plan")
        t4 = time.perf_counter()
        cpu4 = time.process_time()
    return {
        "case": case_dir.name,
        "allocate": str(Path(allocate.__file__).resolve().parent),  # which source tree ran: the gate checks it
        "read": t1 - t0,
        "solve": t2 - t1,
        "verify": t3 - t2,
        "write": t4 - t3,
        "end_to_end": t4 - t0,
        "cpu_end_to_end": cpu4 - cpu0,  # CPU seconds of all this process's threads: what neighbours barely move
        "cpu_solve": cpu2 - cpu1,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # Linux reports KiB
        "status": str(plan.status),
        "verified": verdict.ok,
        "needs": len(case.needs),
        "tiers": [{"tier": t.tier, "min_fill": t.min_fill, "mean_fill": t.mean_fill} for t in verdict.tiers],
    }


def run_in_fresh_process(case_dir: Path, src: Path | None = None, timeout: float = 3600.0) -> dict[str, Any]:
    """`run` in a new interpreter (the same one as ours), with `src` first on PYTHONPATH when given.

    Raises RuntimeError with the tail of the child's output when it fails or its plan fails verification.
    """
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, __file__, str(case_dir)], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
        raise RuntimeError(f"{src or 'allocate'} on {case_dir.name} exited {proc.returncode}:\n{tail}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


if __name__ == "__main__":
    result = run(Path(sys.argv[1]))
    print(json.dumps(result))
    sys.exit(0 if result["verified"] else 1)
