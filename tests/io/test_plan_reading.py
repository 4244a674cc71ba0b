"""Reading a plan back from its files: what `allocate verify` and `explain` stand on."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from allocate import Case, Household, InputError, Lot, Need, Plan, Volunteer
from allocate.io import read_plan
from allocate.plan import Allocation, Visit

DAY = dt.date(2026, 12, 1)


@pytest.fixture
def plan() -> Plan:
    case = Case(
        households=(Household(household_id="H1", grid="A"), Household(household_id="H2", grid="A")),
        needs=(Need(household_id="H1", item="rice", quantity=2), Need(household_id="H2", item="rice", quantity=3)),
        lots=(Lot(lot_id="L1", item="rice", quantity=4),),
        volunteers=(Volunteer(volunteer_id="V1", grids=("A",), hours=2),),
    )
    return Plan(
        case=case,
        allocations=(
            Allocation(need_id="H1/rice", lot_id="L1", quantity=2),
            Allocation(need_id="H2/rice", lot_id="L1", quantity=2),
        ),
        visits=(
            Visit(volunteer_id="V1", household_id="H1", kind="delivery", hours=0.25),
            Visit(volunteer_id="V1", household_id="H2", kind="delivery", hours=0.25),
        ),
        plan_date=DAY,
    )


def test_written_plan_reads_back_the_same(plan: Plan, tmp_path: Path) -> None:
    """A plan written by Plan.write reads back with the same allocations, visits and date."""
    plan.write(tmp_path / "p")
    got = read_plan(plan.case, tmp_path / "p", plan_date=DAY)
    assert got.allocations == plan.allocations
    assert got.visits == plan.visits
    assert got.plan_date == DAY


def test_plan_date_from_summary_json(plan: Plan, tmp_path: Path) -> None:
    """Without --date, the plan date recorded in summary.json is used."""
    plan.write(tmp_path / "p")
    (tmp_path / "p" / "summary.json").write_text(json.dumps({"plan_date": "2026-11-30"}), encoding="utf-8")
    assert read_plan(plan.case, tmp_path / "p").plan_date == dt.date(2026, 11, 30)


def test_bad_plan_cells_are_placed(plan: Plan, tmp_path: Path) -> None:
    """Every bad cell of allocation.csv and visits.csv is reported at file:line:column, all in one run."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "allocation.csv").write_text("need_id,lot_id,quantity\nH1/rice,L1,0\nH2/rice,,1\n", encoding="utf-8")
    (folder / "visits.csv").write_text(
        "volunteer_id,household_id,kind,service_id,hours\nV1,H1,walk,,0.25\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as e:
        read_plan(plan.case, folder, plan_date=DAY)
    where = [f"{p.file}:{p.line}:{p.column}" for p in e.value.problems]
    assert where == [
        f"{folder / 'allocation.csv'}:2:3",
        f"{folder / 'allocation.csv'}:3:2",
        f"{folder / 'visits.csv'}:2:3",
    ]


def test_missing_allocation_file(plan: Plan, tmp_path: Path) -> None:
    """A folder without allocation.csv is not a plan."""
    (tmp_path / "p").mkdir()
    with pytest.raises(InputError, match="missing"):
        read_plan(plan.case, tmp_path / "p", plan_date=DAY)


def test_chinese_headers_and_gb18030(plan: Plan, tmp_path: Path) -> None:
    """A hand-made plan with Chinese headers, saved as GB18030 by Excel, reads like an English one."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "allocation.csv").write_bytes("需求编号,批次,数量\r\nH1/rice,L1,2\r\n".encode("gb18030"))
    got = read_plan(plan.case, folder, plan_date=DAY)
    assert got.allocations == (Allocation(need_id="H1/rice", lot_id="L1", quantity=2),)
