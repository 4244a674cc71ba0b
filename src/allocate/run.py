"""`run(case)`: everything `allocate solve` makes, in one call, for an app that imports allocate.

A run solves the case, verifies the plan against the case (a plan that fails is a bug in allocate and is never
returned: `VerificationError`), explains every shortfall and measures the marginal values, and builds the
summary that `summary.json` holds. `Result.write` writes the five output files at once, as the command does;
`Result.frames` gives the plan, the unmet needs and the visits as pandas or polars frames. The command is a thin
layer over this: it reads the case, shows progress and checks the output folder, and nothing else.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from allocate.checks import check_flag, check_load, check_path, check_seconds, check_type, fail
from allocate.errors import VerificationError
from allocate.gc_pause import collector_paused
from allocate.plan import Plan, Previous
from allocate.schema import Case, Policy
from allocate.solve import SolveParams, keeping_prepared
from allocate.verify import Verification, verify

if TYPE_CHECKING:  # imported when a run explains: `import allocate` (every command's start) stays as quick
    from allocate.explain import Explanation

Progress = Callable[[str], AbstractContextManager[object]]
"""What `run(progress=...)` takes: called with each step's name as it starts (`STEPS`); the step runs inside the
context manager it returns (a spinner, a log line, a timer of the caller's own)."""

STEPS = ("solving", "verifying", "explaining")
"""The steps of a run, in order, by the names `progress` and the summary's `timings` give them."""

MARGINAL_LIMIT = 3
"""Grids whose extra volunteer hour a run measures by default (each costs the tier it helps planned again); the
command's `--marginal-limit`. Items are always all measured (all in one solve of the goods)."""


@dataclass(frozen=True)
class Result:
    """Everything a run made: the plan, its verification, the explanation and the summary.

    `explanation` holds every shortfall with its reason (the rows of `unmet.csv`) and the marginal values;
    `summary` is what `summary.json` holds (`allocate.report.build_summary`; `inputs` is empty until `write`
    is given the input files, `timings` are the run's own, in seconds per step). Two results of the same case
    and policy are equal, whatever their timings.
    """

    plan: Plan
    verification: Verification
    explanation: Explanation
    summary: Mapping[str, Any] = field(compare=False, repr=False)

    @property
    def case(self) -> Case:
        """The case the plan answers, under the policy it was solved with."""
        return self.plan.case

    def write(
        self,
        folder: str | os.PathLike[str],
        *,
        lang: Literal["en", "zh"] = "en",
        overwrite: bool = False,
        inputs: Iterable[str | os.PathLike[str]] | None = None,
    ) -> Path:
        """Write all five output files (SPEC section 4) into `folder` at once; returns the folder.

        `allocation.csv`, `visits.csv` (with volunteers), `unmet.csv`, `summary.json` and `report.html` (in
        `lang`) go into a temporary folder that is renamed into place only when every file is complete, so a
        failure leaves nothing half-written. `inputs` are the files the case was read from: their SHA-256 go
        into `summary.json`, so anyone can check a plan was made from them. An existing non-empty folder is
        refused (`OutputExistsError`) unless `overwrite`, and even then unless it holds nothing but plan files: a
        folder of anything else, such as a case, is never replaced.
        """
        from allocate.outputs import input_hashes, write_outputs

        check_path(folder, "folder", "Result.write")
        check_flag(overwrite, "overwrite", "Result.write")
        if lang not in ("en", "zh"):
            raise fail("lang", "Result.write", '"en" or "zh"', lang)
        files: list[Path] = []
        if inputs is not None:
            if isinstance(inputs, str | os.PathLike):
                raise fail("inputs", "Result.write", "a list of paths (the case's files) or None", inputs)
            for p in inputs:
                check_path(p, "inputs", "Result.write")
                files.append(Path(p))
        summary = dict(self.summary)
        if inputs is not None:
            summary["inputs"] = input_hashes(files)
        return write_outputs(folder, self.plan, self.explanation, summary, lang=lang, overwrite=overwrite)

    def frames(self, kind: Literal["pandas", "polars"] = "pandas") -> dict[str, Any]:
        """The plan's `allocation`, the `unmet` needs and services and the `visits`, each a frame of `kind`
        with the columns of its CSV file (see `allocate.frames.plan_frames`)."""
        from allocate.frames import plan_frames

        return plan_frames(self.plan, kind=kind, explanation=self.explanation)

    def __repr__(self) -> str:
        """Short: the plan's status and size, not the whole case it carries."""
        plan, rows = self.plan, self.explanation.shortfalls
        verdict = "verified" if self.verification.ok else "NOT verified"
        return (
            f"<Result: {plan.status.value} plan for {plan.plan_date.isoformat()}, {len(plan.allocations)} "
            f"allocations, {len(plan.visits)} visits, {len(rows)} shortfalls, {verdict}>"
        )

    def __str__(self) -> str:
        """The plan's summary, whether it verified, and how many needs and services are short and why."""
        rows = self.explanation.shortfalls
        reasons: dict[str, int] = {}
        for reason in rows.column("reason"):
            reasons[reason.value] = reasons.get(reason.value, 0) + 1
        why = f" ({', '.join(f'{r} {n}' for r, n in reasons.items())})" if rows else ""
        return f"{self.plan.summary()}\n\n{self.verification}\nshortfalls: {len(rows)}{why}"


def run(
    case: Case,
    policy: Policy | None = None,
    *,
    backend: str = "auto",
    time_limit: float | None = None,
    params: SolveParams | None = None,
    marginal_limit: int | None = MARGINAL_LIMIT,
    progress: Progress | None = None,
    earlier_load: Mapping[str, float] | None = None,
    previous: Previous | None = None,
) -> Result:
    """Solve `case`, verify the plan, explain it and summarise it: what `allocate solve` writes, as a `Result`.

    `policy`, `backend` and `params` (a `SolveParams`) are `solve`'s. `time_limit` (wall seconds, from the call)
    is one budget for every solver call of the run: the exact search first, then the marginal values take what
    is left; what it stops is said in the plan's termination and in unmeasured marginal values, and the plan in
    hand is always returned. `marginal_limit` is how many grids' extra volunteer hour is measured (each costs
    one solve; None: all). `progress`, if given, wraps each step (`STEPS`). `earlier_load` is `solve`'s (each
    volunteer's hours in earlier rounds, for the policy's `even_load`), and so is `previous` (a published plan
    of the same round, which a correction changes as little as possible). A plan that fails its own verification
    raises `VerificationError`: that is a bug in allocate, and nothing is returned.
    """
    from allocate.explain import explain
    from allocate.report import build_summary
    from allocate.solve import solve as solve_case  # looked up at each call, so an engine can be stood in for

    check_type(case, Case, "case", "run", "a Case")
    check_type(policy, (Policy, type(None)), "policy", "run", "a Policy or None")
    check_type(backend, str, "backend", "run", 'a str ("auto", "highs", "ortools" or "pulp")')
    check_seconds(time_limit, "time_limit", "run")
    check_type(params, (SolveParams, type(None)), "params", "run", "a SolveParams or None")
    check_load(earlier_load, "run")
    check_type(previous, (Previous, type(None)), "previous", "run", "a Previous (allocate.plan) or None")
    if marginal_limit is not None and (
        isinstance(marginal_limit, bool) or not isinstance(marginal_limit, int) or marginal_limit < 0
    ):
        raise fail("marginal_limit", "run", "a whole number >= 0 or None", marginal_limit)
    if progress is not None and not callable(progress):
        raise fail("progress", "run", "a callable or None", progress)
    deadline = None if time_limit is None else time.monotonic() + time_limit
    timings: dict[str, float] = {}
    step = _stepper(progress, timings)
    with keeping_prepared():  # the goods index the solve builds, for the marginal values to use again
        with step("solving"):
            plan = solve_case(
                case,
                policy,
                backend=backend,
                time_limit=_left(deadline),
                params=params,
                earlier_load=earlier_load,
                previous=previous,
            )
        with step("verifying"), collector_paused():
            check = verify(plan.case, plan)
        if not check.ok:
            raise VerificationError(check.violations)
        with step("explaining"):
            explanation = explain(plan, backend=backend, limit=marginal_limit, time_limit=_left(deadline))
    with collector_paused():
        summary = build_summary(plan, explanation, inputs={}, timings=timings)
    return Result(plan=plan, verification=check, explanation=explanation, summary=summary)


def _stepper(progress: Progress | None, timings: dict[str, float]) -> Callable[[str], AbstractContextManager[None]]:
    """A context manager per step: inside the caller's `progress` context, timing the step into `timings`."""

    @contextmanager
    def step(name: str) -> Iterator[None]:
        with progress(name) if progress is not None else nullcontext():
            start = time.perf_counter()
            yield
            timings[name] = round(time.perf_counter() - start, 3)

    return step


def _left(deadline: float | None) -> float | None:
    """Seconds left of the run's budget (a sliver at least: a solver then returns the best it has), or None."""
    return None if deadline is None else max(deadline - time.monotonic(), 0.01)
