"""`allocate city CASE -o OUT`: solve a city case by districts on Dask and write the merged plan.

Registered in `allocate.cli`, whose group maps what it raises to exit codes (an invalid case exits 1, a disk
trouble 5) in the command's language: `--lang`, else the case's. Help and usage errors are said in that language by
`allocate.cli_usage`, what it prints by the catalog. Writes `allocation.csv` and `visits.csv` (as `Plan.write`) and
`city.json` (the districts, each one's status, time and worker memory, the master step's shares and the
verification), all at once. Dask and the solvers are imported only when the command runs.
"""

from __future__ import annotations

import csv
import gc
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from allocate.catalog import MESSAGES, Lang, message
from allocate.cli_usage import LANG, ChoiceType, Command, FloatRangeType, IntRangeType, PathType, SaidValue, option
from allocate.errors import OutputExistsError
from allocate.text import printable

if TYPE_CHECKING:
    from allocate.city.solve import CityResult, CityRun

CITY_FILE = "city.json"
_COLUMNS = {"grid": ("grid", "网格"), "district": ("district", "区")}
"""The columns of a --districts file, by either of their names."""


@click.command("city", cls=Command, help_key="help_city")
@click.argument("case", type=PathType(exists=True, path_type=Path))
@option("-o", "--out", type=PathType(path_type=Path), required=True, help_key="help_city_out")
@option("--scheduler", metavar="ADDRESS", default=None, help_key="help_city_scheduler")
@option("--workers", type=IntRangeType(min=1), default=2, show_default=True, help_key="help_city_workers")
@option(
    "--districts",
    "districts_file",
    type=PathType(exists=True, dir_okay=False, path_type=Path),
    help_key="help_city_districts",
)
@option("--time-limit", type=FloatRangeType(min=0, min_open=True), help_key="help_city_time_limit")
@option("--lang", type=ChoiceType(["en", "zh"]), default=None, help_key="help_city_lang")
@option("--force", is_flag=True, help_key="help_city_force")
def city(
    case: Path,
    out: Path,
    scheduler: str | None,
    workers: int,
    districts_file: Path | None,
    time_limit: float | None,
    lang: Lang | None,
    force: bool,
) -> None:
    """Solve CASE district by district on Dask and write the merged, verified plan to OUT (its help: the catalog's
    `help_city`)."""
    gc.enable()  # the script keeps the collector off (`allocate.cli.main`); Dask's event loop makes reference cycles
    from allocate.city.solve import solve_city
    from allocate.files import atomic_folder
    from allocate.io import case_language, read_case
    from allocate.plan import PLAN_FILES

    said: Lang = lang or case_language(case)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.find_root().meta[LANG] = said
    replaceable = PLAN_FILES | {CITY_FILE}
    _check_out(out, force, replaceable, said)
    districts = _read_districts(districts_file, said) if districts_file else None
    c = read_case(case)
    result = solve_city(c, districts=districts, scheduler=scheduler, workers=workers, time_limit=time_limit)
    try:
        with atomic_folder(out, overwrite=force, replaceable=replaceable) as tmp:
            result.plan.write_tables(tmp)
            (tmp / CITY_FILE).write_text(json.dumps(city_summary(result), indent=2, ensure_ascii=False) + "\n")
    except OutputExistsError:  # something came into OUT while the city was solved
        _check_out(out, force, replaceable, said)
        raise
    click.echo(printable(_run_summary(result.run, said), keep="\n"), err=True)
    if result.verification.ok:
        click.echo(message("cli_no_violations", said), err=True)
    else:
        for v in result.verification.violations:
            click.echo(printable(v.text(said)), err=True)
        key = "city_findings" if result.verification.feasible else "cli_plan_fails"
        click.echo(message(key, said, n=len(result.verification.violations)), err=True)
    click.echo(message("city_written", said, out=out), err=True)


def _check_out(out: Path, force: bool, replaceable: frozenset[str] | set[str], lang: Lang) -> None:
    """A usage error in `lang` before any work when OUT is a file, is not empty (without --force), or holds files
    the command did not write (with it)."""
    from allocate.files import SYSTEM_FILES

    if out.exists() and not out.is_dir():
        raise click.UsageError(message("cli_out_is_file", lang, out=out))
    names = sorted(os.listdir(out)) if out.is_dir() else []
    if names and not force:
        raise click.UsageError(message("cli_out_not_empty", lang, out=out))
    foreign = [n for n in names if n not in SYSTEM_FILES and (n not in replaceable or not (out / n).is_file())]
    if foreign:
        listed = message("enum_comma", lang).join(foreign[:3])
        if len(foreign) > 3:
            listed += message("and_n_more", lang, n=len(foreign) - 3)
        raise click.UsageError(message("cli_out_foreign", lang, out=out, names=listed))


def _read_districts(path: Path, lang: Lang = "en") -> dict[str, str]:
    """grid -> district from a CSV with the columns grid and district (or 网格 and 区; header required)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    header = {name.strip(): name for name in rows[0]} if rows else {}
    found = {key: next((header[n] for n in names if n in header), None) for key, names in _COLUMNS.items()}
    grid, district = found["grid"], found["district"]
    if grid is None or district is None:
        raise SaidValue(("city_districts_columns", {"path": str(path)}), param_hint="'--districts'")
    return {r[grid].strip(): r[district].strip() for r in rows}


def _run_summary(run: CityRun, lang: Lang) -> str:
    """`CityRun.summary` in `lang`: one line per district, then where the time went."""
    households = sum(p.households for p in run.parts)
    lines = [message("city_summary", lang, districts=len(run.parts), households=households)]
    for p in run.parts:
        lines.append(
            message(
                "city_part",
                lang,
                district=p.district,
                households=p.households,
                status=_word("status_word", p.status, lang),
                seconds=f"{p.seconds.get('solve', 0):.1f}",
                verified=message("city_part_ok" if p.verified else "city_part_failed", lang),
                mib=f"{p.peak_rss / 2**20:.0f}",
            )
        )
    steps = [
        message("city_seconds", lang, step=_word("city_step", k, lang), seconds=f"{v:.1f}")
        for k, v in run.seconds.items()
    ]
    lines.append(message("comma", lang).join(steps))
    return "\n".join(lines)


def _word(kind: str, value: str, lang: Lang) -> str:
    """`value` (a status, a step) in `lang`'s words, or as it is where the catalog has none."""
    key = f"{kind}_{value}"
    return message(key, lang) if key in MESSAGES else value


def city_summary(result: CityResult) -> dict[str, Any]:
    """What `city.json` holds."""
    run, plan = result.run, result.plan
    return {
        "status": plan.status.value,
        "termination": None if plan.termination is None else plan.termination.model_dump(mode="json"),
        "plan_date": plan.plan_date.isoformat(),
        "verified": result.verification.ok,
        "violations": [str(v) for v in result.verification.violations[:20]],
        "tiers": [t.model_dump(mode="json") for t in result.verification.tiers],
        "seconds": dict(run.seconds),
        "moved_volunteers": dict(run.moved),
        "shares": {lot: {run.districts[p]: u for p, u in split} for lot, split in run.division.shares.items()},
        "districts": [
            {
                "district": p.district,
                "households": p.households,
                "status": p.status,
                "verified": p.verified,
                "seconds": p.seconds,
                "worker": p.worker,
                "worker_peak_rss_mib": round(p.peak_rss / 2**20, 1),
            }
            for p in run.parts
        ],
    }
