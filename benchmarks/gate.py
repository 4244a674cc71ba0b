"""The speed regression gate: is the candidate more than 25% slower end to end than the last landed commit?

A single timing on a shared machine moves by 10-40% between identical runs, so no threshold on one timing can be
trusted. Instead both sides run in the same job, in fresh processes, interleaved: pair i runs baseline then
candidate (candidate first on odd i, so a drift in machine load hits both sides alike), and each pair gives one
ratio candidate / baseline. Load that comes and goes moves both members of a pair together, and the median
ignores the pairs it hit unevenly. When some case's median ratio exceeds 1.15 (`SUSPECT`), one confirming rerun of
the whole interleaved comparison is made, and the gate fails (exit 1) when, over the pairs of both comparisons,
some case's median ratio exceeds 1.25: a real slowdown shows in both, a burst of load in one.

What is timed is `benchmarks/e2e.py` (read CSV, solve, verify, write) on cases M and S, generated once by the
candidate's generator so both sides read the same files. What is gated is the run's CPU seconds (all threads),
not its wall-clock seconds: with more runnable processes than cores, wall time mostly measures the neighbours
(identical M runs took 5-11 s of wall time for 1.3-1.6 s of CPU time here), while CPU time moves by about a tenth.
Wall-time ratios are printed beside it; `--metric wall` gates on them instead, on a quiet machine. A regression
that only costs wall time (sleeping, waiting on I/O, lost parallelism, work in child processes) is for the
benchmark suite to show. The baseline is checked out into a temporary git worktree and run with the same
interpreter and venv, its `src` first on PYTHONPATH; nothing is installed.

Usage (from `.ci/run`): `.venv/bin/python benchmarks/gate.py` compares with what had landed when the current
session began: the newest commit on HEAD's first-parent line followed by a gap of more than 3 hours before the
next (`gate_baseline.py` says how clock errors are handled), unless a `Gate-Baseline: <commit>` trailer in a
commit of this session names another; with no earlier session it skips (exit 0) saying so. It prints the chosen
commit and why in one line. `--baseline REV` names the commit; `--session-gap HOURS` changes the gap;
`--baseline-src DIR` / `--candidate-src DIR` compare any two source trees (how the slowdown demo works).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cases import case_dir, parse_sizes
from e2e import run_in_fresh_process
from gate_baseline import SESSION_GAP_HOURS, BaselineError, choose

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = 1.25
SUSPECT = 1.15
"""A median ratio above this (but maybe under the threshold) calls for the confirming rerun: identical code stayed
under 1.10 in every trial here, and a true 30% slowdown showed medians from 1.17 to 1.37 on single comparisons."""
PAIRS = 11
SIZES = ("M", "S")
RUN_TIMEOUT = 300.0
"""Seconds one end-to-end run may take before the gate gives up on it (M takes a few seconds)."""


class WorkloadFailedError(RuntimeError):
    """One side could not run the workload: an import error, a crash, or a plan that fails verification."""


@dataclass(frozen=True)
class SizeResult:
    """One interleaved comparison on one case: end-to-end seconds (of the gated metric) of each pair, in order.

    `*_wall` hold the wall-clock seconds of the same runs, shown beside the gated metric but not decided on.
    """

    size: str
    baseline: tuple[float, ...]
    candidate: tuple[float, ...]
    baseline_wall: tuple[float, ...] = ()
    candidate_wall: tuple[float, ...] = ()

    @property
    def ratios(self) -> list[float]:
        """Candidate / baseline per pair."""
        return [c / b for b, c in zip(self.baseline, self.candidate, strict=True)]

    @property
    def wall_ratios(self) -> list[float]:
        return [c / b for b, c in zip(self.baseline_wall, self.candidate_wall, strict=True)]

    @property
    def median_ratio(self) -> float:
        return statistics.median(self.ratios)

    def passed(self, threshold: float) -> bool:
        return self.median_ratio <= threshold


def timed_run(src: Path, case: Path) -> tuple[float, float]:
    """End-to-end CPU and wall seconds of one fresh process running `e2e.py` on `case`, `src` first on the path."""
    try:
        result = run_in_fresh_process(case, src, timeout=RUN_TIMEOUT)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        raise WorkloadFailedError(str(e)) from None
    if not Path(result["allocate"]).is_relative_to(src):
        raise WorkloadFailedError(f"expected allocate from {src}, but the run imported {result['allocate']}")
    return float(result["cpu_end_to_end"]), float(result["end_to_end"])


def compare(baseline: Path, candidate: Path, sizes: Sequence[str], pairs: int, metric: str) -> list[SizeResult]:
    """One interleaved comparison: `pairs` pairs per size, alternating which side runs first."""
    runs: dict[tuple[str, Path], list[tuple[float, float]]] = {
        (s, src): [] for s in sizes for src in (baseline, candidate)
    }
    for i in range(pairs):
        for size in sizes:
            for src in (baseline, candidate) if i % 2 == 0 else (candidate, baseline):
                runs[size, src].append(timed_run(src, case_dir(size)))
    pick = 0 if metric == "cpu" else 1
    return [
        SizeResult(
            size,
            tuple(r[pick] for r in runs[size, baseline]),
            tuple(r[pick] for r in runs[size, candidate]),
            tuple(r[1] for r in runs[size, baseline]),
            tuple(r[1] for r in runs[size, candidate]),
        )
        for size in sizes
    ]


def suspicious(results: list[SizeResult]) -> bool:
    """Whether some size's median ratio is high enough that a confirming rerun must decide."""
    return any(r.median_ratio > SUSPECT for r in results)


def verdict(first: list[SizeResult], rerun: list[SizeResult] | None, threshold: float) -> bool:
    """Pass unless the first comparison is suspicious and, over the pairs of both comparisons, some size's median
    ratio exceeds the threshold."""
    if not suspicious(first) and all(r.passed(threshold) for r in first):
        return True
    if rerun is None:
        raise ValueError("a suspicious first comparison needs its confirming rerun")
    return all(r.passed(threshold) for r in pooled(first, rerun))


def pooled(first: list[SizeResult], rerun: list[SizeResult]) -> list[SizeResult]:
    """Each size's pairs of both comparisons together."""
    return [
        SizeResult(a.size, a.baseline + b.baseline, a.candidate + b.candidate)
        for a, b in zip(first, rerun, strict=True)
    ]


def table(results: list[SizeResult], title: str) -> str:
    """The comparison as a small text table: medians of each side, the median and range of the ratios (gated),
    and for information the median ratio and range of wall-clock times."""
    lines = [
        title,
        f"{'case':<5}{'pairs':>6}{'baseline s':>12}{'candidate s':>13}{'median ratio':>14}{'ratio range':>13}"
        f"{'wall ratio':>12}{'wall range':>12}",
    ]
    for r in results:
        ratios, wall = r.ratios, r.wall_ratios
        lines.append(
            f"{r.size:<5}{len(ratios):>6}{statistics.median(r.baseline):>12.3f}{statistics.median(r.candidate):>13.3f}"
            f"{r.median_ratio:>14.3f}{f'{min(ratios):.2f}-{max(ratios):.2f}':>13}"
            f"{statistics.median(wall):>12.3f}{f'{min(wall):.2f}-{max(wall):.2f}':>12}"
        )
    return "\n".join(lines)


def warm_up(src: Path, sizes: Sequence[str]) -> None:
    """One untimed run per size: compiles bytecode, warms the file cache, and proves the tree runs the workload."""
    for size in sizes:
        timed_run(src, case_dir(size))


def run_gate(
    baseline: Path, candidate: Path, sizes: Sequence[str], pairs: int, threshold: float, metric: str
) -> tuple[bool, list[list[SizeResult]]]:
    """Compare, and rerun once to confirm a failure; prints the tables as it goes."""
    rounds = [compare(baseline, candidate, sizes, pairs, metric)]
    print(table(rounds[0], f"comparison 1 ({metric} seconds, threshold {threshold}):"), flush=True)
    if suspicious(rounds[0]) or not all(r.passed(threshold) for r in rounds[0]):
        print(f"a median ratio above {SUSPECT}: a second interleaved comparison decides", flush=True)
        rounds.append(compare(baseline, candidate, sizes, pairs, metric))
        print(table(rounds[1], "comparison 2 (confirming):"), flush=True)
    return verdict(rounds[0], rounds[1] if len(rounds) > 1 else None, threshold), rounds


@contextmanager
def worktree(rev: str) -> Iterator[Path]:
    """A temporary detached git worktree of `rev`, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="allocate-gate-") as tmp:
        path = Path(tmp) / "baseline"
        _git("worktree", "add", "--detach", "--quiet", str(path), rev)
        try:
            yield path
        finally:
            _git("worktree", "remove", "--force", str(path), check=False)


def _git(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=check)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, find the baseline, run the gate; 0 pass or skip, 1 fail, 2 usage."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="baseline commit (default: the end of the previous session, see gate_baseline.py)",
    )
    parser.add_argument(
        "--session-gap",
        type=float,
        default=SESSION_GAP_HOURS,
        metavar="HOURS",
        help=f"a longer gap between commits ends a session (default {SESSION_GAP_HOURS:g})",
    )
    parser.add_argument("--baseline-src", type=Path, help="baseline source tree instead of a commit's src")
    parser.add_argument("--candidate-src", type=Path, default=ROOT / "src", help="default: this working tree's src")
    parser.add_argument("--pairs", type=int, default=PAIRS, help="interleaved pairs per size and comparison")
    parser.add_argument("--threshold", type=float, default=THRESHOLD, help="largest median ratio that passes")
    parser.add_argument("--sizes", default=",".join(SIZES), help="cases to time, e.g. M,S")
    parser.add_argument(
        "--metric", choices=("cpu", "wall"), default="cpu", help="what is gated: CPU seconds (default) or wall-clock"
    )
    args = parser.parse_args(argv)
    sizes = parse_sizes(args.sizes)
    if "XL" in sizes:  # 22+ runs of about 17 minutes and 15 GiB each: not a gate, and past RUN_TIMEOUT
        parser.error("XL is not for the gate; time it with the benchmark suite (docs/performance.md)")
    candidate = args.candidate_src.resolve()
    start = time.perf_counter()

    def gate(baseline: Path, name: str) -> int:
        if baseline == candidate:
            print(f"gate: baseline and candidate are the same folder {candidate}; nothing to compare", file=sys.stderr)
            return 2
        print(
            f"gate: candidate {candidate} vs baseline {name}; cases {', '.join(sizes)}, {args.pairs} pairs each,"
            f" {args.metric} seconds"
        )
        try:
            warm_up(baseline, sizes)
        except WorkloadFailedError as e:
            print(f"gate skipped: the baseline {name} cannot run the end-to-end workload, nothing to compare with\n{e}")
            return 0
        try:
            warm_up(candidate, sizes)
            ok, rounds = run_gate(baseline, candidate, sizes, args.pairs, args.threshold, args.metric)
        except WorkloadFailedError as e:
            print(f"gate failed: the candidate cannot run the end-to-end workload\n{e}")
            return 1
        shown = [*rounds, pooled(*rounds)] if len(rounds) > 1 else rounds
        medians = " | ".join(", ".join(f"{r.size} {r.median_ratio:.3f}" for r in results) for results in shown)
        outcome = (
            "passed" if ok else f"FAILED: the candidate is more than {args.threshold}x slower over both comparisons"
        )
        what = "median ratios (first | rerun | both)" if len(rounds) > 1 else "median ratios"
        print(f"gate {outcome}; {what} {medians} ({time.perf_counter() - start:.0f} s)")
        return 0 if ok else 1

    if args.baseline_src is not None:
        return gate(args.baseline_src.resolve(), str(args.baseline_src))
    try:
        chosen = choose(ROOT, args.baseline, args.session_gap)
    except BaselineError as e:
        print(f"gate: {e}", file=sys.stderr)
        return 2
    if chosen.sha is None:
        print(f"gate skipped: nothing to compare with; {chosen.why}")
        return 0
    print(f"gate baseline {chosen.sha[:10]}: {chosen.why}", flush=True)
    with worktree(chosen.sha) as tree:
        return gate(tree / "src", chosen.sha[:10])


if __name__ == "__main__":
    sys.exit(main())
