"""Show that the gate passes identical code and fails a deliberate 30% slowdown, on this machine, now.

Usage: `.venv/bin/python benchmarks/gate_demo.py [--runs 3]`. It copies this working tree's `src` three times into
a temporary folder (so edits made meanwhile cannot leak in): a baseline, an identical candidate, and a slowed
candidate that spins, after writing the plan, for 30% of the CPU time spent since it began reading the case
(see `slow_down`). Then it runs the real gate `--runs` times on baseline vs identical candidate, and once on
baseline vs slowed candidate. Exit 0 when every identical run passed and the slowdown failed. Nothing in the
product knows about this: the slowdown lives only in the copies.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cases import case_dir
from e2e import run_in_fresh_process
from gate import ROOT, SIZES

GATE = Path(__file__).resolve().parent / "gate.py"
SLOWDOWN = 0.30


READ_PATCH = """

# gate demo only: a deliberate slowdown, in a temporary copy (see the end of allocate/plan.py)
import time as _time

_read_case = read_case


def read_case(path, *, policy=None):
    global STARTED
    STARTED = _time.process_time()
    return _read_case(path, policy=policy)
"""

WRITE_PATCH = """

# gate demo only: a deliberate slowdown, in a temporary copy (see the end of allocate/io/reader.py)
import time as _time

_write = Plan.write


def _slowed_write(self, folder, *, overwrite=False):
    from allocate.io import reader

    out = _write(self, folder, overwrite=overwrite)
    now = _time.process_time()
    until = now + {slowdown} * (now - reader.STARTED)
    while _time.process_time() < until:
        pass
    return out


Plan.write = _slowed_write
"""


def slow_down(src: Path) -> None:
    """Make the copy in `src` spin, after writing a plan, for 30% of the CPU time spent since reading the case.

    That is 30% of what the gate measures (CPU seconds from reading to writing), on every run and whatever the
    load, with no calibration; spinning is CPU work, so it costs wall time as real work does.
    """
    for path, patch in ((src / "allocate/io/reader.py", READ_PATCH), (src / "allocate/plan.py", WRITE_PATCH)):
        path.write_text(path.read_text(encoding="utf-8") + patch.format(slowdown=SLOWDOWN), encoding="utf-8")


def run_gate(*args: str) -> tuple[int, str]:
    """Run the gate script with `args`, echoing its output; its exit code and last line."""
    proc = subprocess.Popen([sys.executable, str(GATE), *args], stdout=subprocess.PIPE, text=True)
    last = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        print("    " + line, end="", flush=True)
        last = line.strip() or last
    return proc.wait(), last


def main() -> int:
    """Copy, slow one copy down, run the gate; exit 0 when the outcomes are as they should be."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="gate runs on identical code")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="allocate-gate-demo-") as tmp:
        base, same, slow = (Path(tmp) / name / "src" for name in ("baseline", "identical", "slowed"))
        for copy in (base, same, slow):
            shutil.copytree(ROOT / "src", copy, ignore=shutil.ignore_patterns("__pycache__"))

        slow_down(slow)
        for size in SIZES:  # one look before the gate: what the slowdown costs here, now
            before, after = (run_in_fresh_process(case_dir(size), tree) for tree in (base, slow))
            print(
                f"{size}: baseline {before['cpu_end_to_end']:.3f} s, slowed {after['cpu_end_to_end']:.3f} s of CPU"
                f" end to end (one run each)"
            )

        outcomes = []
        for k in range(args.runs):
            print(f"identical code, run {k + 1} of {args.runs}:", flush=True)
            outcomes.append(("identical", *run_gate("--baseline-src", str(base), "--candidate-src", str(same))))
        print(f"deliberate {SLOWDOWN:.0%} slowdown:", flush=True)
        outcomes.append(("slowdown", *run_gate("--baseline-src", str(base), "--candidate-src", str(slow))))

    print("\nsummary:")
    for what, code, last in outcomes:
        print(f"  {what:<10} exit {code}: {last}")
    expected = all(code == 0 for what, code, _ in outcomes if what == "identical") and outcomes[-1][1] == 1
    print("as expected" if expected else "NOT as expected")
    return 0 if expected else 1


if __name__ == "__main__":
    sys.exit(main())
