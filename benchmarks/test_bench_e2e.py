"""End to end in a fresh process: interpreter start, imports, read, solve, verify, write; and the command itself.

`test_fresh_process` runs the core path (`e2e.py`: what the regression gate times); `test_cli` runs
`allocate solve`, which adds explanations, marginal values (re-solves) and the report. Each round is a new
process, so its peak resident memory (ru_maxrss) is the true peak for that case alone; the child's own per-phase
times and the plan's tier fills go into `extra_info`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pytest_benchmark.fixture import BenchmarkFixture

from cases import CASES, case_dir
from e2e import run_in_fresh_process


def test_fresh_process(benchmark: BenchmarkFixture, size: str) -> None:
    """Time a whole fresh-process run; record the child's phases and peak RSS (the largest over rounds)."""
    folder = case_dir(size)
    runs: list[dict[str, Any]] = []
    benchmark.group = "end to end, fresh process"
    benchmark.pedantic(lambda: runs.append(run_in_fresh_process(folder)), rounds=min(3, CASES[size].rounds))
    phases = ("read", "solve", "verify", "write", "end_to_end")
    benchmark.extra_info.update(
        case=size,
        households=CASES[size].households,
        needs=runs[-1]["needs"],
        status=runs[-1]["status"],
        peak_rss_mib=max(r["peak_rss_mib"] for r in runs),
        **{f"{p}_s_median": sorted(r[p] for r in runs)[len(runs) // 2] for p in phases},
        tiers=runs[-1]["tiers"],
    )


def cli_solve(folder: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of `python -m allocate solve CASE -o OUT` in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="allocate-cli-") as tmp:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "allocate", "solve", str(folder), "-o", str(Path(tmp) / "out")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        assert proc.stderr is not None
        if proc.returncode != 0:
            raise RuntimeError(f"allocate solve exited {proc.returncode}: {proc.stderr.read().decode()[-500:]}")
        proc.stderr.close()
    return seconds, usage.ru_maxrss / 1024


def test_cli(benchmark: BenchmarkFixture, size: str) -> None:
    """Time the planner's command, which also explains shortfalls, prices marginal units and writes the report."""
    folder = case_dir(size)
    runs: list[tuple[float, float]] = []
    benchmark.group = "allocate solve (the command), fresh process"
    benchmark.pedantic(lambda: runs.append(cli_solve(folder)), rounds=min(3, CASES[size].rounds))
    benchmark.extra_info.update(case=size, peak_rss_mib=max(rss for _, rss in runs))
