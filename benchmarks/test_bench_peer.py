"""allocate beside the peer model (`peer_pulp.py`, PuLP + CBC) on the same case: speed ratio and tier fills.

Both run in their own fresh processes (pulp next to OR-Tools' HiGHS once crashed a process). The timing of the
peer is what pytest-benchmark records; allocate's times, the ratios and both sides' tier fills go into
`extra_info`. Timing is recorded, never asserted; what is asserted is quality: allocate's minimum fill in every
tier is at least the peer's (allocate is leximin-optimal, the peer only max-min then max-total).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from cases import CASES, case_dir
from e2e import run_in_fresh_process

PEER = Path(__file__).resolve().parent / "peer_pulp.py"


def run_peer(folder: Path, time_limit: float) -> dict[str, Any]:
    """The peer model on `folder` in a fresh process, as its JSON result."""
    proc = subprocess.run(
        [sys.executable, str(PEER), str(folder), "--time-limit", str(time_limit)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_peer(benchmark: BenchmarkFixture, size: str, request: pytest.FixtureRequest) -> None:
    """Run allocate and the peer side by side; record speed ratios and fills; allocate's min fills are no lower."""
    if size == "XL":
        pytest.skip("the peer was killed at 24 GiB, the whole machine, on L: XL would take the machine down")
    folder = case_dir(size)
    ours = run_in_fresh_process(folder)
    peers: list[dict[str, Any]] = []
    limit = request.config.getoption("--peer-time-limit")
    benchmark.group = "peer model (PuLP + CBC), fresh process"
    benchmark.pedantic(lambda: peers.append(run_peer(folder, limit)), rounds=1, iterations=1)
    peer = peers[-1]
    peer_e2e = peer["read_seconds"] + peer["total_seconds"]
    tiers = {
        a["tier"]: {
            "allocate_min": a["min_fill"],
            "peer_min": p["min_fill"],
            "allocate_mean": a["mean_fill"],
            "peer_mean": p["mean_fill"],
        }
        for a, p in zip(ours["tiers"], peer["tiers"], strict=True)
    }
    benchmark.extra_info.update(
        case=size,
        households=CASES[size].households,
        allocate_solve_s=ours["solve"],
        allocate_end_to_end_s=ours["end_to_end"],
        peer_build_s=peer["build_seconds"],
        peer_solve_s=peer["solve_seconds"],
        peer_end_to_end_s=peer_e2e,
        ratio_solve=peer["total_seconds"] / ours["solve"],
        ratio_end_to_end=peer_e2e / ours["end_to_end"],
        peer_complete=peer["complete"],
        peer_solves=peer["solves"],
        peer_size={"variables": peer["variables"], "constraints": peer["constraints"]},
        tiers=tiers,
    )
    for name, t in tiers.items():
        if t["peer_min"] is not None and peer["complete"]:
            assert t["allocate_min"] >= t["peer_min"] - 1e-9, f"tier {name}: allocate {t} below the peer"
