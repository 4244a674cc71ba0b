"""The `allocate` command: thin wrappers over the library that turn exceptions into exit codes.

Exit codes (SPEC section 5): 0 done, 1 invalid input, 2 usage, 3 infeasible or no plan in time, 4 internal error.
Results go to files; what is printed is messages only (and `--json` data where asked for).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

import click

from allocate.backends import BackendUnavailable
from allocate.errors import AllocateError, InputError, NoPlanError, OutputExistsError, Problem

if TYPE_CHECKING:
    from allocate.plan import Plan
    from allocate.schema import Case

MAX_LISTED = 50
"""Problems printed before the rest are only counted, so a broken file does not flood the terminal."""

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_NO_PLAN, EXIT_INTERNAL = 0, 1, 2, 3, 4


def _list_problems(problems: Sequence[Problem], what: str, err: bool = True) -> None:
    for p in problems[:MAX_LISTED]:
        click.echo(str(p), err=err)
    if len(problems) > MAX_LISTED:
        click.echo(f"... and {len(problems) - MAX_LISTED} more; {len(problems)} {what} in all", err=err)


def _invalid(problems: Sequence[Problem], warnings: Sequence[Problem] = ()) -> NoReturn:
    """List the problems (then any warnings and notes) and the count on stderr, and exit 1."""
    _list_problems(problems, "problems")
    _list_warnings(warnings, err=True)
    n = len(problems)
    click.echo(f"invalid input: {n} problem{'s' if n != 1 else ''}", err=True)
    raise click.exceptions.Exit(EXIT_INPUT)


def _list_warnings(found: Sequence[Problem], err: bool) -> None:
    """Warnings, then notes, each under a heading with their count."""
    for what, listed in _warnings_and_notes(found).items():
        if listed:
            click.echo(f"{what} ({len(listed)}):", err=err)
            _list_problems(listed, what, err=err)


def _warnings_and_notes(found: Sequence[Problem]) -> dict[str, list[Problem]]:
    """Warnings and notes apart, as `validate` lists them."""
    return {
        "warnings": [p for p in found if p.severity == "warning"],
        "notes": [p for p in found if p.severity == "note"],
    }


class _Commands(click.Group):
    """Maps the library's exceptions to SPEC exit codes, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as e:
            _invalid(e.problems)
        except NoPlanError as e:
            click.echo(f"no plan: {e}", err=True)
            raise click.exceptions.Exit(EXIT_NO_PLAN) from None
        except (OutputExistsError, BackendUnavailable) as e:
            raise click.UsageError(str(e)) from None
        except AllocateError as e:
            click.echo(f"error: {e}", err=True)
            raise click.exceptions.Exit(EXIT_INTERNAL) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # `allocate validate CASE | head`: the reader has all it wanted
            with suppress(OSError, ValueError):  # later writes at exit must not fail again
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(EXIT_OK) from None
        except Exception as e:  # the promise is: no traceback, a message and exit 4
            click.echo(f"internal error: {type(e).__name__}: {e}", err=True)
            click.echo("please report this with the command you ran", err=True)
            raise click.exceptions.Exit(EXIT_INTERNAL) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="allocate")
def cli() -> None:
    """Fair, verifiable allocation of donated supplies and volunteer time to household needs."""


_case_arg = click.argument("case", type=click.Path(exists=True, path_type=Path))
_lang_opt = click.option(
    "--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Language: English or Chinese."
)


@cli.command()
@_case_arg
@click.option("--policy", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="policy.toml to use.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON for apps.")
def validate(case: Path, policy: Path | None, as_json: bool) -> None:
    """Check a case (CSV folder or .xlsx workbook) and summarise it; exit 1 if invalid.

    Lists every error, then the warnings (legal but probably a mistake) and notes (columns and files ignored).
    """
    from allocate.io import read_case_with_warnings
    from allocate.schema import overview

    try:
        c, found = read_case_with_warnings(case, policy=policy)
    except InputError as e:
        if not as_json:
            _invalid(e.problems, e.warnings)
        _echo_json({"ok": False, "errors": _dump(e.problems), **_dump_split(e.warnings)})
        raise click.exceptions.Exit(EXIT_INPUT) from None
    o = overview(c)
    if as_json:
        _echo_json({"ok": True, "errors": [], **_dump_split(found), "overview": o.model_dump()})
        return
    click.echo(f"ok: {case}")
    click.echo(str(o))
    _list_warnings(found, err=False)


def _dump(problems: Sequence[Problem]) -> list[dict[str, Any]]:
    return [p.model_dump() for p in problems]


def _dump_split(found: Sequence[Problem]) -> dict[str, list[dict[str, Any]]]:
    return {what: _dump(listed) for what, listed in _warnings_and_notes(found).items()}


def _echo_json(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@_lang_opt
def template(folder: Path, lang: Literal["en", "zh"]) -> None:
    """Write empty tables (headers and one example row) and the default policy.toml to FOLDER."""
    from allocate.io import write_template

    write_template(folder, lang=lang)
    click.echo(f"wrote a case template to {folder}; fill it in, then run: allocate validate {folder}")


@cli.command()
@click.option("--households", type=click.IntRange(min=1), required=True, help="How many households.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same case.")
@_lang_opt
@click.argument("folder", type=click.Path(path_type=Path))
def generate(households: int, seed: int, lang: Literal["en", "zh"], folder: Path) -> None:
    """Write a realistic synthetic case to FOLDER."""
    from allocate.generate import generate as make
    from allocate.io import write_case

    write_case(make(households, seed), folder, lang=lang)
    click.echo(f"wrote a case of {households} households (seed {seed}) to {folder}")


_policy_opt = click.option(
    "--policy", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="policy.toml to use instead."
)
_date_opt = click.option(
    "--date",
    "plan_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Plan date (default: the policy's, or today).",
)


@cli.command()
@_case_arg
@click.option("-o", "--out", type=click.Path(path_type=Path), required=True, help="Output folder.")
@_policy_opt
@click.option(
    "--backend",
    type=click.Choice(["auto", "highs", "ortools", "pulp"]),
    default="auto",
    show_default=True,
    help="LP/MIP engine; auto is HiGHS.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    help="Wall-clock seconds for the exact search of the whole run; the best plan in hand is kept.",
)
@_date_opt
@_lang_opt
@click.option(
    "--marginal-limit",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Grids whose extra volunteer hour is measured by solving again (each costs one solve).",
)
@click.option("--force", is_flag=True, help="Replace OUT if it exists and is not empty.")
def solve(
    case: Path,
    out: Path,
    policy: Path | None,
    backend: str,
    time_limit: float | None,
    plan_date: dt.datetime | None,
    lang: Literal["en", "zh"],
    marginal_limit: int,
    force: bool,
) -> None:
    """Solve CASE and write the verified plan, unmet needs, summary.json and report.html to OUT."""
    report = _solve_to(
        case,
        out,
        policy=policy,
        backend=backend,
        time_limit=time_limit,
        plan_date=plan_date,
        lang=lang,
        marginal_limit=marginal_limit,
        force=force,
    )
    click.echo(f"plan written to {out}; open {report} to read it")


def _solve_to(
    case: Path,
    out: Path,
    *,
    policy: Path | None = None,
    backend: str = "auto",
    time_limit: float | None = None,
    plan_date: dt.datetime | None = None,
    lang: Literal["en", "zh"] = "en",
    marginal_limit: int = 3,
    force: bool = False,
) -> Path:
    """The whole path: read, solve, verify, explain, write; returns the report's path."""
    from allocate.explain import explain
    from allocate.io import case_files, read_case
    from allocate.outputs import input_hashes, write_outputs
    from allocate.report import build_summary
    from allocate.solve import solve as solve_case
    from allocate.verify import verify

    inputs = [Path(f) for f in case_files(case)] + ([policy] if policy else [])
    _check_output(out, [case, *inputs], force)
    steps = _Steps()
    with steps("reading the case"):
        c = read_case(case, policy=policy)
    new_policy = c.policy.model_copy(update={"plan_date": plan_date.date()}) if plan_date else None
    with steps("solving"):
        plan = solve_case(c, new_policy, backend=backend, time_limit=time_limit)
    with steps("verifying the plan"):
        check = verify(plan.case, plan)
    if not check.ok:
        _list_problems([Problem(message=f"{v.rule}: {v.message}") for v in check.violations], "violations")
        click.echo("internal error: the plan failed verification; nothing was written", err=True)
        raise click.exceptions.Exit(EXIT_INTERNAL)
    with steps("explaining shortfalls"):
        explanation = explain(plan, backend=backend, limit=marginal_limit)
    with steps("writing"):
        summary = build_summary(plan, explanation, inputs=input_hashes(inputs), timings=steps.timings)
        write_outputs(out, plan, explanation, summary, lang=lang, overwrite=force)
    return out / "report.html"


def _check_output(out: Path, inputs: list[Path], force: bool) -> None:
    """Refuse an output that is, holds or lies inside an input, or that is not empty without --force."""
    o = out.resolve()
    for p in inputs:
        r = p.resolve()
        if o == r or o.is_relative_to(r) or r.is_relative_to(o):
            raise click.UsageError(f"the output {out} would overlap the input {p}; choose a separate folder")
    if out.exists() and not out.is_dir():
        raise click.UsageError(f"{out} is a file, not a folder; choose another output folder")
    if out.exists() and any(out.iterdir()) and not force:
        raise click.UsageError(f"{out} exists and is not empty; choose another folder or pass --force")


class _Steps:
    """Progress on stderr (a spinner on a terminal, plain lines otherwise) and the time each step took."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, what: str) -> Iterator[None]:
        start = time.perf_counter()
        if self.console.is_terminal:
            with self.console.status(what + "…"):
                yield
        else:
            click.echo(f"{what}…", err=True)
            yield
        self.timings[what.split()[0]] = round(time.perf_counter() - start, 3)


def _case_and_plan(case: Path, out: Path, policy: Path | None, plan_date: dt.datetime | None) -> tuple[Case, Plan]:
    """The case and the plan in `out`, on the plan's date: --date, else the one summary.json records (as solve
    wrote it), else the policy's."""
    from allocate.io import read_case, read_plan, recorded_plan_date

    c = read_case(case, policy=policy)
    day = plan_date.date() if plan_date else recorded_plan_date(out)
    if day is not None and c.policy.plan_date != day:
        c = c.replace(policy=c.policy.model_copy(update={"plan_date": day}))
    return c, read_plan(c, out, plan_date=day)


@cli.command(name="verify")
@_case_arg
@click.argument("out", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_policy_opt
@_date_opt
def verify_command(case: Path, out: Path, policy: Path | None, plan_date: dt.datetime | None) -> None:
    """Check the plan in OUT (ours, hand-made or another tool's) against CASE; exit 4 with every violation."""
    from allocate.verify import verify

    c, plan = _case_and_plan(case, out, policy, plan_date)
    check = verify(c, plan)
    if not check.ok:
        _list_problems([Problem(message=f"{v.rule}: {v.message}") for v in check.violations], "violations")
        click.echo(f"the plan does not hold: {len(check.violations)} violations", err=True)
        raise click.exceptions.Exit(EXIT_INTERNAL)
    click.echo(f"ok: the plan in {out} holds for {case}")
    click.echo(str(check))


@cli.command(name="explain")
@_case_arg
@click.argument("out", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--household", required=True, help="The household id to explain.")
@_policy_opt
@_date_opt
@_lang_opt
def explain_command(
    case: Path, out: Path, household: str, policy: Path | None, plan_date: dt.datetime | None, lang: Literal["en", "zh"]
) -> None:
    """Say, for one household, what it asked, what it got from which lots, and why."""
    from allocate.explain import explain, explain_household

    c, plan = _case_and_plan(case, out, policy, plan_date)
    if household not in c.household_index:
        raise click.UsageError(f"no household {household!r} in {case}")
    click.echo(explain_household(plan, explain(plan, marginal=False), household, lang=lang))


@cli.command()
@click.argument("out", type=click.Path(path_type=Path), default=Path("allocate-demo"))
@_lang_opt
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def demo(out: Path, lang: Literal["en", "zh"], force: bool) -> None:
    """Solve the bundled example community: its case goes to OUT/case, the plan and report to OUT/plan."""
    from allocate import demo as bundled

    if out.exists() and not out.is_dir():
        raise click.UsageError(f"{out} is a file, not a folder; choose another output folder")
    if out.exists() and any(out.iterdir()) and not force:
        raise click.UsageError(f"{out} exists and is not empty; choose another folder or pass --force")
    case_dir = out / "case"
    if case_dir.exists():
        shutil.rmtree(case_dir)
    shutil.copytree(bundled.path(), case_dir, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    click.echo(f"the demo case is in {case_dir}")
    report = _solve_to(case_dir, out / "plan", lang=lang, force=True)
    click.echo(f"the plan is in {out / 'plan'}; open {report} to read the report")
    click.echo(f"explain one household: allocate explain {case_dir} {out / 'plan'} --household 1-1-101")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `allocate` console script."""
    cli.main(args=argv, prog_name="allocate")
