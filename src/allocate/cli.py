"""The `allocate` command: thin wrappers over the library that turn exceptions into exit codes.

Exit codes (SPEC section 5): 0 done, 1 invalid input, 2 usage, 3 infeasible or no plan in time, 4 internal error.
Results go to files; what is printed is messages only (and `--json` data where asked for).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import click

from allocate.errors import AllocateError, InputError, Problem

MAX_LISTED = 50
"""Problems printed before the rest are only counted, so a broken file does not flood the terminal."""

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_NO_PLAN, EXIT_INTERNAL = 0, 1, 2, 3, 4


def _list_problems(problems: Sequence[Problem], what: str, err: bool = True) -> None:
    for p in problems[:MAX_LISTED]:
        click.echo(str(p), err=err)
    if len(problems) > MAX_LISTED:
        click.echo(f"... and {len(problems) - MAX_LISTED} more; {len(problems)} {what} in all", err=err)


class _Commands(click.Group):
    """Maps the library's exceptions to SPEC exit codes, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as e:
            _list_problems(e.problems, "problems")
            n = len(e.problems)
            click.echo(f"invalid input: {n} problem{'s' if n != 1 else ''}", err=True)
            raise click.exceptions.Exit(EXIT_INPUT) from None
        except AllocateError as e:
            click.echo(f"error: {e}", err=True)
            raise click.exceptions.Exit(EXIT_INTERNAL) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as e:  # the promise is: no traceback, a message and exit 4
            click.echo(f"internal error: {type(e).__name__}: {e}", err=True)
            click.echo("please report this with the command you ran", err=True)
            raise click.exceptions.Exit(EXIT_INTERNAL) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="allocate")
def cli() -> None:
    """Fair, verifiable allocation of donated supplies and volunteer time to household needs."""


_case_arg = click.argument("case", type=click.Path(exists=True, path_type=Path))
_lang_opt = click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)


@cli.command()
@_case_arg
@click.option("--policy", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="policy.toml to use.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON for apps.")
def validate(case: Path, policy: Path | None, as_json: bool) -> None:
    """Check a case (CSV folder or .xlsx workbook) and summarise it; exit 1 if invalid."""
    from allocate.io import read_case_with_warnings
    from allocate.schema import overview

    try:
        c, warnings = read_case_with_warnings(case, policy=policy)
    except InputError as e:
        if not as_json:
            raise
        _echo_json({"ok": False, "errors": [p.model_dump() for p in e.problems], "warnings": []})
        raise click.exceptions.Exit(EXIT_INPUT) from None
    o = overview(c)
    if as_json:
        _echo_json({"ok": True, "errors": [], "warnings": [p.model_dump() for p in warnings], **o.model_dump()})
        return
    click.echo(f"ok: {case}")
    click.echo(str(o))
    if warnings:
        click.echo(f"warnings ({len(warnings)}):")
        _list_problems(warnings, "warnings", err=False)


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


@cli.command()
@click.argument("out", type=click.Path(path_type=Path), default=Path("allocate-demo"))
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
def demo(out: Path, force: bool) -> None:
    """Copy the bundled example community to OUT/case and check it."""
    from allocate import demo as bundled
    from allocate.io import read_case
    from allocate.schema import overview

    if out.exists() and any(out.iterdir()) and not force:
        raise click.UsageError(f"{out} exists and is not empty; choose another folder or pass --force")
    case_dir = out / "case"
    if case_dir.exists():
        shutil.rmtree(case_dir)
    shutil.copytree(bundled.path(), case_dir, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    c = read_case(case_dir)
    click.echo(f"demo case written to {case_dir}")
    click.echo(str(overview(c)))


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `allocate` console script."""
    cli.main(args=argv, prog_name="allocate")
