"""Solving a city by districts on a real Dask cluster: the merged plan against the single-process plan."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from allocate import Case, solve
from allocate.city import solve_city
from allocate.city.command import city
from allocate.generate import generate
from allocate.io import write_case
from allocate.plan import Reason, Status


@pytest.fixture(scope="module")
def town() -> Case:
    """A generated city of 3 districts and 1,500 households, with city-wide lots."""
    return generate(1_500, 3, districts=3)


@pytest.fixture(scope="module")
def apart(town: Case) -> Case:
    """The same city without its city-wide lots: districts share no lot and no volunteer."""
    return town.replace(lots=tuple(lot for lot in town.lots if not lot.lot_id.startswith("CITY/")))


def test_independent_districts_give_the_single_process_allocation(apart: Case, scheduler: str, tmp_path: Path) -> None:
    """With nothing shared, the merged plan gives every need the very units of the single-process plan:
    allocation.csv is byte-identical, and the same households are delivered."""
    single = solve(apart)
    result = solve_city(apart, scheduler=scheduler)
    assert result.verification.ok
    single.write(tmp_path / "single")
    result.plan.write(tmp_path / "city")
    assert (tmp_path / "city/allocation.csv").read_bytes() == (tmp_path / "single/allocation.csv").read_bytes()
    assert Counter((v.household_id, v.kind, v.service_id) for v in result.plan.visits) == Counter(
        (v.household_id, v.kind, v.service_id) for v in single.visits
    )
    assert result.plan.tiers == single.tiers


def test_independent_districts_give_the_single_process_visits(apart: Case, scheduler: str) -> None:
    """With nothing shared, visits.csv too is the single-process plan's, volunteer by volunteer."""
    assert solve_city(apart, scheduler=scheduler).plan.visits == solve(apart).visits


def test_without_volunteers_the_whole_plan_is_identical(apart: Case, scheduler: str) -> None:
    """Without a volunteers table, the merged plan's rows are the single-process plan's, row for row."""
    case = apart.replace(volunteers=None, services=())
    single, result = solve(case), solve_city(case, scheduler=scheduler)
    assert result.plan.allocations == single.allocations
    assert result.plan.visits == single.visits == ()


def test_city_wide_lots_are_divided_and_verified(town: Case, scheduler: str) -> None:
    """With city-wide lots the merged plan is feasible against the whole city, inverts no priority, gives no lot
    more than it holds, says the master step decided (`heuristic`, step `city`), and no tier's worst fill is below
    the single-process plan's. (The loss in mean fill is measured in docs/city.md, not asserted.)"""
    result = solve_city(town, scheduler=scheduler)
    check = result.verification
    assert check.feasible
    assert not [v for v in check.violations if v.rule.value == "priority_inversion"]
    assert result.plan.status is Status.FEASIBLE
    assert result.plan.termination is not None
    assert result.plan.termination.reason is Reason.HEURISTIC
    assert "city" in result.plan.termination.steps
    quantity = {lot.lot_id: lot.quantity for lot in town.lots}
    for lot, split in result.run.division.shares.items():
        assert sum(u for _, u in split) <= quantity[lot]
    single = solve(town)
    for a, b in zip(single.tiers, result.plan.tiers, strict=True):
        assert (b.min_fill or 0.0) >= (a.min_fill or 0.0), a.tier


def test_default_local_cluster(scheduler: str) -> None:
    """Without a scheduler, solve_city starts its own LocalCluster of worker processes and closes it."""
    case = generate(200, 5, districts=2)
    result = solve_city(case, workers=1)
    assert result.verification.feasible
    assert len({p.worker for p in result.run.parts}) == 1


def test_command_writes_the_plan(apart: Case, scheduler: str, tmp_path: Path) -> None:
    """`allocate city CASE -o OUT --scheduler ADDRESS` writes allocation.csv, visits.csv and city.json."""
    write_case(apart, tmp_path / "case")
    got = CliRunner().invoke(city, [str(tmp_path / "case"), "-o", str(tmp_path / "plan"), "--scheduler", scheduler])
    assert got.exit_code == 0, got.output
    assert {p.name for p in (tmp_path / "plan").iterdir()} == {"allocation.csv", "visits.csv", "city.json"}
    summary = json.loads((tmp_path / "plan/city.json").read_text())
    assert [d["district"] for d in summary["districts"]] == ["D01", "D02", "D03"]
    assert summary["verified"] is True
