"""Kill safety: `allocate round plan` killed (SIGKILL) at random moments, and a process killed while it records
big rounds, leave the ledger consistent: every round whole or absent, the schema version sane, and the next
round planned as if nothing had happened."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from allocate.ledger import tables
from allocate.ledger.migrate import VERSION_TABLE, head
from allocate.ledger.store import Ledger
from conftest import RUN_ALLOCATE, allocate_command, is_url, opdir_args, open_operation

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

KILLS = 6
SEED = 20261213


def _consistent(ledger: str, tmp_path: Path) -> int:
    """Check the ledger after a kill; returns how many rounds it holds (the operation the command names `op`)."""
    with open_operation(ledger, tmp_path) as op:
        assert op.problems() == []
        with op.ledger.engine.connect() as c:
            assert c.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all() == [head()]
            ids = set(c.execute(sa.select(tables.rounds.c.id)).scalars())
            for t in (tables.round_files, tables.round_allocations, tables.round_visits):
                assert set(c.execute(sa.select(t.c.round_id).distinct()).scalars()) <= ids
        return len(op.rounds())


def _killed_after(args: list[str], seconds: float) -> int | None:
    """Start `allocate ARGS`, SIGKILL it after `seconds` (unless it ended); its exit code, or None if killed."""
    child = subprocess.Popen(
        [sys.executable, "-c", RUN_ALLOCATE, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        return child.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()
        return None


def test_killing_round_plan_at_random_moments_leaves_the_ledger_consistent(
    ledger: str, tmp_path: Path, waves: list[Path]
) -> None:
    """SIGKILL at seeded random moments of `round plan`, from a new ledger on: whole rounds or none, always."""
    where = opdir_args(ledger, tmp_path)
    start = time.perf_counter()
    timed = allocate_command("round", "plan", tmp_path / "timing", waves[0])
    assert timed.returncode == 0, timed.stderr
    took = time.perf_counter() - start
    chance = random.Random(SEED)
    moments = sorted(chance.uniform(0.05, 1.2) * took for _ in range(KILLS))
    recorded = 0
    for k, moment in enumerate(moments):
        code = _killed_after(["round", "plan", where[0], str(waves[k % len(waves)]), *where[1:]], moment)
        assert code in (0, None)
        if (tmp_path / "op").exists() and (is_url(ledger) or (tmp_path / "op" / "ledger.sqlite").exists()):
            now = _consistent(ledger, tmp_path)
            assert now in (recorded, recorded + 1)
            recorded = now
    done = allocate_command("round", "plan", where[0], waves[2], *where[1:])
    assert done.returncode == 0, done.stderr
    assert _consistent(ledger, tmp_path) == recorded + 1
    assert f"recorded round {recorded + 1}: " in done.stdout


WRITER = """
import sys
from allocate.ledger.records import AllocationRow, FileHash, VisitRow
from allocate.ledger.store import Ledger, NewRound
import datetime as dt
store = Ledger.open(sys.argv[1])
op = store.operation("big")
rows = int(sys.argv[2])
print("ready", flush=True)
while True:
    store.record_round(op, NewRound(
        plan_date=dt.date(2026, 12, 1), status="optimal", termination={"reason": "proven"}, policy_toml="# p\\n",
        summary={"status": "optimal"}, inputs=(FileHash("needs.csv", "0" * 64, 1),),
        outputs=(FileHash("allocation.csv", "1" * 64, 2),), folder="x", allocate_version="test",
        allocations=tuple(AllocationRow(f"N{k}", f"H{k}", "G1", "general", "rice", "L1", 1) for k in range(rows)),
        visits=tuple(VisitRow("V1", f"H{k}", "G1", "delivery", None, 0.25) for k in range(rows // 4)),
    ))
"""


def test_killing_a_process_while_it_records_big_rounds_leaves_whole_rounds(ledger: str) -> None:
    """A writer recording rounds of 20,000 rows in a loop, killed at random moments: each round is whole or absent."""
    chance = random.Random(SEED)
    for _ in range(4):
        child = subprocess.Popen([sys.executable, "-c", WRITER, ledger, "20000"], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(chance.uniform(0.2, 2.5))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        store = Ledger.open(ledger)
        try:
            op = store.operation("big")
            assert store.problems(op) == []
            assert all(len(r.allocations) == 20000 and len(r.visits) == 5000 for r in store.rounds(op))
        finally:
            store.close()
    assert os.environ.get("ALLOCATE_TEST_NEVER", "") == ""
