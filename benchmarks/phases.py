"""The benchmark registry: each phase of a solve as a `BenchSpec`, so one driver times them all on every size.

A spec's `prepare` does the untimed work a phase needs (reading the case, solving it) and its `run` is the timed
call. The same registry runs every phase once without timing as a smoke test
(`pytest benchmarks --benchmark-disable`), which keeps the benchmarks from rotting between timed runs.
"""

from __future__ import annotations

import atexit
import datetime as dt
import itertools
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from allocate.io import read_case
from allocate.plan import Plan
from allocate.schema import Case
from allocate.solve import solve
from allocate.verify import verify
from cases import CASES, case_dir


@dataclass(frozen=True)
class BenchSpec:
    """A named phase: `prepare(size)` builds its input untimed, `run(input)` is what is timed."""

    name: str
    prepare: Callable[[str], Any]
    run: Callable[[Any], object]
    sizes: tuple[str, ...] = tuple(CASES)


@cache
def loaded(size: str) -> Case:
    """The case of `size`, read once per session: phases after reading start from it."""
    return read_case(case_dir(size))


@cache
def planned(size: str) -> tuple[Case, Plan]:
    """The case of `size` and its plan, solved once per session for the verify and write phases."""
    case = loaded(size)
    return case, solve(case)


_OUT = Path(tempfile.mkdtemp(prefix="allocate-bench-"))
atexit.register(shutil.rmtree, _OUT, ignore_errors=True)
_fresh = itertools.count()


def fresh_folder() -> Path:
    """A new output folder per call: writing into an existing one is refused (or costs a swap)."""
    return _OUT / f"plan{next(_fresh)}"


def _index(case: Case) -> object:
    """The core's case index, as the engine builds it first thing in `solve`."""
    from allocate.core.index import build_index  # engine internals: may move; only this phase depends on it

    plan_date: dt.date = case.policy.effective_date()
    return build_index(case, plan_date)


def _end_to_end(folder: Path) -> None:
    """What `allocate solve` does: read CSV, solve, verify (a failed plan would be an error), write."""
    case = read_case(folder)
    plan = solve(case)
    if not verify(case, plan).ok:
        raise AssertionError(f"the plan for {folder.name} fails verification")
    plan.write(fresh_folder())


SPECS = (
    BenchSpec("read", prepare=case_dir, run=read_case),
    BenchSpec("index", prepare=loaded, run=_index),
    BenchSpec("solve", prepare=loaded, run=solve),
    BenchSpec("verify", prepare=planned, run=lambda cp: verify(*cp)),
    BenchSpec("write", prepare=planned, run=lambda cp: cp[1].write(fresh_folder())),
    BenchSpec("end_to_end", prepare=case_dir, run=_end_to_end),
)
