"""`allocate city CASE -o OUT`: solve a city case by districts on Dask and write the merged plan.

Registered in `allocate.cli` by one line: `cli.add_command(city)` (with `from allocate.city.command import city`).
Writes `allocation.csv` and `visits.csv` (as `Plan.write`) and `city.json` (the districts, each one's status, time
and worker memory, the master step's shares and the verification), all at once.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import click

from allocate.city.solve import CityResult, solve_city
from allocate.errors import AllocateError
from allocate.files import atomic_folder
from allocate.io import read_case
from allocate.plan import PLAN_FILES

CITY_FILE = "city.json"


@click.command("city")
@click.argument("case_dir", metavar="CASE", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), required=True, help="Folder for the plan.")
@click.option("--scheduler", default=None, help="A Dask scheduler's address; default: a LocalCluster started here.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="LocalCluster workers.")
@click.option(
    "--districts",
    "districts_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of grid,district; default: a grid's district is its name up to the first '/'.",
)
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), help="Seconds per district's search.")
@click.option("--force", is_flag=True, help="Replace an existing plan folder.")
def city(
    case_dir: Path,
    out: Path,
    scheduler: str | None,
    workers: int,
    districts_file: Path | None,
    time_limit: float | None,
    force: bool,
) -> None:
    """Solve CASE district by district on Dask and write the merged, verified plan to OUT."""
    try:
        case = read_case(case_dir)
        districts = _read_districts(districts_file) if districts_file else None
        result = solve_city(case, districts=districts, scheduler=scheduler, workers=workers, time_limit=time_limit)
        with atomic_folder(out, overwrite=force, replaceable=PLAN_FILES | {CITY_FILE}) as tmp:
            result.plan.write_tables(tmp)
            (tmp / CITY_FILE).write_text(json.dumps(city_summary(result), indent=2, ensure_ascii=False) + "\n")
    except AllocateError as e:
        raise click.ClickException(str(e)) from e
    click.echo(result.run.summary(), err=True)
    click.echo(f"{result.verification}\nwrote {out}", err=True)


def _read_districts(path: Path) -> dict[str, str]:
    """grid -> district from a CSV with columns grid and district (header required)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or not {"grid", "district"} <= set(rows[0]):
        raise click.BadParameter(f"{path} must have the columns grid and district", param_hint="--districts")
    return {r["grid"].strip(): r["district"].strip() for r in rows}


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
