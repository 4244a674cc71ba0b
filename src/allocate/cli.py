"""The `allocate` command: thin wrappers over the library that turn exceptions into exit codes.

Exit codes (SPEC section 5): 0 done, 1 invalid input, 2 usage, 4 internal error (3, "no plan", is no longer used:
a run always returns the plan in hand); and, added for what is neither (docs/reference/codes.md): 5 a file could
not be written (a full or read-only disk, no permission), 6 not enough memory, 130 interrupted (Ctrl-C, the
shell's code for SIGINT), each saying whether anything was written. Results go to files; what is printed is
messages only (and `--json` data where asked for). What click itself says, usage errors and `--help`, is said in the
planner's language by `allocate.cli_usage`, whose types and options the commands here are declared with.
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import json
import os
import sys
import time
import warnings
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

import click

from allocate.backends import BackendUnavailable
from allocate.catalog import Lang, count, message
from allocate.city.command import city
from allocate.cli_usage import (
    BACKEND_OPTION,
    CASE_LANG_OPTION,
    LANG,
    TIME_LIMIT_OPTION,
    ChoiceType,
    DateType,
    Group,
    IntRangeType,
    IntType,
    Option,
    PathType,
    SaidValue,
    option,
)
from allocate.errors import AllocateError, InputError, OutputExistsError, Problem, VerificationError
from allocate.files import SYSTEM_FILES, InterruptedAfterWriting, atomic_folder, check_target, recover
from allocate.ledger.command import round_group
from allocate.text import printable, printable_json

if TYPE_CHECKING:
    from rich.console import Console

    from allocate.plan import Plan
    from allocate.schema import Case

MAX_LISTED = 50
"""Problems printed before the rest are only counted, so a broken file does not flood the terminal."""

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 4
EXIT_DISK = 5
"""A file could not be written (or read) because of the disk or the system: full, read-only, no permission."""
EXIT_MEMORY = 6
"""Not enough memory for the case."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (SIGINT): 128 + 2, what shells report for a command stopped by it."""

_WRITTEN = "allocate.written"
"""`click.Context.meta` key: what this command has put in place so far, as (what, folder) pairs; `what` is a
catalog key (`what_plan`)."""
_STEP = "allocate.step"
"""`click.Context.meta` key: the step of `solve` under way, for the messages on running out of memory."""

_DISK_TROUBLE: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("disk_full", "disk_full_do"),
    errno.EDQUOT: ("disk_quota", "disk_full_do"),
    errno.EROFS: ("disk_read_only", "disk_read_only_do"),
    errno.EACCES: ("disk_denied", "disk_denied_do"),
    errno.EPERM: ("disk_not_allowed", "disk_not_allowed_do"),
}
"""What an OSError's errno means for a planner, and what to do about it (catalog keys)."""


def _spoken() -> Lang:
    """The language the command under way speaks (`_language`); English outside a command."""
    ctx = click.get_current_context(silent=True)
    return "en" if ctx is None else _lang_of(ctx)


def _lang_of(ctx: click.Context) -> Lang:
    lang: Lang = ctx.meta.get(LANG, "en")
    return lang


def _list_problems(problems: Sequence[Problem], what: str, err: bool = True, lang: Lang = "en") -> None:
    """The first `MAX_LISTED` problems, then every entry that counts problems not kept (those say where more
    start), then how many more there are; each as `file:line:column: message`, safe to print. `what` is a
    catalog word (`problems`, `warnings`, `notes`, `violations`)."""
    counted = [p for p in problems[MAX_LISTED:] if p.count > 1]
    for p in [*problems[:MAX_LISTED], *counted]:
        click.echo(p.text(lang), err=err)
    rest = len(problems) - MAX_LISTED - len(counted)
    if rest > 0:
        total = sum(p.count for p in problems)
        words = message(f"word_{what}", lang)
        click.echo(message("cli_more", lang, rest=f"{rest:,}", total=f"{total:,}", what=words), err=err)


def _invalid(problems: Sequence[Problem], warnings: Sequence[Problem] = (), lang: Lang = "en") -> NoReturn:
    """List the problems (then any warnings and notes) and the count on stderr, and exit 1."""
    _list_problems(problems, "problems", lang=lang)
    _list_warnings(warnings, err=True, lang=lang)
    n = sum(p.count for p in problems)
    click.echo(message("cli_invalid_1", lang) if n == 1 else message("cli_invalid_n", lang, n=f"{n:,}"), err=True)
    raise click.exceptions.Exit(EXIT_INPUT)


def _list_warnings(found: Sequence[Problem], err: bool, lang: Lang = "en") -> None:
    """Warnings, then notes, each under a heading with their count."""
    for what, listed in _warnings_and_notes(found).items():
        if listed:
            click.echo(message("cli_heading", lang, what=message(f"word_{what}", lang), n=len(listed)), err=err)
            _list_problems(listed, what, err=err, lang=lang)


def _warnings_and_notes(found: Sequence[Problem]) -> dict[str, list[Problem]]:
    """Warnings and notes apart, as `validate` lists them."""
    return {
        "warnings": [p for p in found if p.severity == "warning"],
        "notes": [p for p in found if p.severity == "note"],
    }


class _Violation(Problem):
    """A violation of a plan, listed as one problem: its text as said (`Violation.text`), without a place."""

    def text(self, lang: Lang) -> str:
        return printable(self.message)


class _Commands(Group):
    """Maps the library's exceptions to SPEC exit codes, never a traceback (usage errors and help are said in the
    planner's language by `allocate.cli_usage.Group`)."""

    def run(self, ctx: click.Context) -> Any:
        try:
            with warnings.catch_warnings():
                # openpyxl warns in English about workbook features it does not read (styles, data validation
                # extensions); no cell value is lost, and the command's own warnings are in the planner's language
                warnings.filterwarnings("ignore", module=r"openpyxl(\.|$)")
                return super().run(ctx)
        except InputError as e:
            _invalid(e.problems, e.warnings, _lang_of(ctx))
        except VerificationError as e:  # a bug: say what the plan breaks, and that nothing was written
            lang = _lang_of(ctx)
            _list_problems([_Violation(message=v.text(lang)) for v in e.violations], "violations", lang=lang)
            click.echo(message("cli_verification_failed", lang), err=True)
            raise click.exceptions.Exit(EXIT_INTERNAL) from None
        except (OutputExistsError, BackendUnavailable) as e:
            raise click.UsageError(str(e)) from None
        except AllocateError as e:
            click.echo(printable(message("cli_error", _lang_of(ctx), error=e)), err=True)
            raise click.exceptions.Exit(EXIT_INTERNAL) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt as e:  # Ctrl-C: say whether anything is in place, exit as shells expect
            lang = _lang_of(ctx)
            if isinstance(e, InterruptedAfterWriting):
                _wrote(ctx, e.folder)
            written = _written(ctx, lang)
            said = message("cli_interrupted_after", lang, written=written) if written else None
            click.echo(said or message("cli_interrupted", lang), err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except MemoryError:
            lang, step = _lang_of(ctx), ctx.meta.get(_STEP)
            said = message("cli_no_memory_while", lang, step=step) if step else message("cli_no_memory", lang)
            click.echo(said, err=True)
            done = _written(ctx, lang) or message("nothing_written", lang)
            click.echo(message("cli_no_memory_do", lang, done=done), err=True)
            raise click.exceptions.Exit(EXIT_MEMORY) from None
        except BrokenPipeError:  # `allocate validate CASE | head`: the reader has all it wanted
            with suppress(OSError, ValueError):  # later writes at exit must not fail again
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(EXIT_OK) from None
        except OSError as e:
            lang = _lang_of(ctx)
            if e.errno not in _DISK_TROUBLE:
                _internal(e, lang)
            why, what_to_do = (message(key, lang) for key in _DISK_TROUBLE[e.errno])
            file = e.filename or message("a_file", lang)
            click.echo(message("cli_cannot_use", lang, file=file, why=why, what_to_do=what_to_do), err=True)
            raise click.exceptions.Exit(EXIT_DISK) from None
        except Exception as e:  # the promise is: no traceback, a message and exit 4
            _internal(e, _lang_of(ctx))


def _internal(e: Exception, lang: Lang) -> NoReturn:
    click.echo(printable(message("cli_internal", lang, error=f"{type(e).__name__}: {e}")), err=True)
    click.echo(message("cli_report_it", lang), err=True)
    raise click.exceptions.Exit(EXIT_INTERNAL) from None


def _wrote(ctx: click.Context | None, folder: Path, what: str = "what_output") -> None:
    """Remember that `folder` is in place (for the message if Ctrl-C or a failure comes later); `what` is a
    catalog key (`what_plan`)."""
    if ctx is not None:
        written: list[tuple[str, Path]] = ctx.meta.setdefault(_WRITTEN, [])
        if all(f != folder for _, f in written):
            written.append((what, folder))


def _written(ctx: click.Context, lang: Lang) -> str:
    """What this command put in place, in `lang` (`the plan was written to OUT`), or "" when nothing."""
    written: list[tuple[str, Path]] = ctx.meta.get(_WRITTEN, [])
    parts = [message("cli_written", lang, what=message(what, lang), folder=folder) for what, folder in written]
    return message("list_sep", lang).join(parts)


@contextmanager
def _writing(folder: Path, what: str) -> Iterator[None]:
    """Around the (atomic) write of `folder` (`what`: a catalog key, `what_plan`): a disk or permission failure is
    exit 5 saying what happened and that nothing was put in place; a finished write is remembered for the message
    of a later Ctrl-C."""
    ctx = click.get_current_context(silent=True)
    lang = _spoken()
    try:
        yield
    except InterruptedAfterWriting:
        _wrote(ctx, folder, what)
        raise
    except BrokenPipeError:
        raise
    except OSError as e:
        if e.errno in _DISK_TROUBLE:
            why, what_to_do = (message(key, lang) for key in _DISK_TROUBLE[e.errno])
        else:  # the system's own words, in English: in Chinese its code (EIO)
            code = errno.errorcode.get(e.errno or 0, str(e.errno))
            why = message("os_error", lang, why=e.strerror or str(e), code=code)
            what_to_do = message("disk_other_do", lang)
        if e.errno in (errno.EACCES, errno.EPERM):
            what_to_do += message("disk_renames", lang, parent=folder.parent)
        name = Path(e.filename).name if isinstance(e.filename, str) else ""
        at = message("writing_file", lang, name=name) if name and not name.startswith(".") else ""  # not our temp
        said = message("cli_could_not_write", lang, what=message(what, lang), folder=folder, why=why, at=at)
        click.echo(said, err=True)
        written = _written(ctx, lang) if ctx else ""
        done = message("only_written", lang, written=written) if written else message("nothing_written", lang)
        click.echo(message("cli_unchanged", lang, done=done, folder=folder, what_to_do=what_to_do), err=True)
        raise click.exceptions.Exit(EXIT_DISK) from None
    _wrote(ctx, folder, what)


def _writable(out: Path) -> None:
    """Exit 5 before any work if the output cannot be created: its nearest existing folder is not writable."""
    at = out.absolute().parent
    while not at.exists() and at != at.parent:
        at = at.parent
    if not os.access(at, os.W_OK | os.X_OK):
        lang = _spoken()
        click.echo(message("cli_cannot_write_to", lang, folder=at), err=True)
        click.echo(message("cli_choose_writable", lang, out=out), err=True)
        raise click.exceptions.Exit(EXIT_DISK)


def _recovered(out: Path) -> None:
    """Put back a plan an interrupted run left aside (see `allocate.files.recover`), and say so."""
    if recover(out):
        click.echo(message("cli_restored", _spoken(), out=out), err=True)


@click.group(cls=_Commands, help_key="help_cli", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="allocate", message="%(prog)s %(version)s", cls=Option, help_key="help_opt_version")
def cli() -> None:
    """The `allocate` command; its help is the catalog's `help_cli`."""


_case_arg = click.argument("case", type=PathType(exists=True, path_type=Path))
_lang_opt = option("--lang", type=ChoiceType(["en", "zh"]), default="en", show_default=True, help_key="help_opt_lang")


def _language(lang: Lang | None, case: Path | None = None) -> Lang:
    """`--lang` if given, else the language the case is written in (`allocate.io.case_language`), else English;
    kept for the messages of errors the command ends with."""
    from allocate.io import case_language

    chosen = lang if lang is not None else case_language(case) if case is not None else "en"
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.find_root().meta[LANG] = chosen
    return chosen


@cli.command(help_key="help_validate")
@_case_arg
@option("--policy", type=PathType(exists=True, dir_okay=False, path_type=Path), help_key="help_validate_policy")
@option("--json", "as_json", is_flag=True, help_key="help_validate_json")
@CASE_LANG_OPTION
def validate(case: Path, policy: Path | None, as_json: bool, lang: Lang | None) -> None:
    """`allocate validate`: check a case and summarise it, or list its problems (exit 1)."""
    from allocate.io import read_case_with_warnings
    from allocate.schema import overview

    lang = _language(lang, case)
    try:
        c, found = read_case_with_warnings(case, policy=policy)
    except InputError as e:
        if not as_json:
            _invalid(e.problems, e.warnings, lang)
        _echo_json({"ok": False, "errors": _dump(e.problems), **_dump_split(e.warnings)})
        raise click.exceptions.Exit(EXIT_INPUT) from None
    o = overview(c)
    if as_json:
        _echo_json({"ok": True, "errors": [], **_dump_split(found), "overview": o.model_dump()})
        return
    click.echo(message("cli_ok_case", lang, case=case))
    click.echo(o.text(lang))
    _list_warnings(found, err=False, lang=lang)


def _dump(problems: Sequence[Problem]) -> list[dict[str, Any]]:
    return [p.model_dump() for p in problems]


def _dump_split(found: Sequence[Problem]) -> dict[str, list[dict[str, Any]]]:
    return {what: _dump(listed) for what, listed in _warnings_and_notes(found).items()}


def _echo_json(data: dict[str, Any]) -> None:
    click.echo(printable_json(json.dumps(data, ensure_ascii=False, indent=2, default=str)))


@cli.command(help_key="help_template")
@click.argument("folder", type=PathType(path_type=Path))
@_lang_opt
@option("--xlsx", is_flag=True, help_key="help_template_xlsx")
def template(folder: Path, lang: Literal["en", "zh"], xlsx: bool) -> None:
    """`allocate template`: empty tables and the default policy.toml, in FOLDER or as one workbook."""
    from allocate.io import write_template
    from allocate.io.template import WORKBOOK

    _language(lang)
    _recovered(folder)
    _writable(folder)
    with _writing(folder, "what_template"):
        write_template(folder, lang=lang, xlsx=xlsx)
    case = folder / WORKBOOK if xlsx else folder
    key = "cli_wrote_workbook" if xlsx else "cli_wrote_template"
    click.echo(message(key, lang, case=case, folder=folder))


@cli.command(help_key="help_generate")
@option("--households", type=IntRangeType(min=1), required=True, help_key="help_generate_households")
@option("--seed", type=IntType(), default=0, show_default=True, help_key="help_generate_seed")
@option("--districts", type=IntRangeType(min=1), metavar="N", help_key="help_generate_districts")
@_lang_opt
@click.argument("folder", type=PathType(path_type=Path))
def generate(households: int, seed: int, districts: int | None, lang: Literal["en", "zh"], folder: Path) -> None:
    """`allocate generate`: a synthetic case to FOLDER; with --districts, a city of that many districts."""
    from allocate.generate import generate as make
    from allocate.io import write_case

    _language(lang)
    if districts is not None and districts > households:
        words = {"districts": str(districts), "households": str(households)}
        raise SaidValue(("cli_districts_households", words), param_hint="'--districts'")
    _recovered(folder)
    _writable(folder)
    case = make(households, seed, districts=districts)
    with _writing(folder, "what_case"):
        write_case(case, folder, lang=lang)
    if districts is None:
        click.echo(message("cli_wrote_generated", lang, n=households, seed=seed, folder=folder))
    else:
        said = message("cli_wrote_generated_city", lang, n=households, districts=districts, seed=seed, folder=folder)
        click.echo(said)


@cli.command(help_key="help_simulate")
@option("--households", type=IntRangeType(min=1), required=True, help_key="help_simulate_households")
@option("--rounds", type=IntRangeType(min=2), default=8, show_default=True, help_key="help_simulate_rounds")
@option("--seed", type=IntType(), default=0, show_default=True, help_key="help_simulate_seed")
@option("--force", is_flag=True, help_key="help_simulate_force")
@_lang_opt
@click.argument("out", type=PathType(path_type=Path))
def simulate(households: int, rounds: int, seed: int, force: bool, lang: Literal["en", "zh"], out: Path) -> None:
    """`allocate simulate`: fairness over rounds against each round alone on a generated community, into OUT."""
    from allocate.simulate import simulate as run_rounds
    from allocate.simulate import simulation_table, write_simulation

    _language(lang)
    _recovered(out)
    _writable(out)
    sim = run_rounds(households, rounds, seed)
    with _writing(out, "what_simulation"):
        write_simulation(sim, out, lang=lang, overwrite=force)
    click.echo(simulation_table(sim, lang))
    click.echo(message("sim_wrote", lang, folder=out))


_policy_opt = option("--policy", type=PathType(exists=True, dir_okay=False, path_type=Path), help_key="help_opt_policy")


_date_opt = option("--date", "plan_date", type=DateType(), help_key="help_opt_date")


@cli.command(help_key="help_solve")
@_case_arg
@option("-o", "--out", type=PathType(path_type=Path), required=True, help_key="help_solve_out")
@_policy_opt
@BACKEND_OPTION
@TIME_LIMIT_OPTION
@_date_opt
@CASE_LANG_OPTION
@option(
    "--marginal-limit", type=IntRangeType(min=0), default=3, show_default=True, help_key="help_solve_marginal_limit"
)
@option("--force", is_flag=True, help_key="help_solve_force")
def solve(
    case: Path,
    out: Path,
    policy: Path | None,
    backend: str,
    time_limit: float | None,
    plan_date: dt.date | None,
    lang: Lang | None,
    marginal_limit: int,
    force: bool,
) -> None:
    """`allocate solve`: solve, verify and write the plan and its report."""
    lang = _language(lang, case)
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
    click.echo(message("cli_plan_written", lang, out=out, report=report))


def _solve_to(
    case: Path,
    out: Path,
    *,
    policy: Path | None = None,
    backend: str = "auto",
    time_limit: float | None = None,
    plan_date: dt.date | None = None,
    lang: Literal["en", "zh"] = "en",
    marginal_limit: int = 3,
    force: bool = False,
) -> Path:
    """Read the case, `run` it (solve, verify, explain) with progress shown, write the result; returns the
    report's path. The output is checked before any work, and a plan that fails verification is never written."""
    from allocate.io import case_files, read_case
    from allocate.run import run

    inputs = [Path(f) for f in case_files(case)] + ([policy] if policy else [])
    _check_output(out, [case, *inputs], force, lang=lang)
    _backend_ready(backend, lang)
    steps = _Steps(lang=lang)
    with steps("reading") as step:
        c = read_case(case, policy=policy)
        step.found = _counts(c, lang)
    new_policy = c.policy.model_copy(update={"plan_date": plan_date}) if plan_date else None
    result = run(
        c,
        new_policy,
        backend=backend,
        time_limit=time_limit,
        marginal_limit=marginal_limit,
        progress=lambda step: steps(
            step, message("step_for", lang, what=_counts(c, lang)) if step == "solving" else ""
        ),
    )
    timings = {"reading": steps.timings["reading"], **result.summary["timings"]}
    result = replace(result, summary={**result.summary, "timings": timings})
    with steps("writing", message("step_to", lang, out=out)), _writing(out, "what_plan"):
        result.write(out, lang=lang, overwrite=force, inputs=inputs)
    return out / "report.html"


def _counts(case: Case, lang: Lang = "en") -> str:
    """What a case holds, as progress says it: `274 households, 841 needs, 14 lots, 15 volunteers, 11 services`."""
    parts = [("households", len(case.households)), ("needs", len(case.needs)), ("lots", len(case.lots))]
    if case.volunteers is not None:
        parts.append(("volunteers", len(case.volunteers)))
    if case.services:
        parts.append(("services", len(case.services)))
    return message("comma", lang).join(count(noun, n, lang) for noun, n in parts)


def _check_output(
    out: Path, inputs: list[Path], force: bool, replaceable: Collection[str] | None = None, lang: Lang = "en"
) -> None:
    """Before any work: refuse an output that is, holds or lies inside an input; one that is not empty without
    --force, or with it holds anything but `replaceable` files (default: plan files); and one that cannot be
    written (exit 5)."""
    from allocate.plan import PLAN_FILES

    o = out.resolve()
    for p in inputs:
        r = p.resolve()
        if o == r or o.is_relative_to(r) or r.is_relative_to(o):
            raise click.UsageError(message("cli_overlap", lang, out=out, input=p))
    _recovered(out)
    if out.exists() and not out.is_dir():
        raise click.UsageError(message("cli_out_is_file", lang, out=out))
    if out.exists() and any(out.iterdir()) and not force:
        raise click.UsageError(message("cli_out_not_empty", lang, out=out))
    ours = PLAN_FILES if replaceable is None else replaceable
    _replaceable(out, ours, "cli_out_foreign", lang)  # --force replaces only what allocate wrote there
    _writable(out)


def _replaceable(out: Path, replaceable: Collection[str], key: str, lang: Lang) -> None:
    """`allocate.files.check_target` with overwriting: a usage error in `lang` (the message `key`, naming the
    files) when `out` holds anything but `replaceable` files."""
    try:
        check_target(out, overwrite=True, replaceable=replaceable)
    except OutputExistsError:
        if not out.is_dir():
            raise click.UsageError(message("cli_out_is_file", lang, out=out)) from None
        names = sorted(os.listdir(out))
        foreign = [n for n in names if n not in SYSTEM_FILES and (n not in replaceable or not (out / n).is_file())]
        listed = message("enum_comma", lang).join(foreign[:3])
        if len(foreign) > 3:
            listed += message("and_n_more", lang, n=len(foreign) - 3)
        raise click.UsageError(message(key, lang, out=out, names=listed)) from None


def _backend_ready(name: str, lang: Lang) -> None:
    """A usage error in `lang` before any work when the backend `name` (or, for auto, every one) is not installed."""
    from allocate.backends import BACKENDS, get_backend

    try:
        get_backend(name)
    except BackendUnavailable:
        if name not in BACKENDS:
            raise click.UsageError(message("cli_no_backend", lang)) from None
        said = message("cli_backend_missing", lang, name=repr(name), install=BACKENDS[name].install)
        raise click.UsageError(said) from None


class _Step:
    """One step under way; what it found (`274 households, ...`) goes on the line that ends it."""

    found = ""


class _Steps:
    """Progress on stderr and the time each step took.

    On a terminal a spinner shows the step, its counts and the time it has taken so far, and a line stays when
    it ends; otherwise a plain line when a step starts and one when it ends, with its time (for logs).
    """

    def __init__(self, console: Console | None = None, lang: Lang = "en") -> None:
        from rich.console import Console

        self.console = console or Console(stderr=True)
        self.lang = lang
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, key: str, detail: str = "") -> Iterator[_Step]:
        """Show the step `key` (reading, solving, verifying, explaining, writing; in words of the catalog) and
        `detail`, what it works on, while it runs; then its time and what it found. Timings are kept by `key`."""
        what = message(f"step_{key}", self.lang)
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.meta[_STEP] = what
        step = _Step()
        joined = f"{what}{detail}" if self.lang == "zh" and detail.startswith(("：", "→")) else f"{what} {detail}"
        label = printable(joined if detail else what)
        start = time.perf_counter()
        if self.console.is_terminal:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            columns = (SpinnerColumn(), TextColumn("{task.description}…"), TimeElapsedColumn())
            with Progress(*columns, console=self.console, transient=True) as shown:
                shown.add_task(label, total=None)
                yield step
        else:
            click.echo(f"{label}…", err=True)
            yield step
        took = time.perf_counter() - start
        self.timings[key] = round(took, 3)
        found = message("step_found", self.lang, found=step.found) if step.found else ""
        done = printable(message("step_done", self.lang, what=what, found=found, took=_seconds(took, self.lang)))
        if self.console.is_terminal:
            self.console.out(done, highlight=False)
        else:
            click.echo(done, err=True)


def _seconds(took: float, lang: Lang = "en") -> str:
    """A step's time as progress says it: `0.21 s`, `12.4 s`, `3 min 5 s` (in Chinese `3 分 5 秒`)."""
    if took < 60:
        return message("secs", lang, x=f"{took:.2f}" if took < 10 else f"{took:.1f}")
    minutes, seconds = divmod(round(took), 60)
    return message("mins", lang, m=minutes, s=seconds)


def _case_and_plan(case: Path, out: Path, policy: Path | None, plan_date: dt.date | None) -> tuple[Case, Plan]:
    """The case and the plan in `out`, on the plan's date: --date, else the one summary.json records (as solve
    wrote it), else the policy's."""
    from allocate.io import read_case, read_plan, recorded_plan_date

    _recovered(out)
    if not out.is_dir():
        raise SaidValue(("cli_no_folder", {"folder": repr(str(out))}), param_hint="'OUT'")
    c = read_case(case, policy=policy)
    day = plan_date or recorded_plan_date(out)
    if day is not None and c.policy.plan_date != day:
        c = c.replace(policy=c.policy.model_copy(update={"plan_date": day}))
    plan = read_plan(c, out, plan_date=day)
    return plan.case, plan  # with the earlier rounds the plan was made with, if it keeps them


@cli.command(name="verify", help_key="help_verify")
@_case_arg
@click.argument("out", type=PathType(file_okay=False, path_type=Path))
@_policy_opt
@_date_opt
@CASE_LANG_OPTION
def verify_command(case: Path, out: Path, policy: Path | None, plan_date: dt.date | None, lang: Lang | None) -> None:
    """`allocate verify`: check the plan in OUT against CASE; exit 4 with every violation."""
    from allocate.verify import verify

    lang = _language(lang, case)
    c, plan = _case_and_plan(case, out, policy, plan_date)
    check = verify(c, plan)
    if not check.ok:
        problems = [_Violation(message=v.text(lang)) for v in check.violations]
        _list_problems(problems, "violations", lang=lang)
        click.echo(message("cli_plan_fails", lang, n=len(check.violations)), err=True)
        raise click.exceptions.Exit(EXIT_INTERNAL)
    click.echo(message("cli_plan_holds", lang, out=out, case=case))
    click.echo(message("cli_no_violations", lang))


@cli.command(name="explain", help_key="help_explain")
@_case_arg
@click.argument("out", type=PathType(file_okay=False, path_type=Path))
@option("--household", required=True, help_key="help_explain_household")
@_policy_opt
@_date_opt
@CASE_LANG_OPTION
def explain_command(
    case: Path, out: Path, household: str, policy: Path | None, plan_date: dt.date | None, lang: Lang | None
) -> None:
    """`allocate explain`: one household's asks, what it got from which lots, and why."""
    from allocate.explain import explain, explain_household

    lang = _language(lang, case)
    c, plan = _case_and_plan(case, out, policy, plan_date)
    if household not in c.household_index:
        raise click.UsageError(message("cli_no_household", lang, id=repr(household), case=case))
    click.echo(printable(explain_household(plan, explain(plan, marginal=False), household, lang=lang), keep="\n"))


@cli.command(help_key="help_demo")
@click.argument("out", type=PathType(path_type=Path), default=Path("allocate-demo"))
@_lang_opt
@option("--force", is_flag=True, help_key="help_demo_force")
def demo(out: Path, lang: Literal["en", "zh"], force: bool) -> None:
    """`allocate demo`: copy the bundled case to OUT/case and solve it into OUT/plan, replacing only an earlier
    demo (its help, in the catalog's `help_demo`, says when)."""
    from allocate import demo as bundled

    _language(lang)
    source = bundled.path()
    files = sorted(f.name for f in source.iterdir() if f.is_file() and f.suffix in (".csv", ".toml"))
    case_dir, plan_dir = out / "case", out / "plan"
    for folder in (out, case_dir, plan_dir):
        _recovered(folder)
    if out.exists() and not out.is_dir():
        raise click.UsageError(message("cli_out_is_file", lang, out=out))
    if out.is_dir() and any(out.iterdir()):
        _earlier_demo(out, source, files, force, lang)
    earlier = case_dir.is_dir() or plan_dir.is_dir()
    _writable(case_dir)
    with _writing(case_dir, "what_demo_case"), atomic_folder(case_dir, overwrite=True, replaceable=files) as tmp:
        for name in files:
            (tmp / name).write_bytes((source / name).read_bytes())
    if earlier:
        click.echo(message("cli_demo_replaced", lang, out=out))
    click.echo(message("cli_demo_case", lang, case=case_dir))
    report = _solve_to(case_dir, plan_dir, lang=lang, force=True)
    click.echo(message("cli_demo_plan", lang, plan=plan_dir, report=report))
    click.echo(message("cli_demo_explain", lang, case=case_dir, plan=plan_dir))


def _earlier_demo(out: Path, source: Path, files: list[str], force: bool, lang: Lang) -> None:
    """Refuse (exit 2) unless `out` holds only an earlier demo: `case` with the demo's files, unedited unless
    `force`, and `plan` with a plan's files. What the demo did not write is never replaced."""
    from allocate.plan import PLAN_FILES

    foreign = sorted(n for n in os.listdir(out) if n not in ("case", "plan", *SYSTEM_FILES))
    if foreign:
        names = message("enum_comma", lang).join(foreign[:3])
        raise click.UsageError(message("cli_demo_foreign", lang, out=out, names=names))
    _replaceable(out / "case", files, "cli_out_foreign", lang)
    _replaceable(out / "plan", PLAN_FILES, "cli_out_foreign", lang)
    edited = [
        n
        for n in files
        if (out / "case" / n).is_file() and (out / "case" / n).read_bytes() != (source / n).read_bytes()
    ]
    if edited and not force:
        names = message("enum_comma", lang).join(edited[:3])
        raise click.UsageError(message("cli_demo_edited", lang, case=out / "case", names=names))


@cli.command(name="sheets", help_key="help_sheets")
@_case_arg
@click.argument("plan_dir", metavar="PLAN", type=PathType(file_okay=False, path_type=Path))
@option("-o", "--out", type=PathType(path_type=Path), required=True, help_key="help_sheets_out")
@option("--with", "contact_columns", multiple=True, metavar="COLUMNS", help_key="help_sheets_with")
@_policy_opt
@_date_opt
@CASE_LANG_OPTION
@option("--force", is_flag=True, help_key="help_sheets_force")
def sheets_command(
    case: Path,
    plan_dir: Path,
    out: Path,
    contact_columns: tuple[str, ...],
    policy: Path | None,
    plan_date: dt.date | None,
    lang: Lang | None,
    force: bool,
) -> None:
    """`allocate sheets`: the volunteer pages and pick lists for the plan in PLAN, verified first, to OUT (what
    they hold: the catalog's `help_sheets`)."""
    from allocate.io import case_files
    from allocate.io.contacts import contact_names, read_contacts
    from allocate.sheets.write import PICK_LISTS_HTML, SHEET_FILES, VOLUNTEERS_HTML, BrokenPlanError, write_sheets

    lang = _language(lang, case)
    names = contact_names(contact_columns)
    if contact_columns and not names:
        raise SaidValue(("cli_with_nothing", {}), param_hint="'--with'")
    _recovered(plan_dir)
    if not plan_dir.is_dir():
        raise SaidValue(("cli_no_folder", {"folder": repr(str(plan_dir))}), param_hint="'PLAN'")
    inputs = [Path(f) for f in case_files(case)] + ([policy] if policy else [])
    _check_output(out, [case, *inputs, plan_dir], force, replaceable=SHEET_FILES, lang=lang)
    c, plan = _case_and_plan(case, plan_dir, policy, plan_date)
    contacts = read_contacts(case, names) if names else None
    try:
        with _writing(out, "what_sheets"):
            write_sheets(out, plan, contacts=contacts, lang=lang, overwrite=force)
    except BrokenPlanError as e:
        _list_problems([_Violation(message=v.text(lang)) for v in e.violations], "violations", lang=lang)
        click.echo(message("cli_sheets_broken", lang, plan=plan_dir, case=case, n=len(e.violations)), err=True)
        raise click.exceptions.Exit(EXIT_INTERNAL) from None
    volunteers = len(set(plan.visits.column("volunteer_id")))
    needs = dict(zip(c.needs.column("need_id"), c.needs.column("household_id"), strict=True))
    grid_of = c.households.column("grid")
    grids = {grid_of[c.household_index[needs[n]]] for n in set(plan.allocations.column("need_id"))}
    pages = message("enum_comma", lang).join(str(out / name) for name in (VOLUNTEERS_HTML, PICK_LISTS_HTML))
    done = message("sheets_written", lang, folder=out, volunteers=volunteers, grids=len(grids), pages=pages)
    click.echo(printable(done))


@cli.command(name="notice", help_key="help_notice")
@_case_arg
@click.argument("plan_dir", metavar="PLAN", type=PathType(file_okay=False, path_type=Path))
@option("-o", "--out", type=PathType(path_type=Path), required=True, help_key="help_notice_out")
@_policy_opt
@_date_opt
@CASE_LANG_OPTION
@option("--force", is_flag=True, help_key="help_notice_force")
def notice_command(
    case: Path,
    plan_dir: Path,
    out: Path,
    policy: Path | None,
    plan_date: dt.date | None,
    lang: Lang | None,
    force: bool,
) -> None:
    """`allocate notice`: the donor statements and the grid notices for the plan in PLAN, verified first, to OUT
    (what they hold: the catalog's `help_notice`)."""
    from allocate.io import case_files
    from allocate.notice.write import DONORS_HTML, NOTICE_FILES, NOTICE_HTML, write_notice
    from allocate.sheets.write import BrokenPlanError

    lang = _language(lang, case)
    _recovered(plan_dir)
    if not plan_dir.is_dir():
        raise SaidValue(("cli_no_folder", {"folder": repr(str(plan_dir))}), param_hint="'PLAN'")
    inputs = [Path(f) for f in case_files(case)] + ([policy] if policy else [])
    _check_output(out, [case, *inputs, plan_dir], force, replaceable=NOTICE_FILES, lang=lang)
    c, plan = _case_and_plan(case, plan_dir, policy, plan_date)
    try:
        with _writing(out, "what_notice"):
            write_notice(out, plan, lang=lang, overwrite=force)
    except BrokenPlanError as e:
        _list_problems([_Violation(message=v.text(lang)) for v in e.violations], "violations", lang=lang)
        click.echo(message("cli_notice_broken", lang, plan=plan_dir, case=case, n=len(e.violations)), err=True)
        raise click.exceptions.Exit(EXIT_INTERNAL) from None
    donors = len({(lot.donor or "").strip() or f"\0{lot.lot_id}" for lot in c.lots})
    grid_of = c.households.column("grid")
    grids = len({grid_of[c.household_index[h]] for h in set(c.needs.column("household_id"))})
    pages = message("enum_comma", lang).join(str(out / name) for name in (DONORS_HTML, NOTICE_HTML))
    click.echo(printable(message("notice_written", lang, folder=out, donors=donors, grids=grids, pages=pages)))


cli.add_command(round_group)
cli.add_command(city)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `allocate` console script.

    Run as the script (no `argv`: the process ends with the command), the cyclic garbage collector stays off for
    the whole command: its objects hold no cycles (`allocate.gc_pause`), and each step that switched it back on
    cost a full pass over millions of records (L: about 1 s of 14). `allocate city` turns it back on (Dask)."""
    if argv is None:
        gc.disable()
    cli.main(args=argv, prog_name="allocate")
