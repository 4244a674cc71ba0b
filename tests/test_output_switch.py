"""Replacing an output folder: whatever fails, and wherever a run is killed, one whole plan is left, and the next
run leaves nothing else behind.

A write fills `.OUT.<pid>.<token>.tmp`, flushes it, moves OUT aside to `.OUT.<pid>.<token>.old`, renames the new
folder in and removes the old one (`allocate.files.atomic_folder`); `recover` undoes what a killed run left. The
tests fail (or kill the process at) every file-system step of a write in turn, by counting the steps.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from allocate import Case, Household, Lot, Need, Plan, Volunteer
from allocate.cli import cli
from allocate.explain import explain
from allocate.files import InterruptedAfterWriting, recover
from allocate.outputs import write_outputs
from allocate.plan import Allocation, Visit
from allocate.report import build_summary

DAY = dt.date(2026, 12, 1)
CASE = Case(
    households=(Household(household_id="H1", grid="A"), Household(household_id="H2", grid="A")),
    needs=(Need(household_id="H1", item="rice", quantity=2), Need(household_id="H2", item="rice", quantity=3)),
    lots=(Lot(lot_id="L1", item="rice", quantity=4),),
    volunteers=(Volunteer(volunteer_id="V1", grids=("A",), hours=2),),
)


def plan_giving(first: int) -> Plan:
    """A plan giving `first` units to H1 and the rest of the lot to H2, both delivered."""
    return Plan(
        case=CASE,
        allocations=(
            Allocation(need_id="H1/rice", lot_id="L1", quantity=first),
            Allocation(need_id="H2/rice", lot_id="L1", quantity=4 - first),
        ),
        visits=(
            Visit(volunteer_id="V1", household_id="H1", kind="delivery", hours=0.25),
            Visit(volunteer_id="V1", household_id="H2", kind="delivery", hours=0.25),
        ),
        plan_date=DAY,
    )


OLD, NEW = plan_giving(1), plan_giving(2)


def write_plan(plan: Plan, out: Path, overwrite: bool = False) -> None:
    plan.write(out, overwrite=overwrite)


EXPLAINED = {id(p): explain(p, marginal=False) for p in (OLD, NEW)}
SUMMARIES = {id(p): build_summary(p, EXPLAINED[id(p)], inputs={}, timings={}) for p in (OLD, NEW)}


def write_everything(plan: Plan, out: Path, overwrite: bool = False) -> None:
    """All five output files, as `allocate solve` writes them."""
    write_outputs(out, plan, EXPLAINED[id(plan)], SUMMARIES[id(plan)], overwrite=overwrite)


WRITERS = {"Plan.write": write_plan, "write_outputs": write_everything}


def contents(folder: Path) -> dict[str, bytes] | None:
    """File name -> bytes of `folder`, or None if it is missing."""
    if not folder.exists():
        return None
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def reference(writer: Callable[..., None], plan: Plan, where: Path) -> dict[str, bytes]:
    writer(plan, where)
    got = contents(where)
    assert got
    return got


class InjectedError(OSError):
    """The failure a test injects."""


@contextmanager
def steps(on_step: Callable[[int, str], None]) -> Iterator[list[str]]:
    """Route every file-system step a write takes (make a folder, write a file, flush, rename, remove) through
    `on_step(k, name)`, k counting from 0; yields the names of the steps taken."""
    taken: list[str] = []
    originals: dict[tuple[Any, str], Any] = {}

    def wrap(owner: Any, name: str) -> None:
        real = getattr(owner, name)
        originals[(owner, name)] = real

        def step(*args: Any, **kwargs: Any) -> Any:
            taken.append(name)
            on_step(len(taken) - 1, name)
            return real(*args, **kwargs)

        setattr(owner, name, step)

    for owner, name in ((os, "mkdir"), (Path, "write_text"), (os, "fsync"), (os, "replace"), (os, "rmdir")):
        wrap(owner, name)
    wrap(shutil, "rmtree")
    try:
        yield taken
    finally:
        for (owner, name), real in originals.items():
            setattr(owner, name, real)


def count_steps(writer: Callable[..., None], where: Path) -> list[str]:
    """The steps of replacing a plan with another, as the tests below replay them."""
    writer(OLD, where)
    with steps(lambda k, name: None) as taken:
        writer(NEW, where, overwrite=True)
    assert {"mkdir", "write_text", "fsync", "replace", "rmtree"} <= set(taken)
    return list(taken)


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
def test_a_failure_at_any_step_leaves_the_old_or_the_new_plan_whole(
    writer: Callable[..., None], tmp_path: Path
) -> None:
    """An OSError at each step of replacing a plan leaves OUT holding the old plan or the new one, byte for byte,
    and after the next run's `recover` nothing else is left beside it."""
    old, new = reference(writer, OLD, tmp_path / "old"), reference(writer, NEW, tmp_path / "new")
    taken = count_steps(writer, tmp_path / "count")
    for k in range(len(taken)):
        root = tmp_path / f"step{k}"
        out = root / "out"
        writer(OLD, out)

        def fail(at: int, name: str, k: int = k) -> None:
            if at == k:
                raise InjectedError(f"injected at step {k} ({name})")

        try:
            with steps(fail):
                writer(NEW, out, overwrite=True)
        except InjectedError:
            assert contents(out) in (old, new), (k, taken[k])
        else:  # a step whose failure does not matter (flushing a folder, removing the replaced one)
            assert contents(out) == new, (k, taken[k])
        recover(out)
        assert contents(out) in (old, new), (k, taken[k])
        assert sorted(os.listdir(root)) == ["out"], (k, taken[k])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to kill a writer at a chosen step")
@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
def test_a_run_killed_at_any_step_leaves_one_whole_plan_after_the_next_run(
    writer: Callable[..., None], tmp_path: Path
) -> None:
    """A writer killed (no clean-up at all, as kill -9 or a power cut) at each step leaves either a whole plan in
    OUT or, between the two renames, the old plan aside; the next run puts it back and removes every leftover."""
    old, new = reference(writer, OLD, tmp_path / "old"), reference(writer, NEW, tmp_path / "new")
    taken = count_steps(writer, tmp_path / "count")
    missing_seen = False
    for k in range(len(taken) + 1):
        root = tmp_path / f"step{k}"
        out = root / "out"
        writer(OLD, out)
        pid = os.fork()
        if pid == 0:  # the child writes and dies at step k, running no finally block or clean-up
            try:

                def die(at: int, name: str, k: int = k) -> None:
                    if at == k:
                        os._exit(9)

                with steps(die):
                    writer(NEW, out, overwrite=True)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        left = contents(out)
        if left is None:  # killed between the two renames: the old plan waits aside
            missing_seen = True
            assert [n.endswith(".old") for n in os.listdir(root) if n.startswith(".out.")].count(True) == 1
        else:
            assert left in (old, new), (k, taken[k:])
        recover(out)  # what the next run does first
        assert contents(out) in (old, new), k
        assert sorted(os.listdir(root)) == ["out"], k
    assert missing_seen, "no step fell between the two renames: the test no longer covers the recovery"


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_next_command_puts_back_a_plan_left_aside(tmp_path: Path) -> None:
    """`allocate verify` on an OUT a killed run left aside restores it first, says so, and removes the leftovers."""
    case = tmp_path / "case"
    case.mkdir()
    (case / "households.csv").write_text("household_id,grid\nH1,A\nH2,A\n", encoding="utf-8")
    (case / "needs.csv").write_text("household_id,item,quantity\nH1,rice,2\nH2,rice,3\n", encoding="utf-8")
    (case / "supplies.csv").write_text("lot_id,item,quantity\nL1,rice,4\n", encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["solve", str(case), "-o", str(out), "--date", "2026-12-01"]).exit_code == 0
    pid = dead_pid()
    aside, partial = tmp_path / f".out.{pid}.0123abcd.old", tmp_path / f".out.{pid}.4567cdef.tmp"
    out.rename(aside)
    partial.mkdir()
    (partial / "allocation.csv").write_text("half")
    r = runner.invoke(cli, ["verify", str(case), str(out)])
    assert r.exit_code == 0, r.output
    assert f"restored {out}" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "out"]


def test_leftovers_of_a_running_writer_are_left_alone(tmp_path: Path) -> None:
    """A temporary folder whose process still runs may be another run writing right now: recover keeps it."""
    busy = tmp_path / f".out.{os.getppid()}.0123abcd.tmp"
    busy.mkdir()
    NEW.write(tmp_path / "out")
    assert busy.is_dir()
    assert not recover(tmp_path / "out")
    assert busy.is_dir()


def test_ctrl_c_during_the_switch_is_held_until_the_new_plan_is_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C between the two renames is held until both are done: the new plan is in place, the old one removed,
    and the interruption then says so (InterruptedAfterWriting)."""
    out = tmp_path / "out"
    OLD.write(out)
    new = reference(write_plan, NEW, tmp_path / "new")
    real = os.replace

    def replace_then_ctrl_c(a: Any, b: Any) -> None:
        real(a, b)
        if str(b).endswith(".old"):
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(os, "replace", replace_then_ctrl_c)
    caught: KeyboardInterrupt | None = None
    try:
        NEW.write(out, overwrite=True)
    except KeyboardInterrupt as e:  # caught whatever its kind, so that a wrong one fails this test, not the run
        caught = e
    assert isinstance(caught, InterruptedAfterWriting)
    assert contents(out) == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "out"]


def test_a_plan_left_aside_is_put_back_over_an_empty_folder(tmp_path: Path) -> None:
    """An empty OUT made after the kill (by hand, or a file browser) does not cost the plan left aside."""
    old = reference(write_plan, OLD, tmp_path / "ref")
    aside = tmp_path / f".out.{dead_pid()}.0123abcd.old"
    OLD.write(aside)
    (tmp_path / "out").mkdir()
    assert recover(tmp_path / "out")
    assert contents(tmp_path / "out") == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "ref"]
